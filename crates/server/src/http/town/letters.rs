//! `GET /town/letters?from=YYYY-MM&to=YYYY-MM[&area=CODE]`: the letters
//! (函) to each category of agency that still sent residents to the
//! villages of the area for certificates in the range
//! (`jianzheng_core::rate::letters`), with the bases and routes of the
//! lists in force there.

use super::super::lists::path_of;
use super::super::{AreaParam, Parsed};
use super::dashboard::dashboard_input;
use super::exports::{attachment, file_name};
use super::{internal, named, own_area_name, LangParam, DOCX};
use crate::docx;
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use jianzheng_core::check::Checker;
use jianzheng_core::org::roles::Action;
use jianzheng_core::rate::letters::{letters, Letter};
use jianzheng_core::rate::{Comparison, DashboardInput};
use jianzheng_core::values::{AreaCode, MonthRange};
use std::sync::Arc;

/// `/letters`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/letters", get(agency_letters))
        .route("/letters.docx", get(letters_docx))
}

async fn agency_letters(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
    Parsed(Query(area)): Parsed<Query<AreaParam>>,
) -> Result<Json<Vec<Letter>>, ApiError> {
    account.may_somewhere(Action::Read)?;
    let area = area.area.as_ref();
    let input = dashboard_input(&state, &account, range, area, Comparison::Baseline).await?;
    Ok(Json(letters_of(&state, &account, &input, area).await?))
}

/// `GET /town/letters.docx?from&to[&area][&lang]`: the letters as a Word
/// document, one page each, from the account's own area.
async fn letters_docx(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
    Parsed(Query(area)): Parsed<Query<AreaParam>>,
    Parsed(Query(lang)): Parsed<Query<LangParam>>,
) -> Result<Response, ApiError> {
    account.may_somewhere(Action::Read)?;
    let at = area.area.as_ref();
    let input = dashboard_input(&state, &account, range, at, Comparison::Baseline).await?;
    let letters = letters_of(&state, &account, &input, at).await?;
    let town = own_area_name(&account, lang.lang);
    named(&town)?;
    let made = docx::Made::now(town.clone());
    let body = tokio::task::spawn_blocking(move || {
        docx::letters(
            &letters,
            &town,
            (range.first(), range.last()),
            lang.lang,
            &made,
        )
    })
    .await
    .map_err(|e| internal(e.to_string()))?
    .map_err(|e| internal(e.to_string()))?;
    Ok(attachment(
        &file_name("jianzheng-letters", &area, range, "docx"),
        DOCX,
        body,
    ))
}

/// The letters for `input`'s flagged requests, with the names, bases and
/// routes of the lists in force at `area` (the account's own by default).
pub async fn letters_of(
    state: &AppState,
    account: &Account,
    input: &DashboardInput,
    area: Option<&AreaCode>,
) -> Result<Vec<Letter>, ApiError> {
    let checker = lists_at(state, account, area).await?;
    Ok(letters(&input.flagged, checker.catalogue()))
}

/// The lists in force at `area`, the account's own area by default.
pub async fn lists_at(
    state: &AppState,
    account: &Account,
    area: Option<&AreaCode>,
) -> Result<Arc<Checker>, ApiError> {
    let at = area
        .cloned()
        .or_else(|| account.scope.as_ref().map(|s| s.area.clone()));
    let path = path_of(state, at.as_ref()).await?;
    Ok(state.checker.at(&path)?)
}
