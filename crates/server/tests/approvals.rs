//! Approved months over real HTTP on SQLite and (with
//! `JIANZHENG_TEST_POSTGRES`) PostgreSQL: an officer approves an ended
//! month for every village of the town; an upload that would raise it
//! afterwards changes nothing but waits as a correction, while its other
//! months count as ever; accepting the correction counts it, dismissing
//! drops it; both are in the audit trail.

mod support;

use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::rate::approval::Correction;
use jianzheng_core::rate::VillageRow;
use jianzheng_core::sync::{public_key, Cell, CountsPayload, PeriodReport, SignedPayload};
use jianzheng_server::auth::hash_password;
use jianzheng_server::demo::{seed, tablet_secret, village_code, DemoSize};
use serde_json::{json, Value};

const PASSWORD: &str = "an-approval-password-1";

const OCT: Period = Period {
    year: 2026,
    month: 10,
};

/// An upload from demo village 0's tablet: `count` certificates the demo
/// never records (issued at a hospital's request) in `period`.
async fn push(srv: &support::Running, period: Period, count: u64) {
    let secret = tablet_secret(0);
    let payload = CountsPayload {
        village: village_code(0),
        device_key: public_key(&secret),
        incarnation: 1,
        ledger: "T1".into(),
        created_at: "2026-11-20T12:00:00Z".into(),
        periods: vec![PeriodReport {
            period,
            closed: true,
            cells: vec![Cell {
                item: "A01".into(),
                outcome: Outcome::Issued,
                agency: AgencyCategory::Hospital,
                count,
            }],
        }],
        voided: Vec::new(),
    };
    let accepted = srv
        .storage
        .ingest(&SignedPayload::sign(payload, &secret), period.next())
        .await
        .unwrap();
    assert!(
        matches!(accepted, jianzheng_server::storage::Ingest::Accepted { .. }),
        "{accepted:?}"
    );
}

async fn get<T: serde::de::DeserializeOwned>(
    srv: &support::Running,
    client: &reqwest::Client,
    path: &str,
) -> T {
    let res = client
        .get(format!("{}/api/v1/town/{path}", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

async fn post(
    srv: &support::Running,
    client: &reqwest::Client,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let res = client
        .post(format!("{}/api/v1/town/{path}", srv.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Village 0's issued count in October.
async fn october_issued(srv: &support::Running, client: &reqwest::Client) -> (u64, bool) {
    let row: VillageRow = get(
        srv,
        client,
        &format!(
            "villages/{}/months?from=2026-10&to=2026-10",
            village_code(0)
        ),
    )
    .await;
    (row.months[0].counts.issued, row.months[0].approved)
}

#[tokio::test]
async fn an_approved_month_holds_its_corrections_until_an_officer_decides() {
    let srv = support::start().await;
    srv.storage
        .create_user("admin", &hash_password(PASSWORD), false)
        .await
        .unwrap();
    seed(
        &srv.storage,
        DemoSize {
            villages: 4,
            months: 12,
            last: OCT,
        },
    )
    .await
    .unwrap();
    let client = support::town_client(&srv.base, PASSWORD).await;
    let (before, approved) = october_issued(&srv, &client).await;
    assert!(!approved);

    // The month in progress may not be approved; October may, once.
    let now = jianzheng_server::clock::current_period();
    let (status, _) = post(&srv, &client, "approvals", json!({"period": now})).await;
    assert_eq!(status, 400);
    let (status, done) = post(&srv, &client, "approvals", json!({"period": OCT})).await;
    assert_eq!((status, done["villages"].as_u64()), (200, Some(4)));
    let (_, again) = post(&srv, &client, "approvals", json!({"period": OCT})).await;
    assert_eq!(again["villages"].as_u64(), Some(0), "approved before");
    assert_eq!(october_issued(&srv, &client).await, (before, true));

    // An upload for October waits; one for November counts at once.
    push(&srv, OCT, 5).await;
    push(&srv, OCT.next(), 3).await;
    assert_eq!(october_issued(&srv, &client).await, (before, true));
    let november: VillageRow = get(
        &srv,
        &client,
        &format!(
            "villages/{}/months?from=2026-11&to=2026-11",
            village_code(0)
        ),
    )
    .await;
    assert!(november.months[0].counts.issued >= 3);
    let waiting: Vec<Correction> = get(&srv, &client, "corrections").await;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    let c = &waiting[0];
    assert_eq!(
        (c.village.as_str(), c.period, c.stored, c.pushed),
        (village_code(0).as_str(), OCT, 0, 5)
    );

    // Accepted: counted.
    let decide =
        |accept: bool| json!({"village": village_code(0), "period": OCT, "accept": accept});
    let (status, decided) = post(&srv, &client, "corrections", decide(true)).await;
    assert_eq!((status, decided["cells"].as_u64()), (200, Some(1)));
    assert_eq!(october_issued(&srv, &client).await, (before + 5, true));
    assert!(get::<Vec<Correction>>(&srv, &client, "corrections")
        .await
        .is_empty());

    // Another push, dismissed: not counted.
    push(&srv, OCT, 9).await;
    let (_, decided) = post(&srv, &client, "corrections", decide(false)).await;
    assert_eq!(decided["cells"].as_u64(), Some(1));
    assert_eq!(october_issued(&srv, &client).await, (before + 5, true));

    // Both in the audit trail.
    let trail: Value = get(&srv, &client, "audit").await;
    let trail = trail.to_string();
    for kind in [
        "months_approved",
        "correction_accepted",
        "correction_dismissed",
    ] {
        assert!(trail.contains(kind), "{kind} in the trail");
    }

    // A viewer reads, and may not approve or decide.
    support::account(
        &srv.storage,
        "viewer",
        "viewer",
        jianzheng_server::storage::DEFAULT_TOWN,
        PASSWORD,
    )
    .await;
    let viewer = support::logged_in(&srv.base, "viewer", PASSWORD).await;
    let (status, _) = post(&srv, &viewer, "approvals", json!({"period": OCT})).await;
    assert_eq!(status, 403);
    let (status, _) = post(&srv, &viewer, "corrections", decide(true)).await;
    assert_eq!(status, 403);
    // An area the server does not have, or a body that is not an
    // approval: refused, nothing approved.
    let (status, _) = post(
        &srv,
        &client,
        "approvals",
        json!({"period": OCT, "area": "NOWHERE"}),
    )
    .await;
    assert!(status == 403 || status == 404, "{status}");
    let (status, _) = post(&srv, &client, "approvals", json!({"period": "soon"})).await;
    assert_eq!(status, 400);
    let (status, _) = post(
        &srv,
        &client,
        "corrections",
        json!({"village": "x y", "period": OCT, "accept": true}),
    )
    .await;
    assert_eq!(status, 400);
    // Without a session, nothing.
    let res = reqwest::get(format!("{}/api/v1/town/corrections", srv.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}
