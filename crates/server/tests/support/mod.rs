//! Starting a real server for a test: on a free loopback port, over a fresh
//! SQLite file, or over a fresh database on the PostgreSQL server named by
//! `JIANZHENG_TEST_POSTGRES` (an administrator's URL; `scripts/test` starts
//! a throwaway cluster and runs every test on both).
#![allow(dead_code)] // Each test file uses part of it.

pub mod binary;

use jianzheng_core::area::Area;
use jianzheng_server::storage::Storage;
use jianzheng_server::{AppFiles, Config, Server};
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};
use tempfile::TempDir;
use tokio::sync::oneshot;

/// The variable naming the PostgreSQL server to test against.
pub const POSTGRES_VAR: &str = "JIANZHENG_TEST_POSTGRES";

/// A running server; stops when dropped.
pub struct Running {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The server's storage, for set-up and for reading what it stored.
    pub storage: Storage,
    /// The data directory (holds the SQLite file on SQLite).
    pub data: TempDir,
    /// The PostgreSQL database, when the server runs on one.
    pub database_url: Option<String>,
    _dist: TempDir,
    _stop: oneshot::Sender<()>,
}

/// A new, empty database on the test PostgreSQL server, if one is named.
pub async fn fresh_postgres() -> Option<String> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin = std::env::var(POSTGRES_VAR).ok()?;
    let name = format!(
        "jz_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("the test PostgreSQL server answers");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let mut url = reqwest::Url::parse(&admin).expect("a URL");
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

/// Starts a server over the built app in `dist`.
pub async fn start_with_dist(dist: TempDir) -> Running {
    start_configured(dist, |_| {}).await
}

/// An app of bare shells, one per area: enough for the server to start.
pub fn bare_app() -> TempDir {
    let dist = TempDir::new().unwrap();
    for area in Area::ALL {
        std::fs::write(dist.path().join(area.shell()), "<!doctype html>").unwrap();
    }
    dist
}

/// Starts a server over an empty app, with `configure` applied to its
/// configuration.
pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Running {
    start_configured(bare_app(), configure).await
}

async fn start_configured(dist: TempDir, configure: impl FnOnce(&mut Config)) -> Running {
    // The server's errors show in the output of a failing test.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    let data = TempDir::new().unwrap();
    let mut config = Config {
        addr: "127.0.0.1:0".into(),
        data_dir: data.path().join("data"),
        database_url: fresh_postgres().await,
        app: AppFiles::Dir(dist.path().to_path_buf()),
        ..Config::default()
    };
    configure(&mut config);
    let database_url = config.database_url.clone();
    let server = Server::bind(config).await.expect("server starts");
    let base = format!("http://{}", server.local_addr());
    let storage = server.storage().clone();
    let expected = match std::env::var_os(POSTGRES_VAR) {
        Some(_) => "postgres",
        None => "sqlite",
    };
    assert_eq!(storage.backend_name(), expected);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    Running {
        base,
        storage,
        data,
        database_url,
        _dist: dist,
        _stop: stop,
    }
}

/// Starts a server whose app is a bare `index.html`.
pub async fn start() -> Running {
    start_with(|_| {}).await
}

/// A client logged in to the town at `base` as `admin` with `password`,
/// keeping its session cookie.
pub async fn town_client(base: &str, password: &str) -> reqwest::Client {
    logged_in(base, "admin", password).await
}

/// A client logged in to the town at `base` as `name`, keeping its
/// session cookie.
pub async fn logged_in(base: &str, name: &str, password: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = client
        .post(format!("{base}/api/v1/town/login"))
        .json(&serde_json::json!({"name": name, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{name} logs in");
    client
}

/// Adds the account `name` with `role` in `area` and `password`, already
/// changed (no one-time password to change first).
pub async fn account(
    storage: &jianzheng_server::storage::Storage,
    name: &str,
    role: &str,
    area: &str,
    password: &str,
) {
    let account = jianzheng_server::storage::NewAccount {
        name,
        display_name: None,
        role,
        area: Some(area),
    };
    let hash = jianzheng_server::auth::hash_password(password);
    assert!(
        storage
            .create_account(&account, &hash, false)
            .await
            .unwrap(),
        "{name} is new"
    );
}

/// Makes `villages` exist from `first` (`YYYY-MM`) on, as a town does
/// for villages that moved in with history: the tests' figures reach back
/// before the month the villages were added.
pub async fn existing_since(
    storage: &jianzheng_server::storage::Storage,
    villages: &[&str],
    first: &str,
) {
    let first = jianzheng_core::ledger::Period::parse(first).expect("YYYY-MM");
    for village in villages {
        let done = storage
            .set_village_span(village, |span| span.starting(first))
            .await
            .expect("the span is stored");
        assert_eq!(
            done,
            jianzheng_server::storage::VillageChange::Done,
            "{village}"
        );
    }
}

/// An area of the tree named `区{code}`.
pub fn tree_area(
    code: &str,
    level: jianzheng_core::org::Level,
    parent: Option<&str>,
) -> jianzheng_core::org::Area {
    jianzheng_core::org::Area {
        code: code.parse().unwrap(),
        name: format!("区{code}").parse().unwrap(),
        level,
        parent: parent.map(|p| p.parse().unwrap()),
    }
}

/// Starts a server over a database that is already there (made elsewhere,
/// e.g. by an older version): the SQLite file in `data` (named
/// [`jianzheng_server::storage::SQLITE_FILE`]) when `database_url` is
/// `None`, else the PostgreSQL database it names. Says why when the server
/// does not start.
pub async fn start_over(
    data: TempDir,
    database_url: Option<String>,
) -> Result<Running, jianzheng_server::StartError> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    let dist = bare_app();
    let config = Config {
        addr: "127.0.0.1:0".into(),
        data_dir: data.path().to_path_buf(),
        database_url: database_url.clone(),
        app: AppFiles::Dir(dist.path().to_path_buf()),
        ..Config::default()
    };
    let server = Server::bind(config).await?;
    let base = format!("http://{}", server.local_addr());
    let storage = server.storage().clone();
    let expected = match database_url {
        Some(_) => "postgres",
        None => "sqlite",
    };
    assert_eq!(storage.backend_name(), expected);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    Ok(Running {
        base,
        storage,
        data,
        database_url,
        _dist: dist,
        _stop: stop,
    })
}

/// Runs `sqlite` or `postgres` (statements separated by `;;`) on the
/// test server's database, beside the server; whether each succeeded.
pub async fn run_beside(srv: &Running, sqlite: &str, postgres: &str) -> Vec<bool> {
    let mut done = Vec::new();
    match &srv.database_url {
        Some(url) => {
            let mut db = sqlx::PgConnection::connect(url).await.unwrap();
            for sql in postgres.split(";;") {
                done.push(sqlx::query(sql).execute(&mut db).await.is_ok());
            }
        }
        None => {
            let file = srv
                .data
                .path()
                .join("data")
                .join(jianzheng_server::storage::SQLITE_FILE);
            let mut db = sqlx::SqliteConnection::connect(&format!("sqlite:{}", file.display()))
                .await
                .unwrap();
            for sql in sqlite.split(";;") {
                done.push(sqlx::query(sql).execute(&mut db).await.is_ok());
            }
        }
    }
    done
}
