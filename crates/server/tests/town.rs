//! The town's API over real HTTP, on a real SQLite file or PostgreSQL
//! server: accounts and sessions, villages and tablets, baselines, the
//! dashboard and exports.

mod support;

use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::sync::{encode, public_key, Cell, CountsPayload, PeriodReport};
use jianzheng_server::auth::hash_password;
use jianzheng_server::storage::{DeviceId, Enrol, Storage};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "one-time-pass";

struct Running {
    api: String,
    storage: Storage,
    _server: support::Running,
}

async fn start() -> Running {
    let server = support::start().await;
    server
        .storage
        .create_user("admin", &hash_password(PASSWORD), true)
        .await
        .unwrap();
    Running {
        api: format!("{}/api/v1/town", server.base),
        storage: server.storage.clone(),
        _server: server,
    }
}

fn browser() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

async fn code_of(res: reqwest::Response) -> (StatusCode, String) {
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"]["code"].as_str().unwrap_or("").to_owned(),
    )
}

/// A logged-in administrator with the one-time password changed.
async fn admin(srv: &Running) -> Client {
    let c = browser();
    let res = c
        .post(format!("{}/login", srv.api))
        .json(&json!({"name": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    if res.json::<Value>().await.unwrap()["must_change"] == true {
        let res = c
            .post(format!("{}/password", srv.api))
            .json(&json!({"current": PASSWORD, "new": "a-much-better-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
    }
    c
}

#[tokio::test]
async fn every_town_endpoint_needs_a_session_and_a_changed_password() {
    let srv = start().await;
    let anonymous = browser();
    let gets = [
        "villages",
        "baselines",
        "dashboard?from=2026-01&to=2026-02",
        "export.csv?from=2026-01&to=2026-01",
        "export.xlsx?from=2026-01&to=2026-01",
        "me",
        "areas",
        "audit",
        "audit.csv",
    ];
    for path in gets {
        let res = anonymous
            .get(format!("{}/{path}", srv.api))
            .send()
            .await
            .unwrap();
        assert_eq!(
            code_of(res).await,
            (StatusCode::UNAUTHORIZED, "unauthorized".into()),
            "{path}"
        );
    }
    let posts = [
        "villages",
        "villages/X/enrolment-code",
        "devices/revoke",
        "baselines/csv?year=2025",
        "baselines/from-registry",
        "logout",
        "password",
    ];
    for path in posts {
        let res = anonymous
            .post(format!("{}/{path}", srv.api))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // A forged cookie is no session.
    let res = anonymous
        .get(format!("{}/villages", srv.api))
        .header("cookie", "jz_session=00ff")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Logged in with the one-time password: only the password change is open.
    let c = browser();
    let res = c
        .post(format!("{}/login", srv.api))
        .json(&json!({"name": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["must_change"], true);
    let res = c.get(format!("{}/villages", srv.api)).send().await.unwrap();
    assert_eq!(
        code_of(res).await,
        (StatusCode::FORBIDDEN, "password_change_required".into())
    );
    let short = c
        .post(format!("{}/password", srv.api))
        .json(&json!({"current": PASSWORD, "new": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    let res = c
        .post(format!("{}/password", srv.api))
        .json(&json!({"current": PASSWORD, "new": "a-much-better-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = c.get(format!("{}/villages", srv.api)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Logged out: the cookie no longer opens anything.
    c.post(format!("{}/logout", srv.api)).send().await.unwrap();
    let res = c.get(format!("{}/villages", srv.api)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_passwords_are_limited_and_bad_input_is_a_json_error() {
    let srv = start().await;
    let c = browser();
    for _ in 0..5 {
        let res = c
            .post(format!("{}/login", srv.api))
            .json(&json!({"name": "admin", "password": "guess"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            code_of(res).await,
            (StatusCode::UNAUTHORIZED, "bad_credentials".into())
        );
    }
    // Locked out, even with the right password.
    let res = c
        .post(format!("{}/login", srv.api))
        .json(&json!({"name": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(res).await,
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts".into())
    );
    let res = c
        .post(format!("{}/login", srv.api))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(res).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
}

fn upload(
    village: &str,
    secret: &[u8; 32],
    ledger: &str,
    cells: &[(u8, Outcome, u64)],
    closed: &[u8],
) -> CountsPayload {
    let mut months: Vec<u8> = cells
        .iter()
        .map(|c| c.0)
        .chain(closed.iter().copied())
        .collect();
    months.sort();
    months.dedup();
    CountsPayload {
        village: village.into(),
        device_key: public_key(secret),
        incarnation: 1,
        ledger: ledger.into(),
        created_at: "2026-06-30T00:00:00Z".into(),
        periods: months
            .into_iter()
            .map(|m| PeriodReport {
                period: Period {
                    year: 2026,
                    month: m,
                },
                closed: closed.contains(&m),
                cells: cells
                    .iter()
                    .filter(|c| c.0 == m)
                    .map(|&(_, outcome, count)| Cell {
                        item: if outcome == Outcome::IssuedUnlisted {
                            "free:收入证明".into()
                        } else {
                            "N05".into()
                        },
                        outcome,
                        agency: AgencyCategory::Bank,
                        count,
                    })
                    .collect(),
            })
            .collect(),
        voided: Vec::new(),
    }
}

#[tokio::test]
async fn villages_baselines_dashboard_and_exports() {
    let srv = start().await;
    let c = admin(&srv).await;
    for (code, name) in [("140105001201", "东关村"), ("140105001202", "西关村")] {
        let res = c
            .post(format!("{}/villages", srv.api))
            .json(&json!({"code": code, "name": name}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    // Both moved in with their history from 2025.
    support::existing_since(&srv.storage, &["140105001201", "140105001202"], "2025-01").await;
    let again = c
        .post(format!("{}/villages", srv.api))
        .json(&json!({"code": "140105001201", "name": "重复"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(again).await,
        (StatusCode::CONFLICT, "conflict".into())
    );

    // A code for 140105001201 enrols a tablet, which reports March to May.
    let res: Value = c
        .post(format!("{}/villages/140105001201/enrolment-code", srv.api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = [4u8; 32];
    let key = public_key(&secret);
    let device = DeviceId {
        key: &key,
        incarnation: 1,
        village: "140105001201",
        ledger: "T1",
    };
    assert_eq!(
        srv.storage
            .enrol(res["code"].as_str().unwrap(), &device, None)
            .await
            .unwrap(),
        Enrol::Enrolled
    );
    let cells = [
        (3, Outcome::Issued, 6),
        (3, Outcome::Void, 1),
        (3, Outcome::IssuedUnlisted, 1),
        (3, Outcome::RefusedRedirected, 4),
        (4, Outcome::Issued, 9),
    ];
    let payload = upload("140105001201", &secret, "T1", &cells, &[5]);
    let ingested = srv
        .storage
        .ingest(
            &jianzheng_core::sync::SignedPayload::sign(payload.clone(), &secret),
            Period {
                year: 2026,
                month: 6,
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        ingested,
        jianzheng_server::storage::Ingest::Accepted { .. }
    ));
    assert!(jianzheng_core::sync::decode(&encode(&payload, &secret)).is_ok());

    // Baselines for 2025: 140105001201 by CSV (with a header), 140105001202 by hand.
    let res = c
        .post(format!("{}/baselines/csv?year=2025", srv.api))
        .header("content-type", "text/csv")
        .body("village,month,count\n140105001201,3,12\n140105001201,4,9\n140105001201,5,10\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let bad = c
        .post(format!("{}/baselines/csv?year=2025", srv.api))
        .header("content-type", "text/csv")
        .body("140105001201,13,1\n")
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(bad).await.0, StatusCode::BAD_REQUEST);
    // What a form on another site can send is not a CSV upload.
    let plain = c
        .post(format!("{}/baselines/csv?year=2025", srv.api))
        .header("content-type", "text/plain")
        .body("140105001201,3,1\n")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(plain).await,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type".into()
        )
    );
    let res = c
        .put(format!("{}/baselines", srv.api))
        .json(&json!({"year": 2025, "entries": [{"village": "140105001202", "month": 3, "count": 0}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let d: Value = c
        .get(format!("{}/dashboard?from=2026-03&to=2026-06", srv.api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["rows"][0]["months_reported"], 3);
    let v1: Value = c
        .get(format!(
            "{}/villages/140105001201/months?from=2026-03&to=2026-06",
            srv.api
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let v1 = &v1["months"];
    // March: 6 issued + 1 unlisted − 1 void = 6 net against 12: 50% fewer.
    assert_eq!(v1[0]["rate"], json!({"kind": "value", "rate": 0.5}));
    assert_eq!(v1[1]["rate"], json!({"kind": "value", "rate": 0.0}));
    // May: closed with nothing issued, an explicit zero: 100% fewer.
    assert_eq!(v1[2]["reported"], true);
    assert_eq!(v1[2]["rate"], json!({"kind": "value", "rate": 1.0}));
    // June: no report at all, and no baseline.
    assert_eq!(v1[3]["reported"], false);
    assert_eq!(v1[3]["rate"], json!({"kind": "no_baseline"}));
    let v2: Value = c
        .get(format!(
            "{}/villages/140105001202/months?from=2026-03&to=2026-06",
            srv.api
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // 140105001202 has a (zero) baseline but never reported: missing, not a figure.
    assert_eq!(v2["months"][0]["rate"], json!({"kind": "no_report"}));
    let march = &d["town"][0];
    assert_eq!(march["villages_reported"], 1);
    assert_eq!(march["villages_with_baseline"], 2);
    // The town's March compares 140105001201 only (140105001202 did not report): 6 against 12.
    assert_eq!(march["baseline"], 12);
    assert_eq!(march["rate"], json!({"kind": "value", "rate": 0.5}));
    // Over the range: 140105001201's three reported months with a baseline (March,
    // April, May: 6 + 9 + 0 against 12 + 9 + 10), 140105001202's March left out.
    assert_eq!(d["total"]["compared"], 3);
    assert_eq!(d["total"]["with_baseline"], 4);
    assert_eq!(d["total"]["baseline"], 31);
    assert_eq!(d["total"]["issued_net"], 15);
    assert_eq!(d["by_item"][0]["key"], "N05");
    assert_eq!(d["by_item"][0]["refused"], 4);
    assert_eq!(d["by_agency"][0]["key"], "bank");

    // Exports: a CSV with a byte-order mark, and an XLSX read back.
    let csv = c
        .get(format!("{}/export.csv?from=2026-03&to=2026-06", srv.api))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = String::from_utf8(csv.to_vec()).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(
        text.contains("140105001201,东关村,2026-03,6,1,1,6,4,12,50.0%,是 yes"),
        "{text}"
    );
    let res = c
        .get(format!("{}/export.xlsx?from=2026-03&to=2026-06", srv.api))
        .send()
        .await
        .unwrap();
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("减证 Jianzheng").unwrap();
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows[0][9].to_string(), "减少率 Reduction rate");
    let march_v1 = rows
        .iter()
        .find(|r| r[0] == "140105001201" && r[2] == "2026-03")
        .unwrap();
    assert_eq!(march_v1[6].to_string(), "6");
    assert_eq!(march_v1[9].to_string(), "0.5");
    assert_eq!(rows.len(), 1 + 4 + 2 * 4);

    // The number of silent days is the town's to set, within reason; a
    // village can be renamed.
    let bad = c
        .put(format!("{}/settings", srv.api))
        .json(&json!({"stale_days": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let res = c
        .put(format!("{}/settings", srv.api))
        .json(&json!({"stale_days": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let settings: Value = c
        .get(format!("{}/settings", srv.api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings["stale_days"], 30);
    let res = c
        .put(format!("{}/villages/140105001202", srv.api))
        .json(&json!({"name": "西关新村"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = c
        .put(format!("{}/villages/NOPE", srv.api))
        .json(&json!({"name": "无"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The tablet is listed, and revoking it works once.
    let villages: Value = c
        .get(format!("{}/villages", srv.api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(villages[1]["name"], "西关新村");
    let tablet = &villages[0]["devices"][0];
    assert_eq!(tablet["ledger"], "T1");
    assert_eq!(tablet["stale"], false);
    let revoke = json!({"key": tablet["key"], "incarnation": 1});
    let res = c
        .post(format!("{}/devices/revoke", srv.api))
        .json(&revoke)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = c
        .post(format!("{}/devices/revoke", srv.api))
        .json(&revoke)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Baselines from the registry's own 2026 data.
    let res = c
        .post(format!("{}/baselines/from-registry", srv.api))
        .json(&json!({"year": 2026}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let b: Value = c
        .get(format!("{}/baselines", srv.api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(b["year"], 2026);
    let april = b["baselines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["period"] == json!({"year": 2026, "month": 4}))
        .unwrap();
    assert_eq!(
        (april["count"].as_u64(), april["source"].as_str()),
        (Some(9), Some("registry"))
    );

    // A year the registry holds nothing for changes nothing: the year and
    // its baselines stay, so no rate silently loses its baseline.
    let res = c
        .post(format!("{}/baselines/from-registry", srv.api))
        .json(&json!({"year": 2019}))
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(res).await.0, StatusCode::BAD_REQUEST);
    let after: Value = c
        .get(format!("{}/baselines", srv.api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after, b);
}

#[tokio::test]
async fn a_list_is_edited_as_a_draft_compared_and_published_for_tablets() {
    use jianzheng_core::catalogue::{List, ListsFile};
    let srv = start().await;
    let c = admin(&srv).await;
    let lists: Value = c
        .get(format!("{}/lists", srv.api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let allowed = lists
        .as_array()
        .unwrap()
        .iter()
        .find(|l| {
            l["published"]["entries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["code"] == "A02")
        })
        .unwrap();
    let mut draft: List = serde_json::from_value(allowed["published"].clone()).unwrap();
    let id = draft.id.clone();
    draft.entries[0].aliases.push("入党证明材料".into());

    // A broken draft is refused; a good one is saved with its changes.
    let mut broken = draft.clone();
    broken.entries[0].name.zh.clear();
    let res = c
        .put(format!("{}/lists/{id}/draft", srv.api))
        .json(&broken)
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(res).await.0, StatusCode::BAD_REQUEST);
    let changes: Value = c
        .put(format!("{}/lists/{id}/draft", srv.api))
        .json(&draft)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(changes[0]["kind"], "changed");
    assert_eq!(changes[0]["fields"], json!(["aliases"]));

    // Published: a new version, which is what tablets fetch.
    let next: Value = c
        .post(format!("{}/lists/{id}/publish", srv.api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let version = next["version"].as_str().unwrap().to_owned();
    assert_ne!(version, draft.version);
    let down = reqwest::get(format!("{}/lists", srv.api.trim_end_matches("/town")))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let file = ListsFile::from_json(&down).unwrap();
    let fetched = file.lists.iter().find(|l| l.id == id).unwrap();
    assert_eq!(fetched.version, version);
    assert!(fetched.entries[0]
        .aliases
        .contains(&"入党证明材料".to_owned()));
    // No draft is left to publish.
    let res = c
        .post(format!("{}/lists/{id}/publish", srv.api))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// A client with a cookie store whose requests leave from 127.0.4.`n`.
fn browser_from(n: u8) -> Client {
    Client::builder()
        .cookie_store(true)
        .local_address(std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 4, n)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_stranger_guessing_locks_out_only_their_own_address() {
    let srv = start().await;
    let stranger = browser_from(1);
    for _ in 0..5 {
        let res = stranger
            .post(format!("{}/login", srv.api))
            .json(&json!({"name": "admin", "password": "guess"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = stranger
        .post(format!("{}/login", srv.api))
        .json(&json!({"name": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(res).await,
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts".into())
    );
    // The administrator, at the office, logs in.
    let office = browser_from(2);
    let res = office
        .post(format!("{}/login", srv.api))
        .json(&json!({"name": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // A session (a stolen cookie, say) is no password oracle: the current
    // password's tries are limited too.
    for _ in 0..5 {
        let res = office
            .post(format!("{}/password", srv.api))
            .json(&json!({"current": "guess-again", "new": "a-much-better-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            code_of(res).await,
            (StatusCode::UNAUTHORIZED, "bad_credentials".into())
        );
    }
    let res = office
        .post(format!("{}/password", srv.api))
        .json(&json!({"current": PASSWORD, "new": "a-much-better-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(res).await,
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts".into())
    );
}
