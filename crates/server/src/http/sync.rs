//! Enrolment and counts up (DESIGN.md, "Sync"). Decoding, signatures and
//! the merge rule are core's; this module checks who is pushing and stores.

use crate::clock::current_period;
use crate::error::ApiError;
use crate::storage::{DeviceId, Enrol, Ingest, Standing};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::sync::{
    earliest_period, normalize_code, usable_device_key, verify, DecodeError,
};
use serde::{Deserialize, Serialize};

/// What a tablet sends to enrol.
#[derive(Debug, Deserialize)]
pub struct EnrolRequest {
    /// The one-time code from the town.
    code: String,
    /// The tablet's Ed25519 public key, 64 hex digits.
    public_key: String,
    /// Which enrolment of this tablet.
    incarnation: u32,
    /// The village the tablet records for; the code must be for it.
    village: String,
    /// The tablet's label in the village (its ledger).
    ledger: String,
}

/// The answer to a successful enrolment.
#[derive(Debug, Serialize)]
pub struct Enrolled {
    village: String,
    ledger: String,
}

/// Village codes and tablet labels: 1 to 20 ASCII letters and digits.
fn valid_label(text: &str) -> bool {
    (1..=20).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphanumeric())
}

fn parse_key(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, detail)
}

/// `POST /api/v1/enrol`: a tablet registers its public key with a one-time code.
pub async fn enrol(
    State(state): State<AppState>,
    body: Result<Json<EnrolRequest>, JsonRejection>,
) -> Result<Json<Enrolled>, ApiError> {
    let Json(request) = body.map_err(|e| bad(e.body_text()))?;
    let key = parse_key(&request.public_key)
        .filter(usable_device_key)
        .ok_or_else(|| bad("public_key must be 64 hex digits of a usable Ed25519 key"))?;
    let Some(code) = normalize_code(&request.code) else {
        return Err(ApiError::code(ErrorCode::EnrolmentCodeInvalid));
    };
    if !valid_label(&request.village) || !valid_label(&request.ledger) {
        return Err(bad("village and ledger must be 1 to 20 letters or digits"));
    }
    let device = DeviceId {
        key: &key,
        incarnation: request.incarnation,
        village: &request.village,
        ledger: &request.ledger,
    };
    match state.storage.enrol(&code, &device).await? {
        Enrol::Enrolled => Ok(Json(Enrolled {
            village: request.village,
            ledger: request.ledger,
        })),
        Enrol::InvalidCode => Err(ApiError::code(ErrorCode::EnrolmentCodeInvalid)),
        Enrol::LedgerTaken => Err(ApiError::code(ErrorCode::LedgerTaken)),
        Enrol::OtherLedger { ledger } => Err(ApiError::new(
            ErrorCode::LedgerMismatch,
            format!("the code continues ledger {ledger}"),
        )),
    }
}

/// What an accepted upload changed.
#[derive(Debug, Serialize)]
pub struct Accepted {
    raised: u64,
    went_down: u64,
    future_periods: u64,
    /// The same signed upload had been stored before: nothing changed.
    replayed: bool,
}

impl Accepted {
    const REPLAYED: Accepted = Accepted {
        raised: 0,
        went_down: 0,
        future_periods: 0,
        replayed: true,
    };
}

fn decode_error(e: DecodeError) -> ApiError {
    match e {
        DecodeError::TooLarge(_) => ApiError::new(ErrorCode::PayloadTooLarge, e.to_string()),
        DecodeError::BadSignature => ApiError::new(ErrorCode::BadSignature, e.to_string()),
        DecodeError::Malformed(_)
        | DecodeError::UnsupportedFormat(_)
        | DecodeError::CountTooLarge(_) => bad(e.to_string()),
    }
}

fn refused(code: ErrorCode) -> Result<Json<Accepted>, ApiError> {
    Err(ApiError::code(code))
}

/// `POST /api/v1/counts`: a signed payload (binary, as a tablet or a file
/// bundle carries it). The size is capped before it is read; then the
/// signature is checked, then who signed it (one read, no lock), then the
/// payload's bounds; only then are its cells expanded and the write lock
/// taken.
pub async fn counts(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Accepted>, ApiError> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorCode::PayloadTooLarge, e.body_text())
        } else {
            bad(e.body_text())
        }
    })?;
    let upload = verify(&bytes).map_err(decode_error)?;
    drop(bytes);
    let since = match state.storage.standing(&upload).await? {
        Standing::Enrolled { since } => since,
        Standing::Replayed => return Ok(Json(Accepted::REPLAYED)),
        Standing::UnknownDevice => return refused(ErrorCode::UnknownDevice),
        Standing::WrongVillage => return refused(ErrorCode::WrongVillage),
        Standing::Revoked => return refused(ErrorCode::DeviceRevoked),
    };
    let signed = upload.expand().map_err(decode_error)?;
    let earliest = earliest_period(since);
    if let Some(old) = signed.payload.periods.iter().find(|r| r.period < earliest) {
        return Err(bad(format!(
            "period {} is more than a year before the tablet enrolled ({since})",
            old.period
        )));
    }
    match state.storage.ingest(&signed, current_period()).await? {
        Ingest::Accepted {
            raised,
            went_down,
            future,
        } => {
            if went_down > 0 || future > 0 {
                tracing::warn!(went_down, future, village = %signed.payload.village, "upload flagged");
            }
            Ok(Json(Accepted {
                raised,
                went_down,
                future_periods: future,
                replayed: false,
            }))
        }
        Ingest::Replayed => Ok(Json(Accepted::REPLAYED)),
        Ingest::UnknownDevice => refused(ErrorCode::UnknownDevice),
        Ingest::WrongVillage => refused(ErrorCode::WrongVillage),
        Ingest::Revoked => refused(ErrorCode::DeviceRevoked),
    }
}
