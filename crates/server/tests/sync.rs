//! Enrolment and counts up over real HTTP, on a real SQLite file or
//! PostgreSQL server.

mod support;

use jianzheng_core::api::audit::{AuditKind, AuditQuery};
use jianzheng_core::api::sync::EnrolRequest;
use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::rate::months_between;
use jianzheng_core::sync::{
    display_code, encode, public_key, Cell, CountsPayload, PeriodReport, TownCells, VoidedNumber,
    MAX_PAYLOAD_BYTES, MAX_VOIDED_PER_YEAR,
};
use jianzheng_core::values::DeviceKey;
use jianzheng_server::storage::{LedgerIntent, Storage};
use proptest::prelude::*;
use serde_json::{json, Value};

struct Running {
    base: String,
    storage: Storage,
    _server: support::Running,
}

async fn start() -> Running {
    let server = support::start().await;
    for village in ["140105001", "140105002"] {
        server
            .storage
            .upsert_village(village, village)
            .await
            .unwrap();
    }
    Running {
        base: format!("{}/api/v1", server.base),
        storage: server.storage.clone(),
        _server: server,
    }
}

/// A client sending from the next of 500 loopback addresses (127.0.0.0/8
/// is all this machine's): the simulated tablets come from many addresses,
/// as on the road, so none of them meets the per-address rate limits.
fn tablet_client() -> reqwest::Client {
    static CLIENTS: std::sync::OnceLock<Vec<reqwest::Client>> = std::sync::OnceLock::new();
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let clients = CLIENTS.get_or_init(|| {
        (0..500u32)
            .map(|n| {
                let ip = std::net::Ipv4Addr::new(127, 2, (n / 250) as u8 + 1, (n % 250) as u8 + 1);
                reqwest::Client::builder()
                    .local_address(std::net::IpAddr::V4(ip))
                    .build()
                    .unwrap()
            })
            .collect()
    });
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    clients[n % clients.len()].clone()
}

/// A client sending from an address no enrolment used before (a tablet
/// enrols once; the model test enrols thousands).
fn enrolling_client() -> reqwest::Client {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 62_500;
    let ip = std::net::Ipv4Addr::new(
        127,
        3 + (n / 250 / 250) as u8,
        (n / 250 % 250) as u8 + 1,
        (n % 250) as u8 + 1,
    );
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::V4(ip))
        .build()
        .unwrap()
}

