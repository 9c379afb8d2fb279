//! The audit trail: `GET /town/audit` pages through it newest first,
//! filtered by account, area (and below), kind and time; `GET
//! /town/audit.csv` exports what the same filters select. Nothing in the
//! API changes or deletes a row.

use super::super::Parsed;
use super::bad;
use crate::auth::MAX_NAME_CHARS;
use crate::error::ApiError;
use crate::export::CsvSheet;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jianzheng_core::api::audit::{AuditEntry, AuditQuery, AUDIT_PAGE};
use jianzheng_core::i18n::Lang;
use jianzheng_core::org::roles::Action;

/// `/audit`, `/audit.csv`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit))
        .route("/audit.csv", get(audit_csv))
}

/// The most rows one export holds.
const MAX_EXPORT_ROWS: usize = 100_000;

/// A time bound is a prefix of ISO 8601 (`2026-12`, `2026-12-01T08`).
fn is_time_prefix(text: &str) -> bool {
    (4..=24).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b':' | b'T' | b'.' | b'Z'))
}

/// The codes the query's area covers (itself and below), checked; an
/// account below the root sees the rows on its own area and below only.
async fn area_codes(
    account: &Account,
    query: &AuditQuery,
) -> Result<Option<Vec<String>>, ApiError> {
    account.may_somewhere(Action::ReadAudit)?;
    if query
        .account
        .as_ref()
        .is_some_and(|a| a.chars().count() > MAX_NAME_CHARS)
    {
        return Err(bad(format!(
            "an account name has at most {MAX_NAME_CHARS} characters"
        )));
    }
    for bound in [&query.from, &query.to].into_iter().flatten() {
        if !is_time_prefix(bound) {
            return Err(bad(
                "from and to are times written 2026-12 or 2026-12-01T08:00",
            ));
        }
    }
    let (tree, scope) = match (&account.tree, &account.scope) {
        (Some(tree), Some(scope)) => (tree, scope),
        _ if query.area.is_some() => return Err(bad("there are no areas yet")),
        _ => return Ok(None),
    };
    let area = match &query.area {
        Some(area) if tree.get(area).is_none() => {
            return Err(bad(format!("{area} is not an area")));
        }
        Some(area) => {
            account.may(Action::ReadAudit, area)?;
            area
        }
        None if scope.area == tree.root().code => return Ok(None),
        None => &scope.area,
    };
    let codes = tree
        .subtree(area)
        .into_iter()
        .map(|a| a.code.to_string())
        .collect();
    Ok(Some(codes))
}

/// `GET /town/audit`: one page, newest first (`before` the last id seen
/// for the next).
async fn audit(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(query)): Parsed<Query<AuditQuery>>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let areas = area_codes(&account, &query).await?;
    Ok(Json(state.storage.audit(&query, areas.as_deref()).await?))
}

/// `GET /town/audit.csv`: every row the filters select (up to
/// [`MAX_EXPORT_ROWS`]), newest first, with the kind in both languages.
async fn audit_csv(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(mut query)): Parsed<Query<AuditQuery>>,
) -> Result<Response, ApiError> {
    let areas = area_codes(&account, &query).await?;
    let mut out = CsvSheet::default();
    let header_row = [
        "id",
        "时间 time",
        "账号 account",
        "地址 address",
        "操作 kind",
        "区划 area",
        "内容",
        "detail",
    ];
    out.row(header_row);
    let mut written = 0;
    loop {
        let page = state.storage.audit(&query, areas.as_deref()).await?;
        for entry in &page {
            let kind = format!(
                "{} {}",
                entry.kind.label(Lang::Zh),
                entry.kind.label(Lang::En)
            );
            let id = entry.id.to_string();
            let area = entry
                .area
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default();
            out.row([
                id.as_str(),
                &entry.at,
                entry.account.as_deref().unwrap_or(""),
                entry.address.as_deref().unwrap_or(""),
                &kind,
                &area,
                &entry.detail.zh,
                &entry.detail.en,
            ]);
        }
        written += page.len();
        match page.last() {
            Some(last) if page.len() == AUDIT_PAGE && written < MAX_EXPORT_ROWS => {
                query.before = Some(last.id);
            }
            _ => break,
        }
    }
    let body = out.finish();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
