//! What the town reads, through a real server on a SQLite file or a
//! PostgreSQL server: an outcome a tablet uploads over HTTP lands in its own
//! column everywhere the figures are read (the stored totals, the packed
//! months, the dashboard, a village's months, both exports), and the
//! villages are read with all their tablets at once.

mod support;

use jianzheng_core::api::town::Device;
use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::rate::{Dashboard, Flagged, MonthCounts, Rate, VillageRow};
use jianzheng_core::sync::{encode, public_key, Cell, CountsPayload, PeriodReport};
use jianzheng_server::auth::hash_password;
use jianzheng_server::clock::current_period;
use jianzheng_server::storage::{DeviceId, Enrol, LedgerIntent, Storage};
use std::collections::BTreeMap;

const VILLAGE: &str = "V1";
const PASSWORD: &str = "a-password-for-tests";

/// How many of the outcome the tablet reports.
const COUNT: u64 = 3;

/// The village's baseline for the month.
const BASELINE: u64 = 10;

/// The unlisted item the tablet reports; a listed one otherwise.
const FREE_ITEM: &str = "free:收入证明";

/// Enrols the tablet with `secret` on `ledger` of `village`.
async fn enrol(
    storage: &Storage,
    village: &str,
    secret: &[u8; 32],
    ledger: &str,
    intent: LedgerIntent,
) {
    let code = storage
        .create_enrolment_code(village, 7, &intent)
        .await
        .unwrap();
    let key = public_key(secret);
    let device = DeviceId {
        key: &key,
        incarnation: 1,
        village,
        ledger,
    };
    assert_eq!(
        storage.enrol(&code, &device, None).await.unwrap(),
        Enrol::Enrolled
    );
}

/// A town with one village, a baseline for `month`, an administrator
/// logged in, and a tablet that uploaded `COUNT` of `outcome` in `month`
/// through `POST /api/v1/counts`.
async fn town_with(outcome: Outcome, month: Period) -> (support::Running, reqwest::Client) {
    let server = support::start().await;
    let storage = &server.storage;
    storage.upsert_village(VILLAGE, "东关村").await.unwrap();
    let baseline_month = Period {
        year: month.year - 1,
        month: month.month,
    };
    storage
        .set_baselines(
            baseline_month.year,
            &[(VILLAGE.into(), baseline_month, BASELINE)],
            "manual",
        )
        .await
        .unwrap();
    storage
        .create_user("admin", &hash_password(PASSWORD), false)
        .await
        .unwrap();

    let secret = [7u8; 32];
    enrol(storage, VILLAGE, &secret, "T1", LedgerIntent::New).await;
    let payload = CountsPayload {
        village: VILLAGE.into(),
        device_key: public_key(&secret),
        incarnation: 1,
        ledger: "T1".into(),
        created_at: "2026-01-31T10:00:00Z".into(),
        periods: vec![PeriodReport {
            period: month,
            closed: false,
            cells: vec![Cell {
                item: item_of(outcome).into(),
                outcome,
                agency: AgencyCategory::Bank,
                count: COUNT,
            }],
        }],
        voided: Vec::new(),
    };
    let tablet = reqwest::Client::new();
    let res = tablet
        .post(format!("{}/api/v1/counts", server.base))
        .header("content-type", "application/octet-stream")
        .body(encode(&payload, &secret))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let client = support::town_client(&server.base, PASSWORD).await;
    (server, client)
}

fn item_of(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::IssuedUnlisted => FREE_ITEM,
        Outcome::RefusedRedirected => "N05",
        Outcome::Issued | Outcome::Void => "A02",
    }
}

