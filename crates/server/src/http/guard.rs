//! What every response carries and every changing request must show.
//!
//! Responses: a Content-Security-Policy the app runs under (its own files,
//! WebAssembly, and the inline scripts of every area's shell by their hashes;
//! violations are reported to `/api/v1/csp-report`), `nosniff`, no framing
//! and no referrer beyond the origin. Requests: an unsafe method from
//! another site's page (by `Sec-Fetch-Site`, else by `Origin`) is refused,
//! beyond what the session cookie's SameSite does.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use jianzheng_core::api_error::ErrorCode;
use sha2::{Digest, Sha256};
use std::sync::atomic::Ordering;
use tower_http::set_header::SetResponseHeaderLayer;

/// The inline scripts of an HTML page (`<script>` without `src`), as CSP
/// source expressions (`'sha256-…'`).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(open_end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + open_end];
        let body_start = start + open_end + 1;
        let Some(body_len) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + body_len];
        if !tag.contains(" src=") && !body.is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("'sha256-{b64}'"));
        }
        rest = &rest[body_start + body_len..];
    }
    hashes
}

/// The Content-Security-Policy for an app whose shells (one per area) are
/// `shells`: the inline scripts of each, by hash.
pub fn content_security_policy<'a>(shells: impl IntoIterator<Item = &'a str>) -> String {
    let mut hashes: Vec<String> = shells.into_iter().flat_map(inline_script_hashes).collect();
    hashes.sort_unstable();
    hashes.dedup();
    let scripts = hashes.join(" ");
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; \
         report-uri /api/v1/csp-report"
    )
}

/// The headers set on every response that has none of its own.
pub fn response_headers(csp: &str) -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(self), microphone=(), geolocation=()",
        ),
    ];
    let mut layers: Vec<_> = fixed
        .into_iter()
        .map(|(name, value)| {
            SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
        })
        .collect();
    if let Ok(value) = HeaderValue::from_str(csp) {
        layers.push(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            value,
        ));
    }
    layers
}

/// Whether a request with these headers comes from another site's page.
/// A request with neither `Sec-Fetch-Site` nor `Origin` is not from a
/// browser page (a tablet's file import, a script) and is let through.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let authority = origin.split_once("://").map(|(_, rest)| rest);
    authority.is_none() || authority != host
}

/// Refuses an unsafe method from another site with `403 cross_origin`.
pub async fn same_origin_only(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(req.headers()) {
        return ApiError::code(ErrorCode::CrossOrigin).into_response();
    }
    next.run(req).await
}

/// `POST /api/v1/csp-report`: a browser reports that the policy blocked
/// something. Counted (health shows the count) and logged by directive and
/// blocked origin only, never the page's address or query.
pub async fn csp_report(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    state.csp_violations.fetch_add(1, Ordering::Relaxed);
    let report: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let report = &report["csp-report"];
    let directive = report["violated-directive"].as_str().unwrap_or("?");
    let blocked = report["blocked-uri"].as_str().unwrap_or("?");
    let blocked = blocked.split(['?', '#']).next().unwrap_or("?");
    tracing::warn!(directive, blocked, "content security policy violation");
    axum::http::StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<head><script type="module">import init from '/app.js';</script>
            <script src="/other.js"></script><script>navigator.serviceWorker</script></head>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 2);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/app.js';"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
        assert!(content_security_policy([html]).contains(&hashes[1]));
        // Every area's shell counts, each script once.
        let other = "<script>other()</script><script>navigator.serviceWorker</script>";
        let csp = content_security_policy([html, other]);
        assert!(hashes.iter().all(|h| csp.matches(h.as_str()).count() == 1));
        assert_eq!(csp.matches("'sha256-").count(), 3);
    }

    #[test]
    fn a_page_of_another_site_is_cross_site_and_a_script_is_not() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "town.example")
        ])));
        assert!(!is_cross_site(&headers(&[
            ("origin", "https://town.example"),
            ("host", "town.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "town.example")
        ])));
        assert!(!is_cross_site(&headers(&[("host", "town.example")])));
    }
}
