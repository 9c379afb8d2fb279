//! Lists down: the lists in force at an area (`GET /api/v1/lists?area=`),
//! the path of an area the public endpoints are asked about, and why the
//! lists in force could not be made.

use crate::error::ApiError;
use crate::storage::StorageError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::catalogue::{CatalogueError, COMPACT_MEDIA_TYPE};
use jianzheng_core::values::AreaCode;

use super::headers::{none_match, weight};
use super::{AreaParam, Parsed};

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

/// The path of `area` in the tree, nearest first (empty for none); an
/// area the tree does not have is not found.
pub async fn path_of(state: &AppState, area: Option<&AreaCode>) -> Result<Vec<AreaCode>, ApiError> {
    let Some(area) = area else {
        return Ok(Vec::new());
    };
    let tree = state.areas.tree(&state.storage).await?;
    let path: Vec<AreaCode> = match &tree {
        Some(tree) => tree
            .path(area)
            .into_iter()
            .rev()
            .map(|a| a.code.clone())
            .collect(),
        None => Vec::new(),
    };
    if path.is_empty() {
        return Err(ApiError::new(ErrorCode::NotFound, "no such area"));
    }
    Ok(path)
}

/// `GET /api/v1/lists[?area=]`: the lists in force at the area, nearest
/// first, as a lists file: JSON, or the compact form to a client that
/// accepts [`COMPACT_MEDIA_TYPE`] (a resident's phone, whose bundle reads
/// no JSON). Tagged by which lists they are ([`ListsFile::tag_of`]): a
/// client that names the tag in `If-None-Match` is answered `304`, so a
/// phone that holds them downloads nothing. Answered from the lists the
/// checker holds, encoded once per publish: a request reads one count
/// from the database and encodes nothing.
pub async fn lists(
    State(state): State<AppState>,
    headers: HeaderMap,
    Parsed(Query(query)): Parsed<Query<AreaParam>>,
) -> Result<Response, ApiError> {
    let path = path_of(&state, query.area.as_ref()).await?;
    state.checker.refresh(&state.storage).await?;
    let served = state.checker.served_at(&path)?;
    let compact = headers
        .get_all(header::ACCEPT)
        .iter()
        .any(|v| weight(v.as_bytes(), COMPACT_MEDIA_TYPE).is_some_and(|w| w > 0.0));
    let tag = &served.tag;
    let held = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .any(|v| none_match(v.as_bytes(), tag));
    let tagged = [
        (header::VARY, HeaderValue::from_static("accept")),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            header::ETAG,
            HeaderValue::from_str(tag).expect("a tag is ASCII"),
        ),
    ];
    Ok(if held {
        (StatusCode::NOT_MODIFIED, tagged).into_response()
    } else if compact {
        let kind = (
            header::CONTENT_TYPE,
            HeaderValue::from_static(COMPACT_MEDIA_TYPE),
        );
        (tagged, [kind], served.compact.clone()).into_response()
    } else {
        let kind = (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        (tagged, [kind], served.json.clone()).into_response()
    })
}
