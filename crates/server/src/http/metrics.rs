//! `GET /metrics`: the Prometheus text format, for the town's monitoring.
//! Requests by route and status with their latencies, uploads accepted and
//! refused by reason, database errors and failed logins. Only an operator
//! reads it, with the bearer token of `--metrics-token`. Every label is
//! one of a fixed few: route templates, HTTP's own methods, statuses and
//! error codes, never a text from the request.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jianzheng_core::api_error::ErrorCode;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::time::Instant;

/// Requests answered, by `route`, `method` and `status`.
const REQUESTS: &str = "jianzheng_http_requests_total";
/// Time to answer a request, by `route`.
const LATENCY: &str = "jianzheng_http_request_duration_seconds";
/// Counts uploads, by `result` (`accepted`, `replayed`, `refused`) and the
/// refusal's `reason` (its error code).
const UPLOADS: &str = "jianzheng_uploads_total";
/// Queries or connections that failed.
const DATABASE_ERRORS: &str = "jianzheng_database_errors_total";
/// Logins refused for a wrong name or password.
const LOGINS_FAILED: &str = "jianzheng_logins_failed_total";

/// The process's recorder, installed on first use (tests start several
/// servers in one process; they share it).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full(LATENCY.to_owned()),
                &[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                ],
            )
            .expect("the buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: /metrics stays empty");
        }
        describe();
        // Zero from the start, so that an alert on their rise sees the first.
        metrics::counter!(DATABASE_ERRORS).increment(0);
        metrics::counter!(LOGINS_FAILED).increment(0);
        metrics::counter!(UPLOADS, "result" => "accepted").increment(0);
        handle
    })
}

fn describe() {
    metrics::describe_counter!(REQUESTS, "Requests answered, by route, method and status.");
    metrics::describe_histogram!(
        LATENCY,
        metrics::Unit::Seconds,
        "Time to answer a request, by route."
    );
    metrics::describe_counter!(
        UPLOADS,
        "Uploads of counts, by result and the reason of a refusal."
    );
    metrics::describe_counter!(
        DATABASE_ERRORS,
        "Database queries or connections that failed."
    );
    metrics::describe_counter!(
        LOGINS_FAILED,
        "Town logins refused for a wrong name or password."
    );
}

/// Installs the recorder, so that the first scrape already lists the
/// counts of errors, at zero.
pub fn install() {
    handle();
}

/// The method as a label: one of HTTP's own, or `other`. Any token is a
/// method to hyper, so a label taken from the request as it came would
/// make a new series of every made-up one, without end.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    KNOWN
        .iter()
        .find(|known| *known == method)
        .map_or("other", Method::as_str)
}

/// Middleware counting every request by its route template (never the
/// path itself: a path can hold a village code or a typed word) and its
/// method among HTTP's own: every label is one of a fixed few.
pub async fn count_requests(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("app", |p| p.as_str())
        .to_owned();
    let method = method_label(req.method());
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(LATENCY, "route" => route.clone()).record(started.elapsed().as_secs_f64());
    metrics::counter!(REQUESTS, "route" => route, "method" => method, "status" => status)
        .increment(1);
    response
}

/// An upload stored or known already.
pub fn upload_accepted(replayed: bool) {
    let result = if replayed { "replayed" } else { "accepted" };
    metrics::counter!(UPLOADS, "result" => result).increment(1);
}

/// An upload refused, with the code it was refused with.
pub fn upload_refused(code: ErrorCode) {
    metrics::counter!(UPLOADS, "result" => "refused", "reason" => code.as_str()).increment(1);
}

/// A query or connection failed.
pub fn database_error() {
    metrics::counter!(DATABASE_ERRORS).increment(1);
}

/// A login was refused for a wrong name or password.
pub fn login_failed() {
    metrics::counter!(LOGINS_FAILED).increment(1);
}

/// Whether the asker may read the metrics: only the holder of the token
/// (`--metrics-token`); with none set, no one. Being on this machine
/// proves nothing: a proxy on the same host that sends no forwarding
/// header makes every request from the internet look local.
fn may_read(headers: &HeaderMap, token: Option<&str>) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    // Compared by hash: the time taken says nothing of the token.
    matches!((token, bearer), (Some(t), Some(b))
        if Sha256::digest(t.as_bytes()) == Sha256::digest(b.as_bytes()))
}

/// `GET /metrics`.
pub async fn metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !may_read(&headers, state.metrics_token.as_deref()) {
        return Err(ApiError::code(ErrorCode::Forbidden));
    }
    let handle = handle();
    handle.run_upkeep();
    let mut response = handle.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_token_holder_reads_metrics() {
        let none = HeaderMap::new();
        let mut bearer = HeaderMap::new();
        bearer.insert(
            header::AUTHORIZATION,
            "Bearer s3cret-token".parse().unwrap(),
        );
        assert!(!may_read(&none, None), "no token, no metrics");
        assert!(!may_read(&none, Some("s3cret-token")));
        assert!(may_read(&bearer, Some("s3cret-token")));
        assert!(!may_read(&bearer, Some("other-token")));
        assert!(!may_read(&bearer, None), "no token configured");
    }

    #[test]
    fn a_made_up_method_is_counted_as_other() {
        assert_eq!(method_label(&Method::POST), "POST");
        let made_up = Method::from_bytes(&[b'X'; 20_000]).unwrap();
        assert_eq!(method_label(&made_up), "other");
    }
}
