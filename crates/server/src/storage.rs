//! The server's one storage module: the only place that speaks SQL.
//!
//! SQLite in a file under the data directory, in WAL mode, migrated at start.

use jianzheng_core::catalogue::List;
use jianzheng_core::ledger::{Outcome, Period};
use jianzheng_core::sync::{new_code, CountsPayload, CODE_LEN};
use serde::Serialize;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The file name of the embedded database inside the data directory.
pub const SQLITE_FILE: &str = "jianzheng.sqlite3";

/// A failure of the database.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The data directory could not be created.
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A query or connection failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The system's random source failed.
    #[error("no random numbers: {0}")]
    Random(String),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The server clock as stored: ISO 8601 UTC with milliseconds.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// A device incarnation asking to enrol.
#[derive(Debug)]
pub struct DeviceId<'a> {
    /// Its Ed25519 public key.
    pub key: &'a [u8; 32],
    /// Which enrolment of the tablet.
    pub incarnation: u32,
    /// The village the tablet records for.
    pub village: &'a str,
    /// The tablet's ledger label in the village.
    pub ledger: &'a str,
}

/// An enrolled device incarnation, as the town sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Device {
    /// Its public key.
    pub key: [u8; 32],
    /// Which enrolment of the tablet.
    pub incarnation: u32,
    /// The tablet's label in the village.
    pub ledger: String,
    /// When it enrolled (server time).
    pub enrolled_at: String,
    /// When its last upload arrived (server time).
    pub last_seen_at: Option<String>,
    /// Whether the town revoked it.
    pub revoked: bool,
}

/// What an enrolment did.
#[derive(Debug, PartialEq, Eq)]
pub enum Enrol {
    /// The device is enrolled; the code is used up.
    Enrolled,
    /// The code is unknown or already used.
    InvalidCode,
    /// The code belongs to another village; it stays unused.
    WrongVillage,
}

/// Why a device may not push, or what its upload changed.
#[derive(Debug, PartialEq, Eq)]
pub enum Ingest {
    /// Stored: how many cells rose, went down (kept, flagged) and how many
    /// periods lie in the server's future (stored, flagged).
    Accepted {
        /// Cells that rose.
        raised: u64,
        /// Cells shown lower than already known.
        went_down: u64,
        /// Periods after the server's current month.
        future: u64,
    },
    /// No such device incarnation is enrolled.
    UnknownDevice,
    /// The device is enrolled in another village.
    WrongVillage,
    /// The town revoked the device.
    Revoked,
}

