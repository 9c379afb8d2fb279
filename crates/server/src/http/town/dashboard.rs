//! The dashboard of an area (the account's own, or one below it) over a
//! range of months, and one village's months.
//! Core computes every figure; this module gathers what it computes from.

use super::super::{AreaParam, Parsed};
use super::internal;
use super::settings::InForce;
use crate::clock::{current_period, today};
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::ledger::Period;
use jianzheng_core::org::roles::Action;
use jianzheng_core::rate::on_time::Timing;
use jianzheng_core::rate::{
    AreaGroup, AreaPlace, Comparison, Dashboard, DashboardInput, VillageEntry, VillageRow,
};
use jianzheng_core::values::{AreaCode, MonthRange, VillageCode};
use std::collections::{BTreeMap, BTreeSet};

/// `/dashboard` and `/villages/{code}/months`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard))
        .route("/villages/{code}/months", get(village_months))
}

/// What core builds the dashboard of `area` (the account's own when
/// `None`) from, for `range`, compared as `comparison` says: the villages
/// within it, and a row per area directly below it. An area outside the
/// account's scope is refused.
pub async fn dashboard_input(
    state: &AppState,
    account: &Account,
    range: MonthRange,
    area: Option<&AreaCode>,
    comparison: Comparison,
) -> Result<DashboardInput, ApiError> {
    let target = match (area, &account.scope) {
        (Some(area), _) => Some(area.clone()),
        (None, Some(scope)) => Some(scope.area.clone()),
        (None, None) => None,
    };
    if let Some(target) = &target {
        account.may(Action::Read, target)?;
    }
    // The villages within the area (`None`: every one, the root's), its
    // place and its rows.
    let (within, place, groups) = match (&target, &account.tree) {
        (Some(target), Some(tree)) => {
            let within = (*target != tree.root().code).then(|| {
                tree.villages_within(target)
                    .into_iter()
                    .map(|a| a.code.to_string())
                    .collect::<BTreeSet<String>>()
            });
            let groups = AreaGroup::children_of(tree, target);
            let groups = (!groups.is_empty()).then_some(groups);
            (within, AreaPlace::of(tree, target), groups)
        }
        _ => (None, None, None),
    };
    let in_force = InForce::read(state, account)
        .await?
        .at(target.as_ref().map(AreaCode::as_str));
    let year = in_force.baseline_year;
    let timing = Timing {
        days: in_force.report_days,
        today: today(),
    };
    // Independent reads, each on its own pooled connection (WAL readers
    // run side by side).
    let baselines = async {
        match (comparison, year) {
            (Comparison::YearBefore, _) => Ok(BTreeMap::new()),
            (Comparison::Baseline, Some(y)) => {
                state
                    .storage
                    .baseline_counts(y.get(), within.as_ref())
                    .await
            }
            (Comparison::Baseline, None) => Ok(BTreeMap::new()),
        }
    };
    // The same months a year before, when the rates compare with them.
    let prior = async {
        match comparison {
            Comparison::YearBefore => {
                let back = |p: Period| Period {
                    year: p.year - 1,
                    month: p.month,
                };
                let figures = state
                    .storage
                    .figures_within(back(range.first()), back(range.last()), within.as_ref())
                    .await?;
                Ok(Some(figures.months))
            }
            Comparison::Baseline => Ok(None),
        }
    };
    // The villages within, with the months they exist in.
    let villages = state.storage.villages_within(within.as_ref());
    let (figures, baselines, villages, prior, arrivals, approved) = tokio::try_join!(
        state
            .storage
            .figures_within(range.first(), range.last(), within.as_ref()),
        baselines,
        villages,
        prior,
        state
            .storage
            .arrivals_within(range.first(), range.last(), within.as_ref()),
        state
            .storage
            .approved_within(range.first(), range.last(), within.as_ref()),
    )?;
    let sees = |code: &str| within.as_ref().is_none_or(|v| v.contains(code));
    Ok(DashboardInput {
        villages: villages
            .into_iter()
            .filter(|v| sees(&v.code))
            .map(|v| VillageEntry {
                code: v.code,
                name: v.name,
                span: v.span,
            })
            .collect(),
        place,
        groups,
        months: figures.months,
        baseline_year: match comparison {
            Comparison::Baseline => year.map(|y| y.get()),
            Comparison::YearBefore => None,
        },
        baselines,
        prior,
        arrivals,
        timing: Some(timing),
        approved,
        flagged: figures.flagged,
    })
}

/// The dashboard as of the server's month in progress; a sum too large to
/// show is an error, not a wrong figure.
pub fn build(input: &DashboardInput, range: MonthRange) -> Result<Dashboard, ApiError> {
    Dashboard::build(input, range.first(), range.last(), current_period())
        .map_err(|e| internal(e.to_string()))
}

/// `GET /town/dashboard?from=YYYY-MM&to=YYYY-MM[&area=CODE]`.
async fn dashboard(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
    Parsed(Query(area)): Parsed<Query<AreaParam>>,
) -> Result<Json<Dashboard>, ApiError> {
    account.may_somewhere(Action::Read)?;
    let input = dashboard_input(
        &state,
        &account,
        range,
        area.area.as_ref(),
        Comparison::Baseline,
    )
    .await?;
    Ok(Json(build(&input, range)?))
}

/// `GET /town/villages/{code}/months?from&to`: one village's months.
async fn village_months(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(code)): Parsed<Path<VillageCode>>,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
) -> Result<Json<VillageRow>, ApiError> {
    let area: AreaCode = code.clone().into();
    account.may(Action::Read, &area)?;
    // With a tree, `may` has found the village in it: its own dashboard.
    let within = account.tree.is_some().then_some(&area);
    let mut input = dashboard_input(&state, &account, range, within, Comparison::Baseline).await?;
    input.villages.retain(|v| code == *v.code.as_str());
    Dashboard::village_rows(&input, range.first(), range.last(), current_period())
        .pop()
        .map(Json)
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))
}