/// A town endpoint's answer, which must be a success.
async fn read(
    server: &support::Running,
    client: &reqwest::Client,
    path: &str,
) -> reqwest::Response {
    let res = client
        .get(format!("{}/api/v1/town/{path}", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res
}

const RATE_HEADER: &str = "减少率 Reduction rate";

/// Where `header` is in the header row of an export.
fn column(table: &[Vec<String>], header: &str) -> usize {
    table[0]
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header:?} in {:?}", table[0]))
}

/// Checks the export `table` (a header row, then rows of cells as text):
/// the town's and the village's row for `month` carry `counts` in their
/// columns, `net` as issued net, and the baseline and rate of the month.
fn check_export(table: &[Vec<String>], month: Period, counts: MonthCounts, net: u64, rate: &str) {
    let column = |header: &str| column(table, header);
    let expected = [
        ("开具 Issued", counts.issued),
        ("清单外开具 Issued unlisted", counts.unlisted),
        ("作废 Voided", counts.voided),
        ("净开具 Issued net", net),
        ("拒开并告知 Refused, redirected", counts.refused),
        ("基线 Baseline", BASELINE),
    ];
    for code in ["全镇 Town", VILLAGE] {
        let row = table
            .iter()
            .find(|r| r[0] == code && r[2] == month.to_string())
            .unwrap_or_else(|| panic!("no row of {code} for {month} in {table:?}"));
        for (header, figure) in expected {
            assert_eq!(row[column(header)], figure.to_string(), "{code}: {header}");
        }
        assert_eq!(row[column(RATE_HEADER)], rate, "{code}");
    }
}

/// Uploads `COUNT` of `outcome` and reads it back from every place that
/// shows the month: each must show `counts`, issued net `net`, and the
/// refused or unlisted requests as `flagged` (refused, unlisted: their
/// counts of the item and of the agency).
async fn every_column_reads(
    outcome: Outcome,
    counts: MonthCounts,
    net: u64,
    (refused, unlisted): (u64, u64),
) {
    let month = current_period().previous();
    let (server, client) = town_with(outcome, month).await;
    let storage = &server.storage;
    let rate = Rate::Value {
        rate: (BASELINE - net) as f64 / BASELINE as f64,
    };

    // What the triggers keep, and the months as the database packs them.
    assert_eq!(
        storage.village_totals(VILLAGE, month).await.unwrap(),
        BTreeMap::from([(outcome, COUNT)])
    );
    let figures = storage.figures(month, month).await.unwrap();
    let stored = figures.month(VILLAGE, month).unwrap();
    assert_eq!((stored.counts, stored.reported), (counts, true));

    // The dashboard: the town's month, the range, the village.
    let range = format!("from={month}&to={month}");
    let d: Dashboard = read(&server, &client, &format!("dashboard?{range}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d.total_counts, counts);
    assert_eq!(
        (
            d.town[0].counts,
            d.town[0].issued_net_with_baseline,
            d.town[0].rate
        ),
        (counts, net, rate)
    );
    assert_eq!((d.total.issued_net, d.total.rate), (net, rate));
    assert_eq!((d.rows[0].counts, d.rows[0].rate.rate), (counts, rate));
    fn flagged<K>(key: K, refused: u64, unlisted: u64) -> Vec<Flagged<K>> {
        let f = Flagged {
            key,
            refused,
            unlisted,
        };
        if refused + unlisted > 0 {
            vec![f]
        } else {
            vec![]
        }
    }
    assert_eq!(
        d.by_item,
        flagged(item_of(outcome).parse().unwrap(), refused, unlisted)
    );
    assert_eq!(
        d.by_agency,
        flagged(AgencyCategory::Bank, refused, unlisted)
    );

    // The village's own page.
    let v: VillageRow = read(
        &server,
        &client,
        &format!("villages/{VILLAGE}/months?{range}"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!((v.months[0].counts, v.months[0].rate), (counts, rate));

    // Both exports.
    let rate_text = rate.text(jianzheng_core::i18n::Lang::Zh);
    let csv = read(&server, &client, &format!("export.csv?{range}"))
        .await
        .text()
        .await
        .unwrap();
    let table: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    check_export(&table, month, counts, net, &rate_text);
    let xlsx = read(&server, &client, &format!("export.xlsx?{range}"))
        .await
        .bytes()
        .await
        .unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let sheet = book.worksheet_range("减证 Jianzheng").unwrap();
    let mut table: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    // A rate is a fraction there, shown as a percentage.
    let rate_column = column(&table, RATE_HEADER);
    for row in &mut table[1..] {
        let fraction: f64 = row[rate_column].parse().unwrap();
        row[rate_column] = format!("{:.1}%", fraction * 100.0);
    }
    check_export(&table, month, counts, net, &rate_text);
}

const NONE: MonthCounts = MonthCounts {
    issued: 0,
    refused: 0,
    unlisted: 0,
    voided: 0,
};

#[tokio::test]
async fn an_issued_certificate_is_counted_issued_everywhere() {
    let counts = MonthCounts {
        issued: COUNT,
        ..NONE
    };
    every_column_reads(Outcome::Issued, counts, COUNT, (0, 0)).await;
}

#[tokio::test]
async fn a_refusal_is_counted_refused_everywhere_and_flagged() {
    let counts = MonthCounts {
        refused: COUNT,
        ..NONE
    };
    every_column_reads(Outcome::RefusedRedirected, counts, 0, (COUNT, 0)).await;
}

#[tokio::test]
async fn an_unlisted_certificate_is_counted_unlisted_everywhere_and_flagged() {
    let counts = MonthCounts {
        unlisted: COUNT,
        ..NONE
    };
    every_column_reads(Outcome::IssuedUnlisted, counts, COUNT, (0, COUNT)).await;
}

#[tokio::test]
async fn a_void_is_counted_voided_everywhere() {
    let counts = MonthCounts {
        voided: COUNT,
        ..NONE
    };
    // Nothing issued to void: issued net stays at zero.
    every_column_reads(Outcome::Void, counts, 0, (0, 0)).await;
}

#[tokio::test]
async fn every_village_is_read_with_its_tablets_and_which_are_silent() {
    let server = support::start().await;
    let storage = &server.storage;
    for code in ["V1", "V2", "V3"] {
        storage.upsert_village(code, code).await.unwrap();
    }
    // V1: a tablet replaced on T1 (retired), its replacement, and a
    // revoked one on T2; V2: one tablet; V3: none.
    enrol(storage, "V1", &[1; 32], "T1", LedgerIntent::New).await;
    enrol(storage, "V2", &[2; 32], "T1", LedgerIntent::New).await;
    enrol(
        storage,
        "V1",
        &[3; 32],
        "T1",
        LedgerIntent::Continue("T1".into()),
    )
    .await;
    enrol(storage, "V1", &[4; 32], "T2", LedgerIntent::New).await;
    assert!(storage
        .revoke(&public_key(&[4; 32]), 1)
        .await
        .unwrap()
        .is_some());
    // Every enrolment lies before the cutoff of no days.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    let silent = storage.villages_with_devices(|_| 0).await.unwrap();
    let codes: Vec<&str> = silent.iter().map(|v| v.village.code.as_str()).collect();
    assert_eq!(codes, ["V1", "V2", "V3"]);
    for v in &silent {
        assert_eq!(
            v.devices,
            storage.devices(&v.village.code, 0).await.unwrap()
        );
    }
    let stale =
        |v: &[Device]| -> Vec<([u8; 32], bool)> { v.iter().map(|d| (d.key.0, d.stale)).collect() };
    let keys = |secret: u8| public_key(&[secret; 32]);
    // Only the live tablets are expected to report: the retired and the
    // revoked are never silent.
    assert_eq!(
        stale(&silent[0].devices),
        [(keys(1), false), (keys(3), true), (keys(4), false)]
    );
    assert_eq!(stale(&silent[1].devices), [(keys(2), true)]);
    assert!(silent[2].devices.is_empty());

    let fresh = storage.villages_with_devices(|_| 1).await.unwrap();
    assert!(fresh.iter().flat_map(|v| &v.devices).all(|d| !d.stale));
}
