//! The server over real HTTP on loopback, with a real SQLite file.

mod support;

use jianzheng_core::area::Area;
use jianzheng_server::{storage::SQLITE_FILE, AppFiles, Config, Server};
use reqwest::header;
use serde_json::Value;
use std::path::Path;
use support::Running;
use tempfile::TempDir;

const WASM_NAME: &str = "jianzheng-clerk-0123456789abcdef_bg.wasm";

/// Each area's shell names its area, so a test can tell which one came.
fn fake_dist(dir: &Path) {
    for area in Area::ALL {
        std::fs::write(
            dir.join(area.shell()),
            format!("<!doctype html><title>减证</title><body>shell of {area:?}</body>"),
        )
        .unwrap();
    }
    // A valid (empty) wasm module, large enough to be worth compressing.
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(0u8, 4096));
    std::fs::write(dir.join(WASM_NAME), wasm).unwrap();
    std::fs::write(
        dir.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
}

async fn start() -> Running {
    let dist = TempDir::new().unwrap();
    fake_dist(dist.path());
    support::start_with_dist(dist).await
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_gzip().build().unwrap()
}

#[tokio::test]
async fn health_answers_from_the_real_database() {
    let srv = start().await;
    let res = client()
        .get(format!("{}/api/v1/health", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], srv.storage.backend_name());
    assert!(body["schema_version"].as_i64().unwrap() >= 1);
    let file = srv.data.path().join("data").join(SQLITE_FILE);
    assert_eq!(file.is_file(), srv.storage.backend_name() == "sqlite");
}

