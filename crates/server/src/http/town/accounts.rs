//! Accounts: an administrator lists the accounts of its area, creates one
//! (a role no higher than its own, an area within its own) with a one-time
//! password, disables or enables it, and resets its password to a new
//! one-time one. Core decides what may be granted
//! ([`jianzheng_core::org::roles::Scope::may_grant`]).

use super::super::{JsonBody, Parsed};
use super::{bad, internal};
use crate::auth::{hash_password_blocking, one_time_password};
use crate::error::ApiError;
use crate::scope::{refused, Account};
use crate::storage::{NewAccount as StoredAccount, User};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use jianzheng_core::api::audit::{AuditKind, Said};
use jianzheng_core::api::town::{AccountInfo, NewAccount, OneTimePassword};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::i18n::Lang;
use jianzheng_core::org::roles::{Action, Refusal, Role, Scope};
use jianzheng_core::values::{AccountName, AreaCode, MAX_NAME_CHARS};

/// `/accounts`, `/accounts/{name}/disable|enable|reset-password`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(accounts).post(create))
        .route("/accounts/{name}/disable", post(disable))
        .route("/accounts/{name}/enable", post(enable))
        .route("/accounts/{name}/reset-password", post(reset_password))
}

/// The stored account's role and area.
fn stored_scope(user: &User) -> Result<(Role, Option<AreaCode>), ApiError> {
    let role = user
        .role
        .parse()
        .map_err(|()| internal(format!("stored role of {}", user.name)))?;
    let area = match &user.area {
        Some(a) => Some(
            a.parse()
                .map_err(|_| internal(format!("stored area of {}", user.name)))?,
        ),
        None => None,
    };
    Ok((role, area))
}

/// Whether `account` may create or change an account of `role` at `area`
/// (`None`: the root's).
fn may_manage(account: &Account, role: Role, area: Option<&AreaCode>) -> Result<(), ApiError> {
    match (&account.scope, &account.tree) {
        (Some(scope), Some(tree)) => {
            let grant = Scope {
                role,
                area: area.cloned().unwrap_or_else(|| tree.root().code.clone()),
            };
            scope.may_grant(&grant, tree).map_err(refused)
        }
        // No area yet: only the root's accounts exist.
        _ => {
            account.may_somewhere(Action::ManageAccounts)?;
            if role > account.role {
                return Err(refused(Refusal::RoleAbove(account.role)));
            }
            Ok(())
        }
    }
}

fn info(user: &User) -> Result<AccountInfo, ApiError> {
    let (role, area) = stored_scope(user)?;
    Ok(AccountInfo {
        name: user
            .name
            .parse()
            .map_err(|_| internal(format!("stored account name {}", user.name)))?,
        display_name: user.display_name.clone(),
        role,
        area,
        disabled: user.disabled,
        must_change: user.must_change,
    })
}

/// `GET /town/accounts`: the accounts an administrator may manage.
async fn accounts(
    State(state): State<AppState>,
    account: Account,
) -> Result<Json<Vec<AccountInfo>>, ApiError> {
    account.may_somewhere(Action::ManageAccounts)?;
    let mut out = Vec::new();
    for user in state.storage.accounts().await? {
        let listed = info(&user)?;
        let within = match (&account.scope, &account.tree, &listed.area) {
            (Some(scope), Some(tree), Some(area)) => tree.is_within(area, &scope.area),
            (Some(scope), Some(tree), None) => scope.area == tree.root().code,
            _ => true,
        };
        if within {
            out.push(listed);
        }
    }
    Ok(Json(out))
}

/// `POST /town/accounts`: `201` with the one-time password.
async fn create(
    State(state): State<AppState>,
    account: Account,
    JsonBody(form): JsonBody<NewAccount>,
) -> Result<(StatusCode, Json<OneTimePassword>), ApiError> {
    if form
        .display_name
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NAME_CHARS)
    {
        return Err(bad(format!(
            "a display name has at most {MAX_NAME_CHARS} characters"
        )));
    }
    may_manage(&account, form.role, Some(&form.area))?;
    let password = one_time_password();
    let hash = hash_password_blocking(password.clone()).await;
    let new = StoredAccount {
        name: form.name.as_str(),
        display_name: form.display_name.as_deref(),
        role: form.role.as_str(),
        area: Some(form.area.as_str()),
    };
    let detail = Said::new(
        format!("{}，{}，{}", form.name, form.role.name(Lang::Zh), form.area),
        format!("{} as {} of {}", form.name, form.role.as_str(), form.area),
    );
    let storage = account.audited(
        &state,
        AuditKind::AccountCreated,
        Some(form.area.as_str()),
        detail,
    );
    if !storage.create_account(&new, &hash, true).await? {
        return Err(ApiError::code(ErrorCode::Conflict));
    }
    Ok((
        StatusCode::CREATED,
        Json(OneTimePassword {
            name: form.name,
            password,
        }),
    ))
}

/// The account `name`, once the asker may manage it (and it is not the
/// asker: an account does not lock itself out).
async fn managed(
    state: &AppState,
    account: &Account,
    name: &AccountName,
) -> Result<User, ApiError> {
    let Some(user) = state.storage.user(name.as_str()).await? else {
        return Err(ApiError::code(ErrorCode::NotFound));
    };
    let (role, area) = stored_scope(&user)?;
    may_manage(account, role, area.as_ref())?;
    if user.name == account.user.name {
        return Err(bad(
            "an account cannot disable or reset itself: use the password change",
        ));
    }
    Ok(user)
}

async fn set_disabled(
    state: AppState,
    account: Account,
    name: AccountName,
    disabled: bool,
) -> Result<StatusCode, ApiError> {
    let user = managed(&state, &account, &name).await?;
    let kind = match disabled {
        true => AuditKind::AccountDisabled,
        false => AuditKind::AccountEnabled,
    };
    let storage = account.audited(
        &state,
        kind,
        user.area.as_deref(),
        Said::same(user.name.clone()),
    );
    if !storage.set_disabled(&user.name, disabled).await? {
        return Err(ApiError::code(ErrorCode::NotFound));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /town/accounts/{name}/disable`: it cannot log in; its sessions end.
async fn disable(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(name)): Parsed<Path<AccountName>>,
) -> Result<StatusCode, ApiError> {
    set_disabled(state, account, name, true).await
}

/// `POST /town/accounts/{name}/enable`.
async fn enable(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(name)): Parsed<Path<AccountName>>,
) -> Result<StatusCode, ApiError> {
    set_disabled(state, account, name, false).await
}

/// `POST /town/accounts/{name}/reset-password`: a new one-time password
/// (shown once); the account's sessions end.
async fn reset_password(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(name)): Parsed<Path<AccountName>>,
) -> Result<Json<OneTimePassword>, ApiError> {
    let user = managed(&state, &account, &name).await?;
    let password = one_time_password();
    let hash = hash_password_blocking(password.clone()).await;
    let storage = account.audited(
        &state,
        AuditKind::PasswordReset,
        user.area.as_deref(),
        Said::same(user.name.clone()),
    );
    if !storage.reset_password(&user.name, &hash).await? {
        return Err(ApiError::code(ErrorCode::NotFound));
    }
    Ok(Json(OneTimePassword { name, password }))
}
