//! Lists by area over real HTTP, on SQLite and (with
//! `JIANZHENG_TEST_POSTGRES`) PostgreSQL: a town publishes a list of its
//! own beside the county's; a village's tablet and its residents get their
//! town's list first and never another town's; a list below cannot let
//! villages issue what a list above bars, and a list above cannot bar what
//! a list below already lets villages issue without that list changing
//! first; an officer edits only its own area's lists.

mod support;

use support::tree_area as area;

use jianzheng_core::catalogue::{Entry, List, ListsFile, Route, Status, Text, COMPACT_MEDIA_TYPE};
use jianzheng_core::check::{CheckAnswer, Decision};
use jianzheng_core::org::Level;
use jianzheng_server::auth::hash_password;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "a-lists-password-1";

/// County C (the root) of towns T1 (village V1) and T2 (village V2); an
/// administrator of C, an officer and a viewer of T1, an officer of T2.
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
    for (name, role, at) in [
        ("t1-officer", "officer", "T1"),
        ("t1-viewer", "viewer", "T1"),
        ("t2-officer", "officer", "T2"),
    ] {
        support::account(s, name, role, at, PASSWORD).await;
    }
    srv
}

fn text(zh: &str) -> Text {
    Text {
        zh: zh.into(),
        en: String::new(),
    }
}

fn entry(code: &str, name: &str, status: Status) -> Entry {
    Entry {
        code: code.into(),
        name: text(name),
        aliases: Vec::new(),
        aliases_en: Vec::new(),
        proves: Vec::new(),
        status,
        basis: text("镇政府文件"),
        instead: (status != Status::MayIssue).then(|| Route {
            agency: text("镇便民服务中心"),
            how: text("带身份证去办"),
        }),
        materials: vec![text("身份证")],
        template: None,
        declaration: None,
    }
}