#[tokio::test]
async fn wasm_is_served_as_application_wasm_compressed_and_cached_for_good() {
    let srv = start().await;
    let res = client()
        .get(format!("{}/{WASM_NAME}", srv.base))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    assert!(res.headers()[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let compressed = res.bytes().await.unwrap();
    assert!(
        compressed.len() < 4096,
        "gzip should shrink the repetitive module"
    );
}

#[tokio::test]
async fn a_precompressed_file_goes_out_in_the_best_coding_the_browser_takes() {
    let dist = TempDir::new().unwrap();
    fake_dist(dist.path());
    // Stand-ins for what scripts/build-app writes: the server sends them as
    // they are, so distinct bytes show which one came.
    let brotli = b"brotli bytes of the module".to_vec();
    let gzip = b"gzip bytes of the module".to_vec();
    std::fs::write(dist.path().join(format!("{WASM_NAME}.br")), &brotli).unwrap();
    std::fs::write(dist.path().join(format!("{WASM_NAME}.gz")), &gzip).unwrap();
    std::fs::write(dist.path().join("index.html.br"), b"brotli shell").unwrap();
    let raw = std::fs::read(dist.path().join(WASM_NAME)).unwrap();
    let srv = support::start_with_dist(dist).await;
    let get = |accept: &'static str| {
        client()
            .get(format!("{}/{WASM_NAME}", srv.base))
            .header(header::ACCEPT_ENCODING, accept)
            .send()
    };

    for (accept, coding, body) in [
        ("gzip, deflate, br, zstd", Some("br"), &brotli),
        ("gzip, deflate", Some("gzip"), &gzip),
        ("br;q=0, gzip", Some("gzip"), &gzip),
    ] {
        let res = get(accept).await.unwrap();
        assert_eq!(res.status(), 200, "{accept}");
        assert_eq!(
            res.headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            coding,
            "{accept}"
        );
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(res.headers()[header::VARY], "accept-encoding");
        assert!(res.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable"));
        assert_eq!(&res.bytes().await.unwrap()[..], &body[..], "{accept}");
    }
    // A browser that takes neither gets the file itself.
    let res = get("identity").await.unwrap();
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(res.bytes().await.unwrap()[..], raw[..]);

    // Each coding is its own representation: its own tag, revalidated as such.
    let br_tag = get("br").await.unwrap().headers()[header::ETAG].clone();
    let gzip_tag = get("gzip").await.unwrap().headers()[header::ETAG].clone();
    assert_ne!(br_tag, gzip_tag);
    let res = client()
        .get(format!("{}/{WASM_NAME}", srv.base))
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::IF_NONE_MATCH, br_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    // A client-side route's shell comes precompressed too.
    let res = client()
        .get(format!("{}/check/N01", srv.base))
        .header(header::ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(&res.bytes().await.unwrap()[..], b"brotli shell");
}

#[tokio::test]
async fn shell_and_service_worker_are_always_revalidated() {
    let srv = start().await;
    for path in ["/", "/clerk", "/town/import", "/sw.js"] {
        let res = client()
            .get(format!("{}{path}", srv.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
    }
}

#[tokio::test]
async fn client_side_routes_get_their_areas_shell_but_missing_files_get_404() {
    let srv = start().await;
    for (path, area) in [
        ("/", Area::Resident),
        ("/check", Area::Resident),
        ("/check/B-01?q=x", Area::Resident),
        ("/no-such-page", Area::Resident),
        ("/clerk", Area::Clerk),
        ("/clerk/print/3", Area::Clerk),
        ("/town", Area::Town),
        ("/town/import", Area::Town),
        ("/verify", Area::Verify),
        ("/poster?area=140105001", Area::Poster),
    ] {
        let res = client()
            .get(format!("{}{path}", srv.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains(&format!("shell of {area:?}<")),
            "{path}: {body}"
        );
    }
    let res = client()
        .get(format!("{}/missing-0000.wasm", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_error_with_a_stable_code() {
    let srv = start().await;
    let res = client()
        .get(format!("{}/api/v1/nope", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(!body["error"]["message_zh"].as_str().unwrap().is_empty());
    assert!(!body["error"]["message_en"].as_str().unwrap().is_empty());

    let res = client()
        .delete(format!("{}/api/v1/health", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn the_server_refuses_to_start_without_a_complete_built_app() {
    let data = TempDir::new().unwrap();
    let partial = TempDir::new().unwrap();
    // Nothing built, then only the public area's shell: each names what is missing.
    for (written, missing) in [(None, "index.html"), (Some("index.html"), "clerk.html")] {
        if let Some(name) = written {
            std::fs::write(partial.path().join(name), "<!doctype html>").unwrap();
        }
        let err = Server::bind(Config {
            addr: "127.0.0.1:0".into(),
            data_dir: data.path().to_path_buf(),
            database_url: None,
            app: AppFiles::Dir(partial.path().to_path_buf()),
            ..Config::default()
        })
        .await
        .err()
        .expect("an incomplete app is refused");
        let err = err.to_string();
        assert!(err.contains("scripts/build-app"), "{err}");
        assert!(err.contains(missing), "{err}");
    }
}

#[tokio::test]
async fn a_database_url_of_another_kind_is_refused_with_the_reason() {
    let err = jianzheng_server::storage::Storage::open(
        TempDir::new().unwrap().path(),
        Some("mysql://town:s3cret-pw@localhost/jianzheng"),
    )
    .await
    .expect_err("only PostgreSQL URLs");
    assert!(err.to_string().contains("postgres://"), "{err}");
    assert!(err.to_string().contains("mysql"), "{err}");
    assert!(
        !err.to_string().contains("s3cret-pw"),
        "the password is never printed: {err}"
    );
}

#[tokio::test]
async fn a_database_survives_a_restart_of_the_server() {
    let data = TempDir::new().unwrap();
    for _ in 0..2 {
        let storage = jianzheng_server::storage::Storage::open_in(data.path())
            .await
            .unwrap();
        assert!(storage.health().await.unwrap() >= 1);
    }
}

#[tokio::test]
async fn the_check_answers_in_json_with_ranked_entries_and_a_decision() {
    let srv = start().await;
    let res = client()
        .get(format!("{}/api/v1/check", srv.base))
        .query(&[("q", "开个无犯罪记录的证明"), ("limit", "3")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["decision"], "must_not_issue");
    let first = &body["results"][0];
    assert_eq!(first["code"], "N05");
    assert_eq!(first["name_zh"], "无犯罪记录证明");
    assert_eq!(first["decision"], "must_not_issue");
    assert!(first["confidence"].as_f64().unwrap() > 0.6);
    assert!(first["instead"]["agency"]["zh"]
        .as_str()
        .unwrap()
        .contains("派出所"));
    assert!(body["results"].as_array().unwrap().len() <= 3);

    for (q, decision) in [
        ("wfzjl", "must_not_issue"),
        ("应征公民政治考核", "may_issue"),
        ("今天天气怎么样", "unknown"),
    ] {
        let body: Value = client()
            .get(format!("{}/api/v1/check", srv.base))
            .query(&[("q", q)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["decision"], decision, "{q}");
    }
}

#[tokio::test]
async fn a_missing_or_oversized_query_is_a_400_with_a_reason() {
    let srv = start().await;
    let res = client()
        .get(format!("{}/api/v1/check", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
    assert!(body["error"]["detail"].as_str().unwrap().contains("q"));

    let long = "证".repeat(101);
    let res = client()
        .get(format!("{}/api/v1/check", srv.base))
        .query(&[("q", long.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    let res = client()
        .get(format!("{}/api/v1/check?q=x&limit=many", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}
