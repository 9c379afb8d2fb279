//! The HTTP surface: the JSON API under `/api/v1` and the built app.

mod app_files;
mod check;
mod health;
mod lists;
mod sync;

use crate::error::ApiError;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use jianzheng_core::api_error::ErrorCode;
use std::path::Path;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The largest request body any endpoint accepts, checked before decoding.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Builds the whole router: API, app files, compression, request logging.
pub fn router(state: AppState, dist: &Path) -> Router {
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/check", get(check::check))
        .route("/enrol", post(sync::enrol))
        .route("/lists", get(lists::lists))
        .route(
            "/counts",
            post(sync::counts).layer(DefaultBodyLimit::max(
                jianzheng_core::sync::MAX_PAYLOAD_BYTES,
            )),
        )
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);
    Router::new()
        .nest("/api/v1", api)
        .route("/api", get(api_not_found))
        .merge(app_files::router(dist))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

async fn api_not_found() -> ApiError {
    ApiError::code(ErrorCode::NotFound)
}

async fn api_method_not_allowed() -> ApiError {
    ApiError::code(ErrorCode::MethodNotAllowed)
}
