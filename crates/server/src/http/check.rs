//! `GET /api/v1/check?q=…&limit=…`: the resident check, for other clients
//! (a WeChat mini-program, a kiosk). The decision is computed in core.

use super::lists::{in_force, InForceError};
use crate::error::ApiError;
use crate::storage::Storage;
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::check::{CheckAnswer, Checker};
use serde::Deserialize;
use std::sync::{Arc, PoisonError, RwLock};
use tokio::sync::{Mutex, MutexGuard};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Most results returned.
pub const MAX_LIMIT: usize = 20;

/// The checker over the lists in force. A check takes the one current when
/// it starts and never waits on a publish, which builds its checker first
/// and then swaps it in; publishes take turns, so the last one swapped in
/// is over the last lists published.
pub struct LiveChecker {
    current: RwLock<Arc<Checker>>,
    publishing: Mutex<()>,
}

impl LiveChecker {
    /// The checker over the lists in force in `storage`.
    pub async fn start(storage: &Storage) -> Result<LiveChecker, InForceError> {
        Ok(LiveChecker {
            current: RwLock::new(Arc::new(Checker::new(in_force(storage).await?.catalogue))),
            publishing: Mutex::new(()),
        })
    }

    /// The checker now.
    pub fn current(&self) -> Arc<Checker> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// A publish's turn: other publishes wait until it is dropped.
    pub async fn publishing(&self) -> MutexGuard<'_, ()> {
        self.publishing.lock().await
    }

    /// Puts `catalogue` in force for every later check.
    pub fn replace(&self, catalogue: Catalogue) {
        let checker = Arc::new(Checker::new(catalogue));
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = checker;
    }
}

#[derive(Debug, Deserialize)]
pub struct CheckParams {
    q: Option<String>,
    limit: Option<usize>,
}

pub async fn check(
    State(state): State<AppState>,
    params: Result<Query<CheckParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CheckAnswer>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::new(ErrorCode::BadRequest, e.body_text()))?;
    let query = params
        .q
        .ok_or_else(|| ApiError::new(ErrorCode::BadRequest, "parameter q is required"))?;
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("q is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let limit = params.limit.unwrap_or(5).clamp(1, MAX_LIMIT);
    let checker = state.checker.current();
    let check = checker.check(&query, limit);
    Ok(Json(CheckAnswer::new(&query, &check)))
}