/// Records something the town should look at, in the upload's transaction.
async fn flag(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    device_key: &[u8],
    incarnation: i64,
    kind: &str,
    detail: &str,
) -> Result<(), StorageError> {
    sqlx::query(&format!(
        "INSERT INTO flags (at, device_key, incarnation, kind, detail) VALUES ({NOW}, ?, ?, ?, ?)"
    ))
    .bind(device_key)
    .bind(incarnation)
    .bind(kind)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A ledger cell as stored: period, item, outcome and agency as text.
type LedgerCell = (String, String, String, String);

/// An enrolled device incarnation as stored.
struct Enrolled {
    village: String,
    ledger: String,
    revoked: bool,
}

/// The device that signed `payload` and what its ledger already holds in
/// the periods reported, in one query; `None` if it is not enrolled.
async fn device_and_known_cells(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    payload: &CountsPayload,
) -> Result<Option<(Enrolled, HashMap<LedgerCell, i64>)>, StorageError> {
    let periods = payload.periods.iter().map(|r| r.period.to_string());
    let (first, last) = (
        periods.clone().min().unwrap_or_default(),
        periods.max().unwrap_or_default(),
    );
    let rows = sqlx::query(
        "SELECT d.village, d.ledger, d.revoked_at IS NOT NULL,
                c.period, c.item, c.outcome, c.agency, c.count
         FROM devices d LEFT JOIN ledger_cells c
           ON c.village = d.village AND c.ledger = d.ledger AND c.period BETWEEN ? AND ?
         WHERE d.device_key = ? AND d.incarnation = ?",
    )
    .bind(first)
    .bind(last)
    .bind(&payload.device_key[..])
    .bind(i64::from(payload.incarnation))
    .fetch_all(&mut **tx)
    .await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let device = Enrolled {
        village: row.get(0),
        ledger: row.get(1),
        revoked: row.get(2),
    };
    let known = rows
        .iter()
        .filter_map(|row| {
            let count: Option<i64> = row.get(7);
            Some(((row.get(3), row.get(4), row.get(5), row.get(6)), count?))
        })
        .collect();
    Ok(Some((device, known)))
}

/// Raises ledger cells of `payload` to the given counts (never lowers
/// one), noting the device; many rows per statement.
async fn upsert_cells(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    payload: &CountsPayload,
    cells: &[(LedgerCell, i64)],
) -> Result<(), StorageError> {
    // 10 bindings a row, well under SQLite's limit of 32,766 per statement.
    for chunk in cells.chunks(500) {
        let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO ledger_cells (village, ledger, period, item, outcome, agency, count, device_key, incarnation, updated_at) ",
        );
        query.push_values(
            chunk,
            |mut row, ((period, item, outcome, agency), count)| {
                row.push_bind(&payload.village)
                    .push_bind(&payload.ledger)
                    .push_bind(period)
                    .push_bind(item)
                    .push_bind(outcome)
                    .push_bind(agency)
                    .push_bind(count)
                    .push_bind(&payload.device_key[..])
                    .push_bind(i64::from(payload.incarnation))
                    .push(NOW);
            },
        );
        query.push(
            " ON CONFLICT (village, ledger, period, item, outcome, agency)
             DO UPDATE SET count = excluded.count, device_key = excluded.device_key,
                           incarnation = excluded.incarnation, updated_at = excluded.updated_at
             WHERE excluded.count > ledger_cells.count",
        );
        query.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Every cell of `payload` as a ledger cell and its count.
fn ledger_cells_of(payload: &CountsPayload) -> impl Iterator<Item = (LedgerCell, i64)> + '_ {
    payload.periods.iter().flat_map(|report| {
        let period = report.period.to_string();
        report.cells.iter().map(move |cell| {
            let key = (
                period.clone(),
                cell.item.clone(),
                name_of(&cell.outcome),
                name_of(&cell.agency),
            );
            (key, i64::try_from(cell.count).unwrap_or(i64::MAX))
        })
    })
}

/// The text form of an enum as serde names it (`issued`, `bank`, ...).
fn name_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Storage {
    pool: SqlitePool,
}

impl Storage {
    /// Opens (creating if missing) the SQLite database in `data_dir` and migrates it.
    pub async fn open_in(data_dir: &Path) -> Result<Storage, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let file = data_dir.join(SQLITE_FILE);
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Storage { pool })
    }

    /// A write transaction that takes the write lock at once: a transaction
    /// that reads first and writes later could fail with `SQLITE_BUSY` when
    /// another upload commits in between, which no busy timeout retries.
    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StorageError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Adds a village named by its code, unless it exists.
    pub async fn ensure_village(&self, code: &str) -> Result<(), StorageError> {
        sqlx::query(&format!(
            "INSERT INTO villages (code, name, created_at) VALUES (?, ?, {NOW}) ON CONFLICT (code) DO NOTHING"
        ))
        .bind(code)
        .bind(code)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Adds a village (or renames it).
    pub async fn upsert_village(&self, code: &str, name: &str) -> Result<(), StorageError> {
        sqlx::query(&format!(
            "INSERT INTO villages (code, name, created_at) VALUES (?, ?, {NOW})
             ON CONFLICT (code) DO UPDATE SET name = excluded.name"
        ))
        .bind(code)
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Creates a one-time enrolment code for `village` and returns it.
    pub async fn create_enrolment_code(&self, village: &str) -> Result<String, StorageError> {
        let mut random = [0u8; CODE_LEN];
        getrandom::getrandom(&mut random).map_err(|e| StorageError::Random(e.to_string()))?;
        let code = new_code(random);
        sqlx::query(&format!(
            "INSERT INTO enrolment_codes (code, village, created_at) VALUES (?, ?, {NOW})"
        ))
        .bind(&code)
        .bind(village)
        .execute(&self.pool)
        .await?;
        Ok(code)
    }

    /// Publishes a list (a new version of its id, or a new id).
    pub async fn publish_list(&self, list: &List) -> Result<(), StorageError> {
        let body = serde_json::to_string(list).expect("lists serialize");
        sqlx::query(&format!(
            "INSERT INTO published_lists (id, version, published, body, published_at)
             VALUES (?, ?, ?, ?, {NOW})"
        ))
        .bind(&list.id)
        .bind(&list.version)
        .bind(&list.published)
        .bind(body)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest published version of every list, by publication date and
    /// then by the order of publishing.
    pub async fn published_lists(&self) -> Result<Vec<List>, StorageError> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM published_lists p
             WHERE seq = (SELECT seq FROM published_lists q WHERE q.id = p.id
                          ORDER BY published DESC, seq DESC LIMIT 1)
             ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(bodies
            .iter()
            .filter_map(|body| serde_json::from_str(body).ok())
            .collect())
    }

    /// Uses an enrolment code to enrol a device incarnation writing
    /// `ledger` of `village`. A code for another village is not used up.
    pub async fn enrol(&self, code: &str, device: &DeviceId<'_>) -> Result<Enrol, StorageError> {
        let mut tx = self.write().await?;
        let village: Option<String> = sqlx::query_scalar(
            "SELECT village FROM enrolment_codes WHERE code = ? AND used_at IS NULL",
        )
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?;
        match village {
            None => return Ok(Enrol::InvalidCode),
            Some(v) if v != device.village => return Ok(Enrol::WrongVillage),
            Some(_) => {}
        }
        sqlx::query(&format!(
            "UPDATE enrolment_codes SET used_at = {NOW} WHERE code = ?"
        ))
        .bind(code)
        .execute(&mut *tx)
        .await?;
        let (device_key, incarnation, village, ledger) = (
            device.key,
            device.incarnation,
            device.village,
            device.ledger,
        );
        sqlx::query(&format!(
            "INSERT INTO devices (device_key, incarnation, village, ledger, enrolled_at) VALUES (?, ?, ?, ?, {NOW})
             ON CONFLICT (device_key, incarnation)
             DO UPDATE SET village = excluded.village, ledger = excluded.ledger, revoked_at = NULL"
        ))
        .bind(&device_key[..])
        .bind(i64::from(incarnation))
        .bind(village)
        .bind(ledger)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Enrol::Enrolled)
    }

    /// The device incarnations enrolled in `village`, oldest first.
    pub async fn devices(&self, village: &str) -> Result<Vec<Device>, StorageError> {
        let rows = sqlx::query(
            "SELECT device_key, incarnation, ledger, enrolled_at, last_seen_at, revoked_at IS NOT NULL
             FROM devices WHERE village = ? ORDER BY enrolled_at, ledger",
        )
        .bind(village)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let key: Vec<u8> = row.get(0);
                Some(Device {
                    key: key.try_into().ok()?,
                    incarnation: u32::try_from(row.get::<i64, _>(1)).ok()?,
                    ledger: row.get(2),
                    enrolled_at: row.get(3),
                    last_seen_at: row.get(4),
                    revoked: row.get(5),
                })
            })
            .collect())
    }

    /// Revokes a device incarnation: its uploads are refused from now on.
    pub async fn revoke(
        &self,
        device_key: &[u8; 32],
        incarnation: u32,
    ) -> Result<bool, StorageError> {
        let done = sqlx::query(&format!(
            "UPDATE devices SET revoked_at = {NOW} WHERE device_key = ? AND incarnation = ? AND revoked_at IS NULL"
        ))
        .bind(&device_key[..])
        .bind(i64::from(incarnation))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a verified upload in one transaction: per ledger cell the
    /// maximum, the periods reported, a receipt with the server's time
    /// (which also marks the device seen), and flags for cells that went
    /// down and periods after `current`. The device and what its ledger
    /// holds are read in one query; risen cells are written in one.
    pub async fn ingest(
        &self,
        payload: &CountsPayload,
        current: Period,
    ) -> Result<Ingest, StorageError> {
        let key = &payload.device_key[..];
        let incarnation = i64::from(payload.incarnation);
        let mut tx = self.write().await?;
        let Some((device, known)) = device_and_known_cells(&mut tx, payload).await? else {
            return Ok(Ingest::UnknownDevice);
        };
        if device.revoked {
            return Ok(Ingest::Revoked);
        }
        if device.village != payload.village || device.ledger != payload.ledger {
            return Ok(Ingest::WrongVillage);
        }
        let (village, ledger) = (device.village, device.ledger);
        let mut future = 0u64;
        for report in payload.periods.iter().filter(|r| r.period > current) {
            future += 1;
            let period = report.period.to_string();
            flag(&mut tx, key, incarnation, "future_period", &period).await?;
        }
        if !payload.periods.is_empty() {
            let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT INTO period_reports (device_key, incarnation, village, period, closed, received_at) ",
            );
            query.push_values(&payload.periods, |mut row, report| {
                row.push_bind(key)
                    .push_bind(incarnation)
                    .push_bind(&village)
                    .push_bind(report.period.to_string())
                    .push_bind(report.closed)
                    .push(NOW);
            });
            query.push(
                " ON CONFLICT (device_key, incarnation, period)
                 DO UPDATE SET closed = MAX(closed, excluded.closed), received_at = excluded.received_at",
            );
            query.build().execute(&mut *tx).await?;
        }
        let mut risen = Vec::new();
        let mut went_down = 0u64;
        for (cell, count) in ledger_cells_of(payload) {
            match known.get(&cell) {
                Some(&old) if old > count => {
                    went_down += 1;
                    let (period, item, outcome, agency) = &cell;
                    let detail =
                        format!("{ledger} {period} {item} {outcome} {agency}: {old} -> {count}");
                    flag(&mut tx, key, incarnation, "went_down", &detail).await?;
                }
                Some(&old) if old == count => {}
                _ => risen.push((cell, count)),
            }
        }
        upsert_cells(&mut tx, payload, &risen).await?;
        let raised = risen.len() as u64;
        sqlx::query(&format!(
            "INSERT INTO receipts (received_at, device_key, incarnation, village, raised, went_down, future)
             VALUES ({NOW}, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(key)
        .bind(incarnation)
        .bind(&village)
        .bind(raised as i64)
        .bind(went_down as i64)
        .bind(future as i64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ingest::Accepted {
            raised,
            went_down,
            future,
        })
    }

    /// Writes the cells of `payload` straight into the ledger, with the
    /// same statement as `ingest` but no decoding, device check, reading or
    /// flags: the baseline `ingest` is measured against.
    pub async fn raw_upsert(&self, payload: &CountsPayload) -> Result<(), StorageError> {
        let mut tx = self.write().await?;
        let cells: Vec<_> = ledger_cells_of(payload).collect();
        upsert_cells(&mut tx, payload, &cells).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A village's totals for a month, per outcome, summed over ledgers.
    pub async fn village_totals(
        &self,
        village: &str,
        period: Period,
    ) -> Result<BTreeMap<Outcome, u64>, StorageError> {
        let rows = sqlx::query("SELECT outcome, SUM(count) FROM ledger_cells WHERE village = ? AND period = ? GROUP BY outcome")
            .bind(village)
            .bind(period.to_string())
            .fetch_all(&self.pool)
            .await?;
        let mut totals = BTreeMap::new();
        for row in rows {
            let name: String = row.get(0);
            let sum: i64 = row.get(1);
            if let Ok(outcome) = serde_json::from_value::<Outcome>(serde_json::Value::String(name))
            {
                totals.insert(outcome, sum.max(0) as u64);
            }
        }
        Ok(totals)
    }

    /// How many rows a table holds (for tests and health).
    pub async fn count_rows(&self, table: &'static str) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await?)
    }

    /// Checks that the database answers; returns the applied schema version.
    pub async fn health(&self) -> Result<i64, StorageError> {
        let version: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(version)
    }
}
