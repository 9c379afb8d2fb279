//! Server ingest throughput on SQLite: signed uploads per second through
//! decode, signature check, the device's standing, merge, receipt and flags, against
//! the raw upsert of the same decoded cells into a second database in the
//! same run, with the same statement and nothing else.
//!
//! Both loops decode the upload first. Besides being work no server can
//! skip, it keeps the comparison fair: a loop of bare database calls keeps
//! SQLite's worker thread awake and runs unlike any server, where other
//! work always sits between two uploads (measured here: 40 µs of work
//! between raw upserts cost them 40% of their rate).
//!
//! Each upload is a tablet's two open months (44 cells) with every count
//! risen since its last upload, so every cell is written: the most work an
//! upload can cause. Prints `ingest_per_s`, `raw_upsert_per_s` and
//! `ingest_ratio_vs_raw` for scripts/bench.
//!
//! Uploads are not in the audit trail (it holds the town's changes), but
//! its rows go to the same database: `audit_overhead_pct` is how much
//! slower the same ingest runs while town changes append audit rows at 50
//! a second (far more than a county's officers make), against rounds
//! without, alternating in the same run.

use criterion::{criterion_group, criterion_main, Criterion};
use jianzheng_core::api::audit::AuditKind;
use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::sync::{decode, encode, public_key, verify, Cell, CountsPayload, PeriodReport};
use jianzheng_server::storage::{
    AuditRecord, DeviceId, Enrol, Ingest, LedgerIntent, Standing, Storage,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

const TABLETS: u32 = 50;

fn secret(tablet: u32) -> [u8; 32] {
    let mut secret = [1u8; 32];
    secret[..4].copy_from_slice(&tablet.to_le_bytes());
    secret
}

/// Tablet `tablet`'s open months at upload `round`: every count is `round`.
fn upload(tablet: u32, round: u64) -> CountsPayload {
    let items = [
        "A01",
        "A02",
        "A03",
        "A04",
        "A05",
        "R01",
        "R02",
        "N01",
        "N02",
        "N05",
        "free:收入证明",
    ];
    let agencies = [AgencyCategory::Bank, AgencyCategory::School];
    let outcomes = [Outcome::Issued, Outcome::RefusedRedirected];
    CountsPayload {
        village: format!("V{tablet}"),
        device_key: public_key(&secret(tablet)),
        incarnation: 1,
        ledger: "T1".into(),
        created_at: "2026-11-27T10:00:00Z".into(),
        periods: [10u8, 11]
            .iter()
            .map(|&month| PeriodReport {
                period: Period { year: 2026, month },
                closed: false,
                cells: items
                    .iter()
                    .flat_map(|item| {
                        agencies
                            .iter()
                            .zip(outcomes)
                            .map(|(&agency, outcome)| Cell {
                                item: (*item).to_owned(),
                                outcome,
                                agency,
                                count: round,
                            })
                    })
                    .collect(),
            })
            .collect(),
        voided: Vec::new(),
    }
}

/// A database with every tablet enrolled in its own village.
async fn enrolled_storage() -> (Storage, TempDir) {
    let dir = TempDir::new().unwrap();
    let storage = Storage::open_in(dir.path()).await.unwrap();
    for t in 0..TABLETS {
        let village = format!("V{t}");
        storage.upsert_village(&village, &village).await.unwrap();
        let code = storage
            .create_enrolment_code(&village, 7, &LedgerIntent::New)
            .await
            .unwrap();
        let key = public_key(&secret(t));
        let device = DeviceId {
            key: &key,
            incarnation: 1,
            village: &village,
            ledger: "T1",
        };
        assert_eq!(
            storage.enrol(&code, &device, None).await.unwrap(),
            Enrol::Enrolled
        );
    }
    (storage, dir)
}

/// What the server does with one upload: verify, check the device's
/// standing, expand, store.
async fn ingest(storage: &Storage, bytes: &[u8], current: Period) {
    let upload = verify(bytes).unwrap();
    assert!(matches!(
        storage.standing(&upload).await.unwrap(),
        Standing::Enrolled { .. }
    ));
    let accepted = storage
        .ingest(&upload.expand().unwrap(), current)
        .await
        .unwrap();
    assert!(matches!(accepted, Ingest::Accepted { .. }));
}

/// One round: every tablet uploads once. Returns the time spent.
async fn ingest_round(storage: &Storage, signed: &[Vec<u8>]) -> Duration {
    let current = Period {
        year: 2026,
        month: 11,
    };
    let start = Instant::now();
    for bytes in signed {
        ingest(storage, bytes, current).await;
    }
    start.elapsed()
}

/// The baseline round: the same signed uploads decoded (a server cannot
/// write cells it has not read) and their cells upserted, nothing more.
async fn raw_round(storage: &Storage, signed: &[Vec<u8>]) -> Duration {
    let start = Instant::now();
    for bytes in signed {
        let payload = decode(bytes).unwrap().payload;
        storage.raw_upsert(&payload).await.unwrap();
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (ours, _a) = rt.block_on(enrolled_storage());
    let (raw, _b) = rt.block_on(enrolled_storage());
    let mut round = 0u64;
    let mut next_round = || {
        round += 1;
        (0..TABLETS)
            .map(|t| encode(&upload(t, round), &secret(t)))
            .collect::<Vec<Vec<u8>>>()
    };

    let mut group = c.benchmark_group("sync");
    group.sample_size(10);
    group.bench_function("ingest_50_uploads", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| rt.block_on(ingest_round(&ours, &next_round())))
                .sum()
        })
    });
    group.bench_function("raw_upsert_50_uploads", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| rt.block_on(raw_round(&raw, &next_round())))
                .sum()
        })
    });
    group.finish();

    // The figures: every upload goes to one database through ingest and
    // then to the other raw, so both meet the same machine state; each
    // figure is the median over rounds of 50 such pairs.
    const ROUNDS: usize = 30;
    let current = Period {
        year: 2026,
        month: 11,
    };
    let mut ours_s = Vec::with_capacity(ROUNDS);
    let mut raw_s = Vec::with_capacity(ROUNDS);
    let mut ratios = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let signed = next_round();
        let (mut ours_time, mut raw_time) = (Duration::ZERO, Duration::ZERO);
        rt.block_on(async {
            for bytes in &signed {
                let start = Instant::now();
                ingest(&ours, bytes, current).await;
                ours_time += start.elapsed();
                let start = Instant::now();
                let payload = decode(bytes).unwrap().payload;
                raw.raw_upsert(&payload).await.unwrap();
                raw_time += start.elapsed();
            }
        });
        ours_s.push(ours_time.as_secs_f64());
        raw_s.push(raw_time.as_secs_f64());
        ratios.push(raw_time.as_secs_f64() / ours_time.as_secs_f64());
    }
    let uploads = f64::from(TABLETS);
    println!("ingest_per_s: {:.0} uploads/s", uploads / median(ours_s));
    println!("raw_upsert_per_s: {:.0} uploads/s", uploads / median(raw_s));
    println!("ingest_ratio_vs_raw: {:.2} ×", median(ratios));

    // Ingest alone, then with the trail growing beside it, alternating.
    // Each round alone is paired with the round with the trail growing
    // that follows it, and the figure is the median of the pairs' ratios:
    // the machine's drift cancels within a pair. More rounds than above:
    // the two differ by little, and the machine is noisy.
    let (mut audited, mut ratios) = (Vec::new(), Vec::new());
    for _ in 0..4 * ROUNDS {
        let alone = rt
            .block_on(ingest_round(&ours, &next_round()))
            .as_secs_f64();
        let running = Arc::new(AtomicBool::new(true));
        let appender = rt.spawn(append_audit_rows(ours.clone(), Arc::clone(&running)));
        let with = rt
            .block_on(ingest_round(&ours, &next_round()))
            .as_secs_f64();
        running.store(false, Ordering::Relaxed);
        assert!(
            rt.block_on(appender).unwrap() > 0,
            "audit rows were appended"
        );
        audited.push(with);
        ratios.push(with / alone);
    }
    println!(
        "ingest_per_s_with_audit: {:.0} uploads/s",
        uploads / median(audited)
    );
    println!(
        "audit_overhead_pct: {:.1} %",
        (median(ratios) - 1.0) * 100.0
    );
}

/// Appends a town change's audit row every 20 ms until `running` is
/// cleared (at least one); how many.
async fn append_audit_rows(storage: Storage, running: Arc<AtomicBool>) -> u32 {
    let detail = jianzheng_core::api::audit::Said::same("V1: 东关村 → 东关新村");
    let mut appended = 0;
    loop {
        storage
            .append_audit(AuditRecord {
                account: Some("officer"),
                address: Some([10, 0, 0, 1].into()),
                kind: AuditKind::VillageRenamed,
                area: Some("V1"),
                detail: &detail,
            })
            .await
            .unwrap();
        appended += 1;
        if !running.load(Ordering::Relaxed) {
            return appended;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

criterion_group!(benches, bench);
criterion_main!(benches);
