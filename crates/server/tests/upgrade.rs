//! Upgrades from every version (issue 19): a database made by the code of
//! each earlier schema version (tests/fixtures/upgrade, made by
//! `scripts/make-upgrade-fixture`) is opened by today's server, which must
//! show every village, tablet, baseline, setting, list and draft, every
//! village month's counts and the dashboard's figures as the old server did.
//! On SQLite always; on PostgreSQL when `JIANZHENG_TEST_POSTGRES` names a
//! server (the dump is restored into a fresh database with `pg_restore`).

mod support;

use jianzheng_server::storage::SQLITE_FILE;
use serde_json::{json, Map, Value};
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// The schema versions with fixtures; each has a test per backend below.
const VERSIONS: [u32; 8] = [5, 6, 7, 8, 9, 10, 11, 12];

/// The first schema version a release had (versions 1 to 4 had no way to
/// put data in; fixtures/upgrade/README.md).
const FIRST_RELEASED: u32 = 5;

/// The administrator's password in every fixture (the script sets it).
const PASSWORD: &str = "upgrade-fixture-password";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade")
}

fn fixture(version: u32, suffix: &str) -> PathBuf {
    fixtures().join(format!("v{version}.{suffix}"))
}

/// What the old server showed, in the shape [`read_town`] builds.
fn expected(version: u32, backend: &str) -> Value {
    let path = fixture(version, &format!("{backend}.expected.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Today's server over a copy of the SQLite fixture of `version`.
async fn on_sqlite(version: u32) {
    let data = TempDir::new().unwrap();
    std::fs::copy(fixture(version, "sqlite3"), data.path().join(SQLITE_FILE))
        .expect("the SQLite fixture is there");
    let server = support::start_over(data, None).await.unwrap_or_else(|e| {
        panic!("today's server does not open the v{version} SQLite database: {e} ({e:?})")
    });
    check(version, "sqlite", &server).await;
}

/// Today's server over the PostgreSQL dump of `version`, restored into a
/// fresh database.
async fn on_postgresql(version: u32) {
    let Some(url) = support::fresh_postgres().await else {
        return; // Run by scripts/test's PostgreSQL pass.
    };
    let dump = fixture(version, "pgdump");
    assert!(dump.is_file(), "{} is there", dump.display());
    let restored = Command::new("pg_restore")
        .args([
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            &url,
        ])
        .arg(&dump)
        .output()
        .expect("pg_restore runs");
    assert!(
        restored.status.success(),
        "pg_restore of {}: {}",
        dump.display(),
        String::from_utf8_lossy(&restored.stderr)
    );
    let server = support::start_over(TempDir::new().unwrap(), Some(url))
        .await
        .unwrap_or_else(|e| {
            panic!("today's server does not open the v{version} PostgreSQL database: {e} ({e:?})")
        });
    check(version, "pg", &server).await;
}

async fn check(version: u32, backend: &str, server: &support::Running) {
    // Schema 11 took each reported month's first arrival after its end
    // from the receipts the older server kept.
    let arrivals = server
        .storage
        .arrivals_within(
            jianzheng_core::ledger::Period {
                year: 2000,
                month: 1,
            },
            jianzheng_core::ledger::Period {
                year: 2100,
                month: 12,
            },
            None,
        )
        .await
        .unwrap();
    assert!(
        arrivals.values().any(|months| !months.is_empty()),
        "the v{version} {backend} receipts give arrivals"
    );
    let mut expected = expected(version, backend);
    villages_exist_from_their_first_month(&mut expected);
    let seen = read_town(server, &expected["range"]).await;
    let mut differences = Vec::new();
    compare("", &expected, &seen, &mut differences);
    assert!(
        differences.is_empty(),
        "today's server shows the v{version} {backend} town otherwise than the v{version} server did \
         ({} differences, expected / seen):\n{}",
        differences.len(),
        differences
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

macro_rules! upgrade_tests {
    ($($version:literal: $sqlite:ident, $pg:ident;)*) => {$(
        #[tokio::test]
        async fn $sqlite() {
            on_sqlite($version).await;
        }

        #[tokio::test]
        async fn $pg() {
            on_postgresql($version).await;
        }
    )*};
}

upgrade_tests! {
    5: a_version_5_town_on_sqlite_is_all_there, a_version_5_town_on_postgresql_is_all_there;
    6: a_version_6_town_on_sqlite_is_all_there, a_version_6_town_on_postgresql_is_all_there;
    7: a_version_7_town_on_sqlite_is_all_there, a_version_7_town_on_postgresql_is_all_there;
    8: a_version_8_town_on_sqlite_is_all_there, a_version_8_town_on_postgresql_is_all_there;
    9: a_version_9_town_on_sqlite_is_all_there, a_version_9_town_on_postgresql_is_all_there;
    10: a_version_10_town_on_sqlite_is_all_there, a_version_10_town_on_postgresql_is_all_there;
    11: a_version_11_town_on_sqlite_is_all_there, a_version_11_town_on_postgresql_is_all_there;
    12: a_version_12_town_on_sqlite_is_all_there, a_version_12_town_on_postgresql_is_all_there;
}

/// The newest schema version today's server knows.
fn newest_schema() -> u32 {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().ok()?;
            name.get(..4)?.parse::<u32>().ok()
        })
        .max()
        .expect("migrations")
}

#[tokio::test]
async fn every_released_schema_version_has_fixtures_made_at_that_version() {
    let newest = newest_schema();
    // Every version before today's must have fixtures (today's may).
    for version in FIRST_RELEASED..newest {
        assert!(
            VERSIONS.contains(&version),
            "schema version {version} has no upgrade fixture: make one with scripts/make-upgrade-fixture \
             from the last commit of that version (fixtures/upgrade/README.md) and add it to VERSIONS"
        );
    }
    for version in VERSIONS {
        for suffix in [
            "sqlite3",
            "pgdump",
            "sqlite.expected.json",
            "pg.expected.json",
        ] {
            let path = fixture(version, suffix);
            assert!(path.is_file(), "{} is missing", path.display());
        }
        // The SQLite fixture is of the version it is named after.
        let path = fixture(version, "sqlite3");
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .read_only(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        let (applied,): (i64,) =
            sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(applied, i64::from(version), "{}", path.display());
    }
}

// --- Today's town, in the fixtures' shape -----------------------------------
//
// The shape (scripts/make-upgrade-fixture writes the same from the old
// server's answers): villages, tablets, baselines, the silent days, the
// lists the town published (newest version) and its drafts, every
// village's months, and the dashboard, each sorted. Keep the two in step.

async fn get(client: &reqwest::Client, base: &str, path: &str) -> Value {
    let res = client
        .get(format!("{base}/api/v1{path}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.unwrap()
}

fn period(p: &Value) -> String {
    match p {
        Value::String(s) => s.clone(),
        p => format!(
            "{:04}-{:02}",
            p["year"].as_i64().expect("a year"),
            p["month"].as_i64().expect("a month")
        ),
    }
}

fn counts(c: &Value) -> Value {
    json!({
        "issued": c["issued"],
        "refused": c["refused"],
        "unlisted": c["unlisted"],
        "voided": c["voided"],
    })
}

fn rate(r: &Value) -> Value {
    if r["kind"] == "value" {
        json!({"kind": r["kind"], "rate": r["rate"]})
    } else {
        json!({"kind": r["kind"]})
    }
}

fn entries(list: &Value) -> Value {
    let mut entries: Vec<Value> = list["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| json!({"code": e["code"], "name": e["name"]["zh"], "aliases": e["aliases"]}))
        .collect();
    sort_by(&mut entries, |e| e["code"].to_string());
    Value::Array(entries)
}

fn sort_by(items: &mut [Value], key: impl Fn(&Value) -> String) {
    items.sort_by_key(|item| key(item));
}

fn array(v: &Value) -> &Vec<Value> {
    v.as_array().expect("an array")
}

/// A village over the range on the dashboard: a bare rate once, later the
/// range's rate with its sums (whose baseline is the one compared).
fn village_summary(v: &Value) -> Value {
    let (baseline, r) = match &v["rate"]["rate"] {
        inner @ Value::Object(_) => (v["rate"]["baseline"].clone(), inner),
        _ => (v["baseline"].clone(), &v["rate"]),
    };
    json!({
        "code": v["code"],
        "name": v["name"],
        "counts": counts(&v["counts"]),
        "baseline": baseline,
        "rate": rate(r),
        "months_reported": v["months_reported"],
        "months": v["months"],
    })
}

fn flagged(items: &Value) -> Value {
    let mut out: Vec<Value> = array(items)
        .iter()
        .map(|f| json!({"key": f["key"], "refused": f["refused"], "unlisted": f["unlisted"]}))
        .collect();
    sort_by(&mut out, |f| f["key"].to_string());
    Value::Array(out)
}

/// What today's server shows of the town, as an administrator sees it
/// (and, for which lists the town published, as its storage reads them).
async fn read_town(server: &support::Running, range: &Value) -> Value {
    let base = &server.base;
    let client = support::town_client(base, PASSWORD).await;
    let me = get(&client, base, "/town/me").await;
    assert_eq!(me["must_change"], false, "{me}");
    let (from, to) = (
        range["from"].as_str().expect("from"),
        range["to"].as_str().expect("to"),
    );
    let query = format!("from={from}&to={to}");

    let villages = get(&client, base, "/town/villages").await;
    let baselines = get(&client, base, "/town/baselines").await;
    let settings = get(&client, base, "/town/settings").await;
    let lists = get(&client, base, "/town/lists").await;
    let dashboard = get(&client, base, &format!("/town/dashboard?{query}")).await;

    let mut months = Map::new();
    for v in array(&villages) {
        let code = v["code"].as_str().expect("a code");
        let row = get(
            &client,
            base,
            &format!("/town/villages/{code}/months?{query}"),
        )
        .await;
        let by_month: Map<String, Value> = array(&row["months"])
            .iter()
            .map(|m| {
                let mut month = counts(&m["counts"]);
                month["reported"] = m["reported"].clone();
                month["baseline"] = m["baseline"].clone();
                month["rate"] = rate(&m["rate"]);
                (period(&m["period"]), month)
            })
            .collect();
        months.insert(code.to_owned(), Value::Object(by_month));
    }

    let published = server
        .storage
        .published_lists()
        .await
        .expect("the published lists read");
    assert!(
        published.unreadable.is_empty(),
        "published list versions today's server cannot read: {:?}",
        published.unreadable
    );
    let ids: Vec<&str> = published.lists.iter().map(|l| l.list.id.as_str()).collect();

    let mut village_list: Vec<Value> = array(&villages)
        .iter()
        .map(|v| json!({"code": v["code"], "name": v["name"]}))
        .collect();
    sort_by(&mut village_list, |v| v["code"].to_string());
    let mut devices: Vec<Value> = array(&villages)
        .iter()
        .flat_map(|v| {
            array(&v["devices"]).iter().map(move |d| {
                json!({
                    "village": v["code"],
                    "key": d["key"],
                    "incarnation": d["incarnation"],
                    "ledger": d["ledger"],
                    "enrolled_at": d["enrolled_at"],
                    "last_seen_at": d["last_seen_at"],
                    "revoked": d["revoked"],
                })
            })
        })
        .collect();
    sort_by(&mut devices, |d| {
        format!(
            "{}/{}/{:010}",
            d["village"],
            d["key"],
            d["incarnation"].as_u64().unwrap_or_default()
        )
    });
    let mut baseline_entries: Vec<Value> = array(&baselines["baselines"])
        .iter()
        .map(|b| {
            json!({
                "village": b["village"],
                "period": period(&b["period"]),
                "count": b["count"],
                "source": b["source"],
            })
        })
        .collect();
    sort_by(&mut baseline_entries, |b| {
        format!("{}/{}", b["village"], b["period"])
    });
    let mut town_lists: Vec<Value> = array(&lists)
        .iter()
        .map(|l| &l["published"])
        .filter(|l| ids.contains(&l["id"].as_str().unwrap_or_default()))
        .map(|l| {
            json!({
                "id": l["id"],
                "version": l["version"],
                "published": l["published"],
                "entries": entries(l),
            })
        })
        .collect();
    sort_by(&mut town_lists, |l| l["id"].to_string());
    let mut drafts: Vec<Value> = array(&lists)
        .iter()
        .filter(|l| !l["draft"].is_null())
        .map(|l| json!({"id": l["draft"]["id"], "entries": entries(&l["draft"])}))
        .collect();
    sort_by(&mut drafts, |l| l["id"].to_string());

    let mut town: Vec<Value> = array(&dashboard["town"])
        .iter()
        .map(|t| {
            json!({
                "period": period(&t["period"]),
                "counts": counts(&t["counts"]),
                "baseline": t["baseline"],
                "issued_net_with_baseline": t["issued_net_with_baseline"],
                "rate": rate(&t["rate"]),
                "villages_reported": t["villages_reported"],
                "baseline_villages_reported": t["baseline_villages_reported"],
                "villages_with_baseline": t["villages_with_baseline"],
                "villages": t["villages"],
            })
        })
        .collect();
    sort_by(&mut town, |t| t["period"].to_string());
    // Today's rows are the areas below the root: the villages of the one town.
    let mut summaries: Vec<Value> = array(&dashboard["rows"])
        .iter()
        .map(village_summary)
        .collect();
    sort_by(&mut summaries, |v| v["code"].to_string());

    json!({
        "range": range,
        "villages": village_list,
        "devices": devices,
        "baselines": {"year": baselines["year"], "entries": baseline_entries},
        "settings": {"stale_days": settings["stale_days"]},
        "lists": town_lists,
        "drafts": drafts,
        "months": months,
        "dashboard": {
            "months": array(&dashboard["months"]).iter().map(period).collect::<Vec<_>>(),
            "baseline_year": dashboard["baseline_year"],
            "town": town,
            "villages": summaries,
            "by_agency": flagged(&dashboard["by_agency"]),
            "by_item": flagged(&dashboard["by_item"]),
        },
    })
}

/// What schema 13 shows otherwise, on purpose (issue 36): a village counts
/// only from its first month. Every fixture added two villages with no
/// figures and no baseline (`UPG001`, `UPG002`) in the month after the
/// range it reads: the old server counted them missing in every month of
/// it; today's counts them nowhere there.
fn villages_exist_from_their_first_month(expected: &mut Value) {
    let months = expected["months"].as_object().expect("months by village");
    let baselined: Vec<&Value> = array(&expected["baselines"]["entries"])
        .iter()
        .map(|b| &b["village"])
        .collect();
    let added_after: Vec<String> = months
        .iter()
        .filter(|(code, by_month)| {
            let quiet = by_month.as_object().expect("months").values().all(|m| {
                m["reported"] == false
                    && ["issued", "refused", "unlisted", "voided"]
                        .iter()
                        .all(|k| m[*k].as_u64().unwrap_or(0) == 0)
            });
            quiet && !baselined.iter().any(|v| v.as_str() == Some(code.as_str()))
        })
        .map(|(code, _)| code.clone())
        .collect();
    assert!(
        !added_after.is_empty(),
        "every fixture adds villages with no figures"
    );
    for code in &added_after {
        for month in expected["months"][code]
            .as_object_mut()
            .unwrap()
            .values_mut()
        {
            month["rate"] = json!({"kind": "not_applicable"});
        }
    }
    let n = added_after.len() as u64;
    for town in expected["dashboard"]["town"].as_array_mut().unwrap() {
        town["villages"] = json!(town["villages"].as_u64().unwrap() - n);
    }
    for row in expected["dashboard"]["villages"].as_array_mut().unwrap() {
        if added_after
            .iter()
            .any(|c| row["code"].as_str() == Some(c.as_str()))
        {
            row["months"] = json!(0);
            row["rate"]["kind"] = json!("not_applicable");
        }
    }
}

/// Notes in `out` where `seen` differs from `expected`: keys missing or
/// extra, values unequal (rates within a rounding of each other).
fn compare(path: &str, expected: &Value, seen: &Value, out: &mut Vec<String>) {
    match (expected, seen) {
        (Value::Object(e), Value::Object(s)) => {
            for (key, value) in e {
                let at = format!("{path}/{key}");
                match s.get(key) {
                    Some(other) => compare(&at, value, other, out),
                    None => out.push(format!("{at}: {value} / missing")),
                }
            }
            for key in s.keys().filter(|k| !e.contains_key(*k)) {
                out.push(format!("{path}/{key}: missing / {}", s[key]));
            }
        }
        (Value::Array(e), Value::Array(s)) => {
            if e.len() != s.len() {
                out.push(format!("{path}: {} items / {} items", e.len(), s.len()));
            }
            for (i, (a, b)) in e.iter().zip(s).enumerate() {
                compare(&format!("{path}/{i}"), a, b, out);
            }
        }
        (Value::Number(e), Value::Number(s)) if e.is_f64() || s.is_f64() => {
            let (a, b) = (e.as_f64().unwrap(), s.as_f64().unwrap());
            if (a - b).abs() > 1e-12 * a.abs().max(1.0) {
                out.push(format!("{path}: {a} / {b}"));
            }
        }
        (e, s) if e == s => {}
        (e, s) => out.push(format!("{path}: {e} / {s}")),
    }
}

/// Schema 13 withdraws an approval of a month no tablet reported (it locked
/// nothing real), and says so in the audit trail, on SQLite.
#[tokio::test]
async fn an_approval_of_a_month_never_reported_is_withdrawn_by_the_upgrade_and_audited() {
    let data = TempDir::new().unwrap();
    let file = data.path().join(SQLITE_FILE);
    std::fs::copy(fixture(12, "sqlite3"), &file).unwrap();
    {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&file);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        // UPG001 reported nothing; 140105000001 reported every month.
        for village in ["UPG001", "140105000001"] {
            sqlx::query(
                "INSERT INTO approved_months (village, period, approved_at, approved_by)
                 VALUES ($1, '2025-06', '2025-07-10T00:00:00.000Z', 'admin')",
            )
            .bind(village)
            .execute(&mut conn)
            .await
            .unwrap();
        }
        conn.close().await.unwrap();
    }
    let server = support::start_over(data, None).await.unwrap();
    let approved = server
        .storage
        .approved_within(
            jianzheng_core::ledger::Period::parse("2025-06").unwrap(),
            jianzheng_core::ledger::Period::parse("2025-06").unwrap(),
            None,
        )
        .await
        .unwrap();
    let villages: Vec<&str> = approved.keys().map(String::as_str).collect();
    assert_eq!(
        villages,
        ["140105000001"],
        "the reported month stays approved"
    );
    let client = support::town_client(&server.base, PASSWORD).await;
    let trail = get(&client, &server.base, "/town/audit?kind=approval_withdrawn").await;
    let rows = array(&trail);
    assert_eq!(rows.len(), 1, "{trail}");
    assert_eq!(rows[0]["area"], "UPG001");
    assert!(
        rows[0]["detail"]["zh"]
            .as_str()
            .unwrap()
            .starts_with("2025-06："),
        "{trail}"
    );
    assert!(rows[0]["detail"]["en"]
        .as_str()
        .unwrap()
        .contains("never reported"));
}
