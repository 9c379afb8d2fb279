//! `GET /api/v1/check?q=…&limit=…`: the resident check, for other clients
//! (a WeChat mini-program, a kiosk). The decision is computed in core.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::check::CheckAnswer;
use serde::Deserialize;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Most results returned.
pub const MAX_LIMIT: usize = 20;

#[derive(Debug, Deserialize)]
pub struct CheckParams {
    q: Option<String>,
    limit: Option<usize>,
}

pub async fn check(
    State(state): State<AppState>,
    params: Result<Query<CheckParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CheckAnswer>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::new(ErrorCode::BadRequest, e.body_text()))?;
    let query = params
        .q
        .ok_or_else(|| ApiError::new(ErrorCode::BadRequest, "parameter q is required"))?;
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("q is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let limit = params.limit.unwrap_or(5).clamp(1, MAX_LIMIT);
    let check = state.checker.check(&query, limit);
    Ok(Json(CheckAnswer::new(&query, &check)))
}