fn hex(key: &[u8; 32]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// The ledger label the tests give a tablet: `T` and its secret's first byte.
fn ledger_of(secret: &[u8; 32]) -> String {
    format!("T{}", secret[0])
}

async fn enrol_as(
    srv: &Running,
    code: &str,
    secret: &[u8; 32],
    incarnation: u32,
    (village, ledger): (&str, &str),
) -> reqwest::Response {
    enrolling_client()
        .post(format!("{}/enrol", srv.base))
        .json(&EnrolRequest::signed(
            code,
            secret,
            incarnation,
            village.parse().unwrap(),
            ledger.parse().unwrap(),
        ))
        .send()
        .await
        .unwrap()
}

async fn enrol(
    srv: &Running,
    code: &str,
    secret: &[u8; 32],
    incarnation: u32,
) -> reqwest::Response {
    enrol_as(
        srv,
        code,
        secret,
        incarnation,
        ("140105001", &ledger_of(secret)),
    )
    .await
}

async fn enrolled(srv: &Running, village: &str, secret: &[u8; 32], incarnation: u32) {
    let code = srv
        .storage
        .create_enrolment_code(village, 7, &LedgerIntent::New)
        .await
        .unwrap();
    let res = enrol_as(
        srv,
        &code,
        secret,
        incarnation,
        (village, &ledger_of(secret)),
    )
    .await;
    assert_eq!(res.status(), 200);
}

async fn push(srv: &Running, bytes: Vec<u8>) -> (u16, Value) {
    let res = tablet_client()
        .post(format!("{}/counts", srv.base))
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

fn payload(
    village: &str,
    secret: &[u8; 32],
    incarnation: u32,
    month: u8,
    count: u64,
) -> CountsPayload {
    CountsPayload {
        village: village.into(),
        device_key: public_key(secret),
        incarnation,
        ledger: ledger_of(secret),
        created_at: "2026-01-31T10:00:00Z".into(),
        periods: vec![PeriodReport {
            period: Period { year: 2026, month },
            closed: false,
            cells: vec![Cell {
                item: "A02".into(),
                outcome: Outcome::Issued,
                agency: AgencyCategory::Bank,
                count,
            }],
        }],
        voided: Vec::new(),
    }
}

const JAN: Period = Period {
    year: 2026,
    month: 1,
};

#[tokio::test]
async fn a_code_enrols_one_tablet_once() {
    let srv = start().await;
    let code = new_code(&srv, "140105001").await;
    // As a person types it from the screen: lower case, in two groups.
    let typed = display_code(&code).to_lowercase();
    let res = enrol(&srv, &typed, &[1; 32], 1).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["village"], "140105001");
    let again = enrol(&srv, &code, &[2; 32], 1).await;
    assert_eq!(again.status(), 409);
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"]["code"],
        "enrolment_code_invalid"
    );
    assert_eq!(enrol(&srv, "NOSUCH99", &[3; 32], 1).await.status(), 409);
    assert_eq!(enrol(&srv, "not a code", &[3; 32], 1).await.status(), 409);
    let bad_key = reqwest::Client::new()
        .post(format!("{}/enrol", srv.base))
        .json(&json!({ "code": "X", "public_key": "zz", "incarnation": 1, "village": "1", "ledger": "T1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_key.status(), 400);
}

#[tokio::test]
async fn a_code_for_another_village_is_refused_like_a_made_up_one_and_stays_usable() {
    let srv = start().await;
    let code = new_code(&srv, "140105002").await;
    let res = enrol(&srv, &code, &[1; 32], 1).await; // a 140105001 tablet
    let (status, body) = (res.status(), res.json::<Value>().await.unwrap());
    // A guesser cannot tell a real code for another village from noise.
    let made_up = enrol(&srv, "ABCDEFGH", &[1; 32], 1).await;
    assert_eq!(made_up.status(), status);
    assert_eq!(made_up.json::<Value>().await.unwrap(), body);
    assert_eq!(body["error"]["code"], "enrolment_code_invalid");
    let right = enrol_as(&srv, &code, &[2; 32], 1, ("140105002", "T1")).await;
    assert_eq!(right.status(), 200);
}

#[tokio::test]
async fn codes_expire_can_be_withdrawn_and_are_stored_as_hashes_only() {
    let srv = start().await;
    let expired = srv
        .storage
        .create_enrolment_code("140105001", 0, &LedgerIntent::New)
        .await
        .unwrap();
    let res = enrol(&srv, &expired, &[1; 32], 1).await;
    assert_eq!(res.status(), 409);
    let first = new_code(&srv, "140105001").await;
    let second = new_code(&srv, "140105001").await;
    assert_eq!(
        srv.storage
            .withdraw_enrolment_codes("140105001")
            .await
            .unwrap(),
        2
    );
    for code in [&first, &second] {
        let res = enrol(&srv, code, &[1; 32], 1).await;
        assert_eq!(res.status(), 409, "a withdrawn code");
    }
    let fresh = new_code(&srv, "140105001").await;
    assert_eq!(enrol(&srv, &fresh, &[1; 32], 1).await.status(), 200);
    // On SQLite, no code is anywhere in the database's files.
    if srv.storage.backend_name() == "sqlite" {
        for entry in std::fs::read_dir(srv._server.data.path().join("data")).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            for code in [&expired, &first, &second, &fresh] {
                let found = bytes.windows(code.len()).any(|w| w == code.as_bytes());
                assert!(!found, "a code in plain text");
            }
        }
    }
}

#[tokio::test]
async fn enrolment_guesses_from_one_address_are_limited() {
    let srv = start().await;
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for n in 0..30 {
        let res = client
            .post(format!("{}/enrol", srv.base))
            .json(&EnrolRequest::signed(
                &format!("GUESS{n:03}"),
                &[1; 32],
                1,
                "140105001".parse().unwrap(),
                "T1".parse().unwrap(),
            ))
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().filter(|s| **s == 409).count() <= 10,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_restored_tablet_continues_its_ledger_and_a_foreign_ledger_is_refused() {
    let srv = start().await;
    enrolled(&srv, "140105001", &[1; 32], 1).await;
    let first = payload("140105001", &[1; 32], 1, 1, 9);
    assert_eq!(push(&srv, encode(&first, &[1; 32])).await.0, 200);
    // Wiped and restored from a backup holding 7 of the 9: a new key and
    // incarnation, the same ledger T1. A code for a new ledger will not do
    // (T1 is held by a live tablet); one that continues T1 does.
    let restored_key = [5; 32];
    let new = new_code(&srv, "140105001").await;
    let res = enrol_as(&srv, &new, &restored_key, 2, ("140105001", "T1")).await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "ledger_taken");
    let code = srv
        .storage
        .create_enrolment_code("140105001", 7, &LedgerIntent::Continue("T1".into()))
        .await
        .unwrap();
    let res = enrol_as(&srv, &code, &restored_key, 2, ("140105001", "T2")).await;
    assert_eq!(res.status(), 409, "a code continuing T1 enrols T1 only");
    let res = enrol_as(&srv, &code, &restored_key, 2, ("140105001", "T1")).await;
    assert_eq!(res.status(), 200);
    // The old tablet is retired (not silent, holds no label); what it sent counts.
    let devices = srv.storage.devices("140105001", 14).await.unwrap();
    assert_eq!(
        devices
            .iter()
            .map(|d| (d.incarnation, d.retired))
            .collect::<Vec<_>>(),
        vec![(1, true), (2, false)]
    );
    let mut restored = payload("140105001", &restored_key, 2, 1, 7);
    restored.ledger = "T1".into();
    let (status, body) = push(&srv, encode(&restored, &restored_key)).await;
    assert_eq!((status, body["went_down"].as_u64()), (200, Some(1)));
    let totals = srv.storage.village_totals("140105001", JAN).await.unwrap();
    assert_eq!(totals.get(&Outcome::Issued), Some(&9), "not 9 + 7");
    restored.periods[0].cells[0].count = 12; // five more since the restore
    assert_eq!(push(&srv, encode(&restored, &restored_key)).await.0, 200);
    let totals = srv.storage.village_totals("140105001", JAN).await.unwrap();
    assert_eq!(totals.get(&Outcome::Issued), Some(&12));

    // The same tablet claiming another ledger of its village is refused.
    restored.ledger = "T9".into();
    let (status, body) = push(&srv, encode(&restored, &restored_key)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("wrong_village"))
    );
}

#[tokio::test]
async fn repeated_and_replayed_uploads_never_double_count_and_a_drop_is_flagged() {
    let srv = start().await;
    enrolled(&srv, "140105001", &[1; 32], 1).await;
    let v5 = encode(&payload("140105001", &[1; 32], 1, 1, 5), &[1; 32]);
    let v9 = encode(&payload("140105001", &[1; 32], 1, 1, 9), &[1; 32]);
    assert_eq!(push(&srv, v5.clone()).await.0, 200);
    assert_eq!(push(&srv, v9.clone()).await.0, 200);
    assert_eq!(push(&srv, v9).await.0, 200);
    // The first upload again, byte for byte: a replay, which changes nothing.
    let (status, body) = push(&srv, v5).await;
    assert_eq!(
        (status, &body["replayed"], &body["went_down"]),
        (200, &json!(true), &json!(0))
    );
    // A new upload that shows less than is known (a tablet restored from an
    // old backup): kept at the maximum, and flagged.
    let mut lower = payload("140105001", &[1; 32], 1, 1, 5);
    lower.created_at = "2026-02-01T08:00:00Z".into();
    let (status, body) = push(&srv, encode(&lower, &[1; 32])).await;
    assert_eq!(status, 200);
    assert_eq!(body["went_down"], 1);
    let totals = srv.storage.village_totals("140105001", JAN).await.unwrap();
    assert_eq!(totals.get(&Outcome::Issued), Some(&9));

    // A second tablet of the village adds to the town total.
    enrolled(&srv, "140105001", &[2; 32], 1).await;
    assert_eq!(
        push(
            &srv,
            encode(&payload("140105001", &[2; 32], 1, 1, 4), &[2; 32])
        )
        .await
        .0,
        200
    );
    let totals = srv.storage.village_totals("140105001", JAN).await.unwrap();
    assert_eq!(totals.get(&Outcome::Issued), Some(&13));
}

#[tokio::test]
async fn a_closed_month_with_nothing_issued_is_an_explicit_zero() {
    let srv = start().await;
    enrolled(&srv, "140105001", &[1; 32], 1).await;
    let feb = Period {
        year: 2026,
        month: 2,
    };
    assert_eq!(srv.storage.reported("140105001", feb).await.unwrap(), None);
    let mut zero = payload("140105001", &[1; 32], 1, 2, 0);
    zero.periods[0].cells.clear();
    zero.periods[0].closed = true;
    assert_eq!(push(&srv, encode(&zero, &[1; 32])).await.0, 200);
    // A later open report of the same month does not reopen it.
    zero.periods[0].closed = false;
    assert_eq!(push(&srv, encode(&zero, &[1; 32])).await.0, 200);
    assert_eq!(
        srv.storage.reported("140105001", feb).await.unwrap(),
        Some(true)
    );
    let totals = srv.storage.village_totals("140105001", feb).await.unwrap();
    assert_eq!(totals.get(&Outcome::Issued), None);
    assert_eq!(srv.storage.reported("140105001", JAN).await.unwrap(), None);
}

#[tokio::test]
async fn a_period_in_the_future_is_stored_and_flagged() {
    let srv = start().await;
    enrolled(&srv, "140105001", &[1; 32], 1).await;
    let mut far = payload("140105001", &[1; 32], 1, 1, 2);
    far.periods[0].period = Period {
        year: 2099,
        month: 1,
    };
    let (status, body) = push(&srv, encode(&far, &[1; 32])).await;
    assert_eq!(status, 200);
    assert_eq!(body["future_periods"], 1);
    assert_eq!(srv.storage.count_rows("flags").await.unwrap(), 1);
}

#[tokio::test]
async fn wrong_village_unknown_revoked_and_forged_pushes_are_refused_and_store_nothing() {
    let srv = start().await;
    enrolled(&srv, "140105001", &[1; 32], 1).await;
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        // Enrolled in 140105001, pushing for its neighbour.
        (
            encode(&payload("140105002", &[1; 32], 1, 1, 3), &[1; 32]),
            403,
            "wrong_village",
        ),
        // Never enrolled.
        (
            encode(&payload("140105001", &[8; 32], 1, 1, 3), &[8; 32]),
            403,
            "unknown_device",
        ),
        // Claims device 1 but signed by another key.
        (
            encode(&payload("140105001", &[1; 32], 1, 1, 3), &[8; 32]),
            400,
            "bad_signature",
        ),
        // Truncated and garbage.
        (
            encode(&payload("140105001", &[1; 32], 1, 1, 3), &[1; 32])[..40].to_vec(),
            400,
            "bad_request",
        ),
        (b"GET / HTTP/1.1".to_vec(), 400, "bad_request"),
        (vec![0; MAX_PAYLOAD_BYTES + 1], 413, "payload_too_large"),
    ];
    for (bytes, status, code) in cases {
        let (got, body) = push(&srv, bytes).await;
        assert_eq!(
            (got, body["error"]["code"].as_str().unwrap()),
            (status, code)
        );
    }
    assert!(srv
        .storage
        .revoke(&public_key(&[1; 32]), 1)
        .await
        .unwrap()
        .is_some());
    let (got, body) = push(
        &srv,
        encode(&payload("140105001", &[1; 32], 1, 1, 3), &[1; 32]),
    )
    .await;
    assert_eq!(
        (got, body["error"]["code"].as_str().unwrap()),
        (403, "device_revoked")
    );
    assert_eq!(srv.storage.count_rows("ledger_cells").await.unwrap(), 0);
    assert_eq!(srv.storage.count_rows("receipts").await.unwrap(), 0);
}

/// One upload of a schedule: which device, and its counters at that moment.
#[derive(Clone, Debug)]
struct Upload {
    device: usize,
    month: u8,
    grow: u64,
    delivered: u8, // 0: lost, 1: once, 2: twice (network and file)
    /// Before this upload the tablet is wiped, restored from its last
    /// backup, and enrolled as a new incarnation.
    restored: bool,
    /// After this upload the clerk exports a backup.
    backed_up: bool,
}

fn schedule() -> impl Strategy<Value = (Vec<Upload>, u64)> {
    let upload = (0usize..3, 1u8..4, 0u64..4, 0u8..3, 0u8..8).prop_map(
        |(device, month, grow, delivered, restore)| Upload {
            device,
            month,
            grow,
            delivered,
            restored: restore == 0,
            backed_up: restore % 2 == 1,
        },
    );
    (proptest::collection::vec(upload, 1..25), any::<u64>())
}

/// One server for every schedule: each schedule gets its own village and
/// tablets, so thousands of them run in seconds.
fn shared() -> &'static (tokio::runtime::Runtime, Running) {
    static SHARED: std::sync::OnceLock<(tokio::runtime::Runtime, Running)> =
        std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let srv = rt.block_on(start());
        (rt, srv)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Random schedules of uploads with drops, duplicates, reorders and
    /// double delivery, against the real server: its totals equal the oracle's.
    #[test]
    fn server_totals_match_the_oracle_under_any_delivery((uploads, seed) in schedule()) {
        static CASE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let case = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (rt, srv) = shared();
        rt.block_on(async {
            let village = format!("V{case}");
            srv.storage.upsert_village(&village, &village).await.unwrap();
            // Tablet d writes ledger Td; each of its incarnations has its own key.
            let secret_of = |d: usize, incarnation: u32| {
                let mut secret = [0u8; 32];
                secret[..4].copy_from_slice(&case.to_le_bytes());
                secret[4] = d as u8;
                secret[5..9].copy_from_slice(&incarnation.to_le_bytes());
                secret[31] = 1;
                secret
            };
            let enrol_tablet = |d: usize, incarnation: u32| {
                let village = village.clone();
                async move {
                    // A restored tablet continues its ledger.
                    let intent = match incarnation {
                        1 => LedgerIntent::New,
                        _ => LedgerIntent::Continue(format!("T{d}")),
                    };
                    let code = srv.storage.create_enrolment_code(&village, 7, &intent).await.unwrap();
                    let secret = secret_of(d, incarnation);
                    let res = enrol_as(srv, &code, &secret, incarnation, (&village, &format!("T{d}"))).await;
                    assert_eq!(res.status(), 200);
                }
            };
            let mut incarnation = [1u32; 3];
            for d in 0..3 {
                enrol_tablet(d, 1).await;
            }
            // Each tablet's grow-only counters, and its last backup.
            let mut counters = [[0u64; 4]; 3];
            let mut backup = [[0u64; 4]; 3];
            let mut sent: Vec<(usize, u32, CountsPayload, Vec<u8>)> = Vec::new();
            for up in &uploads {
                let d = up.device;
                if up.restored {
                    incarnation[d] += 1;
                    enrol_tablet(d, incarnation[d]).await;
                    counters[d] = backup[d];
                }
                counters[d][usize::from(up.month)] += up.grow;
                if up.backed_up {
                    backup[d] = counters[d];
                }
                let secret = secret_of(d, incarnation[d]);
                let payload = CountsPayload {
                    village: village.clone(),
                    device_key: public_key(&secret),
                    incarnation: incarnation[d],
                    ledger: format!("T{d}"),
                    created_at: "2026-03-01T00:00:00Z".into(),
                    periods: (1..4u8)
                        .map(|m| PeriodReport {
                            period: Period { year: 2026, month: m },
                            closed: false,
                            cells: vec![Cell {
                                item: "A02".into(),
                                outcome: Outcome::Issued,
                                agency: AgencyCategory::Bank,
                                count: counters[d][usize::from(m)],
                            }],
                        })
                        .collect(),
                voided: Vec::new(),};
                let bytes = encode(&payload, &secret);
                for _ in 0..up.delivered {
                    sent.push((d, incarnation[d], payload.clone(), bytes.clone()));
                }
            }
            // Every restore enrolled before the first delivery arrives: an
            // incarnation a restore replaced is retired, and what it sent
            // is refused, not merged with its successor's ledger.
            let mut oracle = TownCells::default();
            for (d, inc, payload, _) in &sent {
                if *inc == incarnation[*d] {
                    oracle.ingest(payload);
                }
            }
            // Deliveries arrive in any order.
            let mut order: Vec<usize> = (0..sent.len()).collect();
            let mut s = seed | 1;
            for i in (1..order.len()).rev() {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                order.swap(i, (s % (i as u64 + 1)) as usize);
            }
            for i in order {
                let (d, inc, _, bytes) = &sent[i];
                let (status, body) = push(srv, bytes.clone()).await;
                if *inc == incarnation[*d] {
                    assert_eq!(status, 200, "{body}");
                } else {
                    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("device_retired")));
                }
            }
            // The dashboard reads its own running sums (packed per village
            // year on PostgreSQL): they must agree with the oracle too.
            let first = Period { year: 2026, month: 1 };
            let figures = srv.storage.figures(first, Period { year: 2026, month: 3 }).await.unwrap();
            for m in 1..4u8 {
                let period = Period { year: 2026, month: m };
                let shown = figures.month(&village, period);
                assert_eq!(
                    shown.map_or(0, |m| m.counts.issued),
                    oracle.total(&village, period, Outcome::Issued),
                    "dashboard month {m}"
                );
                assert_eq!(
                    shown.is_some_and(|m| m.reported),
                    oracle.reported(&village, period),
                    "dashboard month {m} reported"
                );
                let totals = srv.storage.village_totals(&village, period).await.unwrap();
                assert_eq!(
                    totals.get(&Outcome::Issued).copied().unwrap_or(0),
                    oracle.total(&village, period, Outcome::Issued),
                    "month {m}"
                );
                assert_eq!(
                    srv.storage.reported(&village, period).await.unwrap().is_some(),
                    oracle.reported(&village, period),
                    "month {m} reported"
                );
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_tablets_uploading_at_once_are_all_stored() {
    let srv = std::sync::Arc::new(start().await);
    let secrets: Vec<[u8; 32]> = (1..=24u8).map(|i| [i; 32]).collect();
    for secret in &secrets {
        enrolled(&srv, "140105001", secret, 1).await;
    }
    // A third of the tablets report each of three months of one year, so
    // uploads of one village year run side by side.
    let uploads = secrets.iter().enumerate().map(|(i, secret)| {
        let srv = srv.clone();
        let month = 1 + (i % 3) as u8;
        let bytes = encode(&payload("140105001", secret, 1, month, 2), secret);
        tokio::spawn(async move { push(&srv, bytes).await.0 })
    });
    for upload in uploads.collect::<Vec<_>>() {
        assert_eq!(upload.await.unwrap(), 200);
    }
    let march = Period {
        year: 2026,
        month: 3,
    };
    let figures = srv.storage.figures(JAN, march).await.unwrap();
    for period in months_between(JAN, march) {
        let totals = srv
            .storage
            .village_totals("140105001", period)
            .await
            .unwrap();
        assert_eq!(totals.get(&Outcome::Issued), Some(&16), "{period}");
        let shown = figures.month("140105001", period);
        assert_eq!(shown.map(|m| m.counts.issued), Some(16), "{period}");
        assert!(shown.is_some_and(|m| m.reported), "{period}");
    }
}

#[tokio::test]
async fn lists_down_are_the_shipped_lists_with_the_newest_published_versions() {
    use jianzheng_core::catalogue::{Catalogue, ListsFile};
    let srv = start().await;
    let get = || async {
        let res = reqwest::get(format!("{}/lists", srv.base)).await.unwrap();
        assert_eq!(res.status(), 200);
        ListsFile::from_json(&res.bytes().await.unwrap()).unwrap()
    };
    let shipped = Catalogue::default_lists();
    assert_eq!(get().await, ListsFile::of(&shipped));

    let mut newer = shipped.lists()[1].clone();
    newer.version = "2027-1".into();
    newer.published = "2027-01-15".into();
    newer.entries.truncate(3);
    let whole = |list: &jianzheng_core::catalogue::List| jianzheng_core::catalogue::Placed {
        area: None,
        list: list.clone(),
    };
    srv.storage.publish_list(&whole(&newer)).await.unwrap();
    let mut older = newer.clone();
    older.version = "2026-9".into();
    older.published = "2026-09-01".into();
    srv.storage.publish_list(&whole(&older)).await.unwrap(); // published later, dated earlier
    let lists = get().await.lists;
    assert_eq!(lists.len(), shipped.lists().len());
    assert_eq!(lists[1], newer);
}

/// A fresh code for a new tablet (a new ledger) of `village`, valid a week.
async fn new_code(srv: &Running, village: &str) -> String {
    srv.storage
        .create_enrolment_code(village, 7, &LedgerIntent::New)
        .await
        .unwrap()
}

/// The device's last-seen time, as the town sees it.
async fn last_seen(srv: &Running, village: &str) -> Option<String> {
    srv.storage.devices(village, 14).await.unwrap()[0]
        .last_seen_at
        .clone()
}

#[tokio::test]
async fn a_replayed_upload_neither_refreshes_last_seen_nor_flags_again() {
    let srv = start().await;
    enrolled(&srv, "140105001", &[1; 32], 1).await;
    // An upload with a month in the server's future: stored and flagged once.
    let mut upload = payload("140105001", &[1; 32], 1, 1, 2);
    upload.periods.push(PeriodReport {
        period: Period {
            year: 2099,
            month: 1,
        },
        closed: false,
        cells: upload.periods[0].cells.clone(),
    });
    let bytes = encode(&upload, &[1; 32]);
    let (status, body) = push(&srv, bytes.clone()).await;
    assert_eq!((status, &body["replayed"]), (200, &json!(false)));
    let seen = last_seen(&srv, "140105001").await;
    assert!(seen.is_some());
    let flags = srv.storage.count_rows("flags").await.unwrap();
    let receipts = srv.storage.count_rows("receipts").await.unwrap();
    assert_eq!(flags, 1);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    for _ in 0..3 {
        let (status, body) = push(&srv, bytes.clone()).await;
        assert_eq!((status, &body["replayed"]), (200, &json!(true)));
        assert_eq!(body["raised"], 0);
    }
    assert_eq!(
        last_seen(&srv, "140105001").await,
        seen,
        "a replay is not a sign of life"
    );
    assert_eq!(srv.storage.count_rows("flags").await.unwrap(), flags);
    assert_eq!(srv.storage.count_rows("receipts").await.unwrap(), receipts);
    // Replays raced against each other: still one receipt.
    let mut racing = payload("140105001", &[1; 32], 1, 1, 3);
    racing.created_at = "2026-02-02T08:00:00Z".into();
    let bytes = encode(&racing, &[1; 32]);
    let answers = futures::future::join_all((0..8).map(|_| push(&srv, bytes.clone()))).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    let fresh = answers
        .iter()
        .filter(|(_, b)| b["replayed"] == json!(false))
        .count();
    assert_eq!(fresh, 1, "{answers:?}");
    assert_eq!(
        srv.storage.count_rows("receipts").await.unwrap(),
        receipts + 1
    );
    // A new upload (another signature) is a sign of life again.
    let totals = srv.storage.village_totals("140105001", JAN).await.unwrap();
    assert_eq!(totals.get(&Outcome::Issued), Some(&3));
    assert_ne!(last_seen(&srv, "140105001").await, seen);
}

#[tokio::test]
async fn a_count_past_the_ceiling_is_a_bad_request_and_stores_nothing() {
    use jianzheng_core::sync::MAX_CELL_COUNT;
    let srv = start().await;
    enrolled(&srv, "140105001", &[1; 32], 1).await;
    for count in [MAX_CELL_COUNT + 1, i64::MAX as u64, u64::MAX] {
        let (status, body) = push(
            &srv,
            encode(&payload("140105001", &[1; 32], 1, 1, count), &[1; 32]),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("bad_request")),
            "{count}"
        );
    }
    assert_eq!(srv.storage.count_rows("receipts").await.unwrap(), 0);
    assert!(srv
        .storage
        .village_totals("140105001", JAN)
        .await
        .unwrap()
        .is_empty());
    // The ceiling itself is a count; a second tablet of the village adds to
    // it, and later uploads of the village and month still go through.
    let (status, _) = push(
        &srv,
        encode(
            &payload("140105001", &[1; 32], 1, 1, MAX_CELL_COUNT),
            &[1; 32],
        ),
    )
    .await;
    assert_eq!(status, 200);
    enrolled(&srv, "140105001", &[2; 32], 1).await;
    let (status, _) = push(
        &srv,
        encode(
            &payload("140105001", &[2; 32], 1, 1, MAX_CELL_COUNT),
            &[2; 32],
        ),
    )
    .await;
    assert_eq!(status, 200);
    let totals = srv.storage.village_totals("140105001", JAN).await.unwrap();
    assert_eq!(totals.get(&Outcome::Issued), Some(&(2 * MAX_CELL_COUNT)));
    let figures = srv.storage.figures(JAN, JAN).await.unwrap();
    let shown = figures.month("140105001", JAN).map(|m| m.counts.issued);
    assert_eq!(
        shown,
        Some(2 * MAX_CELL_COUNT),
        "the dashboard's sums agree"
    );
}

#[tokio::test]
async fn periods_outside_the_years_or_long_before_enrolment_are_refused() {
    let srv = start().await;
    enrolled(&srv, "140105001", &[1; 32], 1).await;
    let at = |year, month| {
        let mut p = payload("140105001", &[1; 32], 1, 1, 1);
        p.periods[0].period = Period { year, month };
        encode(&p, &[1; 32])
    };
    // The server's own month, and a year back, are fine.
    let now = jianzheng_server::clock::current_period();
    let year_back = (0..12).fold(now, |p, _| p.previous());
    assert_eq!(push(&srv, at(now.year, now.month)).await.0, 200);
    assert_eq!(push(&srv, at(year_back.year, year_back.month)).await.0, 200);
    let too_old = year_back.previous();
    for bytes in [at(1999, 12), at(2101, 1), at(too_old.year, too_old.month)] {
        let (status, body) = push(&srv, bytes).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("bad_request")),
            "{body}"
        );
    }
    assert_eq!(srv.storage.count_rows("receipts").await.unwrap(), 2);
}

