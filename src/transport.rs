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

/// The town's endpoints; the session cookie goes along by itself.
pub mod town {
    use super::{answer, unexpected, TransportError, API};
    use gloo_net::http::Request;
    use jianzheng_core::rate::Dashboard;
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};

    async fn get<T: DeserializeOwned>(path: &str) -> Result<T, TransportError> {
        answer(Request::get(&format!("{API}/town/{path}")).send().await)
            .await?
            .json()
            .await
            .map_err(unexpected)
    }

    async fn send(
        method: &str,
        path: &str,
        body: &impl Serialize,
    ) -> Result<gloo_net::http::Response, TransportError> {
        let url = format!("{API}/town/{path}");
        let builder = match method {
            "PUT" => Request::put(&url),
            _ => Request::post(&url),
        };
        answer(builder.json(body).map_err(unexpected)?.send().await).await
    }

    /// Who is logged in.
    #[derive(Clone, Debug, Deserialize, PartialEq)]
    pub struct Me {
        /// Login name.
        pub name: String,
        /// The one-time password must be changed first.
        pub must_change: bool,
    }

    /// A tablet of a village.
    #[derive(Clone, Debug, Deserialize, PartialEq)]
    pub struct Device {
        /// Public key, hex.
        pub key: String,
        /// Which enrolment.
        pub incarnation: u32,
        /// Its label in the village.
        pub ledger: String,
        /// Enrolled (server time).
        pub enrolled_at: String,
        /// Last upload (server time).
        pub last_seen_at: Option<String>,
        /// Revoked by the town.
        pub revoked: bool,
        /// Another tablet continues its ledger.
        #[serde(default)]
        pub retired: bool,
        /// Silent too long.
        pub stale: bool,
    }

    /// A village and its tablets.
    #[derive(Clone, Debug, Deserialize, PartialEq)]
    pub struct Village {
        /// Code.
        pub code: String,
        /// Name.
        pub name: String,
        /// Tablets.
        pub devices: Vec<Device>,
    }

    /// A fresh enrolment code.
    #[derive(Clone, Debug, Deserialize, PartialEq)]
    pub struct NewCode {
        /// As typed.
        pub code: String,
        /// As shown (two groups of four).
        pub display: String,
        /// Days it stays valid.
        pub valid_days: u32,
    }

    /// How many unused codes a withdrawal stopped.
    #[derive(Clone, Debug, Deserialize, PartialEq)]
    pub struct Withdrawn {
        /// Codes withdrawn.
        pub withdrawn: u64,
    }

    /// The session's administrator.
    pub async fn me() -> Result<Me, TransportError> {
        get("me").await
    }

    /// Logs in; the server sets the session cookie.
    pub async fn login(name: &str, password: &str) -> Result<Me, TransportError> {
        send(
            "POST",
            "login",
            &serde_json::json!({ "name": name, "password": password }),
        )
        .await?
        .json()
        .await
        .map_err(unexpected)
    }

    /// Logs out.
    pub async fn logout() -> Result<(), TransportError> {
        send("POST", "logout", &serde_json::json!({}))
            .await
            .map(|_| ())
    }

    /// Changes the password.
    pub async fn change_password(current: &str, new: &str) -> Result<(), TransportError> {
        send(
            "POST",
            "password",
            &serde_json::json!({ "current": current, "new": new }),
        )
        .await
        .map(|_| ())
    }

    /// Villages and their tablets.
    pub async fn villages() -> Result<Vec<Village>, TransportError> {
        get("villages").await
    }

    /// Adds a village.
    pub async fn create_village(code: &str, name: &str) -> Result<(), TransportError> {
        send(
            "POST",
            "villages",
            &serde_json::json!({ "code": code, "name": name }),
        )
        .await
        .map(|_| ())
    }

    /// Renames a village.
    pub async fn rename_village(code: &str, name: &str) -> Result<(), TransportError> {
        send(
            "PUT",
            &format!("villages/{code}"),
            &serde_json::json!({ "name": name }),
        )
        .await
        .map(|_| ())
    }

    /// Days without a report before a tablet counts as silent.
    pub async fn stale_days() -> Result<u32, TransportError> {
        let settings: serde_json::Value = get("settings").await?;
        Ok(settings["stale_days"].as_u64().unwrap_or(14) as u32)
    }

    /// Sets the number of silent days.
    pub async fn set_stale_days(days: u32) -> Result<(), TransportError> {
        send(
            "PUT",
            "settings",
            &serde_json::json!({ "stale_days": days }),
        )
        .await
        .map(|_| ())
    }

    /// A new enrolment code for a village: for a new tablet (a new
    /// ledger), or for one that continues `ledger` (a replacement).
    pub async fn enrolment_code(
        village: &str,
        ledger: Option<&str>,
    ) -> Result<NewCode, TransportError> {
        send(
            "POST",
            &format!("villages/{village}/enrolment-code"),
            &serde_json::json!({ "continue_ledger": ledger }),
        )
        .await?
        .json()
        .await
        .map_err(unexpected)
    }

    /// Withdraws every unused enrolment code of a village.
    pub async fn withdraw_codes(village: &str) -> Result<Withdrawn, TransportError> {
        send(
            "POST",
            &format!("villages/{village}/enrolment-code/withdraw"),
            &serde_json::json!({}),
        )
        .await?
        .json()
        .await
        .map_err(unexpected)
    }

    /// Revokes a tablet.
    pub async fn revoke(key: &str, incarnation: u32) -> Result<(), TransportError> {
        send(
            "POST",
            "devices/revoke",
            &serde_json::json!({ "key": key, "incarnation": incarnation }),
        )
        .await
        .map(|_| ())
    }

    /// The dashboard for `from..=to` (`YYYY-MM`).
    pub async fn dashboard(from: &str, to: &str) -> Result<Dashboard, TransportError> {
        get(&format!("dashboard?from={from}&to={to}")).await
    }

    /// One village's months in `from..=to`.
    pub async fn village_months(
        code: &str,
        from: &str,
        to: &str,
    ) -> Result<jianzheng_core::rate::VillageRow, TransportError> {
        get(&format!("villages/{code}/months?from={from}&to={to}")).await
    }

    /// Baselines of the baseline year (`year` and `baselines`).
    pub async fn baselines() -> Result<serde_json::Value, TransportError> {
        get("baselines").await
    }

    /// Imports baselines from CSV text (`village,month,count`).
    pub async fn import_baselines(year: i32, csv: String) -> Result<(), TransportError> {
        let request = Request::post(&format!("{API}/town/baselines/csv?year={year}"))
            .header("content-type", "text/csv")
            .body(csv)
            .map_err(unexpected)?;
        answer(request.send().await).await.map(|_| ())
    }

    /// Takes the registry's own data of `year` as the baseline.
    pub async fn baselines_from_registry(year: i32) -> Result<(), TransportError> {
        send(
            "POST",
            "baselines/from-registry",
            &serde_json::json!({ "year": year }),
        )
        .await
        .map(|_| ())
    }

    /// Sets one baseline month by hand.
    pub async fn set_baseline(
        year: i32,
        village: &str,
        month: u8,
        count: u64,
    ) -> Result<(), TransportError> {
        let entry = serde_json::json!({ "village": village, "month": month, "count": count });
        send(
            "PUT",
            "baselines",
            &serde_json::json!({ "year": year, "entries": [entry] }),
        )
        .await
        .map(|_| ())
    }
}

