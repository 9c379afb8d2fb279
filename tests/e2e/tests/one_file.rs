//! Deploying is copying one file: the release server binary, alone in an
//! empty directory and started without `--dist`, serves the app built into
//! it, byte for byte what `scripts/build-app` made, with the MIME types,
//! compression and cache headers of the app served from a directory; and a
//! resident's check answers in Chromium from it.
//!
//! Needs the release binary built after the app (`scripts/build-app`, then
//! `cargo build --release -p jianzheng-server`); `JIANZHENG_RELEASE_BIN`
//! names it, else `target/release/jianzheng-server`.

use jianzheng_e2e::{dist_dir, workspace_root, Browser, ServerProcess};
use reqwest::header;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn release_binary() -> PathBuf {
    let bin = std::env::var_os("JIANZHENG_RELEASE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/release/jianzheng-server"));
    assert!(
        bin.is_file(),
        "no release server at {}: run scripts/build-app, then cargo build --release -p jianzheng-server",
        bin.display()
    );
    bin
}

/// Every file of the built app, by its path under `dist/` (not the
/// precompressed copies, another coding of the same files).
fn built_files(dist: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, into: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, into);
            } else if !path
                .extension()
                .is_some_and(|ext| ext == "br" || ext == "gz")
            {
                let rel = path.strip_prefix(root).unwrap();
                into.push(rel.to_str().unwrap().replace('\\', "/"));
            }
        }
    }
    let mut files = Vec::new();
    walk(dist, dist, &mut files);
    files.sort();
    files
}

fn expected_type(file: &str) -> &'static str {
    match file.rsplit('.').next().unwrap() {
        "html" => "text/html",
        "js" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "webmanifest" => "application/manifest+json",
        "png" => "image/png",
        other => panic!("a file of a kind this test does not know: .{other}"),
    }
}

#[tokio::test]
async fn the_release_binary_alone_serves_the_app_built_into_it() {
    // The binary alone in an empty directory: nothing beside it to read.
    let alone = TempDir::new().unwrap();
    let bin = alone.path().join("jianzheng-server");
    std::fs::copy(release_binary(), &bin).unwrap();
    let server = ServerProcess::start_deployed(&bin, TempDir::new().unwrap()).await;
    let dist = dist_dir();
    let c = reqwest::Client::new();

    for file in built_files(&dist) {
        let res = c
            .get(format!("{}/{file}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{file}");
        let headers = res.headers().clone();
        let content_type = headers[header::CONTENT_TYPE].to_str().unwrap().to_owned();
        assert!(
            content_type.starts_with(expected_type(&file)),
            "{file}: {content_type}"
        );
        let cache = headers[header::CACHE_CONTROL].to_str().unwrap().to_owned();
        let hashed = file.contains("-") && !file.starts_with("icons/");
        let want = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        assert_eq!(cache, want, "{file}");
        let body = res.bytes().await.unwrap();
        assert!(
            body[..] == std::fs::read(dist.join(&file)).unwrap()[..],
            "{file} differs from dist/: the release binary was built before the last scripts/build-app"
        );
    }

    // Compressed for a browser that says it takes it.
    let wasm = built_files(&dist)
        .into_iter()
        .find(|f| f.starts_with("jianzheng-resident-") && f.ends_with(".wasm"))
        .expect("the resident's wasm");
    // Compressed once by scripts/build-app (which checked that it decodes
    // back), not at each request: the bytes are those of the built copy.
    for (accept, coding, suffix) in [("br, gzip", "br", "br"), ("gzip", "gzip", "gz")] {
        let res = c
            .get(format!("{}/{wasm}", server.url))
            .header(header::ACCEPT_ENCODING, accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()[header::CONTENT_ENCODING], coding);
        let body = res.bytes().await.unwrap();
        assert!(body[..] == std::fs::read(dist.join(format!("{wasm}.{suffix}"))).unwrap()[..]);
    }

    // The service worker revalidates cheaply.
    let res = c.get(format!("{}/sw.js", server.url)).send().await.unwrap();
    let etag = res.headers()[header::ETAG].clone();
    let res = c
        .get(format!("{}/sw.js", server.url))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    // Routes get their area's shell; a missing file is a 404.
    for (route, shell) in [
        ("/check", "index.html"),
        ("/clerk/ledger", "clerk.html"),
        ("/town", "town.html"),
        ("/verify", "verify.html"),
        ("/poster", "poster.html"),
    ] {
        let res = c
            .get(format!("{}{route}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{route}");
        let body = res.text().await.unwrap();
        assert_eq!(
            body,
            std::fs::read_to_string(dist.join(shell)).unwrap(),
            "{route}"
        );
    }
    let res = c
        .get(format!(
            "{}/jianzheng-missing-0123456789abcdef.js",
            server.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // And the app works from it.
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("{}/check?q=无犯罪记录证明", server.url))
        .await
        .unwrap();
    browser.wait_for_text("#decision", "村里不开").await;
}
