//! `GET /town/letters?from=YYYY-MM&to=YYYY-MM[&area=CODE]`: the letters
//! (函) to each category of agency that still sent residents to the
//! villages of the area for certificates in the range
//! (`jianzheng_core::rate::letters`), with the bases and routes of the
//! lists in force there.

use super::super::lists::path_of;
use super::super::{AreaParam, Parsed};
use super::dashboard::dashboard_input;
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use jianzheng_core::org::roles::Action;
use jianzheng_core::rate::letters::{letters, Letter};
use jianzheng_core::values::MonthRange;

/// `/letters`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/letters", get(agency_letters))
}

async fn agency_letters(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
    Parsed(Query(area)): Parsed<Query<AreaParam>>,
) -> Result<Json<Vec<Letter>>, ApiError> {
    account.may_somewhere(Action::Read)?;
    let input = dashboard_input(&state, &account, range, area.area.as_ref()).await?;
    // The lists in force at the area shown (the account's own by default).
    let at = area
        .area
        .clone()
        .or_else(|| account.scope.as_ref().map(|s| s.area.clone()));
    let path = path_of(&state, at.as_ref()).await?;
    let checker = state.checker.at(&path)?;
    Ok(Json(letters(&input.flagged, checker.catalogue())))
}
