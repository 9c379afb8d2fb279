//! `GET /api/v1/health`: is the server up and its database answering?

use crate::error::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;

/// The health report.
#[derive(Debug, Serialize)]
pub struct Health {
    status: &'static str,
    version: &'static str,
    database: &'static str,
    schema_version: i64,
    /// Content-Security-Policy violations reported since start.
    csp_violations: u64,
}

pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let schema_version = state.storage.health().await?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        database: state.storage.backend_name(),
        schema_version,
        csp_violations: state
            .csp_violations
            .load(std::sync::atomic::Ordering::Relaxed),
    }))
}