/// The town's list editing.
pub mod lists {
    use super::{answer, unexpected, TransportError, API};
    use gloo_net::http::Request;
    use jianzheng_core::catalogue::{EntryChange, List};
    use serde::Deserialize;

    /// A list in force, with the town's draft of it.
    #[derive(Clone, Debug, Deserialize, PartialEq)]
    pub struct Edited {
        /// The version tablets have.
        pub published: List,
        /// The town's unpublished edit.
        pub draft: Option<List>,
        /// What the draft changes.
        pub changes: Vec<EntryChange>,
    }

    /// Every list in force with its draft.
    pub async fn all() -> Result<Vec<Edited>, TransportError> {
        answer(Request::get(&format!("{API}/town/lists")).send().await)
            .await?
            .json()
            .await
            .map_err(unexpected)
    }

    /// Saves a draft; returns its changes.
    pub async fn save_draft(draft: &List) -> Result<Vec<EntryChange>, TransportError> {
        let request = Request::put(&format!("{API}/town/lists/{}/draft", draft.id))
            .json(draft)
            .map_err(unexpected)?;
        answer(request.send().await)
            .await?
            .json()
            .await
            .map_err(unexpected)
    }

    /// Publishes the draft of list `id`; returns the new version.
    pub async fn publish(id: &str) -> Result<List, TransportError> {
        answer(
            Request::post(&format!("{API}/town/lists/{id}/publish"))
                .send()
                .await,
        )
        .await?
        .json()
        .await
        .map_err(unexpected)
    }
}
