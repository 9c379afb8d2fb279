//! The dashboard's figures as files: CSV and XLSX, the area's months and
//! then every village's within it, each with its place in the tree.

use super::super::{AreaParam, Parsed};
use super::dashboard::{build, dashboard_input};
use super::internal;
use crate::error::ApiError;
use crate::export::{self, Places};
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jianzheng_core::org::roles::Action;
use jianzheng_core::rate::{Comparison, Dashboard, VillageRow};
use jianzheng_core::values::MonthRange;

/// `/export.csv` and `/export.xlsx`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/export.csv", get(export_csv))
        .route("/export.xlsx", get(export_xlsx))
}

/// The figures of `area` over `range`, its village rows and where each
/// village lies.
async fn figures(
    state: &AppState,
    account: &Account,
    range: MonthRange,
    area: &AreaParam,
) -> Result<(Dashboard, Vec<VillageRow>, Places), ApiError> {
    account.may_somewhere(Action::Export)?;
    let input = dashboard_input(
        state,
        account,
        range,
        area.area.as_ref(),
        Comparison::Baseline,
    )
    .await?;
    let town = build(&input, range)?;
    let rows = Dashboard::village_rows(&input, range.first(), range.last(), town.current);
    let places = match &account.tree {
        Some(tree) => Places::of(tree, rows.iter().map(|r| r.code.as_str())),
        None => Places::default(),
    };
    Ok((town, rows, places))
}

/// `body` as a file to save under `name`.
pub(super) fn attachment(name: &str, mime: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A file's name: `stem`, the area's code (when not the account's own) and
/// the range.
pub(super) fn file_name(
    stem: &str,
    area: &AreaParam,
    range: MonthRange,
    extension: &str,
) -> String {
    match &area.area {
        Some(code) => format!("{stem}-{code}-{range}.{extension}"),
        None => format!("{stem}-{range}.{extension}"),
    }
}

/// `GET /town/export.csv?from&to[&area]`.
async fn export_csv(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
    Parsed(Query(area)): Parsed<Query<AreaParam>>,
) -> Result<Response, ApiError> {
    let (town, rows, places) = figures(&state, &account, range, &area).await?;
    Ok(attachment(
        &file_name("jianzheng", &area, range, "csv"),
        "text/csv; charset=utf-8",
        export::csv(&town, &rows, &places),
    ))
}

/// `GET /town/export.xlsx?from&to[&area]`.
async fn export_xlsx(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
    Parsed(Query(area)): Parsed<Query<AreaParam>>,
) -> Result<Response, ApiError> {
    let (town, rows, places) = figures(&state, &account, range, &area).await?;
    let bytes = export::xlsx(&town, &rows, &places).map_err(internal)?;
    Ok(attachment(
        &file_name("jianzheng", &area, range, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}
