//! The town's endpoints under `/api/v1/town`, one module per thing the town
//! does (session, areas, the audit trail, villages and tablets, baselines,
//! dashboard, exports, lists, signs of unreal figures, letters to agencies,
//! the report upward, approved months), each owning its routes. Every one but login requires a session
//! ([`crate::scope::Account`]); the bodies are core's ([`jianzheng_core::api::town`]).

mod accounts;
mod approvals;
mod areas;
mod audit;
mod baselines;
mod dashboard;
mod exports;
mod letters;
mod lists;
mod quality;
mod report;
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
        .merge(report::routes())
        .merge(approvals::routes())
}

/// `?lang=zh-CN|en`: the language of a document (Chinese by default).
#[derive(Debug, Default, serde::Deserialize)]
struct LangParam {
    #[serde(default)]
    lang: jianzheng_core::i18n::Lang,
}

/// The MIME type of a `.docx`.
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The name of the account's own area, for what the town signs; "this
/// area" on a server with no area tree.
fn own_area_name(account: &crate::scope::Account, lang: jianzheng_core::i18n::Lang) -> String {
    account
        .scope
        .as_ref()
        .zip(account.tree.as_ref())
        .and_then(|(scope, tree)| tree.get(&scope.area))
        .map_or_else(
            || {
                jianzheng_core::i18n::Msg::HeadlineThisArea
                    .text(lang)
                    .to_owned()
            },
            |area| area.name.to_string(),
        )
}

/// Refuses a paper from `name`, an area with no name yet but a
/// placeholder (本镇): it would print the placeholder as if it were one.
fn named(name: &str) -> Result<(), ApiError> {
    if jianzheng_core::values::AreaName::is_unnamed(name) {
        Err(ApiError::new(
            ErrorCode::AreaUnnamed,
            format!("the area is called {name}"),
        ))
    } else {
        Ok(())
    }
}

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, detail)
}

/// A failure of the server's own (a stored value that does not read back).
fn internal(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Internal, detail)
}
