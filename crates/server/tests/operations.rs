//! What the town's IT officer runs the server with: the settings file and
//! `config check`, `/metrics` for monitoring, JSON logs, and a stop on
//! SIGTERM. Run on SQLite, and on PostgreSQL when `JIANZHENG_TEST_POSTGRES`
//! names a server.

mod support;

use reqwest::header;
use serde_json::Value;
use std::process::Command;
use support::binary::Binary;

const TOKEN: &str = "metrics-token-0123456789";

/// The value of the sample named exactly `series` (with its labels), if
/// the scrape has it.
fn sample(scrape: &str, series: &str) -> Option<f64> {
    scrape.lines().find_map(|line| {
        line.strip_prefix(series)
            .and_then(|rest| rest.strip_prefix(' '))
            .and_then(|v| v.trim().parse().ok())
    })
}

#[tokio::test]
async fn metrics_count_requests_uploads_and_failed_logins_and_only_an_operator_reads_them() {
    let server = support::start_with(|config| config.metrics_token = Some(TOKEN.into())).await;
    let c = reqwest::Client::new();
    let scrape = || async {
        let res = c
            .get(format!("{}/metrics", server.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"));
        res.text().await.unwrap()
    };
    let before = scrape().await;
    let refused = r#"jianzheng_uploads_total{result="refused",reason="bad_request"}"#;
    let failed = "jianzheng_logins_failed_total";
    let counts_400 =
        r#"jianzheng_http_requests_total{route="/api/v1/counts",method="POST",status="400"}"#;

    // A garbled upload, a wrong password and a resident's question.
    let res = c
        .post(format!("{}/api/v1/counts", server.base))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(vec![7u8; 40])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = c
        .post(format!("{}/api/v1/town/login", server.base))
        .json(&serde_json::json!({"name": "admin", "password": "not-the-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = c
        .get(format!("{}/api/v1/check?q=独生子女证明秘密词", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let after = scrape().await;
    // Other tests of this process share the recorder: counts only grow.
    let grew = |series: &str| {
        sample(&after, series).unwrap_or(0.0) >= sample(&before, series).unwrap_or(0.0) + 1.0
    };
    assert!(grew(refused), "{after}");
    assert!(grew(failed), "{after}");
    assert!(grew(counts_400), "{after}");
    assert!(
        after.contains(
            r#"jianzheng_http_request_duration_seconds_bucket{route="/api/v1/check",le="0.1"}"#
        ),
        "latencies by route: {after}"
    );
    assert!(after.contains("# HELP jianzheng_database_errors_total"));
    assert!(
        !after.contains("秘密词"),
        "no resident's words in the metrics"
    );

    // From this machine itself without the token: refused (a proxy on the
    // same host that sends no forwarding header looks just like this).
    let res = c
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Through a proxy (even one on this machine) only the token reads them.
    let forwarded = c
        .get(format!("{}/metrics", server.base))
        .header("x-forwarded-for", "203.0.113.7");
    let res = forwarded.try_clone().unwrap().send().await.unwrap();
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    let res = forwarded
        .try_clone()
        .unwrap()
        .bearer_auth("wrong-token-0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = forwarded.bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn made_up_methods_add_no_series_to_the_metrics() {
    let server = support::start_with(|config| config.metrics_token = Some(TOKEN.into())).await;
    let c = reqwest::Client::new();
    let scrape = || async {
        c.get(format!("{}/metrics", server.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    // Warm: the series of this route and status exist from here on.
    let made_up = |n: usize| {
        let word: String = (0..2_000)
            .map(|i| char::from(b'A' + ((i * 7 + n) % 26) as u8))
            .collect();
        reqwest::Method::from_bytes(word.as_bytes()).unwrap()
    };
    let res = c
        .request(made_up(0), format!("{}/api/v1/check", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let before = scrape().await;
    for n in 1..200 {
        let res = c
            .request(made_up(n), format!("{}/api/v1/check", server.base))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error());
    }
    let after = scrape().await;
    assert!(
        after.lines().all(|line| line.len() < 500),
        "a made-up method became a label"
    );
    assert!(after.contains(r#"method="other""#), "{after}");
    // Other tests of this process share the recorder and may add a few
    // series of their own routes; 199 made-up methods of 2 KB add none.
    assert!(
        after.len() < before.len() + 20_000,
        "{} -> {} bytes",
        before.len(),
        after.len()
    );
}

/// `jianzheng-server ARGS…` with `env`, its exit status and output.
fn run(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jianzheng-server"));
    command.args(args).env_remove("DATABASE_URL");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn config_check_prints_the_settings_in_effect_with_secrets_masked() {
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("jianzheng.toml");
    std::fs::write(
        &file,
        r#"
addr = "0.0.0.0:9000"
data-dir = "/var/lib/jianzheng"
database-url = "postgres://jz:hunter2-secret@db.county.example/county"
trusted-proxies = ["127.0.0.1"]
secure-cookies = true
log-format = "json"
metrics-token = "token-that-stays-secret"
shutdown-grace = "30s"
"#,
    )
    .unwrap();
    let config = file.to_str().unwrap();
    // A variable wins over the file, a flag over both.
    let (ok, shown, said) = run(
        &[
            "--config",
            config,
            "--addr",
            "127.0.0.1:9001",
            "config",
            "check",
        ],
        &[
            ("JIANZHENG_DATA_DIR", "/srv/jz"),
            ("JIANZHENG_ADDR", "127.0.0.1:1"),
        ],
    );
    assert!(ok, "{said}");
    assert!(said.contains("The settings are valid"), "{said}");
    let settings: toml::Table = toml::from_str(&shown).expect("printed as TOML");
    assert_eq!(settings["addr"].as_str(), Some("127.0.0.1:9001"));
    assert_eq!(settings["data-dir"].as_str(), Some("/srv/jz"));
    assert_eq!(
        settings["database-url"].as_str(),
        Some("postgres://jz:***@db.county.example/county")
    );
    assert_eq!(settings["metrics-token"].as_str(), Some("***"));
    assert_eq!(settings["secure-cookies"].as_bool(), Some(true));
    assert_eq!(settings["shutdown-grace"].as_str(), Some("30s"));
    assert!(!shown.contains("hunter2") && !shown.contains("stays-secret"));
    assert!(!said.contains("hunter2") && !said.contains("stays-secret"));

    // A misspelt setting, a bad value, a missing file: refused, saying which.
    std::fs::write(&file, "adress = \"0.0.0.0:9000\"\n").unwrap();
    let (ok, _, said) = run(&["--config", config, "config", "check"], &[]);
    assert!(!ok);
    assert!(said.contains("adress"), "{said}");
    std::fs::write(&file, "backup-every = \"now and then\"\n").unwrap();
    let (ok, _, said) = run(&["--config", config, "config", "check"], &[]);
    assert!(!ok);
    assert!(said.contains("backup-every"), "{said}");
    let (ok, _, said) = run(
        &["--config", "/nonexistent/jz.toml", "config", "check"],
        &[],
    );
    assert!(!ok);
    assert!(said.contains("/nonexistent/jz.toml"), "{said}");
}

#[tokio::test]
async fn json_logs_are_one_object_per_line_without_what_residents_typed() {
    let mut server = Binary::start(None, &["--log-format", "json"]).await;
    let c = reqwest::Client::new();
    let res = c
        .get(format!("{}/api/v1/check?q=低保证明秘密词", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(server.terminate().await.success());
    let log = server.stderr();
    let lines: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["span"]["path"] == "/api/v1/check" && l["fields"]["status"] == 200),
        "{log}"
    );
    assert!(lines
        .iter()
        .all(|l| l["level"].is_string() && l["timestamp"].is_string()));
    assert!(!log.contains("秘密词"), "{log}");
}

#[tokio::test]
async fn sigterm_stops_the_server_with_exit_status_0() {
    let mut server = Binary::start(None, &[]).await;
    let res = reqwest::get(format!("{}/api/v1/health", server.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let status = server.terminate().await;
    assert!(status.success(), "{status:?}: {}", server.stderr());
    assert!(server.stderr().contains("shutting down"));
}
