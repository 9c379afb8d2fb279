//! The load test: 1,000 simulated tablets, each with its own key, push
//! signed uploads concurrently over loopback HTTP to the real server binary
//! for a bounded time, on SQLite and on PostgreSQL (a fresh database on the
//! cluster `scripts/with-postgres` started). Afterwards the server's totals
//! must equal what the tablets sent, with no failed request.
//!
//! The same fleet, smaller, pushes while the server is killed and started
//! again on the same data; while it is stopped with SIGTERM (as systemd
//! stops it); and while a backup is taken, which is then restored and served.
//!
//! The ignored `load_bench` runs longer and prints the figures for
//! `scripts/bench load` (`JIANZHENG_LOAD_SECONDS`, 20 by default).

use jianzheng_core::ledger::{Outcome, Period};
use jianzheng_core::rate::MonthCounts;
use jianzheng_e2e::load::{run, village_code, Fleet, LoadConfig, LoadReport, Totals};
use jianzheng_e2e::{bare_app, command_on, fresh_postgres, ServerProcess, ADMIN_PASSWORD};
use jianzheng_server::storage::Storage;
use std::collections::BTreeMap;
use std::time::Duration;
use tempfile::TempDir;

/// Which database the server runs on.
#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    /// SQLite with `--sqlite-synchronous normal`: the bench's baseline for
    /// the durable default.
    SqliteNormal,
    Postgres,
}

/// Last month and this month, by the clock the server also reads.
fn open_months() -> [Period; 2] {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let current = Period::from_unix_seconds(seconds);
    [current.previous(), current]
}

/// Runs the load on a fresh server and checks its totals against what the
/// tablets sent.
async fn load_on(backend: Backend, config: LoadConfig) -> LoadReport {
    let dist = bare_app();
    let data = TempDir::new().unwrap();
    let data_dir = data.path().to_path_buf();
    let url = match backend {
        Backend::Sqlite | Backend::SqliteNormal => None,
        Backend::Postgres => Some(fresh_postgres(&format!("jz_load_{}", std::process::id())).await),
    };
    let args: &[&str] = match backend {
        Backend::SqliteNormal => &["--sqlite-synchronous", "normal"],
        _ => &[],
    };
    let server = ServerProcess::start_with_args(dist.path(), data, url.as_deref(), args).await;
    let months = open_months();
    let report = run(&server.url, ADMIN_PASSWORD, config, months).await;
    assert!(
        report.errors.is_empty(),
        "{backend:?}: {} failed requests, first: {:?}",
        report.errors.len(),
        report.errors.first()
    );
    assert!(
        report.uploads >= config.devices as u64,
        "{backend:?}: every tablet pushed"
    );

    let storage = Storage::open(&data_dir, url.as_deref()).await.unwrap();
    let mut sent: BTreeMap<(String, Period), BTreeMap<Outcome, u64>> = BTreeMap::new();
    for ((village, period, outcome), count) in &report.sent {
        if *count > 0 {
            sent.entry((village.clone(), *period))
                .or_default()
                .insert(*outcome, *count);
        }
    }
    // The dashboard reads its own sums (packed per village year on
    // PostgreSQL): they must hold the same.
    let figures = storage.figures(months[0], months[1]).await.unwrap();
    for n in 0..config.devices.div_ceil(config.per_village) {
        for period in months {
            let village = village_code(n);
            let stored = storage.village_totals(&village, period).await.unwrap();
            let expected = sent.remove(&(village.clone(), period)).unwrap_or_default();
            assert_eq!(stored, expected, "{backend:?}: {village} {period}");
            let mut counts = MonthCounts::default();
            for (outcome, count) in &expected {
                counts.add(*outcome, *count).unwrap();
            }
            let shown = figures.month(&village, period).map(|m| m.counts);
            assert_eq!(
                shown.unwrap_or_default(),
                counts,
                "{backend:?}: dashboard {village} {period}"
            );
        }
    }
    assert!(sent.is_empty(), "sent for villages not checked: {sent:?}");
    report
}

