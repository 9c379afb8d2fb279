//! Approved months (`jianzheng_core::rate::approval`): `POST /town/approvals`
//! locks an ended month for a village or every village of an area;
//! `GET /town/corrections[?area]` lists what uploads pushed for locked
//! months since; `POST /town/corrections` accepts or dismisses one village
//! month's. Each change is in the audit trail.

use super::super::{AreaParam, JsonBody, Parsed};
use super::bad;
use super::dashboard::dashboard_input;
use crate::clock::current_period;
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use jianzheng_core::api::audit::{AuditKind, Said};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::i18n::Lang;
use jianzheng_core::ledger::Period;
use jianzheng_core::org::roles::Action;
use jianzheng_core::rate::approval::{
    may_approve, ApprovalPlan, Approve, Approved, Correction, Decide, ReasonMissing, Withdraw,
    Withdrawn,
};
use jianzheng_core::rate::{Comparison, Dashboard};
use jianzheng_core::values::{AreaCode, MonthRange, ValueError};
use std::collections::BTreeSet;

/// `/approvals`, `/approvals/plan`, `/approvals/withdraw` and `/corrections`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/approvals", post(approve))
        .route("/approvals/plan", get(plan))
        .route("/approvals/withdraw", post(withdraw))
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

/// `?month=YYYY-MM[&area=CODE]`.
#[derive(serde::Deserialize)]
struct PlanQuery {
    month: String,
    #[serde(default)]
    area: Option<AreaCode>,
}

/// What approving `period` within `area` would do, by core's rule (a
/// month is approvable once ended, for a village that existed and
/// reported it).
async fn plan_of(
    state: &AppState,
    account: &Account,
    period: Period,
    area: Option<&AreaCode>,
) -> Result<ApprovalPlan, ApiError> {
    let current = current_period();
    may_approve(period, current).map_err(|e| bad(e.message(Lang::En)))?;
    let range = MonthRange::new(period, period).map_err(|e| bad(e.to_string()))?;
    let input = dashboard_input(state, account, range, area, Comparison::Baseline).await?;
    let (_, within) = villages_of(account, area);
    let mut rows = Dashboard::village_rows(&input, period, period, current);
    rows.retain(|r| within.as_ref().is_none_or(|w| w.contains(&r.code)));
    ApprovalPlan::of(&rows, period, current).map_err(|e| bad(e.message(Lang::En)))
}

/// `GET /town/approvals/plan?month&area`: what the approval would do.
async fn plan(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(asked)): Parsed<Query<PlanQuery>>,
) -> Result<Json<ApprovalPlan>, ApiError> {
    let period =
        Period::parse(asked.month.trim()).ok_or_else(|| bad(ValueError::Month.to_string()))?;
    let (target, _) = villages_of(&account, asked.area.as_ref());
    match &target {
        Some(area) => account.may(Action::ApproveMonths, area)?,
        None => account.for_all(Action::ApproveMonths)?,
    }
    Ok(Json(
        plan_of(&state, &account, period, asked.area.as_ref()).await?,
    ))
}

/// `POST /town/approvals`: approves the month for the villages that
/// reported it, as the plan said; the missing stay missing.
async fn approve(
    State(state): State<AppState>,
    account: Account,
    JsonBody(asked): JsonBody<Approve>,
) -> Result<Json<Approved>, ApiError> {
    let (target, _) = villages_of(&account, asked.area.as_ref());
    match &target {
        Some(area) => account.may(Action::ApproveMonths, area)?,
        None => account.for_all(Action::ApproveMonths)?,
    }
    let plan = plan_of(&state, &account, asked.period, asked.area.as_ref()).await?;
    if plan.to_approve.is_empty() {
        return Ok(Json(Approved { villages: 0 }));
    }
    let at = target.as_ref().map(AreaCode::as_str);
    let detail = Said::new(
        format!(
            "{}：审核通过已上报的{}个村，未上报的{}个村仍为缺报",
            asked.period,
            plan.to_approve.len(),
            plan.not_reported.len()
        ),
        format!(
            "{}: {} reported approved, {} not reported left missing",
            asked.period,
            plan.to_approve.len(),
            plan.not_reported.len()
        ),
    );
    let villages: BTreeSet<String> = plan.to_approve.into_iter().collect();
    let done = account
        .audited(&state, AuditKind::MonthsApproved, at, detail)
        .approve(&villages, asked.period, &account.user.name)
        .await?;
    Ok(Json(Approved { villages: done }))
}

/// `POST /town/approvals/withdraw`: an administrator opens an approved
/// month again, for a reason kept in the audit trail; what uploads pushed
/// for it meanwhile is taken into the figures.
async fn withdraw(
    State(state): State<AppState>,
    account: Account,
    JsonBody(body): JsonBody<serde_json::Value>,
) -> Result<Json<Withdrawn>, ApiError> {
    // A missing or blank reason is its own refusal, in both languages.
    let asked: Withdraw = serde_json::from_value(body).map_err(|e| {
        let text = e.to_string();
        if text.contains("`reason`") || text.contains(&ReasonMissing.to_string()) {
            ApiError::new(ErrorCode::ReasonMissing, text)
        } else {
            bad(text)
        }
    })?;
    let (target, within) = villages_of(&account, asked.area.as_ref());
    match &target {
        Some(area) => account.may(Action::WithdrawApprovals, area)?,
        None => account.for_all(Action::WithdrawApprovals)?,
    }
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
    let detail = Said::new(
        format!("{}：原因：{}", asked.period, asked.reason.as_str()),
        format!("{}: reason: {}", asked.period, asked.reason.as_str()),
    );
    let (villages, corrections) = account
        .audited(&state, AuditKind::ApprovalWithdrawn, at, detail)
        .withdraw_approvals(&villages, asked.period)
        .await?;
    Ok(Json(Withdrawn {
        villages,
        corrections,
    }))
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
    let detail = Said::same(format!("{} {}", asked.village, asked.period));
    let cells = account
        .audited(&state, kind, Some(area.as_str()), detail)
        .decide_corrections(area.as_str(), asked.period, asked.accept)
        .await?;
    Ok(Json(Decided { cells }))
}
