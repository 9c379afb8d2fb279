//! Serves the built app, from the files built into the binary or from a
//! directory: hashed assets cached for a year, the shells and the service
//! worker always revalidated (by an `ETag`), a client-side route answered
//! with the shell of its area ([`Area::of_path`]: `/clerk…` with
//! `clerk.html`), and a missing file a plain 404 (never a shell). A file
//! `scripts/build-app` precompressed (`<file>.br`, `<file>.gz`) goes out in
//! the best coding the browser accepts, compressed once at build time.

use super::headers::{none_match, weight};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use jianzheng_core::area::Area;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the app's files come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppFiles {
    /// Built into this binary: a release build made after
    /// `scripts/build-app` holds `dist/` (a debug build reads `dist/` from
    /// the source tree instead).
    Embedded,
    /// A directory (Trunk's `dist/`), read at each request: for development.
    Dir(PathBuf),
}

/// The app as it was in `dist/` when the release binary was built.
#[derive(rust_embed::Embed)]
#[folder = "../../dist/"]
#[allow_missing = true]
struct Built;

/// One file of the app.
struct AppFile {
    bytes: Cow<'static, [u8]>,
    /// A strong validator: the content's hash, quoted.
    etag: String,
    mime: String,
}

impl AppFiles {
    /// The file at `path` (relative, `/`-separated), if the app has it.
    async fn get(&self, path: &str) -> Option<AppFile> {
        match self {
            AppFiles::Embedded => {
                let file = Built::get(path)?;
                Some(AppFile {
                    etag: quoted_hash(&file.metadata.sha256_hash()),
                    mime: file.metadata.mimetype().to_owned(),
                    bytes: file.data,
                })
            }
            AppFiles::Dir(dir) => {
                // Only plain names below the directory: no `..`, no `.`, no
                // backslashes, no empty segments.
                let safe = path
                    .split('/')
                    .all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains('\\'));
                if !safe {
                    return None;
                }
                let full = dir.join(path);
                let bytes = tokio::fs::read(&full).await.ok()?;
                Some(AppFile {
                    etag: quoted_hash(&Sha256::digest(&bytes).into()),
                    mime: mime_guess::from_path(&full)
                        .first_or_octet_stream()
                        .to_string(),
                    bytes: Cow::Owned(bytes),
                })
            }
        }
    }

    /// The copy of the file `name` that `scripts/build-app` compressed in
    /// `coding`, if there is one. In a directory, one older than the file
    /// was made from an earlier version of it and is not used.
    async fn variant(&self, name: &str, coding: Coding) -> Option<AppFile> {
        let path = format!("{name}{}", coding.suffix());
        if let AppFiles::Dir(dir) = self {
            let modified =
                |p: PathBuf| async move { tokio::fs::metadata(p).await.ok()?.modified().ok() };
            if modified(dir.join(&path)).await? < modified(dir.join(name)).await? {
                return None;
            }
        }
        self.get(&path).await
    }

    /// The first shell of an area the app lacks: the app is incomplete
    /// (`scripts/build-app` did not run, or a release binary was built
    /// without it).
    pub(crate) async fn missing_shell(&self) -> Option<&'static str> {
        for area in Area::ALL {
            if self.get(area.shell()).await.is_none() {
                return Some(area.shell());
            }
        }
        None
    }

    /// The shells of every area, as text (for the Content-Security-Policy).
    pub(crate) async fn shells(&self) -> Vec<String> {
        let mut shells = Vec::new();
        for area in Area::ALL {
            if let Some(file) = self.get(area.shell()).await {
                shells.push(String::from_utf8_lossy(&file.bytes).into_owned());
            }
        }
        shells
    }
}

fn quoted_hash(hash: &[u8; 32]) -> String {
    let hex: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Routes for everything that is not the API.
pub fn router(files: AppFiles) -> Router {
    Router::new().fallback(serve).with_state(Arc::new(files))
}

async fn serve(State(files): State<Arc<AppFiles>>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = req.uri().path();
    let wanted = path.trim_start_matches('/');
    let (name, file) = match files.get(wanted).await {
        Some(file) => (wanted, file),
        None if !looks_like_file(path) => {
            let shell = Area::of_path(path).shell();
            match files.get(shell).await {
                Some(file) => (shell, file),
                None => return StatusCode::NOT_FOUND.into_response(),
            }
        }
        None => return StatusCode::NOT_FOUND.into_response(),
    };
    let accepted = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .map(|value| Coding::accepted(value.as_bytes()))
        .unwrap_or_default();
    let mut sent = None;
    for coding in accepted {
        if let Some(variant) = files.variant(name, coding).await {
            sent = Some((coding, variant));
            break;
        }
    }
    let mime = file.mime.clone();
    let (coding, file) = match sent {
        Some((coding, variant)) => (Some(coding), variant),
        None => (None, file),
    };
    let cache = if is_hashed_asset(path) {
        "public, max-age=31536000, immutable"
    } else {
        // The shell, manifest and service worker: always ask, so an update is seen.
        "no-cache"
    };
    let mut response = if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tags| none_match(tags.as_bytes(), &file.etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else if req.method() == Method::HEAD {
        StatusCode::OK.into_response()
    } else {
        file.bytes.into_response()
    };
    let headers = response.headers_mut();
    let mime = HeaderValue::from_str(&mime)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, mime);
    if let Some(coding) = coding {
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(coding.token()),
        );
    }
    // Sent precompressed, compressed on the way or as it is, by what was asked.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&file.etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// A coding `scripts/build-app` precompresses the app's files in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
}

