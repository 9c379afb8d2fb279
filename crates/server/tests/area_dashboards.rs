//! Dashboards at every level: a county's administrator sees its towns as
//! rows, opens a town and sees its villages, then a village's months; a
//! town's officer opens on its town; the exports say the level and where
//! each row lies. Through a real server on SQLite, and on PostgreSQL with
//! `JIANZHENG_TEST_POSTGRES`.

mod support;

use support::tree_area as area;

use jianzheng_core::api::town::Me;
use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::org::Level;
use jianzheng_core::rate::{Dashboard, Rate, VillageRow};
use jianzheng_core::sync::{encode, public_key, Cell, CountsPayload, PeriodReport};
use jianzheng_server::auth::hash_password;
use jianzheng_server::storage::{DeviceId, Enrol, LedgerIntent};
use reqwest::{Client, StatusCode};

const PASSWORD: &str = "an-area-password-1";
const MONTH: Period = Period {
    year: 2026,
    month: 3,
};
const RANGE: &str = "from=2026-01&to=2026-06";

/// A county C of two towns (T1: V1, V2; T2: V3), baselines of 10 in March
/// 2025 for each village, and March 2026 reported by V1 (4 issued) and V3
/// (10 issued); V2 never reported. An officer of T1.
async fn county() -> support::Running {
    let srv = support::start().await;
    let s = &srv.storage;
    s.create_user("admin", &hash_password(PASSWORD), false)
        .await
        .unwrap();
    s.change_areas(vec![
        area("C", Level::County, None),
        area("T1", Level::Town, Some("C")),
        area("T2", Level::Town, Some("C")),
        area("V1", Level::Village, Some("T1")),
        area("V2", Level::Village, Some("T1")),
        area("V3", Level::Village, Some("T2")),
    ])
    .await
    .unwrap();
    support::existing_since(s, &["V1", "V2", "V3"], "2025-01").await;
    let last_year = Period {
        year: 2025,
        month: 3,
    };
    let baselines: Vec<_> = ["V1", "V2", "V3"]
        .iter()
        .map(|v| (v.to_string(), last_year, 10))
        .collect();
    s.set_baselines(2025, &baselines, "manual").await.unwrap();
    support::account(s, "officer", "officer", "T1", PASSWORD).await;
    for (n, village, issued) in [(1u8, "V1", 4), (3, "V3", 10)] {
        push(&srv, n, village, issued).await;
    }
    srv
}

