//! The dashboard's figures as files: CSV and XLSX, one row per village.

use super::super::Parsed;
use super::dashboard::{build, dashboard_input};
use super::internal;
use crate::error::ApiError;
use crate::export;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jianzheng_core::org::roles::Action;
use jianzheng_core::rate::{Dashboard, VillageRow};
use jianzheng_core::values::MonthRange;

/// `/export.csv` and `/export.xlsx`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/export.csv", get(export_csv))
        .route("/export.xlsx", get(export_xlsx))
}

/// The figures and the village rows `account` sees over `range`.
async fn figures(
    state: &AppState,
    account: &Account,
    range: MonthRange,
) -> Result<(Dashboard, Vec<VillageRow>), ApiError> {
    account.may_somewhere(Action::Export)?;
    let input = dashboard_input(state, account, range).await?;
    let town = build(&input, range)?;
    let rows = Dashboard::village_rows(&input, range.first(), range.last(), town.current);
    Ok((town, rows))
}

fn attachment(name: &str, mime: &str, body: Vec<u8>) -> Response {
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

/// `GET /town/export.csv?from&to`.
async fn export_csv(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
) -> Result<Response, ApiError> {
    let (town, rows) = figures(&state, &account, range).await?;
    Ok(attachment(
        &format!("jianzheng-{range}.csv"),
        "text/csv; charset=utf-8",
        export::csv(&town, &rows),
    ))
}

/// `GET /town/export.xlsx?from&to`.
async fn export_xlsx(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
) -> Result<Response, ApiError> {
    let (town, rows) = figures(&state, &account, range).await?;
    let bytes = export::xlsx(&town, &rows).map_err(internal)?;
    Ok(attachment(
        &format!("jianzheng-{range}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}
