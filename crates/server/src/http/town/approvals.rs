//! Approved months (`jianzheng_core::rate::approval`): `POST /town/approvals`
//! locks an ended month for a village or every village of an area;
//! `GET /town/corrections[?area]` lists what uploads pushed for locked
//! months since; `POST /town/corrections` accepts or dismisses one village
//! month's. Each change is in the audit trail.

use super::super::{AreaParam, JsonBody, Parsed};
use super::bad;
use crate::clock::current_period;
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use jianzheng_core::api::audit::AuditKind;
use jianzheng_core::i18n::Lang;
use jianzheng_core::org::roles::Action;
use jianzheng_core::rate::approval::{may_approve, Approve, Approved, Correction, Decide};
use jianzheng_core::values::AreaCode;
use std::collections::BTreeSet;

/// `/approvals` and `/corrections`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/approvals", post(approve))
        .route("/corrections", get(corrections).post(decide))
}

/// The area asked about (the account's own when `None`) and the villages
/// within it; `None` for every village on the server (the root's, or a
/// server with no area tree and no area named).
fn villages_of(
    account: &Account,
    area: Option<&AreaCode>,
) -> (Option<AreaCode>, Option<BTreeSet<String>>) {
    let target = area
        .cloned()
        .or_else(|| account.scope.as_ref().map(|s| s.area.clone()));
    let within = match (&target, &account.tree) {
        (Some(t), Some(tree)) if *t == tree.root().code => None,
        (Some(t), Some(tree)) => Some(
            tree.villages_within(t)
                .into_iter()
                .map(|a| a.code.to_string())
                .collect(),
        ),
        // No tree: an area named is a village's code.
        (Some(t), None) => Some(BTreeSet::from([t.to_string()])),
        (None, _) => None,
    };
    (target, within)
}

async fn approve(
    State(state): State<AppState>,
    account: Account,
    JsonBody(asked): JsonBody<Approve>,
) -> Result<Json<Approved>, ApiError> {
    let (target, within) = villages_of(&account, asked.area.as_ref());
    match &target {
        Some(area) => account.may(Action::ApproveMonths, area)?,
        None => account.for_all(Action::ApproveMonths)?,
    }
    may_approve(asked.period, current_period()).map_err(|e| bad(e.message(Lang::En)))?;
    let villages = match within {
        Some(v) => v,
        None => state
            .storage
            .villages()
            .await?
            .into_iter()
            .map(|v| v.code)
            .collect(),
    };
    let at = target.as_ref().map(AreaCode::as_str);
    let detail = format!("{}: {} villages asked", asked.period, villages.len());
    let done = account
        .audited(&state, AuditKind::MonthsApproved, at, detail)
        .approve(&villages, asked.period, &account.user.name)
        .await?;
    Ok(Json(Approved { villages: done }))
}

async fn corrections(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(area)): Parsed<Query<AreaParam>>,
) -> Result<Json<Vec<Correction>>, ApiError> {
    account.may_somewhere(Action::Read)?;
    let (target, within) = villages_of(&account, area.area.as_ref());
    if let Some(target) = &target {
        account.may(Action::Read, target)?;
    }
    Ok(Json(state.storage.corrections(within.as_ref()).await?))
}

/// How many cells a decision took in or dropped.
#[derive(serde::Serialize)]
struct Decided {
    cells: u32,
}

async fn decide(
    State(state): State<AppState>,
    account: Account,
    JsonBody(asked): JsonBody<Decide>,
) -> Result<Json<Decided>, ApiError> {
    let area: AreaCode = asked.village.clone().into();
    account.may(Action::ApproveMonths, &area)?;
    let kind = if asked.accept {
        AuditKind::CorrectionAccepted
    } else {
        AuditKind::CorrectionDismissed
    };
    let detail = format!("{} {}", asked.village, asked.period);
    let cells = account
        .audited(&state, kind, Some(area.as_str()), detail)
        .decide_corrections(area.as_str(), asked.period, asked.accept)
        .await?;
    Ok(Json(Decided { cells }))
}
