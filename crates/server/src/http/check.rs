//! `GET /api/v1/check?q=…&limit=…`: the resident check, for other clients
//! (a WeChat mini-program, a kiosk). The decision is computed in core.

use super::lists::{in_force, InForceError};
use super::Parsed;
use crate::storage::Storage;
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use jianzheng_core::api::check::{CheckAnswer, CheckQuery};
use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::check::Checker;
use std::sync::{Arc, PoisonError, RwLock};
use tokio::sync::{Mutex, MutexGuard};

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

/// `GET /api/v1/check`.
pub async fn check(
    State(state): State<AppState>,
    Parsed(Query(query)): Parsed<Query<CheckQuery>>,
) -> Json<CheckAnswer> {
    let checker = state.checker.current();
    let check = checker.check(query.q.as_str(), query.limit());
    Json(CheckAnswer::new(query.q.as_str(), &check))
}