#[tokio::test]
async fn a_weak_key_cannot_enrol() {
    let srv = start().await;
    let code = new_code(&srv, "140105001").await;
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let res = reqwest::Client::new()
        .post(format!("{}/enrol", srv.base))
        .json(&json!({
            "code": code,
            "public_key": hex(&identity),
            "incarnation": 1,
            "village": "140105001",
            "ledger": "T1",
            "proof": "00".repeat(64),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // The code was not used up by the refused key.
    assert_eq!(enrol(&srv, &code, &[1; 32], 1).await.status(), 200);
}

#[tokio::test]
async fn two_tablets_with_one_label_are_not_merged() {
    let srv = start().await;
    let first = new_code(&srv, "140105001").await;
    let second = new_code(&srv, "140105001").await;
    let res = enrol_as(&srv, &first, &[1; 32], 1, ("140105001", "T1")).await;
    assert_eq!(res.status(), 200);
    // A second tablet typed the same label: refused, its code still good.
    let res = enrol_as(&srv, &second, &[2; 32], 1, ("140105001", "T1")).await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "ledger_taken");
    assert!(body["error"]["message_zh"]
        .as_str()
        .unwrap()
        .contains("标签"));
    let res = enrol_as(&srv, &second, &[2; 32], 1, ("140105001", "T2")).await;
    assert_eq!(res.status(), 200);
    // The same label in another village is another ledger.
    let other = new_code(&srv, "140105002").await;
    let res = enrol_as(&srv, &other, &[3; 32], 1, ("140105002", "T1")).await;
    assert_eq!(res.status(), 200);
    // A revoked tablet's label stays its ledger's: a new tablet under it
    // would be merged with its counts. Its replacement continues it.
    srv.storage.revoke(&public_key(&[1; 32]), 1).await.unwrap();
    let again = new_code(&srv, "140105001").await;
    let res = enrol_as(&srv, &again, &[4; 32], 1, ("140105001", "T1")).await;
    assert_eq!(res.status(), 409);
    // A second code for T1's replacement replaces the first, unused one.
    let superseded = srv
        .storage
        .create_enrolment_code("140105001", 7, &LedgerIntent::Continue("T1".into()))
        .await
        .unwrap();
    let replacement = srv
        .storage
        .create_enrolment_code("140105001", 7, &LedgerIntent::Continue("T1".into()))
        .await
        .unwrap();
    let res = enrol_as(&srv, &superseded, &[4; 32], 1, ("140105001", "T1")).await;
    assert_eq!(res.status(), 409, "replaced by the newer code");
    let res = enrol_as(&srv, &replacement, &[4; 32], 1, ("140105001", "T1")).await;
    assert_eq!(res.status(), 200);
}

/// The audit rows of `kind`, oldest first.
async fn audited(srv: &Running, kind: AuditKind) -> Vec<jianzheng_core::api::audit::AuditEntry> {
    let query = AuditQuery {
        kind: Some(kind),
        ..AuditQuery::default()
    };
    let mut rows = srv.storage.audit(&query, None).await.unwrap();
    rows.reverse();
    rows
}

#[tokio::test]
async fn an_enrolled_key_is_never_moved_to_another_village_nor_its_revocation_cleared() {
    let srv = start().await;
    // A tablet of village 2, and its public key as the trust list shows it.
    let b = [4; 32];
    enrolled(&srv, "140105002", &b, 1).await;
    let before = srv.storage.trust_fingerprint().await.unwrap();

    // Someone with an unused code of village 1 sends that key without its
    // secret: the proof does not hold, and the code is not used up.
    let code = new_code(&srv, "140105001").await;
    let mut forged = EnrolRequest::signed(
        &code,
        &[9; 32],
        2,
        "140105001".parse().unwrap(),
        "T4".parse().unwrap(),
    );
    forged.public_key = DeviceKey(public_key(&b));
    let res = enrolling_client()
        .post(format!("{}/enrol", srv.base))
        .json(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_signature");

    // The key's holder itself, with a higher incarnation, cannot move
    // either: one answer, whatever village the key is in.
    let res = enrol_as(&srv, &code, &b, 2, ("140105001", "T4")).await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "device_key_taken");
    assert!(
        !body.to_string().contains("140105002"),
        "nothing of the other village: {body}"
    );
    assert_eq!(
        srv.storage
            .device_village(&public_key(&b), 1)
            .await
            .unwrap(),
        Some("140105002".into())
    );
    assert_eq!(
        srv.storage
            .device_village(&public_key(&b), 2)
            .await
            .unwrap(),
        None
    );
    assert_eq!(srv.storage.trust_fingerprint().await.unwrap(), before);
    // Its uploads still count where it was enrolled.
    let (status, _) = push(&srv, encode(&payload("140105002", &b, 1, 1, 3), &b)).await;
    assert_eq!(status, 200);

    // A revoked key stays revoked: no code clears it.
    srv.storage.revoke(&public_key(&b), 1).await.unwrap();
    let revoked = srv.storage.trust_fingerprint().await.unwrap();
    assert_ne!(revoked, before, "a revocation changes the trust list");
    let again = new_code(&srv, "140105002").await;
    let res = enrol_as(&srv, &again, &b, 1, ("140105002", &ledger_of(&b))).await;
    assert_eq!(res.status(), 409);
    let (status, body) = push(&srv, encode(&payload("140105002", &b, 1, 1, 4), &b)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("device_revoked"))
    );
    // The unused codes still enrol a new tablet.
    assert_eq!(
        enrol_as(&srv, &code, &[10; 32], 1, ("140105001", "T10"))
            .await
            .status(),
        200
    );

    // Every enrolment and every refusal is in the trail; a refusal is filed
    // under a village only when the code was that village's.
    let enrolments = audited(&srv, AuditKind::TabletEnrolled).await;
    assert_eq!(enrolments.len(), 2, "{enrolments:?}");
    assert_eq!(
        enrolments[1].area.as_ref().map(|a| a.as_str()),
        Some("140105001")
    );
    assert!(enrolments.iter().all(|e| e.address.is_some()));
    let refusals = audited(&srv, AuditKind::EnrolmentRefused).await;
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    assert!(refusals
        .iter()
        .all(|r| r.detail.en.starts_with("key_taken")));
}

#[tokio::test]
async fn a_wrong_code_is_audited_under_no_village() {
    let srv = start().await;
    let res = enrol_as(&srv, "ABCDEFGH", &[1; 32], 1, ("140105002", "T1")).await;
    assert_eq!(res.status(), 409);
    let refusals = audited(&srv, AuditKind::EnrolmentRefused).await;
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].area, None, "a claimed village proves nothing");
    assert!(refusals[0].detail.en.starts_with("code_invalid"));
}

