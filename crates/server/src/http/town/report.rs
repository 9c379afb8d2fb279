//! `GET /town/report?from&to[&area][&compare]` and `/town/report.docx`
//! (with `&lang`): the report upward of an area over a range of months
//! (`jianzheng_core::rate::report`), compared with the baseline year or,
//! with `compare=year_before`, with the same months a year before.

use super::super::{AreaParam, Parsed};
use super::dashboard::dashboard_input;
use super::exports::{attachment, file_name};
use super::letters::lists_at;
use super::quality::signs_within;
use super::{internal, named, own_area_name, LangParam, DOCX};
use crate::clock::current_period;
use crate::docx;
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use jianzheng_core::org::roles::Action;
use jianzheng_core::rate::report::Report;
use jianzheng_core::rate::Comparison;
use jianzheng_core::values::MonthRange;

/// `/report` and `/report.docx`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/report", get(report))
        .route("/report.docx", get(report_docx))
}

/// `?compare=baseline|year_before`.
#[derive(Debug, Default, serde::Deserialize)]
struct CompareParam {
    #[serde(default)]
    compare: Comparison,
}

async fn report(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
    Parsed(Query(area)): Parsed<Query<AreaParam>>,
    Parsed(Query(compare)): Parsed<Query<CompareParam>>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(
        build(&state, &account, range, &area, compare.compare).await?,
    ))
}

async fn report_docx(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
    Parsed(Query(area)): Parsed<Query<AreaParam>>,
    Parsed(Query(compare)): Parsed<Query<CompareParam>>,
    Parsed(Query(lang)): Parsed<Query<LangParam>>,
) -> Result<Response, ApiError> {
    let report = build(&state, &account, range, &area, compare.compare).await?;
    // The report is the area's paper: it carries its name, never a placeholder.
    let by = match &report.dashboard.place {
        Some(place) => place.area.name.clone(),
        None => own_area_name(&account, lang.lang),
    };
    named(&by)?;
    let made = docx::Made::now(by);
    let body = tokio::task::spawn_blocking(move || docx::report(&report, lang.lang, &made))
        .await
        .map_err(|e| internal(e.to_string()))?
        .map_err(|e| internal(e.to_string()))?;
    Ok(attachment(
        &file_name("jianzheng-report", &area, range, "docx"),
        DOCX,
        body,
    ))
}

/// The report of `area` (the account's own by default) over `range`.
async fn build(
    state: &AppState,
    account: &Account,
    range: MonthRange,
    area: &AreaParam,
    compare: Comparison,
) -> Result<Report, ApiError> {
    account.may_somewhere(Action::Read)?;
    let at = area.area.as_ref();
    let (input, signs, lists) = tokio::try_join!(
        dashboard_input(state, account, range, at, compare),
        signs_within(state, account, range, at),
        lists_at(state, account, at),
    )?;
    Report::build(
        &input,
        range.first(),
        range.last(),
        current_period(),
        lists.catalogue(),
        signs,
    )
    .map_err(|e| internal(e.to_string()))
}
