//! The town's dashboard and export over HTTP for a county-sized database:
//! 300 villages × 36 months of synced counts (seeded through ingest by the
//! demo generator), SQLite in a real file. The baseline of the same run is
//! `GET /api/v1/health` over the same connection: the HTTP floor.
//! Prints `dashboard_300x36_ms`, `export_300x36_ms` and
//! `dashboard_baseline_health_ms` (medians) for scripts/bench.

use criterion::{criterion_group, criterion_main, Criterion};
use jianzheng_core::ledger::Period;
use jianzheng_server::auth::hash_password;
use jianzheng_server::demo::{seed, DemoSize};
use jianzheng_server::{Config, Server};
use std::time::Instant;
use tempfile::TempDir;

const LAST: Period = Period {
    year: 2026,
    month: 10,
};

fn median_ms(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let data = TempDir::new().unwrap();
    let dist = TempDir::new().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
    let (base, client) = rt.block_on(async {
        let server = Server::bind(Config {
            addr: "127.0.0.1:0".into(),
            data_dir: data.path().to_path_buf(),
            database_url: None,
            dist: dist.path().to_path_buf(),
        })
        .await
        .unwrap();
        let size = DemoSize {
            villages: 300,
            months: 36,
            last: LAST,
        };
        seed(server.storage(), size).await.unwrap();
        server
            .storage()
            .create_user("bench", &hash_password("bench-password"), false)
            .await
            .unwrap();
        let base = format!("http://{}/api/v1", server.local_addr());
        tokio::spawn(server.run_until(std::future::pending()));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let res = client
            .post(format!("{base}/town/login"))
            .json(&serde_json::json!({"name": "bench", "password": "bench-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        (base, client)
    });
    let range = "from=2023-11&to=2026-10";
    let get = |path: String| {
        let client = client.clone();
        rt.block_on(async move {
            let res = client.get(path).send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.bytes().await.unwrap().len()
        })
    };
    let dashboard = format!("{base}/town/dashboard?{range}");
    let export = format!("{base}/town/export.xlsx?{range}");
    let health = format!("{base}/health");
    assert!(get(dashboard.clone()) > 10_000, "a full dashboard");

    let mut group = c.benchmark_group("town");
    group.sample_size(10);
    group.bench_function("dashboard_300x36", |b| b.iter(|| get(dashboard.clone())));
    group.bench_function("export_xlsx_300x36", |b| b.iter(|| get(export.clone())));
    group.finish();

    let time = |url: &String, runs: usize| -> Vec<f64> {
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                get(url.clone());
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect()
    };
    let (mut d, mut e, mut h) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..10 {
        d.extend(time(&dashboard, 1));
        e.extend(time(&export, 1));
        h.extend(time(&health, 1));
    }
    println!("dashboard_300x36_ms: {:.1} ms", median_ms(d));
    println!("export_300x36_ms: {:.1} ms", median_ms(e));
    println!("dashboard_baseline_health_ms: {:.2} ms", median_ms(h));
}

criterion_group!(benches, bench);
criterion_main!(benches);
