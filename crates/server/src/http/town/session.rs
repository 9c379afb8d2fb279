//! The town's session: login, logout, who is logged in, and the password
//! change (also the way out of a one-time password).

use super::super::client::ClientIp;
use super::super::{limits, JsonBody, SMALL_BODY_BYTES};
use super::bad;
use crate::auth::{
    check_password, hash_password_blocking, new_token, record, Refused, Session, MAX_NAME_CHARS,
    MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, SESSION_HOURS,
};
use crate::error::ApiError;
use crate::storage::{Audit, User};
use crate::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jianzheng_core::api::audit::{AuditKind, Said};
use jianzheng_core::api::town::{Login, Me, PasswordChange};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::org::roles::Role;
use jianzheng_core::rate::AreaPlace;
use std::convert::Infallible;

/// `/login` (limited per address), `/logout`, `/me`, `/password`.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/login",
            post(login)
                .layer::<_, Infallible>(limits::per_address(limits::LOGIN, &state.proxies))
                .layer(DefaultBodyLimit::max(SMALL_BODY_BYTES)),
        )
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route(
            "/password",
            post(change_password)
                .layer::<_, Infallible>(limits::per_address(limits::LOGIN, &state.proxies))
                .layer(DefaultBodyLimit::max(SMALL_BODY_BYTES)),
        )
}

/// Why a password try was refused, as an error.
fn refused(why: Refused) -> ApiError {
    match why {
        Refused::LockedOut => ApiError::code(ErrorCode::TooManyAttempts),
        Refused::Slowed => ApiError::code(ErrorCode::RateLimited),
    }
}

/// `POST /town/login`: a session cookie for a right name and password.
/// Five wrong tries of a name from one address lock that name out from
/// there for 15 minutes, twenty lock out the address, and a name tried
/// from everywhere is slowed ([`crate::auth::LoginLimiter`]); an unknown
/// name costs as long as a wrong password.
async fn login(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    JsonBody(form): JsonBody<Login>,
) -> Result<Response, ApiError> {
    let name = form.name.trim().to_owned();
    if name.chars().count() > MAX_NAME_CHARS || form.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(bad(format!(
            "a name has at most {MAX_NAME_CHARS} characters, a password {MAX_PASSWORD_CHARS}"
        )));
    }
    let attempt = state.limiter.begin(&name, address).map_err(refused)?;
    let user = state.storage.user(&name).await?;
    let right = check_password(form.password, user.as_ref()).await;
    let known = user.as_ref().map(|u| u.name.clone());
    // A disabled account is refused as a wrong password is.
    let Some(user) = user.filter(|u| right && !u.disabled) else {
        crate::http::metrics::login_failed();
        // A name that is no account is not kept: it may be a password
        // typed in the wrong field.
        let detail = match known {
            Some(_) if right => Said::new("账号已停用", "account disabled"),
            Some(_) => Said::new("密码错误", "wrong password"),
            None => Said::new("无此账号", "unknown name"),
        };
        record(
            &state,
            known.as_deref(),
            Some(address),
            AuditKind::LoginFailed,
            None,
            &detail,
        )
        .await;
        return Err(ApiError::code(ErrorCode::BadCredentials));
    };
    attempt.succeeded();
    record(
        &state,
        Some(&user.name),
        Some(address),
        AuditKind::Login,
        None,
        &Said::default(),
    )
    .await;
    let (token, hash) = new_token();
    state
        .storage
        .create_session(&hash, &user.name, SESSION_HOURS)
        .await?;
    let me = me_of(&state, user).await?;
    Ok((
        [(header::SET_COOKIE, state.cookies.session(&token))],
        Json(me),
    )
        .into_response())
}

/// `POST /town/logout`.
async fn logout(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    session: Session,
) -> Result<Response, ApiError> {
    state.storage.delete_session(&session.token_hash).await?;
    let name = Some(session.user.name.as_str());
    record(
        &state,
        name,
        Some(address),
        AuditKind::Logout,
        None,
        &Said::default(),
    )
    .await;
    Ok((
        [(header::SET_COOKIE, state.cookies.cleared())],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

/// `GET /town/me`.
async fn me(State(state): State<AppState>, session: Session) -> Result<Json<Me>, ApiError> {
    Ok(Json(me_of(&state, session.user).await?))
}

/// Who `user` is: its role, and its area's place in the tree.
async fn me_of(state: &AppState, user: User) -> Result<Me, ApiError> {
    let role: Role = user.role.parse().map_err(|()| {
        ApiError::new(ErrorCode::Internal, format!("stored role of {}", user.name))
    })?;
    // Read fresh, not from the shared cache: a page asks once, and sees a
    // tree just imported beside the server.
    let tree = state.storage.area_tree().await?;
    let area = tree.as_ref().and_then(|tree| {
        let code = match &user.area {
            Some(area) => area.parse().ok()?,
            None => tree.root().code.clone(),
        };
        AreaPlace::of(tree, &code)
    });
    Ok(Me {
        name: user.name,
        must_change: user.must_change,
        role,
        area,
    })
}

/// `POST /town/password`: every other session of the account ends.
async fn change_password(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    session: Session,
    JsonBody(form): JsonBody<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let new_chars = form.new.chars().count();
    if form.current.chars().count() > MAX_PASSWORD_CHARS {
        return Err(ApiError::code(ErrorCode::BadCredentials));
    }
    // A stolen session cookie must not make a password oracle: the
    // current password's tries are limited as a login's are.
    let attempt = state
        .limiter
        .begin(&session.user.name, address)
        .map_err(refused)?;
    if !check_password(form.current.clone(), Some(&session.user)).await {
        return Err(ApiError::code(ErrorCode::BadCredentials));
    }
    attempt.succeeded();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&new_chars) || form.new == form.current {
        return Err(bad(format!(
            "the new password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters and must differ"
        )));
    }
    let hash = hash_password_blocking(form.new).await;
    let audit = Audit {
        account: Some(session.user.name.clone()),
        address: Some(address),
        kind: AuditKind::PasswordChanged,
        area: None,
        detail: Said::new("其他会话已退出", "other sessions ended"),
    };
    state
        .storage
        .audited(audit)
        .set_password(&session.user.name, &hash, &session.token_hash)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
