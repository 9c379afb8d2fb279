//! Villages and their tablets: the list with each tablet's standing (silent
//! by the days in force at its village), adding and renaming villages,
//! enrolment codes (valid as long as its village's setting says), revoking
//! a tablet.

use super::super::{JsonBody, Parsed};
use super::internal;
use super::settings::InForce;
use crate::clock::current_period;
use crate::error::ApiError;
use crate::scope::Account;
use crate::storage::{Added, LedgerIntent, VillageChange};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use jianzheng_core::api::audit::{AuditKind, Said};
use jianzheng_core::api::town::{
    CodeFor, FirstMonth, NewCode, NewVillage, Retire, Revoke, Village, VillageRename, Withdrawn,
};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::org::roles::Action;
use jianzheng_core::org::Level;
use jianzheng_core::rate::SpanRefused;
use jianzheng_core::sync::display_code;
use jianzheng_core::values::{AreaCode, VillageCode};

/// `/villages`, `/villages/{code}`, its enrolment codes and `/devices/revoke`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/villages", get(villages).post(create_village))
        .route(
            "/villages/{code}",
            put(rename_village).delete(delete_village),
        )
        .route("/villages/{code}/first-month", put(first_month))
        .route("/villages/{code}/retire", post(retire))
        .route("/villages/{code}/enrolment-code", post(enrolment_code))
        .route(
            "/villages/{code}/enrolment-code/withdraw",
            post(withdraw_enrolment_codes),
        )
        .route("/devices/revoke", post(revoke))
}

/// `GET /town/villages`: every village with its tablets.
async fn villages(
    State(state): State<AppState>,
    account: Account,
) -> Result<Json<Vec<Village>>, ApiError> {
    account.may_somewhere(Action::Read)?;
    let settings = InForce::read(&state, &account).await?;
    let mut out = Vec::new();
    let listed = state
        .storage
        .villages_with_devices(|village| settings.at(Some(village)).stale_days.get())
        .await?;
    for listed in listed.into_iter().filter(|l| account.sees(&l.village.code)) {
        out.push(Village {
            code: listed
                .village
                .code
                .parse()
                .map_err(|e| internal(format!("stored village code: {e}")))?,
            name: listed.village.name,
            devices: listed.devices,
            span: listed.village.span,
        });
    }
    Ok(Json(out))
}

/// `POST /town/villages`.
async fn create_village(
    State(state): State<AppState>,
    account: Account,
    JsonBody(form): JsonBody<NewVillage>,
) -> Result<StatusCode, ApiError> {
    // No town named: the account's own area when it is a town, else the
    // default town (the root's, when that is a town).
    let own_town = account
        .scope
        .as_ref()
        .zip(account.tree.as_ref())
        .and_then(|(scope, tree)| tree.get(&scope.area))
        .filter(|area| area.level == Level::Town)
        .map(|area| area.code.clone());
    let parent = form.parent.clone().or(own_town);
    match &parent {
        Some(parent) => account.may_in(Action::ManageVillages, parent)?,
        None => account.for_all(Action::ManageVillages)?,
    }
    // A new village's code is its division code, within its town's.
    let town = parent.clone().or_else(|| {
        account
            .tree
            .as_ref()
            .map(|t| t.root())
            .filter(|root| root.level == Level::Town)
            .map(|root| root.code.clone())
    });
    form.code
        .check_new(town.as_ref())
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, e.to_string()))?;
    let detail = Said::new(
        format!(
            "{} {}，属{}",
            form.code,
            form.name,
            parent.as_ref().map_or("默认乡镇", |p| p.as_str())
        ),
        format!(
            "{} {} in {}",
            form.code,
            form.name,
            parent.as_ref().map_or("the default town", |p| p.as_str())
        ),
    );
    let added = account
        .audited(
            &state,
            AuditKind::VillageAdded,
            Some(form.code.as_str()),
            detail,
        )
        .create_village(form.code.as_str(), form.name.as_str(), parent.as_ref())
        .await?;
    state.areas.changed();
    match added {
        Added::Added => Ok(StatusCode::CREATED),
        Added::CodeTaken => Err(ApiError::code(ErrorCode::Conflict)),
        Added::NameTaken(other) => Err(ApiError::new(
            ErrorCode::VillageNameTaken,
            format!("village {other} has the name"),
        )),
    }
}

