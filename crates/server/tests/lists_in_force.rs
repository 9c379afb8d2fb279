//! The lists in force over real HTTP, on a real SQLite file or PostgreSQL
//! server: the server's own check answers from what the town published, at
//! once and after a restart, and a published version whose stored text
//! cannot be read is named to the town while the newest readable one stays
//! in force.

mod support;

use jianzheng_core::catalogue::{List, ListsFile};
use jianzheng_server::auth::hash_password;
use jianzheng_server::storage::SQLITE_FILE;
use reqwest::Client;
use serde_json::{json, Value};
use sqlx::Connection;
use std::path::Path;
use tempfile::TempDir;

const PASSWORD: &str = "a-long-enough-password";

/// Where a town's data lives, kept across restarts of its server.
struct Data {
    dir: TempDir,
    database_url: Option<String>,
}

impl Data {
    async fn new() -> Data {
        Data {
            dir: TempDir::new().unwrap(),
            database_url: support::fresh_postgres().await,
        }
    }

    /// Starts a server over this data.
    async fn start(&self) -> support::Running {
        let dir = self.dir.path().to_path_buf();
        let url = self.database_url.clone();
        support::start_with(move |config| {
            config.data_dir = dir;
            config.database_url = url;
        })
        .await
    }

    /// Stores a published version with `body` as its text, behind the
    /// server's back (as a damaged disk or a hand edit would).
    async fn write_published(&self, id: &str, version: &str, published: &str, body: &str) {
        let sql = "INSERT INTO published_lists (id, version, published, body, published_at)
                   VALUES ($1, $2, $3, $4, '2026-01-01T00:00:00Z')";
        match &self.database_url {
            Some(url) => {
                let mut db = sqlx::PgConnection::connect(url).await.unwrap();
                let query = sqlx::query(sql).bind(id).bind(version).bind(published);
                query.bind(body).execute(&mut db).await.unwrap();
            }
            None => {
                let file = self.dir.path().join(SQLITE_FILE);
                assert!(file.is_file(), "the server's SQLite file is at {file:?}");
                let mut db = sqlite(&file).await;
                let query = sqlx::query(sql).bind(id).bind(version).bind(published);
                query.bind(body).execute(&mut db).await.unwrap();
            }
        }
    }
}

async fn sqlite(file: &Path) -> sqlx::SqliteConnection {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file);
    sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap()
}

/// A logged-in town administrator.
async fn admin(srv: &support::Running) -> Client {
    support::town_client(&srv.base, PASSWORD).await
}

/// The town's lists as it edits them.
async fn town_lists(srv: &support::Running, c: &Client) -> Vec<Value> {
    let res = c
        .get(format!("{}/api/v1/town/lists", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json::<Vec<Value>>().await.unwrap()
}

/// The town list with id `id`.
fn town_list<'a>(lists: &'a [Value], id: &str) -> &'a Value {
    lists
        .iter()
        .find(|l| l["published"]["id"] == id)
        .unwrap_or_else(|| panic!("{id} is among the town's lists"))
}

/// Publishes the list holding entry `code` with `alias` added to that entry.
async fn publish_alias(srv: &support::Running, c: &Client, code: &str, alias: &str) -> List {
    let lists = town_lists(srv, c).await;
    let edited = lists
        .iter()
        .find(|l| {
            l["published"]["entries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["code"] == code)
        })
        .unwrap();
    let mut draft: List = serde_json::from_value(edited["published"].clone()).unwrap();
    let entry = draft.entries.iter_mut().find(|e| e.code == code).unwrap();
    entry.aliases.push(alias.to_owned());
    let res = c
        .put(format!("{}/api/v1/town/lists/{}/draft", srv.base, draft.id))
        .json(&draft)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = c
        .post(format!(
            "{}/api/v1/town/lists/{}/publish",
            srv.base, draft.id
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The code of the first entry `/api/v1/check` finds for `query`.
async fn first_found(srv: &support::Running, query: &str) -> Option<String> {
    let res = Client::new()
        .get(format!("{}/api/v1/check", srv.base))
        .query(&[("q", query)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["results"][0]["code"].as_str().map(str::to_owned)
}

/// The lists a tablet fetches.
async fn tablet_lists(srv: &support::Running) -> ListsFile {
    let body = reqwest::get(format!("{}/api/v1/lists", srv.base))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    ListsFile::from_json(&body).unwrap()
}

async fn first_start(data: &Data) -> support::Running {
    let srv = data.start().await;
    srv.storage
        .create_user("admin", &hash_password(PASSWORD), false)
        .await
        .unwrap();
    srv
}

/// A synonym no shipped entry has.
const SYNONYM: &str = "龙门阵摆谈单";

#[tokio::test]
async fn a_published_synonym_is_found_by_the_check_at_once_and_after_a_restart() {
    let data = Data::new().await;
    let srv = first_start(&data).await;
    assert_ne!(first_found(&srv, SYNONYM).await.as_deref(), Some("A02"));

    let c = admin(&srv).await;
    publish_alias(&srv, &c, "A02", SYNONYM).await;
    assert_eq!(first_found(&srv, SYNONYM).await.as_deref(), Some("A02"));

    drop(srv);
    let srv = data.start().await;
    assert_eq!(first_found(&srv, SYNONYM).await.as_deref(), Some("A02"));
}

#[tokio::test]
async fn an_unreadable_published_version_is_named_to_the_town_and_the_newest_readable_stays() {
    let data = Data::new().await;
    let srv = first_start(&data).await;
    let c = admin(&srv).await;
    let good = publish_alias(&srv, &c, "A02", SYNONYM).await;
    // A newer version of it, cut short; and the only version of the
    // national list the town published, not even JSON.
    let cut = serde_json::to_string(&good).unwrap();
    let cut = &cut[..cut.find("\"entries\"").unwrap()];
    data.write_published(&good.id, "9999.1", "9999-12-31", cut)
        .await;
    let national = "cn-national-2020-must-not-issue";
    data.write_published(national, "2099.1", "2099-01-01", "not a list")
        .await;

    let lists = town_lists(&srv, &c).await;
    let allowed = town_list(&lists, &good.id);
    assert_eq!(allowed["published"]["version"], good.version.as_str());
    assert_eq!(allowed["unreadable"], json!(["9999.1"]));
    let shipped = town_list(&lists, national);
    assert_eq!(shipped["published"]["version"], "2020.1");
    assert_eq!(shipped["unreadable"], json!(["2099.1"]));
    assert!(lists
        .iter()
        .filter(|l| l["published"]["id"] != good.id && l["published"]["id"] != national)
        .all(|l| l["unreadable"] == json!([])));

    // Tablets get the newest readable versions.
    let file = tablet_lists(&srv).await;
    let fetched = file.lists.iter().find(|l| l.id == good.id).unwrap();
    assert_eq!(fetched, &good);
    let fetched = file.lists.iter().find(|l| l.id == national).unwrap();
    assert_eq!(fetched.version, "2020.1");

    // The check built at the next start uses them too.
    drop(srv);
    let srv = data.start().await;
    assert_eq!(first_found(&srv, SYNONYM).await.as_deref(), Some("A02"));
    assert_eq!(
        first_found(&srv, "开个无犯罪记录的证明").await.as_deref(),
        Some("N05")
    );
    let c = admin(&srv).await;
    let lists = town_lists(&srv, &c).await;
    assert_eq!(town_list(&lists, &good.id)["unreadable"], json!(["9999.1"]));
}
