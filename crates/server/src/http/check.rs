//! `GET /api/v1/check?q=…&limit=…[&area=…]`: the resident check, for other
//! clients (a WeChat mini-program, a kiosk), over the lists in force at the
//! resident's area. The decision is computed in core.

use super::lists::{path_of, InForceError};
use super::Parsed;
use crate::error::ApiError;
use crate::storage::Storage;
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use jianzheng_core::api::check::{CheckAnswer, CheckQuery};
use jianzheng_core::catalogue::{Catalogue, Placed};
use jianzheng_core::check::Checker;
use jianzheng_core::values::AreaCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use tokio::sync::{Mutex as TurnLock, MutexGuard};

/// The published lists and a checker for each set of them in force
/// somewhere, made when first asked for.
struct Lists {
    published: Vec<Placed>,
    /// By the areas of a path that publish lists of their own: as many
    /// entries as such sets, however many areas share each.
    checkers: Mutex<HashMap<Vec<AreaCode>, Arc<Checker>>>,
}

/// The checkers over the lists in force. A check takes the lists current
/// when it starts and never waits on a publish, which swaps in the newly
/// read lists after writing them; publishes take turns, so the last one
/// swapped in is over the last lists published.
pub struct LiveChecker {
    current: RwLock<Arc<Lists>>,
    publishing: TurnLock<()>,
}

impl LiveChecker {
    /// The checkers over the lists published in `storage`.
    pub async fn start(storage: &Storage) -> Result<LiveChecker, InForceError> {
        Ok(LiveChecker {
            current: RwLock::new(Arc::new(Lists::read(storage).await?)),
            publishing: TurnLock::new(()),
        })
    }

    /// The checker over the lists in force at the area whose path is
    /// `path` (nearest first; empty: the whole server's).
    pub fn at(&self, path: &[AreaCode]) -> Result<Arc<Checker>, InForceError> {
        let lists = Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner));
        let key: Vec<AreaCode> = path
            .iter()
            .filter(|area| {
                lists
                    .published
                    .iter()
                    .any(|p| p.area.as_ref() == Some(*area))
            })
            .cloned()
            .collect();
        let mut checkers = lists
            .checkers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(checker) = checkers.get(&key) {
            return Ok(Arc::clone(checker));
        }
        let checker = Arc::new(Checker::new(Catalogue::in_force_at(
            &lists.published,
            path,
        )?));
        checkers.insert(key, Arc::clone(&checker));
        Ok(checker)
    }

    /// A publish's turn: other publishes wait until it is dropped.
    pub async fn publishing(&self) -> MutexGuard<'_, ()> {
        self.publishing.lock().await
    }

    /// Reads the published lists again, for every later check.
    pub async fn reload(&self, storage: &Storage) -> Result<(), InForceError> {
        let lists = Arc::new(Lists::read(storage).await?);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = lists;
        Ok(())
    }
}

impl Lists {
    async fn read(storage: &Storage) -> Result<Lists, InForceError> {
        let published = storage.published_lists().await?.lists;
        // The whole server's lists must make a catalogue, as at every start.
        let whole = Catalogue::in_force_at(&published, &[])?;
        let checkers = HashMap::from([(Vec::new(), Arc::new(Checker::new(whole)))]);
        Ok(Lists {
            published,
            checkers: Mutex::new(checkers),
        })
    }
}

/// `GET /api/v1/check`.
pub async fn check(
    State(state): State<AppState>,
    Parsed(Query(query)): Parsed<Query<CheckQuery>>,
) -> Result<Json<CheckAnswer>, ApiError> {
    let path = path_of(&state, query.area.as_ref()).await?;
    let checker = state.checker.at(&path)?;
    let check = checker.check(query.q.as_str(), query.limit());
    Ok(Json(CheckAnswer::new(query.q.as_str(), &check)))
}
