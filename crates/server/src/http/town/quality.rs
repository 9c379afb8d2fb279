//! `GET /town/quality?from=YYYY-MM&to=YYYY-MM[&area=CODE]`: the signs that
//! a village's figure may not be real (`jianzheng_core::rate::quality`),
//! over the villages of the area, judged against each village's twelve
//! months before the range as well.

use super::super::{AreaParam, Parsed};
use super::dashboard::dashboard_input;
use super::settings::InForce;
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use jianzheng_core::org::roles::Action;
use jianzheng_core::rate::quality::{area_signs, history_from, SilentTablet, VillageSigns};
use jianzheng_core::rate::Comparison;
use jianzheng_core::values::{AreaCode, MonthRange};
use std::collections::{BTreeMap, BTreeSet};

/// `/quality`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/quality", get(quality))
}

async fn quality(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(range)): Parsed<Query<MonthRange>>,
    Parsed(Query(area)): Parsed<Query<AreaParam>>,
) -> Result<Json<Vec<VillageSigns>>, ApiError> {
    account.may_somewhere(Action::Read)?;
    Ok(Json(
        signs_within(&state, &account, range, area.area.as_ref()).await?,
    ))
}

/// The signs of the villages of `area` (the account's own when `None`)
/// over `range`, for a caller that may read it.
pub async fn signs_within(
    state: &AppState,
    account: &Account,
    range: MonthRange,
    area: Option<&AreaCode>,
) -> Result<Vec<VillageSigns>, ApiError> {
    // A range already as long as a range may be is judged on what it holds:
    // its first months then lack history and are not judged.
    let read = MonthRange::new(history_from(range.first()), range.last()).unwrap_or(range);
    let input = dashboard_input(state, account, read, area, Comparison::Baseline).await?;
    let within: BTreeSet<&str> = input.villages.iter().map(|v| v.code.as_str()).collect();
    let settings = InForce::read(state, account).await?;
    let listed = state
        .storage
        .villages_with_devices(|village| settings.at(Some(village)).stale_days.get())
        .await?;
    let silent: BTreeMap<String, Vec<SilentTablet>> = listed
        .into_iter()
        .filter(|l| within.contains(l.village.code.as_str()))
        .map(|l| {
            let tablets = l
                .devices
                .into_iter()
                .filter(|d| d.stale)
                .map(|d| SilentTablet {
                    ledger: d.ledger,
                    last_seen_at: d.last_seen_at,
                })
                .collect();
            (l.village.code, tablets)
        })
        .collect();
    Ok(area_signs(&input, range.first(), range.last(), &silent))
}
