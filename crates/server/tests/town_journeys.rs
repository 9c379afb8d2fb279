//! The town's journeys one step off the path (issue 36), over real HTTP on
//! a real SQLite file, and on PostgreSQL with `JIANZHENG_TEST_POSTGRES`:
//! a village added mid-year is not missing before it existed; an approval
//! covers what reported, is planned first and can be withdrawn; exports
//! leave unreported months blank; letters say only what a list says; a
//! village has its division code and a name of its own; a paper prints no
//! placeholder and says who made it and when.

mod support;

use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::sync::{public_key, Cell, CountsPayload, PeriodReport, SignedPayload};
use jianzheng_server::auth::hash_password;
use jianzheng_server::storage::{DeviceId, Enrol, Ingest, LedgerIntent, Storage};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "a-town-journey-password";
/// The two villages that were there all year, and the town.
const EAST: &str = "140105001201";
const WEST: &str = "140105001202";
const TOWN: &str = "140105001";

fn month(m: u8) -> Period {
    Period {
        year: 2026,
        month: m,
    }
}

/// A town 140105001 (东关镇) of two villages there since January, each with
/// a tablet: 东村 reported January to March, 西村 January and March (not
/// February). An administrator and an officer.
async fn town() -> (support::Running, Client) {
    let srv = support::start().await;
    let s = &srv.storage;
    s.create_user("admin", &hash_password(PASSWORD), false)
        .await
        .unwrap();
    s.change_areas(vec![support::tree_area(
        TOWN,
        jianzheng_core::org::Level::Town,
        None,
    )])
    .await
    .unwrap();
    let admin = support::town_client(&srv.base, PASSWORD).await;
    // The town is named (its placeholder would print otherwise).
    let res = admin
        .put(format!("{}/api/v1/town/areas/{TOWN}", srv.base))
        .json(&json!({"name": "东关镇", "level": "town"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for (code, name) in [(EAST, "东村"), (WEST, "西村")] {
        let res = post(
            &admin,
            &srv,
            "villages",
            json!({"code": code, "name": name}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    support::existing_since(s, &[EAST, WEST], "2026-01").await;
    support::account(s, "officer", "officer", TOWN, PASSWORD).await;
    push(s, 1, EAST, &[1, 2, 3], &[]).await;
    push(s, 2, WEST, &[1, 3], &[]).await;
    (srv, admin)
}

/// Enrols tablet `n` in `village` and uploads 5 issued (N05 refused 2) in
/// each of `months`, closed, plus `extra` cells.
async fn push(
    s: &Storage,
    n: u8,
    village: &str,
    months: &[u8],
    extra: &[(u8, &str, Outcome, u64)],
) {
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
    upload(s, n, village, months, extra).await;
}

/// Uploads from tablet `n` of `village` (enrolled already).
async fn upload(
    s: &Storage,
    n: u8,
    village: &str,
    months: &[u8],
    extra: &[(u8, &str, Outcome, u64)],
) {
    let secret = [n; 32];
    let cell = |item: &str, outcome, agency, count| Cell {
        item: item.into(),
        outcome,
        agency,
        count,
    };
    let payload = CountsPayload {
        village: village.into(),
        device_key: public_key(&secret),
        incarnation: 1,
        ledger: "T1".into(),
        created_at: "2026-04-01T00:00:00Z".into(),
        periods: months
            .iter()
            .map(|&m| PeriodReport {
                period: month(m),
                closed: true,
                cells: [
                    cell("X01", Outcome::Issued, AgencyCategory::Bank, 5),
                    cell(
                        "N05",
                        Outcome::RefusedRedirected,
                        AgencyCategory::Employer,
                        2,
                    ),
                ]
                .into_iter()
                .chain(
                    extra
                        .iter()
                        .filter(|e| e.0 == m)
                        .map(|&(_, item, outcome, count)| {
                            cell(item, outcome, AgencyCategory::Employer, count)
                        }),
                )
                .collect(),
            })
            .collect(),
        voided: Vec::new(),
    };
    let ingested = s
        .ingest(&SignedPayload::sign(payload, &secret), month(12))
        .await
        .unwrap();
    assert!(matches!(ingested, Ingest::Accepted { .. }), "{ingested:?}");
}

async fn post(c: &Client, srv: &support::Running, path: &str, body: Value) -> reqwest::Response {
    c.post(format!("{}/api/v1/town/{path}", srv.base))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn get(c: &Client, srv: &support::Running, path: &str) -> Value {
    let res = c
        .get(format!("{}/api/v1/town/{path}", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

/// (villages reported, villages) of each town month of the dashboard.
fn reported(dashboard: &Value) -> Vec<(u64, u64)> {
    dashboard["town"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["villages_reported"].as_u64().unwrap(),
                t["villages"].as_u64().unwrap(),
            )
        })
        .collect()
}

async fn error_code(res: reqwest::Response) -> (StatusCode, String) {
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"]["code"].as_str().unwrap_or("").to_owned(),
    )
}

#[tokio::test]
async fn a_village_added_today_is_not_missing_in_the_months_before_it_existed() {
    let (srv, admin) = town().await;
    let res = post(
        &admin,
        &srv,
        "villages",
        json!({"code": "140105001203", "name": "新村"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let d = get(&admin, &srv, "dashboard?from=2026-01&to=2026-03").await;
    // The new village is not counted in months before it was added.
    assert_eq!(reported(&d), [(2, 2), (1, 2), (2, 2)]);
    let new = d["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "140105001203")
        .unwrap();
    assert_eq!(new["months"], 0);
    assert_eq!(new["rate"]["rate"]["kind"], "not_applicable");
    assert_eq!(new["on_time"]["late"], 0);
    let months = get(
        &admin,
        &srv,
        "villages/140105001203/months?from=2026-01&to=2026-03",
    )
    .await;
    assert!(months["months"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["exists"] == false));

    // Moved in with history: the town gives it an earlier first month
    // (audited), and from then on a month it did not report is missing.
    let officer = support::logged_in(&srv.base, "officer", PASSWORD).await;
    let res = officer
        .put(format!(
            "{}/api/v1/town/villages/140105001203/first-month",
            srv.base
        ))
        .json(&json!({"first": {"year": 2026, "month": 2}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let d = get(&admin, &srv, "dashboard?from=2026-01&to=2026-03").await;
    assert_eq!(reported(&d), [(2, 2), (1, 3), (2, 3)]);
    // A month that is none, or a first month from the future, is refused;
    // a later first month (it would hide missing months) is an
    // administrator's; nothing of it reaches the figures or the trail.
    let first_month = |c: &Client, body: Value| {
        c.put(format!(
            "{}/api/v1/town/villages/140105001203/first-month",
            srv.base
        ))
        .json(&body)
        .send()
    };
    for bad in [
        json!({"first": {"year": 2026, "month": 13}}),
        json!({"first": {"year": 1999, "month": 1}}),
        json!({"first": {"year": 2999, "month": 1}}),
    ] {
        let res = first_month(&admin, bad.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let later = json!({"first": {"year": 2026, "month": 3}});
    let res = first_month(&officer, later.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        get(&admin, &srv, "villages")
            .await
            .as_array()
            .unwrap()
            .len(),
        3,
        "every village still reads"
    );
    let trail = get(&admin, &srv, "audit?kind=village_first_month_set").await;
    assert_eq!(trail[0]["area"], "140105001203");
    assert_eq!(trail[0]["account"], "officer");

    // Retired after February: its later months leave the figures, its
    // history stays; a last month before the first is refused.
    let res = post(
        &admin,
        &srv,
        "villages/140105001203/retire",
        json!({"last": {"year": 2026, "month": 1}}),
    )
    .await;
    assert_eq!(
        error_code(res).await,
        (StatusCode::BAD_REQUEST, "village_months_backwards".into())
    );
    let res = post(
        &officer,
        &srv,
        "villages/140105001203/retire",
        json!({"last": {"year": 2026, "month": 2}}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "administrators retire");
    let res = post(
        &admin,
        &srv,
        "villages/140105001203/retire",
        json!({"last": {"year": 2026, "month": 2}}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let d = get(&admin, &srv, "dashboard?from=2026-01&to=2026-03").await;
    assert_eq!(reported(&d), [(2, 2), (1, 3), (2, 2)]);
    let listed = get(&admin, &srv, "villages").await;
    let retired = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == "140105001203")
        .unwrap();
    assert_eq!(retired["span"]["last"], json!({"year": 2026, "month": 2}));
}

#[tokio::test]
async fn an_approval_covers_what_reported_is_planned_first_and_can_be_withdrawn() {
    let (srv, admin) = town().await;
    let officer = support::logged_in(&srv.base, "officer", PASSWORD).await;
    // February: 东村 reported, 西村 did not.
    let plan = get(&officer, &srv, "approvals/plan?month=2026-02").await;
    assert_eq!(plan["to_approve"], json!([EAST]));
    assert_eq!(plan["not_reported"], json!(["西村"]));
    assert_eq!(plan["already"], 0);
    let res = post(
        &officer,
        &srv,
        "approvals",
        json!({"period": {"year": 2026, "month": 2}}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["villages"], 1);
    let d = get(&admin, &srv, "dashboard?from=2026-02&to=2026-02").await;
    assert_eq!(d["town"][0]["villages_approved"], 1);
    assert_eq!(d["town"][0]["villages_reported"], 1);
    assert_eq!(d["town"][0]["villages"], 2);
    let west = get(
        &admin,
        &srv,
        &format!("villages/{WEST}/months?from=2026-02&to=2026-02"),
    )
    .await;
    assert_eq!(
        west["months"][0]["approved"], false,
        "a missing month stays missing"
    );
    // Asked again, nothing more is approvable until 西村 reports.
    let plan = get(&officer, &srv, "approvals/plan?month=2026-02").await;
    assert_eq!(
        (plan["to_approve"].clone(), plan["already"].clone()),
        (json!([]), json!(1))
    );
    // The month in progress is not approvable at all.
    let res = officer
        .get(format!(
            "{}/api/v1/town/approvals/plan?month=2099-01",
            srv.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // While it is approved, 东村 pushes more for February: held.
    upload(
        &srv.storage,
        1,
        EAST,
        &[2],
        &[(2, "X01", Outcome::Issued, 9)],
    )
    .await;
    let held = get(&admin, &srv, "corrections").await;
    assert_eq!(held.as_array().unwrap().len(), 1, "{held}");

    // Withdrawing is an administrator's, and needs a reason.
    let body = json!({"period": {"year": 2026, "month": 2}, "reason": "东村补报"});
    let res = post(&officer, &srv, "approvals/withdraw", body.clone()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post(
        &admin,
        &srv,
        "approvals/withdraw",
        json!({"period": {"year": 2026, "month": 2}}),
    )
    .await;
    assert_eq!(
        error_code(res).await,
        (StatusCode::BAD_REQUEST, "reason_missing".into())
    );
    let res = post(
        &admin,
        &srv,
        "approvals/withdraw",
        json!({"period": {"year": 2026, "month": 2}, "reason": " "}),
    )
    .await;
    assert_eq!(error_code(res).await.1, "reason_missing");
    // Withdrawing what was never approved changes nothing and says nothing.
    let res = post(
        &admin,
        &srv,
        "approvals/withdraw",
        json!({"period": {"year": 2026, "month": 1}, "reason": "没有这回事"}),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["villages"], 0);
    let res = post(&admin, &srv, "approvals/withdraw", body).await;
    assert_eq!(res.status(), 200);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["villages"], 1);
    assert_eq!(done["corrections"], 1, "what was held is taken in");
    let d = get(&admin, &srv, "dashboard?from=2026-02&to=2026-02").await;
    assert_eq!(d["town"][0]["villages_approved"], 0);
    assert_eq!(d["town"][0]["counts"]["issued"], 14);
    assert!(get(&admin, &srv, "corrections")
        .await
        .as_array()
        .unwrap()
        .is_empty());
    let trail = get(&admin, &srv, "audit?kind=approval_withdrawn").await;
    assert_eq!(trail.as_array().unwrap().len(), 1, "{trail}");
    assert!(
        trail[0]["detail"].to_string().contains("东村补报"),
        "{trail}"
    );
}

#[tokio::test]
async fn an_export_leaves_a_month_no_one_reported_blank_not_zero() {
    let (srv, admin) = town().await;
    let res = admin
        .get(format!(
            "{}/api/v1/town/export.csv?from=2026-01&to=2026-03",
            srv.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let row = |code: &str, m: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{code},")) && l.contains(&format!(",{m},")))
            .unwrap_or_else(|| panic!("{code} {m} in {text}"))
            .to_owned()
    };
    // 西村's February: no report, blank counts; its March: figures.
    let february = row(WEST, "2026-02");
    assert!(february.contains(",2026-02,,,,,,"), "{february}");
    assert!(february.contains("否 no"), "{february}");
    assert!(row(WEST, "2026-03").contains(",2026-03,5,0,0,5,2,"));

    // The workbook has no number in those cells either.
    let bytes = admin
        .get(format!(
            "{}/api/v1/town/export.xlsx?from=2026-01&to=2026-03",
            srv.base
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let february = sheet
        .rows()
        .find(|r| r[0] == Data::String(WEST.into()) && r[2] == Data::String("2026-02".into()))
        .unwrap();
    assert!(
        february[3..8].iter().all(|c| *c == Data::Empty),
        "{february:?}"
    );
}

#[tokio::test]
async fn a_letter_says_only_what_a_list_says_and_counts_no_voided_certificate() {
    let (srv, admin) = town().await;
    // 东村 issued 收入证明 twice outside the list (one voided) and
    // 家庭困难证明 once (voided) for employers, in January.
    upload(
        &srv.storage,
        1,
        EAST,
        &[1],
        &[
            (1, "free:收入证明", Outcome::IssuedUnlisted, 2),
            (1, "free:收入证明", Outcome::Void, 1),
            (1, "free:家庭困难证明", Outcome::IssuedUnlisted, 1),
            (1, "free:家庭困难证明", Outcome::Void, 1),
        ],
    )
    .await;
    let letters = get(&admin, &srv, "letters?from=2026-01&to=2026-03").await;
    let letters = letters.as_array().unwrap();
    assert_eq!(letters.len(), 1);
    let employer = &letters[0];
    assert_eq!(employer["agency"], "employer");
    // Under the rules: only N05, must not issue, with its basis and route.
    let lines = employer["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["item"], "N05");
    assert_eq!(lines[0]["refused"], 10);
    assert!(!lines[0]["basis"]["zh"].as_str().unwrap().is_empty());
    assert!(lines[0]["instead"].is_object());
    // Asked about apart: 收入证明 once (the voided one counts nowhere);
    // 家庭困难证明 not at all.
    let asked = employer["asked"].as_array().unwrap();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0]["name"]["zh"], "收入证明");
    assert_eq!(asked[0]["unlisted"], 1);
    // The flagged lists of the dashboard count voids nowhere either.
    let d = get(&admin, &srv, "dashboard?from=2026-01&to=2026-03").await;
    let by_item = d["by_item"].as_array().unwrap();
    assert!(
        by_item.iter().all(|f| f["key"] != "free:家庭困难证明"),
        "{by_item:?}"
    );
    let income = by_item
        .iter()
        .find(|f| f["key"] == "free:收入证明")
        .unwrap();
    assert_eq!(income["unlisted"], 1);

    // The Word letters say so, carry the town as author and when they
    // were made.
    let res = admin
        .get(format!(
            "{}/api/v1/town/letters.docx?from=2026-01&to=2026-03",
            srv.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let part = |name: &str| {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let document = part("word/document.xml");
    assert!(
        document.contains("各用人单位"),
        "the salutation reads naturally"
    );
    assert!(!document.contains("类单位"));
    assert!(document.contains("请贵单位告知"));
    assert!(!document.contains("家庭困难证明"));
    let core = part("docProps/core.xml");
    assert!(core.contains("<dc:creator>东关镇</dc:creator>"), "{core}");
    let year = time::OffsetDateTime::now_utc().year().to_string();
    assert!(core.contains(&format!(">{year}-")), "{core}");
    assert!(!core.contains("1970-01-01"), "{core}");
}

#[tokio::test]
async fn a_village_has_its_division_code_and_a_name_of_its_own_and_is_deleted_only_while_empty() {
    let (srv, admin) = town().await;
    let add = |code: &str, name: &str| {
        post(
            &admin,
            &srv,
            "villages",
            json!({"code": code, "name": name}),
        )
    };
    let (status, _) = error_code(add("13", "桃园村").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not a division code");
    let (status, _) = error_code(add("140105002201", "桃园村").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "another town's code");
    assert_eq!(
        add("140105001204", "桃园村").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        error_code(add("140105001205", "桃园村").await).await,
        (StatusCode::CONFLICT, "village_name_taken".into())
    );
    // Renaming into a namesake is refused too.
    let res = admin
        .put(format!("{}/api/v1/town/villages/{EAST}", srv.base))
        .json(&json!({"name": "桃园村"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "village_name_taken");

    // An empty village (added by mistake) is deleted, audited; one with
    // data is refused and keeps everything.
    let delete = |code: &str| {
        admin
            .delete(format!("{}/api/v1/town/villages/{code}", srv.base))
            .send()
    };
    assert_eq!(
        error_code(delete(EAST).await.unwrap()).await,
        (StatusCode::CONFLICT, "village_has_data".into())
    );
    assert_eq!(
        delete("140105001204").await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete("140105001204").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let listed = get(&admin, &srv, "villages").await;
    let codes: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [EAST, WEST]);
    let trail = get(&admin, &srv, "audit?kind=village_deleted").await;
    assert_eq!(trail.as_array().unwrap().len(), 1);
    // The name is free again.
    assert_eq!(
        add("140105001205", "桃园村").await.status(),
        StatusCode::CREATED
    );
    // A village with a list of its own has data too.
    let res = post(
        &admin,
        &srv,
        "lists",
        json!({"area": "140105001205", "title": {"zh": "桃园村清单", "en": ""}}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        error_code(delete("140105001205").await.unwrap()).await,
        (StatusCode::CONFLICT, "village_has_data".into())
    );
}

#[tokio::test]
async fn a_paper_of_an_area_with_no_name_but_a_placeholder_is_refused() {
    let srv = support::start().await;
    srv.storage
        .create_user("admin", &hash_password(PASSWORD), false)
        .await
        .unwrap();
    // A server's first village makes the default town, called 本镇.
    srv.storage.upsert_village(EAST, "东村").await.unwrap();
    let admin = support::town_client(&srv.base, PASSWORD).await;
    for paper in ["letters.docx", "report.docx"] {
        let res = admin
            .get(format!(
                "{}/api/v1/town/{paper}?from=2026-01&to=2026-03",
                srv.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_code(res).await,
            (StatusCode::CONFLICT, "area_unnamed".into()),
            "{paper}"
        );
    }
    let res = admin
        .put(format!("{}/api/v1/town/areas/TOWN", srv.base))
        .json(&json!({"name": "东关镇", "level": "town"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = admin
        .get(format!(
            "{}/api/v1/town/report.docx?from=2026-01&to=2026-03",
            srv.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn an_imported_report_says_which_village_and_months_it_changed() {
    let (srv, _admin) = town().await;
    // A report file from 西村's tablet, carrying February late.
    let secret = [2u8; 32];
    let payload = CountsPayload {
        village: WEST.into(),
        device_key: public_key(&secret),
        incarnation: 1,
        ledger: "T1".into(),
        created_at: "2026-04-02T00:00:00Z".into(),
        periods: vec![PeriodReport {
            period: month(2),
            closed: true,
            cells: vec![Cell {
                item: "X01".into(),
                outcome: Outcome::Issued,
                agency: AgencyCategory::Bank,
                count: 3,
            }],
        }],
        voided: Vec::new(),
    };
    let send = |bytes: Vec<u8>| {
        Client::new()
            .post(format!("{}/api/v1/counts", srv.base))
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
    };
    let res = send(jianzheng_core::sync::encode(&payload, &secret))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let accepted: Value = res.json().await.unwrap();
    assert_eq!(accepted["village"], WEST);
    assert_eq!(accepted["months"], json!([{"year": 2026, "month": 2}]));
    // A file that is no report is a bad request the page words plainly.
    let res = send(b"PK\x03\x04 not a report".to_vec()).await.unwrap();
    assert_eq!(
        error_code(res).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
}
