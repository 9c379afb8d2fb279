//! The town edits its lists: a draft per list, its difference against the
//! published version (computed in core), and publishing it as the next
//! version, which tablets take on their next sync.

use super::super::lists::in_force;
use super::super::JsonBody;
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use jianzheng_core::api::audit::AuditKind;
use jianzheng_core::api::lists::EditedList;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::catalogue::{diff, next_version, Catalogue, EntryChange, List, ListsFile};
use jianzheng_core::org::roles::Action;

/// `/lists`, `/lists/{id}/draft`, `/lists/{id}/publish`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/lists", get(lists))
        .route("/lists/{id}/draft", put(save_draft).delete(discard_draft))
        .route("/lists/{id}/publish", post(publish))
}

/// The list `id` of `catalogue`, or not found.
fn list_of<'a>(catalogue: &'a Catalogue, id: &str) -> Result<&'a List, ApiError> {
    catalogue
        .lists()
        .iter()
        .find(|l| l.id == id)
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))
}

/// `GET /town/lists`: every list in force with its draft and the changes.
async fn lists(
    State(state): State<AppState>,
    account: Account,
) -> Result<Json<Vec<EditedList>>, ApiError> {
    account.may_somewhere(Action::Read)?;
    let drafts = state.storage.list_drafts().await?;
    let in_force = in_force(&state.storage).await?;
    let lists = in_force
        .catalogue
        .lists()
        .iter()
        .map(|published| {
            let draft = drafts.iter().find(|d| d.id == published.id).cloned();
            EditedList {
                changes: draft
                    .as_ref()
                    .map(|d| diff(published, d))
                    .unwrap_or_default(),
                published: published.clone(),
                draft,
                unreadable: in_force
                    .unreadable
                    .iter()
                    .filter(|v| v.id == published.id)
                    .map(|v| v.version.clone())
                    .collect(),
            }
        })
        .collect();
    Ok(Json(lists))
}

/// `PUT /town/lists/{id}/draft`: saves a draft (a whole list, checked).
async fn save_draft(
    State(state): State<AppState>,
    account: Account,
    Path(id): Path<String>,
    JsonBody(draft): JsonBody<List>,
) -> Result<Json<Vec<EntryChange>>, ApiError> {
    // The lists in force are the whole tree's, until areas publish their own.
    account.for_all(Action::EditLists)?;
    let catalogue = in_force(&state.storage).await?.catalogue;
    let published = list_of(&catalogue, &id)?;
    // The draft must be a valid list of this id (checked as the next version).
    next_version(published, &draft, "2000-01-01")
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, e.to_string()))?;
    state.storage.save_draft(&draft).await?;
    let changes = diff(published, &draft);
    let detail = format!(
        "{id}: {} changes against version {}",
        changes.len(),
        published.version
    );
    account
        .audit(&state, AuditKind::ListDraftSaved, None, &detail)
        .await;
    Ok(Json(changes))
}

/// `DELETE /town/lists/{id}/draft`.
async fn discard_draft(
    State(state): State<AppState>,
    account: Account,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    account.for_all(Action::EditLists)?;
    state.storage.delete_draft(&id).await?;
    account
        .audit(&state, AuditKind::ListDraftDiscarded, None, &id)
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /town/lists/{id}/publish`: the draft becomes the next version,
/// in force for the server's own check at once.
async fn publish(
    State(state): State<AppState>,
    account: Account,
    Path(id): Path<String>,
) -> Result<Json<List>, ApiError> {
    account.for_all(Action::EditLists)?;
    let _turn = state.checker.publishing().await;
    let catalogue = in_force(&state.storage).await?.catalogue;
    let published = list_of(&catalogue, &id)?;
    let draft = state
        .storage
        .list_drafts()
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no draft of this list"))?;
    let next = next_version(
        published,
        &draft,
        &time::OffsetDateTime::now_utc().date().to_string(),
    )
    .map_err(|e| ApiError::new(ErrorCode::BadRequest, e.to_string()))?;
    // Codes stay unique across every list in force.
    let update = ListsFile {
        lists: vec![next.clone()],
        ..ListsFile::of(&Catalogue::default())
    }
    .apply_to(&catalogue)
    .map_err(|e| ApiError::new(ErrorCode::BadRequest, e.to_string()))?;
    if !state.storage.publish_draft(&next).await? {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "the draft was published or discarded meanwhile",
        ));
    }
    state.checker.replace(update.catalogue);
    let detail = format!(
        "{id}: version {} → {}, {} changes",
        published.version,
        next.version,
        diff(published, &next).len()
    );
    account
        .audit(&state, AuditKind::ListPublished, None, &detail)
        .await;
    Ok(Json(next))
}
