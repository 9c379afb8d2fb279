//! Lists down: the newest published version of every list; and the lists
//! in force on this server, which every handler that needs them reads here.

use crate::error::ApiError;
use crate::storage::{ListVersion, Storage, StorageError};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::catalogue::{Catalogue, CatalogueError, ListsFile};

/// The lists in force on this server, and what could not be read.
pub struct InForce {
    /// Core's [`Catalogue::in_force`] over the newest readable version of
    /// every published list.
    pub catalogue: Catalogue,
    /// Published versions newer than those in force that cannot be read.
    pub unreadable: Vec<ListVersion>,
}

/// Why the lists in force could not be made.
#[derive(Debug, thiserror::Error)]
pub enum InForceError {
    /// The published lists could not be read.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The published lists do not make one catalogue (codes clash).
    #[error("the published lists do not go together: {0}")]
    Lists(#[from] CatalogueError),
}

impl From<InForceError> for ApiError {
    fn from(err: InForceError) -> Self {
        match err {
            InForceError::Storage(err) => err.into(),
            InForceError::Lists(err) => {
                tracing::error!(error = %err, "the lists in force cannot be made");
                ApiError::new(ErrorCode::Internal, err.to_string())
            }
        }
    }
}

/// Reads what the town published and puts core's rule over it.
pub async fn in_force(storage: &Storage) -> Result<InForce, InForceError> {
    let published = storage.published_lists().await?;
    Ok(InForce {
        catalogue: Catalogue::in_force(&published.lists)?,
        unreadable: published.unreadable,
    })
}

/// `GET /api/v1/lists`: the lists in force, as a lists file.
pub async fn lists(State(state): State<AppState>) -> Result<Json<ListsFile>, ApiError> {
    Ok(Json(ListsFile::of(
        &in_force(&state.storage).await?.catalogue,
    )))
}
