//! The town's dashboard and export over HTTP for a town and for a county:
//! 300 villages × 36 months on SQLite in a real file and, when
//! `JIANZHENG_TEST_POSTGRES` names a server (`scripts/with-postgres`),
//! 10,000 villages × 36 months on PostgreSQL, both seeded through ingest by
//! the demo generator. The baseline of the same run is `GET /api/v1/health`
//! over the same connection: the HTTP floor.
//!
//! On PostgreSQL the 10,000 villages are then placed in a county of 100
//! towns (100 villages each): the county's view (a row per town) and one
//! town's (a row per village) are timed in the same run as the flat view.
//!
//! Prints `dashboard_300x36_ms`, `export_300x36_ms`,
//! `dashboard_baseline_health_ms`, and on PostgreSQL `pg_dashboard_10k_ms`,
//! `pg_export_10k_ms`, `pg_seed_10k_s`, `pg_county_dashboard_ms`,
//! `pg_town_dashboard_ms`, `quality_flags_county_ms` (the county's
//! signs that a figure is not real, over a year), `report_docx_county_ms`
//! and `report_docx_town_ms` (the report upward as Word, over a year)
//! (medians) for scripts/bench.

#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use jianzheng_core::ledger::Period;
use jianzheng_server::auth::hash_password;
use jianzheng_server::demo::{seed, DemoSize};
use jianzheng_server::{AppFiles, Config, Server};
use std::time::Instant;
use tempfile::TempDir;

const LAST: Period = Period {
    year: 2026,
    month: 10,
};
const RANGE: &str = "from=2023-11&to=2026-10";

