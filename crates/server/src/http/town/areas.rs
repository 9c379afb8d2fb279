//! The area tree: `GET /town/areas` lists it, each area before those below
//! it; `PUT /town/areas/{code}` adds, renames or moves one, checked whole
//! (a village stays a village, nothing moves inside itself).

use super::super::{JsonBody, Parsed};
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use jianzheng_core::api::audit::{AuditKind, Said};
use jianzheng_core::api::town::AreaChange;
use jianzheng_core::i18n::Lang;
use jianzheng_core::org::roles::Action;
use jianzheng_core::org::{Area, Level};
use jianzheng_core::values::AreaCode;

/// `/areas`, `/areas/{code}`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/areas", get(areas))
        .route("/areas/{code}", put(change_area))
}

/// `GET /town/areas`: the account's area and everything below it, each
/// area before its children (empty while there is none).
async fn areas(account: Account) -> Result<Json<Vec<Area>>, ApiError> {
    account.may_somewhere(Action::Read)?;
    let (Some(tree), Some(scope)) = (&account.tree, &account.scope) else {
        return Ok(Json(Vec::new()));
    };
    Ok(Json(
        tree.subtree(&scope.area).into_iter().cloned().collect(),
    ))
}

/// `PUT /town/areas/{code}`.
async fn change_area(
    State(state): State<AppState>,
    account: Account,
    Parsed(Path(code)): Parsed<Path<AreaCode>>,
    JsonBody(form): JsonBody<AreaChange>,
) -> Result<Json<Area>, ApiError> {
    let before = account.tree.as_ref().and_then(|t| t.get(&code).cloned());
    // A village is an officer's; an area above, an administrator's. The
    // area changed and the one it goes into must both be the account's;
    // a new root, only the root's.
    let action = match form.level {
        Level::Village => Action::ManageVillages,
        _ => Action::ManageAreas,
    };
    if before.is_some() {
        account.may(action, &code)?;
    }
    match &form.parent {
        Some(parent) => account.may_in(action, parent)?,
        None => account.for_all(Action::ManageAreas)?,
    }
    let area = Area {
        code: code.clone(),
        name: form.name,
        level: form.level,
        parent: form.parent,
    };
    let zh = |a: &Area| {
        let parent = a.parent.as_ref().map_or("无上级", AreaCode::as_str);
        format!("{}（{}，属{parent}）", a.name, a.level.name(Lang::Zh))
    };
    let en = |a: &Area| {
        let parent = a.parent.as_ref().map_or("no parent", AreaCode::as_str);
        format!("{} ({}, in {parent})", a.name, a.level.as_str())
    };
    let detail = match &before {
        Some(old) => Said::new(
            format!("{} → {}", zh(old), zh(&area)),
            format!("{} → {}", en(old), en(&area)),
        ),
        None => Said::new(
            format!("新增 {}", zh(&area)),
            format!("added {}", en(&area)),
        ),
    };
    account
        .audited(&state, AuditKind::AreasChanged, Some(code.as_str()), detail)
        .change_areas(vec![area.clone()])
        .await?;
    state.areas.changed();
    Ok(Json(area))
}
