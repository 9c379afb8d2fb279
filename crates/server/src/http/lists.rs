//! Lists down: the newest published version of every list.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::catalogue::{Catalogue, ListsFile};

/// `GET /api/v1/lists`: the shipped lists, each replaced by the newest
/// version the town published, as a lists file.
pub async fn lists(State(state): State<AppState>) -> Result<Json<ListsFile>, ApiError> {
    let published = ListsFile {
        lists: state.storage.published_lists().await?,
        ..ListsFile::of(&Catalogue::default())
    };
    let update = published
        .apply_to(&Catalogue::default_lists())
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(Json(ListsFile::of(&update.catalogue)))
}
