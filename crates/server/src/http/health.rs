//! `GET /api/v1/health`: is the server up and its database answering?

use crate::error::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use jianzheng_core::api::health::Health;

/// `GET /api/v1/health`.
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let schema_version = state.storage.health().await?;
    Ok(Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: state.storage.backend_name().to_owned(),
        schema_version,
        csp_violations: state
            .csp_violations
            .load(std::sync::atomic::Ordering::Relaxed),
    }))
}