/// Enrols a tablet in `village` and uploads `issued` certificates in MONTH.
async fn push(srv: &support::Running, n: u8, village: &str, issued: u64) {
    let s = &srv.storage;
    let code = s
        .create_enrolment_code(village, 7, &LedgerIntent::New)
        .await
        .unwrap();
    let secret = [n; 32];
    let key = public_key(&secret);
    let device = DeviceId {
        key: &key,
        incarnation: 1,
        village,
        ledger: "T1",
    };
    assert_eq!(
        s.enrol(&code, &device, None).await.unwrap(),
        Enrol::Enrolled
    );
    let payload = CountsPayload {
        village: village.into(),
        device_key: key,
        incarnation: 1,
        ledger: "T1".into(),
        created_at: "2026-04-01T10:00:00Z".into(),
        periods: vec![PeriodReport {
            period: MONTH,
            closed: true,
            cells: vec![Cell {
                item: "M01".into(),
                outcome: Outcome::Issued,
                agency: AgencyCategory::Bank,
                count: issued,
            }],
        }],
        voided: Vec::new(),
    };
    let res = Client::new()
        .post(format!("{}/api/v1/counts", srv.base))
        .header("content-type", "application/octet-stream")
        .body(encode(&payload, &secret))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

/// `PUT /town/settings` of `body` as `c`, for its own area; the status.
async fn put_settings<T: serde::Serialize>(c: &Client, api: &str, body: &T) -> StatusCode {
    c.put(format!("{api}/settings"))
        .json(body)
        .send()
        .await
        .unwrap()
        .status()
}

async fn login(srv: &support::Running, name: &str) -> Client {
    support::logged_in(&srv.base, name, PASSWORD).await
}

async fn get<T: serde::de::DeserializeOwned>(srv: &support::Running, c: &Client, path: &str) -> T {
    let res = c
        .get(format!("{}/api/v1/town/{path}", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

/// The rows of a dashboard: code, level, villages, issued, rate.
fn rows(d: &Dashboard) -> Vec<(String, Level, u32, u64, Rate)> {
    d.rows
        .iter()
        .map(|r| {
            (
                r.code.clone(),
                r.level,
                r.villages,
                r.counts.issued,
                r.rate.rate,
            )
        })
        .collect()
}

/// The CSV export at `path` as rows of cells.
async fn csv_table(srv: &support::Running, c: &Client, path: &str) -> Vec<Vec<String>> {
    let res = c
        .get(format!("{}/api/v1/town/{path}", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let text = res.text().await.unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn a_county_sees_its_towns_then_a_towns_villages_then_a_villages_months() {
    let srv = county().await;
    let c = login(&srv, "admin").await;
    let me: Me = get(&srv, &c, "me").await;
    assert_eq!(me.area.as_ref().unwrap().area.code, "C");

    let county: Dashboard = get(&srv, &c, &format!("dashboard?{RANGE}")).await;
    let place = county.place.as_ref().unwrap();
    assert_eq!(
        (place.area.code.as_str(), place.area.level),
        ("C", Level::County)
    );
    let value = |rate| Rate::Value { rate };
    assert_eq!(
        rows(&county),
        [
            // T1: V1's 4 against 10; V2's missing month is left out.
            ("T1".into(), Level::Town, 2, 4, value(0.6)),
            ("T2".into(), Level::Town, 1, 10, value(0.0)),
        ]
    );
    assert_eq!(county.total.issued_net, 14);
    assert_eq!(county.total.baseline, Some(20));
    let t1 = &county.rows[0];
    assert_eq!(
        (t1.months_reported, t1.months),
        (1, 12),
        "2 villages × 6 months"
    );

    let town: Dashboard = get(&srv, &c, &format!("dashboard?{RANGE}&area=T1")).await;
    let place = town.place.as_ref().unwrap();
    assert_eq!(place.area.code, "T1");
    assert_eq!(
        place
            .above
            .iter()
            .map(|s| s.code.as_str())
            .collect::<Vec<_>>(),
        ["C"]
    );
    assert_eq!(
        rows(&town),
        [
            ("V1".into(), Level::Village, 1, 4, value(0.6)),
            ("V2".into(), Level::Village, 1, 0, Rate::NoReport),
        ]
    );
    assert_eq!(town.total_counts.issued, 4, "T2's counts stay out of T1");

    let v1: VillageRow = get(&srv, &c, &format!("villages/V1/months?{RANGE}")).await;
    let march = v1.months.iter().find(|m| m.period == MONTH).unwrap();
    assert_eq!((march.counts.issued, march.rate), (4, value(0.6)));

    // The exports say the level and the place of each row.
    let table = csv_table(&srv, &c, &format!("export.csv?{RANGE}&area=T1")).await;
    let place = table[0].iter().position(|h| h == "区划 Area").unwrap();
    let town_march = table
        .iter()
        .find(|r| r[0] == "全镇 Town" && r[2] == "2026-03")
        .unwrap();
    assert_eq!(
        (town_march[1].as_str(), town_march[place].as_str()),
        ("区T1", "区C / 区T1")
    );
    let v1_march = table
        .iter()
        .find(|r| r[0] == "V1" && r[2] == "2026-03")
        .unwrap();
    assert_eq!(v1_march[place], "区C / 区T1");
    assert!(table.iter().all(|r| r[0] != "V3"), "T2's villages stay out");
    let table = csv_table(&srv, &c, &format!("export.csv?{RANGE}")).await;
    assert!(table
        .iter()
        .any(|r| r[0] == "全县 County" && r[place] == "区C"));
    let v3 = table.iter().find(|r| r[0] == "V3").unwrap();
    assert_eq!(v3[place], "区C / 区T2");
}

#[tokio::test]
async fn a_towns_officer_opens_on_its_town_and_cannot_look_above_it() {
    let srv = county().await;
    let c = login(&srv, "officer").await;
    let me: Me = get(&srv, &c, "me").await;
    assert_eq!(me.role, jianzheng_core::org::roles::Role::Officer);
    let place = me.area.unwrap();
    assert_eq!(place.area.code, "T1");
    assert_eq!(place.above[0].code, "C");

    let town: Dashboard = get(&srv, &c, &format!("dashboard?{RANGE}")).await;
    assert_eq!(town.place.unwrap().area.code, "T1");
    assert_eq!(town.rows.len(), 2);
    for area in ["C", "T2", "V3"] {
        let res = c
            .get(format!(
                "{}/api/v1/town/dashboard?{RANGE}&area={area}",
                srv.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{area}");
    }
    let res = c
        .get(format!(
            "{}/api/v1/town/dashboard?{RANGE}&area=NOWHERE",
            srv.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = c
        .get(format!(
            "{}/api/v1/town/dashboard?{RANGE}&area=not%20a%20code",
            srv.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_areas_settings_hold_below_it_and_the_rest_is_inherited() {
    use jianzheng_core::api::town::{NewCode, Settings};
    let srv = county().await;
    let admin = login(&srv, "admin").await;
    let officer = login(&srv, "officer").await;
    let api = format!("{}/api/v1/town", srv.base);
    let at = |c: Client, area: &'static str| {
        let srv = &srv;
        async move { get::<Settings>(srv, &c, &format!("settings?area={area}")).await }
    };
    let whole = at(admin.clone(), "C").await;
    assert_eq!(whole.baseline_year.map(|y| y.get()), Some(2025));

    // T1's officer sets its silent days and baseline year: they hold in
    // T1's villages, not in T2's; the code days stay inherited.
    let form = Settings {
        stale_days: "30".parse().unwrap(),
        baseline_year: Some("2024".parse().unwrap()),
        ..whole.clone()
    };
    assert_eq!(
        put_settings(&officer, &api, &form).await,
        StatusCode::NO_CONTENT
    );
    let v1 = at(officer.clone(), "V1").await;
    assert_eq!(
        (v1.stale_days.get(), v1.baseline_year.map(|y| y.get())),
        (30, Some(2024))
    );
    assert_eq!(at(admin.clone(), "V3").await, whole);
    // The officer cannot set the county's or T2's.
    for area in ["C", "T2"] {
        let res = officer
            .put(format!("{api}/settings?area={area}"))
            .json(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{area}");
    }

    // The county changes the code days: T1 inherits the change; a new code
    // in V1 is valid that long.
    let county_form = Settings {
        enrolment_code_days: "3".parse().unwrap(),
        ..whole.clone()
    };
    assert_eq!(
        put_settings(&admin, &api, &county_form).await,
        StatusCode::NO_CONTENT
    );
    let v1 = at(officer.clone(), "V1").await;
    assert_eq!((v1.stale_days.get(), v1.enrolment_code_days.get()), (30, 3));
    let res = officer
        .post(format!("{api}/villages/V1/enrolment-code"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    let code: NewCode = res.json().await.unwrap();
    assert_eq!(code.valid_days.get(), 3);

    // Dashboards compare with the year in force where they look.
    let t1: Dashboard = get(&srv, &officer, &format!("dashboard?{RANGE}")).await;
    assert_eq!(t1.baseline_year, Some(2024));
    let county: Dashboard = get(&srv, &admin, &format!("dashboard?{RANGE}")).await;
    assert_eq!(county.baseline_year, Some(2025));

    // The complaint phone printed on a village's papers: T1's in T1, the
    // whole server's elsewhere, none until someone sets one.
    let contact = |area: &'static str| {
        let base = srv.base.clone();
        async move {
            let res = reqwest::get(format!("{base}/api/v1/contact?area={area}"))
                .await
                .unwrap();
            let status = res.status();
            (status, res.json::<serde_json::Value>().await.unwrap())
        }
    };
    assert_eq!(
        contact("V1").await.1["complaint_phone"],
        serde_json::Value::Null
    );
    let with_phone = Settings {
        complaint_phone: Some("0351-8888123".parse().unwrap()),
        ..at(officer.clone(), "V1").await
    };
    assert_eq!(
        put_settings(&officer, &api, &with_phone).await,
        StatusCode::NO_CONTENT
    );
    let whole_phone = Settings {
        complaint_phone: Some("12345".parse().unwrap()),
        ..at(admin.clone(), "C").await
    };
    assert_eq!(
        put_settings(&admin, &api, &whole_phone).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(contact("V1").await.1["complaint_phone"], "0351-8888123");
    assert_eq!(contact("V3").await.1["complaint_phone"], "12345");
    // A village's papers name its committee from the county down.
    assert_eq!(contact("V1").await.1["committee"], "区C区T1区V1村民委员会");
    assert_eq!(contact("T1").await.1["committee"], serde_json::Value::Null);
    assert_eq!(contact("NOPE").await.0, StatusCode::NOT_FOUND);
    let bad = serde_json::json!({"stale_days": 14, "complaint_phone": "call me"});
    assert_eq!(
        put_settings(&officer, &api, &bad).await,
        StatusCode::BAD_REQUEST
    );

    // T1 goes back to inheriting everything; the whole server's cannot.
    let res = officer
        .delete(format!("{api}/settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        at(officer.clone(), "V1").await,
        at(admin.clone(), "C").await
    );
    let res = admin
        .delete(format!("{api}/settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