impl Coding {
    /// What the precompressed file's name adds to the file's.
    fn suffix(self) -> &'static str {
        match self {
            Coding::Brotli => ".br",
            Coding::Gzip => ".gz",
        }
    }

    /// Its name in `Accept-Encoding` and `Content-Encoding`.
    fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
        }
    }

    /// The codings an `Accept-Encoding` value takes, best first (brotli is
    /// the smaller): each named, or covered by `*`, with a weight above zero.
    fn accepted(value: &[u8]) -> Vec<Coding> {
        let weight_of = |token: &str| {
            weight(value, token)
                .or_else(|| weight(value, "*"))
                .unwrap_or(0.0)
        };
        [Coding::Brotli, Coding::Gzip]
            .into_iter()
            .filter(|coding| weight_of(coding.token()) > 0.0)
            .collect()
    }
}

/// A path whose last segment has an extension names a file, not a route.
fn looks_like_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// Trunk names the JS, wasm and CSS with a content hash (`name-<hash>.ext`):
/// a 64-bit number in hex without its leading zeros, so usually 16 digits
/// but sometimes fewer (15 one build in sixteen). Ten or more is a hash; a
/// name like `icon-192` is not.
fn is_hashed_asset(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    let stem = last.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (10..=16).contains(&hash.len()) && hash.chars().all(|c| c.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed_asset("/jianzheng-clerk-3f2a9c0d1e4b5a69_bg.wasm"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        // A hash whose leading digit was zero.
        assert!(is_hashed_asset("/jianzheng-resident-18724c2d5a47874.js"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/manifest.webmanifest"));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
    }

    #[test]
    fn accepted_codings_follow_the_weights_and_brotli_comes_first() {
        use Coding::{Brotli, Gzip};
        assert_eq!(Coding::accepted(b"gzip, deflate, br, zstd"), [Brotli, Gzip]);
        assert_eq!(Coding::accepted(b"gzip, deflate"), [Gzip]);
        assert_eq!(Coding::accepted(b"br;q=0, gzip;q=0.5"), [Gzip]);
        assert_eq!(Coding::accepted(b"GZIP ; q=1.0"), [Gzip]);
        assert_eq!(Coding::accepted(b"*"), [Brotli, Gzip]);
        assert_eq!(Coding::accepted(b"*;q=0.1, br;q=0"), [Gzip]);
        assert_eq!(Coding::accepted(b"identity"), []);
        assert_eq!(Coding::accepted(b"gzip;q=nonsense, br"), [Brotli]);
        assert_eq!(Coding::accepted(b""), []);
    }

    #[test]
    fn routes_and_files_are_told_apart() {
        assert!(looks_like_file("/missing.wasm"));
        assert!(!looks_like_file("/check"));
        assert!(!looks_like_file("/town/villages"));
    }

    #[tokio::test]
    async fn a_compressed_copy_older_than_its_file_in_a_directory_is_not_used() {
        let dist = tempfile::TempDir::new().unwrap();
        let file = dist.path().join("sw.js");
        std::fs::write(&file, "new").unwrap();
        std::fs::write(dist.path().join("sw.js.br"), "br of new").unwrap();
        let files = AppFiles::Dir(dist.path().to_path_buf());
        let fresh = files.variant("sw.js", Coding::Brotli).await.unwrap();
        assert_eq!(&fresh.bytes[..], b"br of new");
        // The file is rewritten after its copy was made.
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert!(files.variant("sw.js", Coding::Brotli).await.is_none());
        assert!(files.variant("sw.js", Coding::Gzip).await.is_none());
    }

    #[tokio::test]
    async fn a_directory_serves_nothing_outside_itself() {
        let root = tempfile::TempDir::new().unwrap();
        let dist = root.path().join("dist");
        std::fs::create_dir(&dist).unwrap();
        std::fs::write(root.path().join("secret.txt"), "no").unwrap();
        std::fs::write(dist.join("index.html"), "yes").unwrap();
        let files = AppFiles::Dir(dist);
        assert!(files.get("index.html").await.is_some());
        for path in [
            "../secret.txt",
            "./index.html",
            "a//index.html",
            "..\\secret.txt",
            "",
        ] {
            assert!(files.get(path).await.is_none(), "{path}");
        }
    }
}
