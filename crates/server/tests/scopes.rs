//! Scopes everywhere: every town endpoint, asked by each role of a town's
//! accounts, about an area inside the town and one in the other town of
//! the county. Outside is a `403` or `404` with a JSON error and nothing
//! changed; a read answers only about the town. On SQLite, and on
//! PostgreSQL with `JIANZHENG_TEST_POSTGRES`.

mod support;

use support::tree_area as area;

use jianzheng_core::org::Level;
use jianzheng_core::sync::public_key;
use jianzheng_server::auth::hash_password;
use jianzheng_server::storage::{DeviceId, Enrol, LedgerIntent};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "a-scoped-password-1";
const ROLES: [&str; 3] = ["viewer", "officer", "administrator"];

/// A county of two towns with a village each, a tablet in each village,
/// baselines for both, and an account of each role for town T1.
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
        area("V2", Level::Village, Some("T2")),
    ])
    .await
    .unwrap();
    for (n, village) in [(1u8, "V1"), (2, "V2")] {
        let code = s
            .create_enrolment_code(village, 7, &LedgerIntent::New)
            .await
            .unwrap();
        let key = public_key(&[n; 32]);
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
    }
    for role in ROLES {
        support::account(s, role, role, "T1", PASSWORD).await;
    }
    let root = login(&srv, "admin").await;
    let res = root
        .put(format!("{}/api/v1/town/baselines", srv.base))
        .json(&json!({"year": 2025, "entries": [
            {"village": "V1", "month": 1, "count": 11},
            {"village": "V2", "month": 1, "count": 22}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    srv
}

async fn login(srv: &support::Running, name: &str) -> Client {
    support::logged_in(&srv.base, name, PASSWORD).await
}

/// A request of the matrix: what it asks, of which area, and the least
/// role that may ask it inside the town (`None`: not even an
/// administrator of a town, only the root's).
struct Case {
    method: Method,
    path: String,
    body: Value,
    least: Option<&'static str>,
}

fn case(method: Method, path: &str, body: Value, least: Option<&'static str>) -> Case {
    Case {
        method,
        path: path.to_owned(),
        body,
        least,
    }
}

/// The requests about `village` in `town` (`n` keeps created codes apart).
fn cases(town: &str, village: &str, key_of: u8, n: &str) -> Vec<Case> {
    let key: String = public_key(&[key_of; 32])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    vec![
        case(
            Method::GET,
            &format!("villages/{village}/months?from=2025-01&to=2025-12"),
            Value::Null,
            Some("viewer"),
        ),
        case(
            Method::GET,
            &format!("dashboard?from=2025-01&to=2025-12&area={town}"),
            Value::Null,
            Some("viewer"),
        ),
        case(
            Method::GET,
            &format!("dashboard?from=2025-01&to=2025-12&area={village}"),
            Value::Null,
            Some("viewer"),
        ),
        case(
            Method::GET,
            &format!("export.xlsx?from=2025-01&to=2025-12&area={town}"),
            Value::Null,
            Some("viewer"),
        ),
        case(
            Method::POST,
            "villages",
            json!({"code": division_code(n), "name": format!("新村{n}"), "parent": town}),
            Some("officer"),
        ),
        case(
            Method::PUT,
            &format!("villages/{village}"),
            json!({"name": "改名村"}),
            Some("officer"),
        ),
        case(
            Method::PUT,
            &format!("villages/{village}/first-month"),
            json!({"first": {"year": 2024, "month": 1}}),
            Some("officer"),
        ),
        case(
            Method::GET,
            &format!("approvals/plan?month=2025-03&area={village}"),
            Value::Null,
            Some("officer"),
        ),
        case(
            Method::POST,
            "approvals/withdraw",
            json!({"period": {"year": 2025, "month": 3}, "area": village, "reason": "重新核对"}),
            Some("administrator"),
        ),
        case(
            Method::POST,
            &format!("villages/{village}/enrolment-code"),
            json!({}),
            Some("officer"),
        ),
        case(
            Method::POST,
            &format!("villages/{village}/enrolment-code/withdraw"),
            Value::Null,
            Some("officer"),
        ),
        case(
            Method::PUT,
            &format!("areas/{village}"),
            json!({"name": "移村", "level": "village", "parent": town}),
            Some("officer"),
        ),
        case(
            Method::PUT,
            &format!("areas/A{n}"),
            json!({"name": "新片区", "level": "town", "parent": "C"}),
            None,
        ),
        case(
            Method::GET,
            &format!("audit?area={village}"),
            Value::Null,
            Some("administrator"),
        ),
        case(
            Method::POST,
            "accounts",
            json!({"name": format!("u{n}"), "role": "viewer", "area": town}),
            Some("administrator"),
        ),
        case(
            Method::GET,
            &format!("settings?area={village}"),
            Value::Null,
            Some("viewer"),
        ),
        case(
            Method::PUT,
            &format!("settings?area={town}"),
            json!({"stale_days": 30, "enrolment_code_days": 3}),
            Some("officer"),
        ),
        case(
            Method::GET,
            &format!("lists?area={village}"),
            Value::Null,
            Some("viewer"),
        ),
        case(
            Method::POST,
            "lists",
            json!({"area": town, "title": {"zh": "本镇清单", "en": ""}}),
            Some("officer"),
        ),
        case(
            Method::PUT,
            "baselines",
            json!({"year": 2025, "entries": [{"village": village, "month": 2, "count": 5}]}),
            None,
        ),
        case(
            Method::POST,
            &format!("villages/{village}/retire"),
            json!({"last": {"year": 2030, "month": 12}}),
            Some("administrator"),
        ),
        // Last: the tablet of the village revoked.
        case(
            Method::POST,
            "devices/revoke",
            json!({"key": key, "incarnation": 1}),
            Some("officer"),
        ),
    ]
}

/// The rest of the town endpoints about `village` in `town`: the papers,
/// exports, signs, approvals and corrections. Tried from a town that does
/// not own them, by each role (what each role may do inside is tested with
/// each endpoint).
fn elsewhere(town: &str, village: &str) -> Vec<Case> {
    let range = "from=2025-01&to=2025-12";
    let get = |path: String| case(Method::GET, &path, Value::Null, None);
    vec![
        get(format!("export.csv?{range}&area={town}")),
        get(format!("export.xlsx?{range}&area={village}")),
        get(format!("report?{range}&area={town}")),
        get(format!("report.docx?{range}&area={town}")),
        get(format!("letters?{range}&area={town}")),
        get(format!("letters.docx?{range}&area={town}")),
        get(format!("quality?{range}&area={town}")),
        get(format!("audit.csv?area={town}")),
        get(format!("corrections?area={village}")),
        get(format!("approvals/plan?month=2025-01&area={village}")),
        case(
            Method::POST,
            "approvals/withdraw",
            json!({"period": {"year": 2025, "month": 1}, "area": village, "reason": "越权撤回"}),
            None,
        ),
        case(
            Method::POST,
            &format!("villages/{village}/retire"),
            json!({"last": {"year": 2025, "month": 1}}),
            None,
        ),
        case(
            Method::PUT,
            &format!("villages/{village}/first-month"),
            json!({"first": {"year": 2020, "month": 1}}),
            None,
        ),
        case(
            Method::DELETE,
            &format!("villages/{village}"),
            Value::Null,
            None,
        ),
        case(
            Method::POST,
            "approvals",
            json!({"period": {"year": 2025, "month": 1}, "area": village}),
            None,
        ),
        case(
            Method::POST,
            "corrections",
            json!({"village": village, "period": {"year": 2025, "month": 1}, "accept": true}),
            None,
        ),
    ]
}

/// A 12-digit village code of its own for each `n`.
fn division_code(n: &str) -> String {
    let h = n
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("140105{:03}{:03}", h % 1000, h / 1000 % 999 + 1)
}

fn rank(role: &str) -> usize {
    ROLES.iter().position(|r| *r == role).unwrap()
}

#[tokio::test]
async fn every_town_endpoint_answers_each_role_only_about_its_own_town() {
    let srv = county().await;
    let api = format!("{}/api/v1/town", srv.base);
    for (i, role) in ROLES.iter().enumerate() {
        let c = login(&srv, role).await;
        // Outside the town first: refused, and afterwards nothing changed.
        let outside = cases("T2", "V2", 2, &format!("out{i}"));
        for case in outside.into_iter().chain(elsewhere("T2", "V2")) {
            let mut request = c.request(case.method.clone(), format!("{api}/{}", case.path));
            if !case.body.is_null() {
                request = request.json(&case.body);
            }
            let res = request.send().await.unwrap();
            let status = res.status();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "{role} {} {}: {status}",
                case.method,
                case.path
            );
            assert!(
                body["error"]["code"].is_string(),
                "{role} {}: {body}",
                case.path
            );
        }
        // Inside: what the role may do, and a 403 for the rest.
        for case in cases("T1", "V1", 1, &format!("in{i}")) {
            let mut request = c.request(case.method.clone(), format!("{api}/{}", case.path));
            if !case.body.is_null() {
                request = request.json(&case.body);
            }
            let status = request.send().await.unwrap().status();
            let allowed = case.least.is_some_and(|least| rank(role) >= rank(least));
            let revoked_already = case.path == "devices/revoke" && rank(role) > rank("officer");
            match (allowed, revoked_already) {
                (true, false) => assert!(
                    status.is_success(),
                    "{role} {} {}: {status}",
                    case.method,
                    case.path
                ),
                (true, true) => assert_eq!(
                    status,
                    StatusCode::NOT_FOUND,
                    "{role}: revoked by the officer"
                ),
                (false, _) => assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} {} {}",
                    case.method,
                    case.path
                ),
            }
        }
        // Reads answer about the town only.
        for path in [
            "villages",
            "dashboard?from=2025-01&to=2025-12",
            "export.csv?from=2025-01&to=2025-12",
            "baselines?year=2025",
            "areas",
        ] {
            let res = c.get(format!("{api}/{path}")).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{role} {path}");
            let text = res.text().await.unwrap();
            assert!(text.contains("V1"), "{role} {path}: {text}");
            assert!(
                !text.contains("V2") && !text.contains("\"T2\""),
                "{role} {path}: {text}"
            );
        }
    }

    // Nothing outside changed: V2's name, its tablet, T2's villages, the
    // settings, the baselines, no area or account made there.
    let s = &srv.storage;
    let villages = s.villages().await.unwrap();
    let v2 = villages.iter().find(|v| v.code == "V2").unwrap();
    assert_eq!(v2.name, "区V2");
    let tree = s.area_tree().await.unwrap().unwrap();
    let t2: Vec<_> = tree
        .subtree(&"T2".parse().unwrap())
        .iter()
        .map(|a| a.code.to_string())
        .collect();
    assert_eq!(t2, ["T2", "V2"]);
    assert!(tree.get(&"Aout0".parse().unwrap()).is_none());
    let devices = s.devices("V2", 14).await.unwrap();
    assert!(!devices[0].revoked, "V2's tablet still works");
    assert_eq!(s.setting("stale_days").await.unwrap(), None);
    let own = s.area_settings().await.unwrap();
    assert!(!own.contains_key("T2") && own.contains_key("T1"), "{own:?}");
    let lists = s.published_lists().await.unwrap().lists;
    assert!(
        lists
            .iter()
            .all(|p| p.area.as_ref().is_none_or(|a| a.as_str() == "T1")),
        "no list published at T2"
    );
    let baselines = s.baselines(2025).await.unwrap();
    assert_eq!(
        baselines.len(),
        2,
        "only the root's baselines: {}",
        baselines.len()
    );
    let accounts = s.accounts().await.unwrap();
    assert!(accounts.iter().all(|a| a.area.as_deref() != Some("T2")));

    // The town's administrator manages the town's accounts only, never
    // above its own role's reach, and sees the town's part of the trail.
    let admin = login(&srv, "administrator").await;
    let listed: Vec<Value> = admin
        .get(format!("{api}/accounts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = listed.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert!(
        !names.contains(&"admin"),
        "the county's administrator is not the town's to see: {names:?}"
    );
    let res = admin
        .post(format!("{api}/accounts/admin/disable"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = admin
        .post(format!("{api}/accounts/viewer/reset-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let rows: Vec<Value> = admin
        .get(format!("{api}/audit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!rows.is_empty());
    let tree = s.area_tree().await.unwrap().unwrap();
    let t1 = "T1".parse().unwrap();
    for row in &rows {
        let area = row["area"]
            .as_str()
            .expect("a row on an area")
            .parse()
            .unwrap();
        assert!(tree.is_within(&area, &t1), "{row}");
    }
    let res = admin
        .post(format!("{api}/accounts/officer/disable"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = Client::new()
        .post(format!("{api}/login"))
        .json(&json!({"name": "officer", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot log in"
    );
}