#[tokio::test]
async fn a_replaced_tablet_is_retired_and_its_uploads_are_refused() {
    let srv = start().await;
    let old = [1; 32];
    enrolled(&srv, "140105001", &old, 1).await;
    assert_eq!(
        push(&srv, encode(&payload("140105001", &old, 1, 1, 5), &old))
            .await
            .0,
        200
    );
    let before = srv.storage.trust_fingerprint().await.unwrap();
    let code = srv
        .storage
        .create_enrolment_code("140105001", 7, &LedgerIntent::Continue("T1".into()))
        .await
        .unwrap();
    let new = [2; 32];
    let res = enrol_as(&srv, &code, &new, 1, ("140105001", "T1")).await;
    assert_eq!(res.status(), 200);
    assert_ne!(srv.storage.trust_fingerprint().await.unwrap(), before);
    // The old tablet, still in a drawer and switched on, records two more:
    // refused, not merged by maximum with its successor's ledger.
    let (status, body) = push(&srv, encode(&payload("140105001", &old, 1, 1, 7), &old)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("device_retired"))
    );
    // Papers it prints from now on are not vouched for: the trust list
    // shows it stopped at its retirement, with the five it had synced.
    let list = srv.storage.trust_list("now").await.unwrap();
    let stopped = list
        .devices
        .iter()
        .find(|d| d.key == public_key(&old))
        .unwrap();
    assert!(stopped.revoked_at.is_some());
    assert_eq!(
        stopped.numbered,
        Some(vec![jianzheng_core::certificate::NumberedYear {
            year: 2026,
            through: 5
        }])
    );
    let mut successor = payload("140105001", &new, 1, 1, 6);
    successor.ledger = "T1".into();
    assert_eq!(push(&srv, encode(&successor, &new)).await.0, 200);
    let totals = srv.storage.village_totals("140105001", JAN).await.unwrap();
    assert_eq!(totals.get(&Outcome::Issued), Some(&6));
}