const TEST: LoadConfig = LoadConfig {
    devices: 1000,
    per_village: 10,
    duration: Duration::from_secs(5),
};

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_tablets_pushing_at_once_on_sqlite_lose_and_double_nothing() {
    let report = load_on(Backend::Sqlite, TEST).await;
    println!(
        "sqlite: {} uploads, {:.0}/s, p99 {:.0} ms",
        report.uploads, report.per_s, report.p99_ms
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_tablets_pushing_at_once_on_postgres_lose_and_double_nothing() {
    let report = load_on(Backend::Postgres, TEST).await;
    println!(
        "postgres: {} uploads, {:.0}/s, p99 {:.0} ms",
        report.uploads, report.per_s, report.p99_ms
    );
}

/// What the server stored for the villages of a run, in `months`.
async fn stored(storage: &Storage, config: &LoadConfig, months: [Period; 2]) -> Totals {
    let mut stored = Totals::new();
    for n in 0..config.devices.div_ceil(config.per_village) {
        let village = village_code(n);
        for period in months {
            for (outcome, count) in storage.village_totals(&village, period).await.unwrap() {
                if count > 0 {
                    stored.insert((village.clone(), period, outcome), count);
                }
            }
        }
    }
    stored
}

/// Whether every count of `low` is at most that of `high`.
fn at_most(low: &Totals, high: &Totals) -> Result<(), String> {
    for (key, n) in low {
        let m = high.get(key).copied().unwrap_or(0);
        if *n > m {
            return Err(format!("{key:?}: {n} > {m}"));
        }
    }
    Ok(())
}

/// The sum of every count.
fn total(totals: &Totals) -> u64 {
    totals.values().sum()
}

/// Tablets pushing while the server binary is killed (SIGKILL, as a power
/// cut would) and started again on the same data: every upload that was
/// answered `200` is in the totals, none counts twice, and the tablets'
/// next sync completes and brings the totals to what they counted.
async fn killed_mid_load(backend: Backend) {
    let dist = bare_app();
    let data = TempDir::new().unwrap();
    let data_dir = data.path().to_path_buf();
    let url = match backend {
        Backend::Sqlite | Backend::SqliteNormal => None,
        Backend::Postgres => Some(fresh_postgres(&format!("jz_kill_{}", std::process::id())).await),
    };
    let server = ServerProcess::start_on(dist.path(), data, url.as_deref()).await;
    let months = open_months();
    let config = LoadConfig {
        devices: 300,
        per_village: 10,
        duration: Duration::from_secs(4),
    };
    let fleet = Fleet::enrol(&server.url, ADMIN_PASSWORD, &config).await;
    let base = server.url.clone();
    let deadline = std::time::Instant::now() + config.duration;
    let pushing = tokio::spawn(async move { fleet.push_until(&base, months, deadline).await });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let data = server.kill().await;
    let (fleet, report) = pushing.await.unwrap();
    assert!(report.uploads > 0, "{backend:?}: uploads before the kill");
    assert!(!report.errors.is_empty(), "{backend:?}: the kill was felt");

    // Started again on the same data: what was acknowledged is there, and
    // nothing beyond what the tablets counted.
    let server = ServerProcess::start_on(dist.path(), data, url.as_deref()).await;
    let storage = Storage::open(&data_dir, url.as_deref()).await.unwrap();
    let after_restart = stored(&storage, &config, months).await;
    let (acked, counted) = (fleet.acknowledged(), fleet.counted());
    for (key, count) in &counted {
        let have = after_restart.get(key).copied().unwrap_or(0);
        let answered = acked.get(key).copied().unwrap_or(0);
        assert!(
            answered <= have && have <= *count,
            "{backend:?} {key:?}: acknowledged {answered}, stored {have}, counted {count}"
        );
    }
    // The tablets' next sync completes; then the totals are what they counted.
    let (fleet, errors) = fleet.sync_once(&server.url).await;
    assert!(errors.is_empty(), "{backend:?}: {errors:?}");
    let after_sync = stored(&storage, &config, months).await;
    let mut counted = fleet.counted();
    counted.retain(|_, n| *n > 0);
    assert_eq!(
        after_sync, counted,
        "{backend:?}: totals after the next sync"
    );
    println!(
        "{backend:?}: {} uploads acknowledged before the kill, {} requests cut off; all there after the restart",
        report.uploads,
        report.errors.len()
    );
    server.kill().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_killed_mid_load_on_sqlite_keeps_every_acknowledged_upload() {
    killed_mid_load(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_killed_mid_load_on_postgres_keeps_every_acknowledged_upload() {
    killed_mid_load(Backend::Postgres).await;
}

/// Tablets pushing while the server is stopped with SIGTERM, as systemd
/// stops it for an upgrade: it exits 0, every upload it answered `200` is
/// stored and nothing it did not answer (no request was half done), and
/// after a restart the tablets' next sync completes.
async fn terminated_mid_load(backend: Backend) {
    let dist = bare_app();
    let data = TempDir::new().unwrap();
    let data_dir = data.path().to_path_buf();
    let url = match backend {
        Backend::Sqlite | Backend::SqliteNormal => None,
        Backend::Postgres => Some(fresh_postgres(&format!("jz_term_{}", std::process::id())).await),
    };
    let server = ServerProcess::start_on(dist.path(), data, url.as_deref()).await;
    let months = open_months();
    let config = LoadConfig {
        devices: 300,
        per_village: 10,
        duration: Duration::from_secs(4),
    };
    let fleet = Fleet::enrol(&server.url, ADMIN_PASSWORD, &config).await;
    let base = server.url.clone();
    let deadline = std::time::Instant::now() + config.duration;
    let pushing = tokio::spawn(async move { fleet.push_until(&base, months, deadline).await });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, data) = server.terminate().await;
    assert!(status.success(), "{backend:?}: exit {status:?}");
    let (fleet, report) = pushing.await.unwrap();
    assert!(report.uploads > 0, "{backend:?}: uploads before the stop");
    assert!(!report.errors.is_empty(), "{backend:?}: the stop was felt");

    let storage = Storage::open(&data_dir, url.as_deref()).await.unwrap();
    let mut acked = fleet.acknowledged();
    acked.retain(|_, n| *n > 0);
    assert_eq!(
        stored(&storage, &config, months).await,
        acked,
        "{backend:?}: stored is what was acknowledged"
    );
    let server = ServerProcess::start_on(dist.path(), data, url.as_deref()).await;
    let (fleet, errors) = fleet.sync_once(&server.url).await;
    assert!(errors.is_empty(), "{backend:?}: {errors:?}");
    let mut counted = fleet.counted();
    counted.retain(|_, n| *n > 0);
    assert_eq!(stored(&storage, &config, months).await, counted);
    println!(
        "{backend:?}: {} uploads acknowledged before SIGTERM, {} refused by the stopping server; stored exactly what was acknowledged",
        report.uploads,
        report.errors.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_mid_load_on_sqlite_stores_exactly_what_was_acknowledged() {
    terminated_mid_load(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_mid_load_on_postgres_stores_exactly_what_was_acknowledged() {
    terminated_mid_load(Backend::Postgres).await;
}

/// A backup (`jianzheng-server backup`) taken while the tablets push,
/// restored into a new data directory and served: its totals hold
/// everything acknowledged before the backup began, and nothing the tablets
/// had not sent when it ended.
#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_under_load_restores_what_was_acknowledged_before_it() {
    let dist = bare_app();
    let server = ServerProcess::start_on(dist.path(), TempDir::new().unwrap(), None).await;
    let months = open_months();
    let config = LoadConfig {
        devices: 300,
        per_village: 10,
        duration: Duration::from_secs(4),
    };
    let fleet = Fleet::enrol(&server.url, ADMIN_PASSWORD, &config).await;
    let progress = fleet.progress();
    let base = server.url.clone();
    let deadline = std::time::Instant::now() + config.duration;
    let pushing = tokio::spawn(async move { fleet.push_until(&base, months, deadline).await });
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let copies = TempDir::new().unwrap();
    let file = copies.path().join("backup.sqlite3");
    let before = progress.acknowledged();
    server.command(&["backup", "--to", file.to_str().unwrap()]);
    let sent_by_end = progress.sent();
    let (fleet, report) = pushing.await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors.first());

    let restored = TempDir::new().unwrap();
    command_on(
        restored.path(),
        &["restore", "--from", file.to_str().unwrap()],
    );
    let restored_dir = restored.path().to_path_buf();
    let copy = ServerProcess::start_on(dist.path(), restored, None).await;
    let health: serde_json::Value = reqwest::get(format!("{}/api/v1/health", copy.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let storage = Storage::open(&restored_dir, None).await.unwrap();
    let in_backup = stored(&storage, &config, months).await;
    at_most(&before, &in_backup).expect("everything acknowledged before the backup is in it");
    at_most(&in_backup, &sent_by_end).expect("nothing the tablets had not sent");
    let after = fleet.acknowledged();
    assert!(
        total(&before) > 0 && total(&in_backup) < total(&after),
        "the backup was taken mid-load: {} acknowledged before, {} in the backup, {} at the end",
        total(&before),
        total(&in_backup),
        total(&after)
    );
    println!(
        "backup under load: {} counts acknowledged before it, {} in it, {} sent by its end, {} at the end",
        total(&before),
        total(&in_backup),
        total(&sent_by_end),
        total(&after)
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: scripts/bench load"]
async fn load_bench() {
    let seconds = std::env::var("JIANZHENG_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let config = LoadConfig {
        duration: Duration::from_secs(seconds),
        ..TEST
    };
    println!(); // after the harness's "test load_bench ... "
    for (backend, name) in [
        (Backend::SqliteNormal, "sqlite_normal"),
        (Backend::Sqlite, "sqlite"),
        (Backend::Postgres, "pg"),
    ] {
        let report = load_on(backend, config).await;
        println!("load_ingest_per_s_{name}: {:.0} uploads/s", report.per_s);
        println!("load_p50_ms_{name}: {:.1} ms", report.p50_ms);
        println!("load_p99_ms_{name}: {:.1} ms", report.p99_ms);
    }
}

/// The median of `values`.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Backups of a county-sized SQLite database (300 villages × 36 months)
/// taken back to back while 1,000 tablets push, against the same push with
/// no backup, alternating twice in the same run; then a restore of the
/// last backup. Prints the figures for `scripts/bench load`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: scripts/bench load"]
async fn backup_bench() {
    let dist = bare_app();
    let data = TempDir::new().unwrap();
    {
        let storage = Storage::open(data.path(), None).await.unwrap();
        let size = jianzheng_server::demo::DemoSize {
            villages: 300,
            months: 36,
            last: open_months()[0],
        };
        jianzheng_server::demo::seed(&storage, size).await.unwrap();
        storage.close().await;
    }
    let server = ServerProcess::start_on(dist.path(), data, None).await;
    let months = open_months();
    let seconds: u64 = std::env::var("JIANZHENG_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let phase = Duration::from_secs(seconds.div_ceil(2).max(4));
    let mut fleet = Fleet::enrol(&server.url, ADMIN_PASSWORD, &TEST).await;
    let copies = TempDir::new().unwrap();
    let (mut plain, mut during, mut backups) = (Vec::new(), Vec::new(), Vec::new());
    let mut last_backup = None;
    for round in 0..4 {
        let with_backup = round % 2 == 1;
        let deadline = std::time::Instant::now() + phase;
        let base = server.url.clone();
        let pushing = tokio::spawn(async move { fleet.push_until(&base, months, deadline).await });
        if with_backup {
            while std::time::Instant::now() < deadline {
                let file = copies.path().join(format!("b{}.sqlite3", backups.len()));
                let started = std::time::Instant::now();
                server.command(&["backup", "--to", file.to_str().unwrap()]);
                backups.push(started.elapsed().as_secs_f64());
                last_backup = Some(file);
            }
        }
        let (pushed, report) = pushing.await.unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors.first());
        fleet = pushed;
        if with_backup { &mut during } else { &mut plain }.push(report.per_s);
    }
    let file = last_backup.expect("a backup was taken");
    let restored = TempDir::new().unwrap();
    let started = std::time::Instant::now();
    command_on(
        restored.path(),
        &["restore", "--from", file.to_str().unwrap()],
    );
    let restore_s = started.elapsed().as_secs_f64();
    let mb = std::fs::metadata(&file).unwrap().len() as f64 / 1e6;
    println!(); // after the harness's "test backup_bench ... "
    println!("backup_300x36_s: {:.2} s", median(backups.clone()));
    println!(
        "backup_300x36_count: {} backups of {mb:.1} MB",
        backups.len()
    );
    println!("restore_300x36_s: {restore_s:.2} s");
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    println!(
        "load_ingest_per_s_sqlite_during_backup: {:.0} uploads/s",
        mean(&during)
    );
    println!(
        "load_ingest_per_s_sqlite_no_backup: {:.0} uploads/s",
        mean(&plain)
    );
}
