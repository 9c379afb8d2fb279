//! The baselines rates are measured against: read, typed in, imported
//! from CSV, or taken from the registry's own counts of a year. Every way
//! in stores all or nothing, with the baseline year, in one transaction.

use super::super::{JsonBody, Parsed};
use super::settings::InForce;
use super::{bad, internal};
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use jianzheng_core::api::audit::{AuditKind, Said};
use jianzheng_core::api::town::{
    BaselineForm, BaselineSource, BaselineYearOf, Baselines, YearQuery, MAX_BASELINE_COUNT,
};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::ledger::Period;
use jianzheng_core::org::roles::Action;
use jianzheng_core::values::{BaselineYear, VillageCode};

/// `/baselines`, `/baselines/csv`, `/baselines/from-registry`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/baselines", get(baselines).put(set_baselines))
        .route("/baselines/csv", post(import_baselines))
        .route("/baselines/from-registry", post(baselines_from_registry))
}

/// `GET /town/baselines[?year=]`: the baseline year's (or `year`'s) baselines.
async fn baselines(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(q)): Parsed<Query<YearQuery>>,
) -> Result<Json<Baselines>, ApiError> {
    account.may_somewhere(Action::Read)?;
    let year = match q.year {
        Some(y) => Some(y),
        None => {
            let area = account.scope.as_ref().map(|s| s.area.as_str());
            InForce::read(&state, &account)
                .await?
                .at(area)
                .baseline_year
        }
    };
    let mut baselines = match year {
        Some(y) => state.storage.baselines(y.get()).await?,
        None => vec![],
    };
    baselines.retain(|b| account.sees(b.village.as_str()));
    Ok(Json(Baselines { year, baselines }))
}

/// Stores `entries` (village, month, count) as the baselines of `year`,
/// which becomes the baseline year: all or none.
async fn store_baselines(
    state: &AppState,
    account: &Account,
    year: BaselineYear,
    entries: Vec<(VillageCode, u8, u64)>,
    source: BaselineSource,
) -> Result<StatusCode, ApiError> {
    // The baseline year is one for the whole tree, until areas have their own.
    account.for_all(Action::EditBaselines)?;
    let known = state.storage.villages().await?;
    let mut rows = Vec::new();
    for (village, month, count) in entries {
        let period = year.month(month).filter(|_| count <= MAX_BASELINE_COUNT);
        let Some(period) = period.filter(|_| known.iter().any(|v| v.code == village.as_str()))
        else {
            return Err(bad(format!(
                "baseline {village} month {month}: unknown village, month outside 1-12 or count above {MAX_BASELINE_COUNT}"
            )));
        };
        rows.push((village.into(), period, count));
    }
    if rows.is_empty() {
        // Switching the year to one without baselines would leave every
        // rate without one: nothing changes instead.
        return Err(bad(format!(
            "no baselines for {year}: the baseline year and its figures stay as they were"
        )));
    }
    let total: u64 = rows.iter().map(|(_, _, n)| n).sum();
    let detail = Said::new(
        format!(
            "{year}年基线，来源{}：{}个村月，共{total}件",
            source.as_str(),
            rows.len()
        ),
        format!(
            "year {year} from {}: {} village months, {total} certificates",
            source.as_str(),
            rows.len()
        ),
    );
    account
        .audited(state, AuditKind::BaselinesSet, None, detail)
        .set_baselines(year.get(), &rows, source.as_str())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /town/baselines`: baselines typed in.
async fn set_baselines(
    State(state): State<AppState>,
    account: Account,
    JsonBody(form): JsonBody<BaselineForm>,
) -> Result<StatusCode, ApiError> {
    let entries = form
        .entries
        .into_iter()
        .map(|e| (e.village, e.month, e.count))
        .collect();
    store_baselines(&state, &account, form.year, entries, BaselineSource::Manual).await
}

/// `POST /town/baselines/csv?year=`: lines `village,month,count` (a header
/// line is skipped).
async fn import_baselines(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(q)): Parsed<Query<BaselineYearOf>>,
    headers: HeaderMap,
    body: String,
) -> Result<StatusCode, ApiError> {
    // A form on another site can post `text/plain`, never `text/csv`
    // without asking first (CORS), so the type is part of the defence.
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/csv"));
    if !is_csv {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "the baselines are sent as text/csv",
        ));
    }
    let entries = parse_csv(&body)?;
    store_baselines(&state, &account, q.year, entries, BaselineSource::Csv).await
}

/// The rows of a baselines CSV file; the first line may be a header.
fn parse_csv(body: &str) -> Result<Vec<(VillageCode, u8, u64)>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(body.as_bytes());
    let mut entries = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 1;
        let record = record.map_err(|e| bad(format!("line {line}: {e}")))?;
        let fields: Vec<&str> = record.iter().collect();
        let [village, month, count] = fields[..] else {
            return Err(bad(format!("line {line}: expected village,month,count")));
        };
        match (month.parse::<u8>(), count.parse::<u64>()) {
            (Ok(m), Ok(c)) => {
                let village = village
                    .parse()
                    .map_err(|e| bad(format!("line {line}: {e}")))?;
                entries.push((village, m, c));
            }
            _ if i == 0 => continue, // a header
            _ => return Err(bad(format!("line {line}: month and count must be numbers"))),
        }
    }
    Ok(entries)
}

/// `POST /town/baselines/from-registry`: each village's issued (net) per
/// month of `year`, as recorded by its tablets, becomes the baseline.
async fn baselines_from_registry(
    State(state): State<AppState>,
    account: Account,
    JsonBody(q): JsonBody<BaselineYearOf>,
) -> Result<StatusCode, ApiError> {
    // Who may set baselines is known before a year of figures is read.
    account.for_all(Action::EditBaselines)?;
    let year = q.year;
    let figures = state
        .storage
        .figures(
            Period {
                year: year.get(),
                month: 1,
            },
            Period {
                year: year.get(),
                month: 12,
            },
        )
        .await?;
    let mut entries = Vec::new();
    for (village, months) in &figures.months {
        let code: VillageCode = village
            .parse()
            .map_err(|e| internal(format!("stored village code: {e}")))?;
        for m in months.iter().filter(|m| m.reported) {
            entries.push((code.clone(), m.period.month, m.counts.issued_net()));
        }
    }
    store_baselines(&state, &account, year, entries, BaselineSource::Registry).await
}