/// The public lists at `area` (none: the whole server's), the same in
/// JSON and in the compact form a resident's phone asks for.
async fn lists_at(base: &str, area: Option<&str>) -> Vec<String> {
    let query = area.map(|a| format!("?area={a}")).unwrap_or_default();
    let res = reqwest::get(format!("{base}/api/v1/lists{query}"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["vary"], "accept");
    let file = ListsFile::from_json(&res.bytes().await.unwrap()).unwrap();
    let res = Client::new()
        .get(format!("{base}/api/v1/lists{query}"))
        .header("accept", format!("text/html, {COMPACT_MEDIA_TYPE};q=0.9"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], COMPACT_MEDIA_TYPE);
    assert_eq!(res.headers()["vary"], "accept");
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(tag, ListsFile::tag_of(&file.lists));
    let compact = ListsFile::from_compact(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(compact, file);
    // A phone that holds these lists downloads nothing; one that holds
    // others is sent them.
    for (held, status) in [
        (tag.clone(), 304),
        (tag.trim_start_matches("W/").to_owned(), 304),
        (format!("W/\"0000000000000000\", {tag}"), 304),
        ("W/\"0000000000000000\"".to_owned(), 200),
    ] {
        let res = Client::new()
            .get(format!("{base}/api/v1/lists{query}"))
            .header("accept", COMPACT_MEDIA_TYPE)
            .header("if-none-match", &held)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{held}");
        assert_eq!(res.headers()["etag"], tag.as_str());
        let body = res.bytes().await.unwrap();
        assert_eq!(body.is_empty(), status == 304);
    }
    file.lists.into_iter().map(|l| l.id).collect()
}

/// The public check of `q` at `area`.
async fn check(base: &str, q: &str, area: &str) -> CheckAnswer {
    let res = Client::new()
        .get(format!("{base}/api/v1/check"))
        .query(&[("q", q), ("area", area)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The town's lists as `c` sees them at its own area.
async fn town_lists(c: &Client, base: &str) -> Vec<Value> {
    let res = c
        .get(format!("{base}/api/v1/town/lists"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Saves `draft` and publishes it; the statuses of both.
async fn save_and_publish(c: &Client, base: &str, draft: &List) -> (StatusCode, Value) {
    let api = format!("{base}/api/v1/town/lists/{}", draft.id);
    let res = c
        .put(format!("{api}/draft"))
        .json(draft)
        .send()
        .await
        .unwrap();
    if res.status() != 200 {
        return (res.status(), res.json().await.unwrap());
    }
    let res = c.post(format!("{api}/publish")).send().await.unwrap();
    (res.status(), res.json().await.unwrap())
}

#[tokio::test]
async fn a_towns_own_list_is_in_force_in_its_villages_only() {
    let srv = county().await;
    let base = &srv.base;
    let officer = support::logged_in(base, "t1-officer", PASSWORD).await;
    let whole_before = lists_at(base, None).await;

    // T1's officer makes a list of T1's own and publishes an item on it.
    let res = officer
        .post(format!("{base}/api/v1/town/lists"))
        .json(&json!({"area": "T1", "title": {"zh": "东关镇可开具证明清单", "en": ""}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut list: List = res.json().await.unwrap();
    assert_eq!(list.id, "T1-1");
    list.entries
        .push(entry("T1A", "养殖户证明", Status::MayIssue));
    let (status, body) = save_and_publish(&officer, base, &list).await;
    assert_eq!(status, 200, "{body}");

    // V1's tablet gets T1's list first; V2's and the whole server's do not.
    let at_v1 = lists_at(base, Some("V1")).await;
    assert_eq!(at_v1[0], "T1-1");
    assert_eq!(&at_v1[1..], &whole_before[..]);
    assert_eq!(lists_at(base, Some("V2")).await, whole_before);
    assert_eq!(lists_at(base, None).await, whole_before);

    // A resident of V1 is told the village issues it; of V2, nothing known.
    let v1 = check(base, "养殖户证明", "V1").await;
    assert_eq!(v1.decision, Decision::MayIssue);
    assert_eq!(v1.results[0].code, "T1A");
    let v2 = check(base, "养殖户证明", "V2").await;
    assert!(v2.results.iter().all(|r| r.code != "T1A"), "{v2:?}");
    assert_ne!(v2.decision, Decision::MayIssue);
    // The national items stand in both.
    assert_eq!(
        check(base, "无犯罪记录证明", "V1").await.decision,
        Decision::MustNotIssue
    );

    // An unknown area is not found; a malformed one is refused.
    for (query, status) in [("?area=NOPE", 404), ("?area=%3Cx%3E", 400)] {
        let res = reqwest::get(format!("{base}/api/v1/lists{query}"))
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{query}");
        let body: Value = res.json().await.unwrap();
        assert!(body["error"]["code"].is_string(), "{body}");
        let res = reqwest::get(format!("{base}/api/v1/check?q=x&{}", &query[1..]))
            .await
            .unwrap();
        assert_eq!(res.status(), status, "check {query}");
    }

    // The town's page shows it at T1, editable by T1's officer, and the
    // county's lists as not.
    let edited = town_lists(&officer, base).await;
    assert_eq!(edited[0]["published"]["id"], "T1-1");
    assert_eq!(edited[0]["area"]["code"], "T1");
    assert_eq!(edited[0]["editable"], true);
    assert!(edited[1..]
        .iter()
        .all(|l| l["editable"] == false && l["area"].is_null()));
}

#[tokio::test]
async fn a_list_below_cannot_let_villages_issue_what_a_list_above_bars() {
    let srv = county().await;
    let base = &srv.base;
    let officer = support::logged_in(base, "t1-officer", PASSWORD).await;
    let res = officer
        .post(format!("{base}/api/v1/town/lists"))
        .json(&json!({"area": "T1", "title": {"zh": "东关镇清单", "en": ""}}))
        .send()
        .await
        .unwrap();
    let mut list: List = res.json().await.unwrap();

    // The national 无犯罪记录证明, under another code or a looser spelling.
    for name in ["无犯罪记录证明", "无犯罪记录"] {
        let mut loose = list.clone();
        loose.entries = vec![entry("T1X", name, Status::MayIssue)];
        let (status, body) = save_and_publish(&officer, base, &loose).await;
        assert_eq!(status, 422, "{name}: {body}");
        assert_eq!(body["error"]["code"], "list_loosens", "{body}");
        assert!(
            body["error"]["detail"].as_str().unwrap().contains("N05"),
            "{body}"
        );
    }
    // Nothing was saved or published.
    let edited = town_lists(&officer, base).await;
    assert!(edited[0]["draft"].is_null(), "{}", edited[0]);
    assert_eq!(
        check(base, "无犯罪记录证明", "V1").await.decision,
        Decision::MustNotIssue
    );

    // Barring more below is fine.
    list.entries = vec![entry("T1B", "养殖户证明", Status::MayIssue)];
    assert_eq!(save_and_publish(&officer, base, &list).await.0, 200);

    // The county cannot bar above what T1 lets its villages issue, until T1
    // changes its list: the refusal names both.
    let admin = support::town_client(base, PASSWORD).await;
    let edited = town_lists(&admin, base).await;
    // The national list is issued above every area: not even the root's
    // administrator republishes it; the county adds its own beside it.
    let national = edited
        .iter()
        .find(|l| l["published"]["id"] == "cn-national-2020-must-not-issue")
        .unwrap();
    assert_eq!(national["editable"], false);
    let mut national: List = serde_json::from_value(national["published"].clone()).unwrap();
    national
        .entries
        .push(entry("N99", "养殖户证明", Status::MustNotIssue));
    let (status, body) = save_and_publish(&admin, base, &national).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "list_issued_above", "{body}");
    let res = admin
        .post(format!("{base}/api/v1/town/lists"))
        .json(&json!({"area": "C", "title": {"zh": "县清单", "en": ""}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut county_list: List = res.json().await.unwrap();
    county_list
        .entries
        .push(entry("C99", "养殖户证明", Status::MustNotIssue));
    let (status, body) = save_and_publish(&admin, base, &county_list).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["detail"].as_str().unwrap().contains("T1B"),
        "{body}"
    );
    assert_eq!(
        check(base, "养殖户证明", "V1").await.decision,
        Decision::MayIssue
    );
}

#[tokio::test]
async fn an_officer_edits_only_its_own_areas_lists() {
    let srv = county().await;
    let base = &srv.base;
    let t1 = support::logged_in(base, "t1-officer", PASSWORD).await;
    let t2 = support::logged_in(base, "t2-officer", PASSWORD).await;
    let viewer = support::logged_in(base, "t1-viewer", PASSWORD).await;
    let new = |at: &str| json!({"area": at, "title": {"zh": "清单", "en": ""}});
    let post = |c: &Client, body: Value| {
        let c = c.clone();
        let url = format!("{base}/api/v1/town/lists");
        async move { c.post(url).json(&body).send().await.unwrap().status() }
    };
    assert_eq!(post(&t1, new("T2")).await, 403);
    assert_eq!(post(&t1, new("C")).await, 403);
    assert_eq!(post(&viewer, new("T1")).await, 403);
    assert_eq!(post(&t1, new("NOPE")).await, 404);
    assert_eq!(
        post(&t1, new("V1")).await,
        200,
        "a village's own list, below T1"
    );

    let res = t2
        .post(format!("{base}/api/v1/town/lists"))
        .json(&new("T2"))
        .send()
        .await
        .unwrap();
    let mut t2_list: List = res.json().await.unwrap();
    t2_list
        .entries
        .push(entry("T2A", "种植户证明", Status::MayIssue));
    // T1 may not touch T2's list, nor the county's national list.
    assert_eq!(save_and_publish(&t1, base, &t2_list).await.0, 403);
    let national = jianzheng_core::catalogue::Catalogue::default_lists().lists()[0].clone();
    assert_eq!(save_and_publish(&t1, base, &national).await.0, 403);
    let res = t1
        .delete(format!("{base}/api/v1/town/lists/{}/draft", t2_list.id))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // T1 reads neither T2's lists nor lists at V2.
    let res = t1
        .get(format!("{base}/api/v1/town/lists?area=V2"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(save_and_publish(&t2, base, &t2_list).await.0, 200);
    assert!(lists_at(base, Some("V2")).await.contains(&t2_list.id));
    assert!(!lists_at(base, Some("V1")).await.contains(&t2_list.id));

    // Each publish is in the trail with its area.
    let admin = support::town_client(base, PASSWORD).await;
    let rows: Vec<Value> = admin
        .get(format!("{base}/api/v1/town/audit?kind=list_published"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let areas: Vec<&str> = rows.iter().filter_map(|r| r["area"].as_str()).collect();
    assert!(areas.contains(&"T2") && areas.contains(&"V1"), "{rows:?}");
}
