//! The app's one HTTP module: enrolment, counts up and lists down, against
//! the town server the app was loaded from. It moves bytes and maps
//! failures to reasons a clerk can read; it decides nothing.

use gloo_net::http::{Request, Response};
use jianzheng_core::api_error::{ErrorBody, ErrorCode};
use jianzheng_core::catalogue::ListsFile;
use jianzheng_core::i18n::{Lang, Msg};
use serde::Deserialize;

/// Why a call to the town server failed.
#[derive(Clone, Debug, PartialEq)]
pub enum TransportError {
    /// No answer: no network, or the server is down. Worth retrying.
    Unreachable(String),
    /// The server answered with one of its errors. Retrying will not help
    /// until someone acts (enrol, talk to the town).
    Rejected(ErrorCode, Option<String>),
    /// The server answered with something this app cannot read.
    Unexpected(String),
}

impl TransportError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            TransportError::Unreachable(_) => true,
            TransportError::Rejected(code, _) => {
                matches!(code, ErrorCode::Internal | ErrorCode::StorageUnavailable)
            }
            TransportError::Unexpected(_) => false,
        }
    }

    /// The reason, for the clerk, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            TransportError::Unreachable(_) => Msg::SyncUnreachable.text(lang).to_owned(),
            TransportError::Rejected(code, detail) => match detail {
                Some(detail) => format!("{} ({detail})", code.message(lang)),
                None => code.message(lang).to_owned(),
            },
            TransportError::Unexpected(what) => {
                format!("{} ({what})", ErrorCode::BadRequest.message(lang))
            }
        }
    }
}

/// What the server says an accepted upload changed.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Accepted {
    /// Cells that rose.
    pub raised: u64,
    /// Cells lower than the server knew (flagged there).
    pub went_down: u64,
    /// Periods after the server's month (flagged there).
    pub future_periods: u64,
}

const API: &str = "/api/v1";

async fn answer(sent: Result<Response, gloo_net::Error>) -> Result<Response, TransportError> {
    let response = sent.map_err(|e| TransportError::Unreachable(e.to_string()))?;
    if response.ok() {
        return Ok(response);
    }
    // A proxy or a dead server answers without our JSON error.
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(TransportError::Rejected(body.error.code, body.error.detail)),
        Err(_) if response.status() >= 500 => Err(TransportError::Unreachable(format!(
            "HTTP {}",
            response.status()
        ))),
        Err(_) => Err(TransportError::Unexpected(format!(
            "HTTP {}",
            response.status()
        ))),
    }
}

fn unexpected(err: impl std::fmt::Display) -> TransportError {
    TransportError::Unexpected(err.to_string())
}

/// Registers this tablet's public key with a one-time code.
pub async fn enrol(
    code: &str,
    public_key: &[u8; 32],
    incarnation: u32,
    village: &str,
    ledger: &str,
) -> Result<(), TransportError> {
    let key: String = public_key.iter().map(|b| format!("{b:02x}")).collect();
    let body = serde_json::json!({
        "code": code,
        "public_key": key,
        "incarnation": incarnation,
        "village": village,
        "ledger": ledger,
    });
    let request = Request::post(&format!("{API}/enrol"))
        .json(&body)
        .map_err(unexpected)?;
    answer(request.send().await).await.map(|_| ())
}

/// Sends a signed counts payload (the same bytes a report file holds).
pub async fn push_counts(bytes: &[u8]) -> Result<Accepted, TransportError> {
    let request = Request::post(&format!("{API}/counts"))
        .header("content-type", "application/octet-stream")
        .body(js_sys::Uint8Array::from(bytes))
        .map_err(unexpected)?;
    answer(request.send().await)
        .await?
        .json()
        .await
        .map_err(unexpected)
}

/// The newest published lists.
pub async fn fetch_lists() -> Result<ListsFile, TransportError> {
    let bytes = answer(Request::get(&format!("{API}/lists")).send().await)
        .await?
        .binary()
        .await
        .map_err(|e| TransportError::Unreachable(e.to_string()))?;
    ListsFile::from_json(&bytes).map_err(unexpected)
}
