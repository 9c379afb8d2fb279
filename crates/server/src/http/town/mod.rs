//! The town's endpoints under `/api/v1/town`, one module per thing the town
//! does (session, areas, the audit trail, villages and tablets, baselines,
//! dashboard, exports, lists, signs of unreal figures, letters to agencies), each owning its routes. Every one but login requires a session
//! ([`crate::scope::Account`]); the bodies are core's ([`jianzheng_core::api::town`]).

mod accounts;
mod areas;
mod audit;
mod baselines;
mod dashboard;
mod exports;
mod letters;
mod lists;
mod quality;
mod session;
mod settings;
mod villages;

pub(super) use settings::contact;

use crate::error::ApiError;
use crate::AppState;
use axum::Router;
use jianzheng_core::api_error::ErrorCode;

/// Every route under `/town`.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(session::routes(state))
        .merge(accounts::routes())
        .merge(areas::routes())
        .merge(audit::routes())
        .merge(villages::routes())
        .merge(settings::routes())
        .merge(baselines::routes())
        .merge(dashboard::routes())
        .merge(exports::routes())
        .merge(lists::routes())
        .merge(quality::routes())
        .merge(letters::routes())
}

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, detail)
}

/// A failure of the server's own (a stored value that does not read back).
fn internal(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Internal, detail)
}
