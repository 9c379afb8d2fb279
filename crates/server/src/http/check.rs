//! `GET /api/v1/check?q=…&limit=…[&area=…]`: the resident check, for other
//! clients (a WeChat mini-program, a kiosk), over the lists in force at the
//! resident's area. The decision is computed in core.

use super::lists::{path_of, InForceError};
use super::Parsed;
use crate::error::ApiError;
use crate::storage::Storage;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::Json;
use jianzheng_core::api::check::{CheckAnswer, CheckQuery};
use jianzheng_core::catalogue::{Catalogue, ListsFile, Placed};
use jianzheng_core::check::Checker;
use jianzheng_core::values::AreaCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use tokio::sync::{Mutex as TurnLock, MutexGuard};

/// The published lists and, for each set of them in force somewhere, a
/// checker and the lists file sent down, each made when first asked for.
struct Lists {
    /// What the database said of its published lists when they were read
    /// ([`Storage::lists_fingerprint`]).
    fingerprint: (i64, i64),
    published: Vec<Placed>,
    /// By the areas of a path that publish lists of their own: as many
    /// entries as such sets, however many areas share each.
    checkers: Mutex<HashMap<Vec<AreaCode>, Arc<Checker>>>,
    /// The same, as `GET /api/v1/lists` sends them.
    files: Mutex<HashMap<Vec<AreaCode>, Arc<ServedLists>>>,
}

/// The lists in force at an area as they go down: encoded once per
/// publish, so a request (and a `304` most of all) reads and parses
/// nothing.
pub struct ServedLists {
    /// Which lists they are ([`ListsFile::tag_of`]).
    pub tag: String,
    /// The lists file as JSON.
    pub json: Bytes,
    /// The same in the compact form.
    pub compact: Bytes,
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
        Self::checker(&lists, path)
    }

    /// The lists in force at the area whose path is `path`, as they go
    /// down to a tablet or a phone.
    pub fn served_at(&self, path: &[AreaCode]) -> Result<Arc<ServedLists>, InForceError> {
        let lists = Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner));
        let key = lists.key(path);
        if let Some(served) = lists
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(Arc::clone(served));
        }
        let file = ListsFile::of(Self::checker(&lists, path)?.catalogue());
        let served = Arc::new(ServedLists {
            tag: ListsFile::tag_of(&file.lists),
            json: serde_json::to_vec(&file).expect("lists serialize").into(),
            compact: file.to_compact().into(),
        });
        lists
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, Arc::clone(&served));
        Ok(served)
    }

    /// The checker of `path` among `lists`, made if it is not yet.
    fn checker(lists: &Lists, path: &[AreaCode]) -> Result<Arc<Checker>, InForceError> {
        let key = lists.key(path);
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

    /// Reads the published lists again if they changed since they were
    /// read, here or through another server process on the same database:
    /// one small read.
    pub async fn refresh(&self, storage: &Storage) -> Result<(), InForceError> {
        let now = storage.lists_fingerprint().await?;
        let held = |this: &Self| {
            this.current
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .fingerprint
        };
        if held(self) == now {
            return Ok(());
        }
        let _turn = self.publishing().await;
        if held(self) != now {
            self.reload(storage).await?;
        }
        Ok(())
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
    /// The areas of `path` that publish lists of their own: paths with the
    /// same key have the same lists in force.
    fn key(&self, path: &[AreaCode]) -> Vec<AreaCode> {
        path.iter()
            .filter(|area| {
                self.published
                    .iter()
                    .any(|p| p.area.as_ref() == Some(*area))
            })
            .cloned()
            .collect()
    }

    async fn read(storage: &Storage) -> Result<Lists, InForceError> {
        // Read first: a publish in between makes the next request read again.
        let fingerprint = storage.lists_fingerprint().await?;
        let published = storage.published_lists().await?.lists;
        // The whole server's lists must make a catalogue, as at every start.
        let whole = Catalogue::in_force_at(&published, &[])?;
        let checkers = HashMap::from([(Vec::new(), Arc::new(Checker::new(whole)))]);
        Ok(Lists {
            fingerprint,
            published,
            checkers: Mutex::new(checkers),
            files: Mutex::default(),
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
