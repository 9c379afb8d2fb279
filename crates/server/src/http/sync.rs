//! Enrolment and counts up (DESIGN.md, "Sync"). Decoding, signatures and
//! the merge rule are core's; this module checks who is pushing and stores.

use super::metrics;
use super::ClientIp;
use crate::clock::current_period;
use crate::error::ApiError;
use crate::storage::{DeviceId, Enrol, Ingest, Standing};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use jianzheng_core::api::sync::{Accepted, EnrolRequest, Enrolled};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::sync::{
    earliest_period, normalize_code, usable_device_key, verify, DecodeError,
};

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, detail)
}

/// `POST /api/v1/enrol`: a tablet registers its public key with a one-time
/// code. The tablet's signature of the request is checked before the code
/// is looked at: only a key's holder enrols it.
pub async fn enrol(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    body: Result<Json<EnrolRequest>, JsonRejection>,
) -> Result<Json<Enrolled>, ApiError> {
    let Json(request) = body.map_err(|e| bad(e.body_text()))?;
    let key = request.public_key.0;
    if !usable_device_key(&key) {
        return Err(bad("public_key is not a usable Ed25519 key"));
    }
    if !request.proof_holds() {
        return Err(ApiError::new(
            ErrorCode::BadSignature,
            "the proof is not the public key's signature of this enrolment",
        ));
    }
    // What cannot be a code matches none, and is refused (and audited)
    // like a wrong one.
    let code = normalize_code(&request.code).unwrap_or_default();
    let device = DeviceId {
        key: &key,
        incarnation: request.incarnation,
        village: request.village.as_str(),
        ledger: request.ledger.as_str(),
    };
    match state.storage.enrol(&code, &device, Some(address)).await? {
        Enrol::Enrolled => Ok(Json(Enrolled {
            village: request.village,
            ledger: request.ledger,
        })),
        Enrol::InvalidCode => Err(ApiError::code(ErrorCode::EnrolmentCodeInvalid)),
        Enrol::KeyTaken => Err(ApiError::code(ErrorCode::DeviceKeyTaken)),
        Enrol::LedgerTaken => Err(ApiError::code(ErrorCode::LedgerTaken)),
        Enrol::OtherLedger { ledger } => Err(ApiError::new(
            ErrorCode::LedgerMismatch,
            format!("the code continues ledger {ledger}"),
        )),
    }
}

/// The answer to a replayed upload: nothing changed.
const REPLAYED: Accepted = Accepted {
    raised: 0,
    went_down: 0,
    future_periods: 0,
    replayed: true,
    voided_refused: 0,
    village: None,
    months: Vec::new(),
};

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
    state: State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Accepted>, ApiError> {
    let answer = receive(state, body).await;
    match &answer {
        Ok(Json(accepted)) => metrics::upload_accepted(accepted.replayed),
        Err(err) => metrics::upload_refused(err.error_code()),
    }
    answer
}

/// Checks and stores one upload.
async fn receive(
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
        Standing::Replayed => return Ok(Json(REPLAYED)),
        Standing::UnknownDevice => return refused(ErrorCode::UnknownDevice),
        Standing::WrongVillage => return refused(ErrorCode::WrongVillage),
        Standing::Revoked => return refused(ErrorCode::DeviceRevoked),
        Standing::Retired => return refused(ErrorCode::DeviceRetired),
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
            voided_refused,
        } => {
            if went_down > 0 || future > 0 || voided_refused > 0 {
                tracing::warn!(went_down, future, voided_refused, village = %signed.payload.village, "upload flagged");
            }
            Ok(Json(Accepted {
                raised,
                went_down,
                future_periods: future,
                replayed: false,
                voided_refused,
                village: signed.payload.village.parse().ok(),
                months: signed.payload.periods.iter().map(|r| r.period).collect(),
            }))
        }
        Ingest::Replayed => Ok(Json(REPLAYED)),
        Ingest::UnknownDevice => refused(ErrorCode::UnknownDevice),
        Ingest::WrongVillage => refused(ErrorCode::WrongVillage),
        Ingest::Revoked => refused(ErrorCode::DeviceRevoked),
        Ingest::Retired => refused(ErrorCode::DeviceRetired),
    }
}
