//! The HTTP surface: the JSON API under `/api/v1` and the built app.

mod app_files;
mod check;
mod client;
mod guard;
mod headers;
mod health;
pub mod limits;
mod lists;
pub(crate) mod metrics;
mod sync;
mod town;
mod verify;

pub use app_files::AppFiles;
pub use check::LiveChecker;
pub use client::{limit_key, ClientIp, TrustedProxies};
pub use lists::InForceError;
pub use verify::TrustCache;

use crate::error::ApiError;
use crate::AppState;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use jianzheng_core::api_error::ErrorCode;
use std::convert::Infallible;
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The largest request body any endpoint accepts, checked before decoding.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The largest login or CSP report body: a name, a password, a report.
pub(crate) const SMALL_BODY_BYTES: usize = 16 * 1024;

/// Builds the whole router: API, metrics, app files, compression, request
/// logging, the limits every request meets and the headers every response
/// carries.
pub async fn router(state: AppState, files: AppFiles) -> Router {
    let proxies = state.proxies.clone();
    let operator = state.clone();
    let per_address = |rate| limits::per_address(rate, &proxies);
    let api = Router::new()
        .route("/health", get(health::health))
        .route(
            "/check",
            get(check::check).layer::<_, Infallible>(per_address(limits::CHECK)),
        )
        .route(
            "/enrol",
            post(sync::enrol).layer::<_, Infallible>(per_address(limits::ENROL)),
        )
        .route(
            "/csp-report",
            post(guard::csp_report)
                .layer::<_, Infallible>(per_address(limits::CHECK))
                .layer(DefaultBodyLimit::max(SMALL_BODY_BYTES)),
        )
        .route(
            "/lists",
            get(lists::lists).layer::<_, Infallible>(per_address(limits::LISTS)),
        )
        .route(
            "/contact",
            get(town::contact).layer::<_, Infallible>(per_address(limits::CHECK)),
        )
        .route(
            "/counts",
            post(sync::counts)
                .layer::<_, Infallible>(per_address(limits::COUNTS))
                .layer(DefaultBodyLimit::max(
                    jianzheng_core::sync::MAX_PAYLOAD_BYTES,
                )),
        )
        .route(
            "/trust",
            get(verify::trust).layer::<_, Infallible>(per_address(limits::CHECK)),
        )
        .route(
            "/verify",
            post(verify::verify_paper)
                .layer::<_, Infallible>(per_address(limits::CHECK))
                .layer(DefaultBodyLimit::max(SMALL_BODY_BYTES)),
        )
        .nest("/town", town::routes(&state))
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(guard::same_origin_only))
        // Answers are made per request (a county's dashboard is 2 MB of
        // JSON): the fastest level, which costs a few milliseconds.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .with_state(state);
    let shells = files.shells().await;
    let csp = guard::content_security_policy(shells.iter().map(String::as_str));
    let mut app = Router::new()
        .nest("/api/v1", api)
        .route("/api", get(api_not_found))
        .route("/metrics", get(metrics::metrics).with_state(operator))
        // The app's text files go out as scripts/build-app precompressed
        // them (app_files); this compresses only what it did not, if any.
        .merge(app_files::router(files).layer(CompressionLayer::new()));
    for header in guard::response_headers(&csp) {
        app = app.layer(header);
    }
    metrics::install();
    app.layer(
        // The path only: a query can hold what a resident typed.
        TraceLayer::new_for_http()
            .make_span_with(|req: &Request| {
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
            })
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    )
    .layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
                ApiError::code(ErrorCode::Overloaded)
            }))
            .layer(tower::timeout::TimeoutLayer::new(limits::REQUEST_TIMEOUT))
            .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                limits::MAX_IN_FLIGHT,
            )),
    )
    // Outermost, so that a request refused as overloaded counts too.
    .layer(middleware::from_fn(metrics::count_requests))
}

/// `?area=CODE`: the area a request is about. A town page's: the
/// account's own when absent; a public one's (lists, the check): the whole
/// server's when absent.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AreaParam {
    /// The area.
    pub area: Option<jianzheng_core::values::AreaCode>,
}

/// A JSON body whose rejection is one of our JSON errors.
pub struct JsonBody<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for JsonBody<T>
where
    axum::Json<T>:
        axum::extract::FromRequest<S, Rejection = axum::extract::rejection::JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|axum::Json(value)| JsonBody(value))
            .map_err(|e| ApiError::new(ErrorCode::BadRequest, e.body_text()))
    }
}

/// A request part (`Query<T>`, `Path<T>`) parsed into its value types,
/// whose rejection is one of our JSON errors.
pub struct Parsed<X>(pub X);

impl<S, X> axum::extract::FromRequestParts<S> for Parsed<X>
where
    X: axum::extract::FromRequestParts<S>,
    X::Rejection: std::fmt::Display,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        X::from_request_parts(parts, state)
            .await
            .map(Parsed)
            .map_err(|e| ApiError::new(ErrorCode::BadRequest, e.to_string()))
    }
}

async fn api_not_found() -> ApiError {
    ApiError::code(ErrorCode::NotFound)
}

async fn api_method_not_allowed() -> ApiError {
    ApiError::code(ErrorCode::MethodNotAllowed)
}
