//! The one error type of the HTTP layer, mapped to a JSON body with a stable
//! code (see `jianzheng_core::api_error`) in exactly one place.

use crate::storage::StorageError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jianzheng_core::api_error::{ErrorBody, ErrorCode};

/// An error a handler returns; it becomes a JSON error response.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    detail: Option<String>,
}

impl ApiError {
    /// An error with a code and specifics for the client.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: Some(detail.into()),
        }
    }

    /// An error with only a code.
    pub fn code(code: ErrorCode) -> Self {
        ApiError { code, detail: None }
    }

    /// Its stable code.
    pub fn error_code(&self) -> ErrorCode {
        self.code
    }
}

impl From<StorageError> for ApiError {
    fn from(err: StorageError) -> Self {
        // A change the area tree refuses is the client's to mend.
        if let StorageError::Tree(_) | StorageError::NoDefaultTown(_) = err {
            return ApiError::new(ErrorCode::BadRequest, err.to_string());
        }
        // The cause stays in the log; the client gets the stable code only.
        tracing::error!(error = %err, "storage error");
        crate::http::metrics::database_error();
        ApiError::code(ErrorCode::StorageUnavailable)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(ErrorBody::new(self.code, self.detail))).into_response()
    }
}
