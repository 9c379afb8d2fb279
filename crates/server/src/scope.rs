//! Who is asking, and where they may act: the [`Account`] every town
//! endpoint but login and the password change requires, with its role and
//! the area it is scoped to, checked against the area tree by core
//! ([`jianzheng_core::org::roles::Scope::may`]).

use crate::auth::Session;
use crate::error::ApiError;
use crate::http::ClientIp;
use crate::storage::{Audit, Storage, StorageError, User};
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jianzheng_core::api::audit::AuditKind;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::i18n::Lang;
use jianzheng_core::org::roles::{Action, Refusal, Role, Scope};
use jianzheng_core::org::AreaTree;
use jianzheng_core::values::AreaCode;
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a tree read from the database is used before it is read again
/// (a change made through this server is seen at once; one made by the
/// `areas import` command beside it, within this time).
const TREE_FRESH: Duration = Duration::from_secs(2);

/// The area tree, read once and shared by the requests that follow.
#[derive(Debug, Default)]
pub struct AreaCache {
    held: Mutex<Option<(Instant, Option<Arc<AreaTree>>)>>,
}

impl AreaCache {
    /// The tree as it stands (`None` on a server with no area yet).
    pub async fn tree(&self, storage: &Storage) -> Result<Option<Arc<AreaTree>>, StorageError> {
        if let Some((at, tree)) = &*self.held.lock().expect("not poisoned") {
            if at.elapsed() < TREE_FRESH {
                return Ok(tree.clone());
            }
        }
        let tree = storage.area_tree().await?.map(Arc::new);
        *self.held.lock().expect("not poisoned") = Some((Instant::now(), tree.clone()));
        Ok(tree)
    }

    /// Forgets the tree: this server changed it.
    pub fn changed(&self) {
        *self.held.lock().expect("not poisoned") = None;
    }
}

/// A logged-in account whose one-time password has been changed, with
/// its scope and the client's address (for the audit trail).
pub struct Account {
    /// The account.
    pub user: User,
    /// The client's address.
    pub address: IpAddr,
    /// Its role and area (the root's when stored without one); `None`
    /// while the server has no area at all, when only the root's
    /// accounts exist.
    pub scope: Option<Scope>,
    /// Its role.
    pub role: Role,
    /// The tree it was checked against.
    pub tree: Option<Arc<AreaTree>>,
}

/// A refusal as the API answers it: `403 forbidden` for a role or an area
/// outside the scope, `404` for an area that does not exist.
pub fn refused(refusal: Refusal) -> ApiError {
    let code = match refusal {
        Refusal::UnknownArea(_) => ErrorCode::NotFound,
        _ => ErrorCode::Forbidden,
    };
    ApiError::new(code, refusal.message(Lang::En))
}

impl FromRequestParts<AppState> for Account {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = Session::from_request_parts(parts, state).await?;
        if session.user.must_change {
            return Err(ApiError::code(ErrorCode::PasswordChangeRequired));
        }
        let ClientIp(address) = ClientIp::from_request_parts(parts, state).await?;
        let user = session.user;
        let role: Role = user.role.parse().map_err(|()| {
            ApiError::new(ErrorCode::Internal, format!("stored role of {}", user.name))
        })?;
        let tree = state.areas.tree(&state.storage).await?;
        let scope = match &tree {
            None => None,
            Some(tree) => Some(Scope {
                role,
                area: match &user.area {
                    Some(area) => area.parse().map_err(|_| {
                        ApiError::new(ErrorCode::Internal, format!("stored area of {}", user.name))
                    })?,
                    None => tree.root().code.clone(),
                },
            }),
        };
        Ok(Account {
            user,
            address,
            scope,
            role,
            tree,
        })
    }
}

impl Account {
    /// Whether the account may do `action` on `target`.
    pub fn may(&self, action: Action, target: &AreaCode) -> Result<(), ApiError> {
        match (&self.scope, &self.tree) {
            (Some(scope), Some(tree)) => scope.may(action, target, tree).map_err(refused),
            // No area yet: nothing to be outside of.
            _ if self.role.permits(action) => Ok(()),
            _ => Err(refused(Refusal::Role(self.role))),
        }
    }

    /// Whether the account may do `action` inside `area` (adding a village
    /// to a town it works in, an area below one): its role permits it and
    /// the area lies within its own.
    pub fn may_in(&self, action: Action, area: &AreaCode) -> Result<(), ApiError> {
        self.may_somewhere(action)?;
        self.may(Action::Read, area)
    }

    /// Whether the account may do `action` at all (somewhere in its area).
    pub fn may_somewhere(&self, action: Action) -> Result<(), ApiError> {
        match self.role.permits(action) {
            true => Ok(()),
            false => Err(refused(Refusal::Role(self.role))),
        }
    }

    /// Whether the account works for the whole tree (the root's area): what
    /// the settings, lists and baseline year shared by every area need.
    pub fn for_all(&self, action: Action) -> Result<(), ApiError> {
        match (&self.scope, &self.tree) {
            (Some(scope), Some(tree)) => {
                self.may_in(action, &scope.area)?;
                if scope.area != tree.root().code {
                    return Err(refused(Refusal::OutsideScope(tree.root().code.clone())));
                }
                Ok(())
            }
            _ => self.may_somewhere(action),
        }
    }

    /// The villages the account sees; `None`: every one (the root's).
    pub fn villages(&self) -> Option<BTreeSet<String>> {
        let (scope, tree) = (self.scope.as_ref()?, self.tree.as_ref()?);
        if scope.area == tree.root().code {
            return None;
        }
        Some(
            tree.villages_within(&scope.area)
                .into_iter()
                .map(|a| a.code.to_string())
                .collect(),
        )
    }

    /// Whether `village` is one the account sees.
    pub fn sees(&self, village: &str) -> bool {
        self.villages().is_none_or(|v| v.contains(village))
    }

    /// The storage through which this account makes a change: the
    /// change's row of the trail (who, from where, `kind` on `area`,
    /// `detail`) is written in the change's own transaction.
    pub fn audited(
        &self,
        state: &AppState,
        kind: AuditKind,
        area: Option<&str>,
        detail: jianzheng_core::api::audit::Said,
    ) -> Storage {
        state.storage.audited(Audit {
            account: Some(self.user.name.clone()),
            address: Some(self.address),
            kind,
            area: area.map(str::to_owned),
            detail,
        })
    }
}