/// `PUT /town/villages/{code}`.
async fn rename_village(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(code)): Parsed<Path<VillageCode>>,
    JsonBody(form): JsonBody<VillageRename>,
) -> Result<StatusCode, ApiError> {
    account.may(Action::ManageVillages, &code.clone().into())?;
    let before = state
        .storage
        .villages()
        .await?
        .into_iter()
        .find(|v| v.code == code.as_str())
        .map(|v| v.name);
    let detail = Said::same(format!("{} → {}", before.unwrap_or_default(), form.name));
    let renamed = account
        .audited(
            &state,
            AuditKind::VillageRenamed,
            Some(code.as_str()),
            detail,
        )
        .rename_village(code.as_str(), form.name.as_str())
        .await?;
    state.areas.changed();
    village_changed(renamed)
}

/// The answer to a village change.
fn village_changed(change: VillageChange) -> Result<StatusCode, ApiError> {
    match change {
        VillageChange::Done => Ok(StatusCode::NO_CONTENT),
        VillageChange::NotFound => Err(ApiError::code(ErrorCode::NotFound)),
        VillageChange::Refused(SpanRefused::Backwards) => {
            Err(ApiError::code(ErrorCode::VillageMonthsBackwards))
        }
        VillageChange::Refused(refused) => {
            Err(ApiError::new(ErrorCode::BadRequest, refused.to_string()))
        }
        VillageChange::HasData => Err(ApiError::code(ErrorCode::VillageHasData)),
        VillageChange::NameTaken(other) => Err(ApiError::new(
            ErrorCode::VillageNameTaken,
            format!("village {other} has the name"),
        )),
    }
}

/// `PUT /town/villages/{code}/first-month`: the month a village counts
/// from, earlier for one that moved in with history (audited).
async fn first_month(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(code)): Parsed<Path<VillageCode>>,
    JsonBody(form): JsonBody<FirstMonth>,
) -> Result<StatusCode, ApiError> {
    let area: AreaCode = code.clone().into();
    account.may(Action::ManageVillages, &area)?;
    // Earlier (a village that moved in with history) is an officer's; a
    // later first month hides missing months, and is an administrator's.
    let Some(village) = state.storage.village(code.as_str()).await? else {
        return Err(ApiError::code(ErrorCode::NotFound));
    };
    if form.first > village.span.first {
        account.may(Action::WithdrawApprovals, &area)?;
    }
    let current = current_period();
    let changed = account
        .audited(
            &state,
            AuditKind::VillageFirstMonthSet,
            Some(code.as_str()),
            Said::new(
                format!("自{}起计入", form.first),
                format!("counted from {}", form.first),
            ),
        )
        .set_village_span(code.as_str(), |span| span.starting_by(form.first, current))
        .await?;
    village_changed(changed)
}

/// `POST /town/villages/{code}/retire`: the village's last month; it keeps
/// its history and leaves the figures after it (administrators, audited).
async fn retire(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(code)): Parsed<Path<VillageCode>>,
    JsonBody(form): JsonBody<Retire>,
) -> Result<StatusCode, ApiError> {
    account.may(Action::WithdrawApprovals, &code.clone().into())?;
    let changed = account
        .audited(
            &state,
            AuditKind::VillageRetired,
            Some(code.as_str()),
            Said::new(
                format!("最后月份{}", form.last),
                format!("last month {}", form.last),
            ),
        )
        .set_village_span(code.as_str(), |span| span.retired(form.last))
        .await?;
    village_changed(changed)
}

/// `DELETE /town/villages/{code}`: a village added by mistake, with no
/// tablet, figures or baseline (administrators, audited).
async fn delete_village(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(code)): Parsed<Path<VillageCode>>,
) -> Result<StatusCode, ApiError> {
    account.may(Action::WithdrawApprovals, &code.clone().into())?;
    let name = state
        .storage
        .village(code.as_str())
        .await?
        .map(|v| v.name)
        .unwrap_or_default();
    let deleted = account
        .audited(
            &state,
            AuditKind::VillageDeleted,
            Some(code.as_str()),
            Said::same(format!("{code} {name}")),
        )
        .delete_village(code.as_str())
        .await?;
    state.areas.changed();
    village_changed(deleted)
}

