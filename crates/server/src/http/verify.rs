//! `GET /api/v1/trust`, the town's signed trust list for verifiers (no
//! login), and `POST /api/v1/verify`, a verdict on one paper for clients
//! that do not check offline. Both answer from one cached list, made again
//! when the rows it is made of changed, by this server process or another
//! ([`Storage::trust_fingerprint`]).

use super::JsonBody;
use crate::error::ApiError;
use crate::storage::{Storage, StorageError};
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use jianzheng_core::api::verify::{VerifyAnswer, VerifyRequest};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::certificate::{verify, CodeError, TrustIndex};
use std::sync::{Arc, Mutex, PoisonError};

/// Holder hashes checked at once for `POST /api/v1/verify` (each is an
/// Argon2id of 8 MiB): a permit each, none waited for.
static VERIFYING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// One made trust list: its signed bytes and its index.
struct Made {
    fingerprint: String,
    bytes: axum::body::Bytes,
    index: Arc<TrustIndex>,
}

/// The trust list as last made; one request makes it at a time.
#[derive(Default)]
pub struct TrustCache {
    made: Mutex<Option<Arc<Made>>>,
    making: tokio::sync::Mutex<()>,
}

impl TrustCache {
    fn fresh(&self, fingerprint: &str) -> Option<Arc<Made>> {
        let made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        made.as_ref()
            .filter(|m| m.fingerprint == fingerprint)
            .cloned()
    }

    async fn current(&self, storage: &Storage) -> Result<Arc<Made>, StorageError> {
        // Read before making: a change during the making makes it again.
        let fingerprint = storage.trust_fingerprint().await?;
        if let Some(made) = self.fresh(&fingerprint) {
            return Ok(made);
        }
        let _turn = self.making.lock().await;
        if let Some(made) = self.fresh(&fingerprint) {
            return Ok(made);
        }
        let issued_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let list = storage.trust_list(&issued_at).await?;
        let bytes = list.seal(&storage.trust_key().await?).into();
        let made = Arc::new(Made {
            fingerprint,
            bytes,
            index: Arc::new(TrustIndex::new(list)),
        });
        *self.made.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&made));
        Ok(made)
    }
}

/// `GET /api/v1/trust`.
pub async fn trust(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let made = state.trust.current(&state.storage).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        made.bytes.clone(),
    ))
}

/// `POST /api/v1/verify`: the name and ID number come in the body, never
/// in the address (proxies and logs keep addresses).
pub async fn verify_paper(
    State(state): State<AppState>,
    JsonBody(query): JsonBody<VerifyRequest>,
) -> Result<Json<VerifyAnswer>, ApiError> {
    if !query.within_bounds() {
        return Err(ApiError::new(ErrorCode::BadRequest, "a field is too long"));
    }
    let made = state.trust.current(&state.storage).await?;
    // The holder hash is Argon2id: off the async workers, a few at a
    // time, and never in the way of the town's logins (their own permits);
    // past that, busy rather than queued.
    let Ok(_permit) = VERIFYING.try_acquire() else {
        return Err(ApiError::code(ErrorCode::Overloaded));
    };
    let index = Arc::clone(&made.index);
    let checked = tokio::task::spawn_blocking(move || {
        verify(
            &query.code,
            &query.check_code,
            &query.name,
            &query.id_number,
            &index,
        )
    })
    .await
    .map_err(|_| ApiError::code(ErrorCode::Internal))?;
    match checked {
        Ok(verification) => Ok(Json(VerifyAnswer::new(
            &verification,
            made.index.issued_at(),
        ))),
        Err(CodeError::Foreign | CodeError::Malformed(_)) => Err(ApiError::new(
            ErrorCode::BadRequest,
            "not a certificate code",
        )),
    }
}
