//! The area tree: `GET /town/areas` lists it, each area before those below
//! it; `PUT /town/areas/{code}` adds, renames or moves one, checked whole
//! (a village stays a village, nothing moves inside itself).

use super::super::{JsonBody, Parsed};
use crate::auth::Admin;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use jianzheng_core::api::audit::AuditKind;
use jianzheng_core::api::town::AreaChange;
use jianzheng_core::org::Area;
use jianzheng_core::values::AreaCode;

/// `/areas`, `/areas/{code}`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/areas", get(areas))
        .route("/areas/{code}", put(change_area))
}

/// `GET /town/areas`: the tree from its root down (empty while there is none).
async fn areas(State(state): State<AppState>, _: Admin) -> Result<Json<Vec<Area>>, ApiError> {
    let tree = state.storage.area_tree().await?;
    Ok(Json(tree.map_or_else(Vec::new, |tree| {
        tree.subtree(&tree.root().code)
            .into_iter()
            .cloned()
            .collect()
    })))
}

/// `PUT /town/areas/{code}`.
async fn change_area(
    State(state): State<AppState>,
    admin: Admin,
    Parsed(Path(code)): Parsed<Path<AreaCode>>,
    JsonBody(form): JsonBody<AreaChange>,
) -> Result<Json<Area>, ApiError> {
    let before = state
        .storage
        .area_tree()
        .await?
        .and_then(|t| t.get(&code).cloned());
    let area = Area {
        code: code.clone(),
        name: form.name,
        level: form.level,
        parent: form.parent,
    };
    state.storage.change_areas(vec![area.clone()]).await?;
    let said = |a: &Area| {
        let parent = a.parent.as_ref().map_or("no parent", AreaCode::as_str);
        format!("{} ({}, in {parent})", a.name, a.level.as_str())
    };
    let detail = match &before {
        Some(old) => format!("{} → {}", said(old), said(&area)),
        None => format!("added {}", said(&area)),
    };
    admin
        .audit(
            &state,
            AuditKind::AreasChanged,
            Some(code.as_str()),
            &detail,
        )
        .await;
    Ok(Json(area))
}