#[tokio::test]
async fn a_ledger_keeps_at_most_the_ceiling_of_voided_numbers_a_year() {
    let srv = start().await;
    let secret = [1; 32];
    enrolled(&srv, "140105001", &secret, 1).await;
    let voided = |from: u32, to: u32| {
        (from..to)
            .map(|sequence| VoidedNumber {
                year: 2026,
                sequence,
            })
            .collect::<Vec<_>>()
    };
    // Uploads of the most one payload may carry, each a new set: the year
    // fills to the ceiling and no further; the counts are kept each time.
    let mut refused = 0;
    for (n, from) in [0, 300, 600].into_iter().enumerate() {
        let mut upload = payload("140105001", &secret, 1, 1, 3 + n as u64);
        upload.voided = voided(from, from + MAX_VOIDED_PER_YEAR);
        let (status, body) = push(&srv, encode(&upload, &secret)).await;
        assert_eq!(status, 200, "{body}");
        refused += body["voided_refused"].as_u64().unwrap();
    }
    assert_eq!(refused, 2 * u64::from(MAX_VOIDED_PER_YEAR));
    assert_eq!(
        srv.storage.count_rows("voided_numbers").await.unwrap(),
        i64::from(MAX_VOIDED_PER_YEAR)
    );
    let totals = srv.storage.village_totals("140105001", JAN).await.unwrap();
    assert_eq!(totals.get(&Outcome::Issued), Some(&5));
    // Another year has its own room.
    let mut upload = payload("140105001", &secret, 1, 1, 5);
    upload.voided = vec![VoidedNumber {
        year: 2025,
        sequence: 1,
    }];
    let (status, body) = push(&srv, encode(&upload, &secret)).await;
    assert_eq!((status, body["voided_refused"].as_u64()), (200, Some(0)));
}

#[tokio::test]
async fn lists_down_are_limited_per_address_and_a_publish_shows_at_once() {
    let srv = start().await;
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..200 {
        let res = client
            .get(format!("{}/lists", srv.base))
            .header("if-none-match", "\"not-these\"")
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().filter(|s| **s == 200).count() >= 120,
        "the burst is answered"
    );
    // From elsewhere, the lists as published a moment ago (by another
    // handle on the database, as another server process would).
    let shipped = jianzheng_core::catalogue::Catalogue::default_lists();
    let mut newer = shipped.lists()[1].clone();
    newer.version = "2027-1".into();
    newer.published = "2027-01-15".into();
    srv.storage
        .publish_list(&jianzheng_core::catalogue::Placed {
            area: None,
            list: newer.clone(),
        })
        .await
        .unwrap();
    let lists: jianzheng_core::catalogue::ListsFile = tablet_client()
        .get(format!("{}/lists", srv.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(lists.lists[1].version, "2027-1");
}