fn median_ms(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// A seeded server and a logged-in officer.
struct Town {
    api: String,
    client: reqwest::Client,
    storage: jianzheng_server::storage::Storage,
    _dirs: (TempDir, TempDir),
}

impl Town {
    /// Seeds `villages` × 36 months into the database (`None`: SQLite) and
    /// logs in; also returns how long seeding took.
    async fn seeded(villages: usize, database_url: Option<String>) -> (Town, f64) {
        let data = TempDir::new().unwrap();
        let dist = TempDir::new().unwrap();
        for area in jianzheng_core::area::Area::ALL {
            std::fs::write(dist.path().join(area.shell()), "<!doctype html>").unwrap();
        }
        let server = Server::bind(Config {
            addr: "127.0.0.1:0".into(),
            data_dir: data.path().to_path_buf(),
            database_url,
            app: AppFiles::Dir(dist.path().to_path_buf()),
            ..Config::default()
        })
        .await
        .unwrap();
        let size = DemoSize {
            villages,
            months: 36,
            last: LAST,
        };
        let started = Instant::now();
        seed(server.storage(), size).await.unwrap();
        let seed_s = started.elapsed().as_secs_f64();
        server
            .storage()
            .create_user("bench", &hash_password("bench-password"), false)
            .await
            .unwrap();
        let api = format!("http://{}/api/v1", server.local_addr());
        let storage = server.storage().clone();
        tokio::spawn(server.run_until(std::future::pending()));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let res = client
            .post(format!("{api}/town/login"))
            .json(&serde_json::json!({"name": "bench", "password": "bench-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let town = Town {
            api,
            client,
            storage,
            _dirs: (data, dist),
        };
        (town, seed_s)
    }

    fn dashboard(&self) -> String {
        format!("{}/town/dashboard?{RANGE}", self.api)
    }

    /// Places the seeded villages, 100 to a town, in towns `T001`… of a
    /// county `C` (the seeded villages' own town goes below it too).
    async fn place_in_a_county(&self) {
        use jianzheng_core::org::{Area, Level};
        let tree = self.storage.area_tree().await.unwrap().expect("a tree");
        let area = |code: String, name: String, level, parent: Option<&str>| Area {
            code: code.parse().unwrap(),
            name: name.parse().unwrap(),
            level,
            parent: parent.map(|p| p.parse().unwrap()),
        };
        let old_town = tree.root().clone();
        let villages: Vec<Area> = tree
            .villages_within(&old_town.code)
            .into_iter()
            .cloned()
            .collect();
        let mut changes = vec![
            area("C".into(), "示范县".into(), Level::County, None),
            Area {
                parent: Some("C".parse().unwrap()),
                ..old_town
            },
        ];
        let towns = villages.len().div_ceil(100);
        for t in 1..=towns {
            changes.push(area(
                format!("T{t:03}"),
                format!("第{t}镇"),
                Level::Town,
                Some("C"),
            ));
        }
        for (i, v) in villages.into_iter().enumerate() {
            let town = format!("T{:03}", i / 100 + 1);
            changes.push(Area {
                parent: Some(town.parse().unwrap()),
                ..v
            });
        }
        self.storage.change_areas(changes).await.unwrap();
    }

    fn area_dashboard(&self, area: &str) -> String {
        format!("{}/town/dashboard?{RANGE}&area={area}", self.api)
    }

    fn export(&self) -> String {
        format!("{}/town/export.xlsx?{RANGE}", self.api)
    }

    fn health(&self) -> String {
        format!("{}/health", self.api)
    }

    /// Fetches `url`; returns the body's length.
    async fn get(&self, url: &str) -> usize {
        let res = self.client.get(url).send().await.unwrap();
        assert_eq!(res.status(), 200);
        res.bytes().await.unwrap().len()
    }

    /// The median of `runs` fetches of `url`, in milliseconds.
    async fn median(&self, url: &str, runs: usize) -> f64 {
        let mut times = Vec::new();
        for _ in 0..runs {
            let start = Instant::now();
            self.get(url).await;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        median_ms(times)
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (town, _) = rt.block_on(Town::seeded(300, None));
    assert!(
        rt.block_on(town.get(&town.dashboard())) > 10_000,
        "a full dashboard"
    );

    let mut group = c.benchmark_group("town");
    group.sample_size(10);
    group.bench_function("dashboard_300x36", |b| {
        b.iter(|| rt.block_on(town.get(&town.dashboard())))
    });
    group.bench_function("export_xlsx_300x36", |b| {
        b.iter(|| rt.block_on(town.get(&town.export())))
    });
    group.finish();

    let (mut d, mut e, mut h) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..10 {
        d.push(rt.block_on(town.median(&town.dashboard(), 1)));
        e.push(rt.block_on(town.median(&town.export(), 1)));
        h.push(rt.block_on(town.median(&town.health(), 1)));
    }
    println!("dashboard_300x36_ms: {:.1} ms", median_ms(d));
    println!("export_300x36_ms: {:.1} ms", median_ms(e));
    println!("dashboard_baseline_health_ms: {:.2} ms", median_ms(h));

    let Some(url) = rt.block_on(support::fresh_postgres()) else {
        return;
    };
    let (county, seed_s) = rt.block_on(Town::seeded(10_000, Some(url)));
    assert!(rt.block_on(county.get(&county.dashboard())) > 300_000);
    println!("pg_seed_10k_s: {seed_s:.0} s");
    println!(
        "pg_dashboard_10k_ms: {:.1} ms",
        rt.block_on(county.median(&county.dashboard(), 10))
    );
    println!(
        "pg_export_10k_ms: {:.1} ms",
        rt.block_on(county.median(&county.export(), 5))
    );
    rt.block_on(county.place_in_a_county());
    let rows = rt.block_on(county.get(&county.dashboard()));
    let town = rt.block_on(county.get(&county.area_dashboard("T001")));
    assert!(rows > 10_000 && town > 10_000, "{rows} {town}");
    println!(
        "pg_county_dashboard_ms: {:.1} ms",
        rt.block_on(county.median(&county.area_dashboard("C"), 10))
    );
    println!(
        "pg_town_dashboard_ms: {:.1} ms",
        rt.block_on(county.median(&county.area_dashboard("T001"), 10))
    );
    // The signs that a figure is not real, for the county over a year:
    // its 10,000 villages judged against the twelve months before. The
    // demo's villages 2 to 4 each show one sign.
    let quality = format!("{}/town/quality?from=2025-11&to=2026-10&area=C", county.api);
    assert!(rt.block_on(county.get(&quality)) > 100);
    println!(
        "quality_flags_county_ms: {:.1} ms",
        rt.block_on(county.median(&quality, 10))
    );
    // The report upward as Word over that year: the county's (a row per
    // town) and one town's (a row per village).
    let report = |area: &str| {
        format!(
            "{}/town/report.docx?from=2025-11&to=2026-10&area={area}",
            county.api
        )
    };
    assert!(rt.block_on(county.get(&report("C"))) > 10_000);
    println!(
        "report_docx_county_ms: {:.1} ms",
        rt.block_on(county.median(&report("C"), 10))
    );
    println!(
        "report_docx_town_ms: {:.1} ms",
        rt.block_on(county.median(&report("T001"), 10))
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
