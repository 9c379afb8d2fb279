//! Serves the built app: hashed assets cached for a year, the shells and the
//! service worker always revalidated, a client-side route answered with the
//! shell of its area ([`Area::of_path`]: `/clerk…` with `clerk.html`), and a
//! missing file a plain 404 (never a shell).

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use jianzheng_core::area::Area;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// Routes for everything that is not the API.
pub fn router(dist: &Path) -> Router {
    let shells = Area::ALL.map(|area| (area, ServeFile::new(dist.join(area.shell()))));
    let files = ServeDir::new(dist)
        .append_index_html_on_directories(true)
        .fallback(tower::service_fn(move |req: Request| {
            let path = req.uri().path();
            let area = (!looks_like_file(path)).then(|| Area::of_path(path));
            let shell = shells
                .iter()
                .find(|(a, _)| Some(*a) == area)
                .map(|(_, file)| file.clone());
            async move {
                use tower::Service;
                match shell {
                    Some(mut shell) => shell.call(req).await.map(IntoResponse::into_response),
                    None => Ok(StatusCode::NOT_FOUND.into_response()),
                }
            }
        }));
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
}

/// A path whose last segment has an extension names a file, not a route.
fn looks_like_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// Trunk names the JS, wasm and CSS with a content hash (`name-<hash>.ext`).
fn is_hashed_asset(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    let stem = last.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(req.uri().path());
    let mut response = next.run(req).await;
    if response.status().is_success() {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            // The shell, manifest and service worker: always ask, so an update is seen.
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed_asset("/jianzheng-clerk-3f2a9c0d1e4b5a69_bg.wasm"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/manifest.webmanifest"));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
    }

    #[test]
    fn routes_and_files_are_told_apart() {
        assert!(looks_like_file("/missing.wasm"));
        assert!(!looks_like_file("/check"));
        assert!(!looks_like_file("/town/villages"));
    }
}