/// `POST /town/villages/{code}/enrolment-code` with no body or `{}` for a
/// new tablet, or `{"continue_ledger": "T1"}` for one that replaces T1's.
async fn enrolment_code(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(village)): Parsed<Path<VillageCode>>,
    body: axum::body::Bytes,
) -> Result<Json<NewCode>, ApiError> {
    account.may(Action::ManageTablets, &village.clone().into())?;
    // No body at all is a code for a new tablet, as `{}` is.
    let form: CodeFor = match body.is_empty() {
        true => CodeFor::default(),
        false => serde_json::from_slice(&body)
            .map_err(|e| ApiError::new(ErrorCode::BadRequest, e.to_string()))?,
    };
    if !state
        .storage
        .villages()
        .await?
        .iter()
        .any(|v| v.code == village.as_str())
    {
        return Err(ApiError::code(ErrorCode::NotFound));
    }
    let settings = InForce::read(&state, &account)
        .await?
        .at(Some(village.as_str()));
    let intent = match form.continue_ledger {
        None => LedgerIntent::New,
        Some(ledger) => {
            let live = state
                .storage
                .devices(village.as_str(), settings.stale_days.get())
                .await?;
            if !live.iter().any(|d| ledger == *d.ledger) {
                return Err(ApiError::new(
                    ErrorCode::BadRequest,
                    format!("village {village} has no ledger {ledger}"),
                ));
            }
            LedgerIntent::Continue(ledger.into())
        }
    };
    let days = settings.enrolment_code_days;
    // Never the code itself: the trail is read by others.
    let detail = match &intent {
        LedgerIntent::New => Said::new(
            format!("新台账，有效{days}天"),
            format!("a new ledger, valid {days} days"),
        ),
        LedgerIntent::Continue(ledger) => Said::new(
            format!("接续台账 {ledger}，有效{days}天"),
            format!("continues {ledger}, valid {days} days"),
        ),
    };
    let code = account
        .audited(
            &state,
            AuditKind::EnrolmentCodeMade,
            Some(village.as_str()),
            detail,
        )
        .create_enrolment_code(village.as_str(), days.get(), &intent)
        .await?;
    Ok(Json(NewCode {
        display: display_code(&code),
        code,
        village,
        valid_days: days,
    }))
}

/// `POST /town/villages/{code}/enrolment-code/withdraw`: every unused code
/// of the village stops working (a code seen by the wrong person).
async fn withdraw_enrolment_codes(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(village)): Parsed<Path<VillageCode>>,
) -> Result<Json<Withdrawn>, ApiError> {
    account.may(Action::ManageTablets, &village.clone().into())?;
    // The count is the change's own: the storage adds it to the row.
    let withdrawn = account
        .audited(
            &state,
            AuditKind::EnrolmentCodesWithdrawn,
            Some(village.as_str()),
            Said::default(),
        )
        .withdraw_enrolment_codes(village.as_str())
        .await?;
    Ok(Json(Withdrawn { withdrawn }))
}

/// `POST /town/devices/revoke`.
async fn revoke(
    State(state): State<AppState>,
    account: Account,
    JsonBody(form): JsonBody<Revoke>,
) -> Result<StatusCode, ApiError> {
    let Some(village) = state
        .storage
        .device_village(&form.key.0, form.incarnation)
        .await?
    else {
        return Err(ApiError::code(ErrorCode::NotFound));
    };
    let village: AreaCode = village
        .parse()
        .map_err(|e| internal(format!("stored village code: {e}")))?;
    account.may(Action::ManageTablets, &village)?;
    let key = form.key.to_string();
    let detail = Said::new(
        format!("密钥 {}…，第{}次登记", &key[..8], form.incarnation),
        format!("key {}…, incarnation {}", &key[..8], form.incarnation),
    );
    // The ledger is the change's own: the storage adds it to the row.
    let revoked = account
        .audited(
            &state,
            AuditKind::TabletRevoked,
            Some(village.as_str()),
            detail,
        )
        .revoke(&form.key.0, form.incarnation)
        .await?;
    if revoked.is_none() {
        return Err(ApiError::code(ErrorCode::NotFound));
    }
    Ok(StatusCode::NO_CONTENT)
}
