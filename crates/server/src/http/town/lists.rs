//! The town edits its lists: the lists in force at an area, a draft per
//! list, its difference against the published version (computed in core),
//! publishing it as the next version, which tablets below the list's area
//! take on their next sync, and a new list of an area's own.

use super::super::lists::InForceError;
use super::super::{AreaParam, JsonBody, Parsed};
use crate::error::ApiError;
use crate::scope::Account;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use jianzheng_core::api::audit::{AuditKind, Said};
use jianzheng_core::api::lists::{EditedList, NewList};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::catalogue::{
    diff, next_version, Catalogue, CatalogueError, EntryChange, List, Placed, FORMAT,
};
use jianzheng_core::org::roles::Action;
use jianzheng_core::rate::AreaStep;
use jianzheng_core::values::AreaCode;
use std::collections::BTreeSet;

/// `/lists`, `/lists/{id}/draft`, `/lists/{id}/publish`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/lists", get(lists).post(create))
        .route("/lists/{id}/draft", put(save_draft).delete(discard_draft))
        .route("/lists/{id}/publish", post(publish))
}

/// The path of `area` nearest first in the account's tree (empty with no
/// tree or no area).
fn path(account: &Account, area: Option<&AreaCode>) -> Vec<AreaCode> {
    match (area, &account.tree) {
        (Some(area), Some(tree)) => tree
            .path(area)
            .into_iter()
            .rev()
            .map(|a| a.code.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether the account may edit `list`, published at `area`: one issued
/// above every area ([`List::issued_above`]) no one here may.
fn may_edit(account: &Account, list: &List, area: Option<&AreaCode>) -> Result<(), ApiError> {
    if list.issued_above() {
        return Err(ApiError::code(ErrorCode::ListIssuedAbove));
    }
    match area {
        None => account.for_all(Action::EditLists),
        Some(area) => account.may(Action::EditLists, area),
    }
}

/// A refusal of core's rule over the lists, as the API answers it.
fn refused(err: CatalogueError) -> ApiError {
    match err {
        CatalogueError::Loosens { .. } => ApiError::new(ErrorCode::ListLoosens, err.to_string()),
        err => ApiError::new(ErrorCode::BadRequest, err.to_string()),
    }
}

/// The newest version of list `id` among the `stored` ones, with its area
/// (a shipped list never published again is the whole server's), or not
/// found.
fn published(stored: &[Placed], id: &str) -> Result<Placed, ApiError> {
    if let Some(placed) = stored.iter().find(|p| p.list.id == id) {
        return Ok(placed.clone());
    }
    Catalogue::default_lists()
        .lists()
        .iter()
        .find(|l| l.id == id)
        .map(|list| Placed {
            area: None,
            list: list.clone(),
        })
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))
}

/// Today, as a list's publication date.
fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

/// Whether `next`, in place of its namesake among the `stored` lists,
/// keeps core's rule at its area and at every area below it that publishes
/// lists of its own (each such area checked once).
fn fits(account: &Account, stored: &[Placed], next: &Placed) -> Result<(), ApiError> {
    let mut lists: Vec<Placed> = stored
        .iter()
        .filter(|p| p.list.id != next.list.id)
        .cloned()
        .collect();
    lists.push(next.clone());
    let below = |area: &AreaCode| match (&next.area, &account.tree) {
        (None, _) => true,
        (Some(at), Some(tree)) => tree.is_within(area, at),
        (Some(_), None) => false,
    };
    let mut areas: BTreeSet<Option<&AreaCode>> = BTreeSet::from([next.area.as_ref()]);
    areas.extend(
        lists
            .iter()
            .filter_map(|p| p.area.as_ref())
            .filter(|area| below(area))
            .map(Some),
    );
    for area in areas {
        Catalogue::in_force_at(&lists, &path(account, area)).map_err(refused)?;
    }
    Ok(())
}

/// `GET /town/lists[?area=]`: every list in force at the area (the
/// account's own by default), nearest first, with its draft, the changes
/// and whether the account may edit it.
async fn lists(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(param)): Parsed<Query<AreaParam>>,
) -> Result<Json<Vec<EditedList>>, ApiError> {
    let area = param
        .area
        .or_else(|| account.scope.as_ref().map(|s| s.area.clone()));
    if let Some(area) = &area {
        account.may(Action::Read, area)?;
    } else {
        account.may_somewhere(Action::Read)?;
    }
    let drafts = state.storage.list_drafts().await?;
    let stored = state.storage.published_lists().await?;
    let catalogue = Catalogue::in_force_at(&stored.lists, &path(&account, area.as_ref()))
        .map_err(InForceError::from)?;
    let lists = catalogue
        .lists()
        .iter()
        .map(|published| {
            let at = stored
                .lists
                .iter()
                .find(|p| p.list.id == published.id)
                .and_then(|p| p.area.as_ref());
            let draft = drafts
                .iter()
                .find(|d| d.list.id == published.id)
                .map(|d| d.list.clone());
            EditedList {
                changes: draft
                    .as_ref()
                    .map(|d| diff(published, d))
                    .unwrap_or_default(),
                area: at.and_then(|code| {
                    account
                        .tree
                        .as_ref()
                        .and_then(|tree| tree.get(code))
                        .map(AreaStep::from)
                }),
                editable: may_edit(&account, published, at).is_ok(),
                published: published.clone(),
                draft,
                unreadable: stored
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

/// `POST /town/lists`: a new list of an area's own, published with no
/// entries so that it can be edited like any other.
async fn create(
    State(state): State<AppState>,
    account: Account,
    JsonBody(new): JsonBody<NewList>,
) -> Result<Json<List>, ApiError> {
    account.may(Action::EditLists, &new.area)?;
    if account
        .tree
        .as_ref()
        .is_none_or(|t| t.get(&new.area).is_none())
    {
        return Err(ApiError::new(ErrorCode::NotFound, "no such area"));
    }
    if new.title.zh.trim().is_empty() || new.title.zh.chars().count() > 100 {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            "a title is 1 to 100 characters",
        ));
    }
    let _turn = state.checker.publishing().await;
    let taken = state.storage.published_lists().await?.lists;
    let shipped = Catalogue::default_lists();
    let free = |id: &str| {
        !taken.iter().any(|p| p.list.id == id) && !shipped.lists().iter().any(|l| l.id == id)
    };
    let id = (1..)
        .map(|n| format!("{}-{n}", new.area))
        .find(|id| free(id))
        .expect("a free id");
    let today = today();
    let list = List {
        format: FORMAT,
        id,
        version: format!("{}.1", &today[..4]),
        title: new.title.clone(),
        source: new.title,
        published: today,
        entries: Vec::new(),
    };
    let placed = Placed {
        area: Some(new.area.clone()),
        list: list.clone(),
    };
    let detail = Said::new(
        format!("{}：新建清单，版本 {}", list.id, list.version),
        format!("{}: new list, version {}", list.id, list.version),
    );
    account
        .audited(
            &state,
            AuditKind::ListPublished,
            Some(new.area.as_str()),
            detail,
        )
        .publish_list(&placed)
        .await?;
    state.checker.reload(&state.storage).await?;
    Ok(Json(list))
}

/// `PUT /town/lists/{id}/draft`: saves a draft (a whole list, checked as
/// the next version and against the lists above its area).
async fn save_draft(
    State(state): State<AppState>,
    account: Account,
    Path(id): Path<String>,
    JsonBody(draft): JsonBody<List>,
) -> Result<Json<Vec<EntryChange>>, ApiError> {
    let stored = state.storage.published_lists().await?.lists;
    let published = published(&stored, &id)?;
    may_edit(&account, &published.list, published.area.as_ref())?;
    let next = next_version(&published.list, &draft, &today()).map_err(refused)?;
    fits(
        &account,
        &stored,
        &Placed {
            area: published.area.clone(),
            list: next,
        },
    )?;
    let draft = Placed {
        area: published.area.clone(),
        list: draft,
    };
    let changes = diff(&published.list, &draft.list);
    let detail = Said::new(
        format!(
            "{id}：相对版本 {} 有{}处改动",
            published.list.version,
            changes.len()
        ),
        format!(
            "{id}: {} changes against version {}",
            changes.len(),
            published.list.version
        ),
    );
    let area = published.area.as_ref().map(AreaCode::as_str);
    account
        .audited(&state, AuditKind::ListDraftSaved, area, detail)
        .save_draft(&draft)
        .await?;
    Ok(Json(changes))
}

/// `DELETE /town/lists/{id}/draft`.
async fn discard_draft(
    State(state): State<AppState>,
    account: Account,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let stored = state.storage.published_lists().await?.lists;
    let published = published(&stored, &id)?;
    may_edit(&account, &published.list, published.area.as_ref())?;
    let area = published.area.as_ref().map(AreaCode::as_str);
    account
        .audited(
            &state,
            AuditKind::ListDraftDiscarded,
            area,
            Said::same(id.clone()),
        )
        .delete_draft(&id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /town/lists/{id}/publish`: the draft becomes the next version,
/// in force for the server's own check at once.
async fn publish(
    State(state): State<AppState>,
    account: Account,
    Path(id): Path<String>,
) -> Result<Json<List>, ApiError> {
    let _turn = state.checker.publishing().await;
    let stored = state.storage.published_lists().await?.lists;
    let published = published(&stored, &id)?;
    may_edit(&account, &published.list, published.area.as_ref())?;
    let draft = state
        .storage
        .list_drafts()
        .await?
        .into_iter()
        .find(|d| d.list.id == id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no draft of this list"))?;
    let next = Placed {
        area: published.area.clone(),
        list: next_version(&published.list, &draft.list, &today()).map_err(refused)?,
    };
    // Codes stay unique, and nothing barred above is let through below.
    fits(&account, &stored, &next)?;
    let changed = diff(&published.list, &next.list).len();
    let detail = Said::new(
        format!(
            "{id}：版本 {} → {}，{changed}处改动",
            published.list.version, next.list.version
        ),
        format!(
            "{id}: version {} → {}, {changed} changes",
            published.list.version, next.list.version
        ),
    );
    let area = next.area.as_ref().map(AreaCode::as_str);
    let storage = account.audited(&state, AuditKind::ListPublished, area, detail);
    if !storage.publish_draft(&next).await? {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "the draft was published or discarded meanwhile",
        ));
    }
    state.checker.reload(&state.storage).await?;
    Ok(Json(next.list))
}
