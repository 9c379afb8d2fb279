//! The server's one storage module: the only place that speaks SQL.
//!
//! SQLite in a file under the data directory, in WAL mode, migrated at start.

use jianzheng_core::ledger::{Outcome, Period};
use jianzheng_core::sync::CountsPayload;
use serde::Serialize;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;
use std::collections::BTreeMap;
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
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The server clock as stored: ISO 8601 UTC with milliseconds.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

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

    /// Stores a one-time enrolment code for `village`.
    pub async fn add_enrolment_code(&self, village: &str, code: &str) -> Result<(), StorageError> {
        sqlx::query(&format!(
            "INSERT INTO enrolment_codes (code, village, created_at) VALUES (?, ?, {NOW})"
        ))
        .bind(code)
        .bind(village)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Uses an enrolment code to enrol a device incarnation; returns its
    /// village, or `None` if the code is unknown or used.
    pub async fn enrol(
        &self,
        code: &str,
        device_key: &[u8; 32],
        incarnation: u32,
    ) -> Result<Option<String>, StorageError> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(&format!(
            "UPDATE enrolment_codes SET used_at = {NOW} WHERE code = ? AND used_at IS NULL RETURNING village"
        ))
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = claimed else { return Ok(None) };
        let village: String = row.get(0);
        sqlx::query(&format!(
            "INSERT INTO devices (device_key, incarnation, village, enrolled_at) VALUES (?, ?, ?, {NOW})
             ON CONFLICT (device_key, incarnation) DO UPDATE SET village = excluded.village, revoked_at = NULL"
        ))
        .bind(&device_key[..])
        .bind(i64::from(incarnation))
        .bind(&village)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(village))
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

    /// Stores a verified upload in one transaction: per cell the maximum,
    /// the periods reported, a receipt with the server's time, and flags for
    /// cells that went down and periods after `current`.
    pub async fn ingest(
        &self,
        payload: &CountsPayload,
        current: Period,
    ) -> Result<Ingest, StorageError> {
        let key = &payload.device_key[..];
        let incarnation = i64::from(payload.incarnation);
        let mut tx = self.pool.begin().await?;
        let device = sqlx::query("SELECT village, revoked_at IS NOT NULL FROM devices WHERE device_key = ? AND incarnation = ?")
            .bind(key)
            .bind(incarnation)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(device) = device else {
            return Ok(Ingest::UnknownDevice);
        };
        let (village, revoked): (String, bool) = (device.get(0), device.get(1));
        if revoked {
            return Ok(Ingest::Revoked);
        }
        if village != payload.village {
            return Ok(Ingest::WrongVillage);
        }
        let (mut raised, mut went_down, mut future) = (0u64, 0u64, 0u64);
        for report in &payload.periods {
            let period = report.period.to_string();
            if report.period > current {
                future += 1;
                flag(&mut tx, key, incarnation, "future_period", &period).await?;
            }
            sqlx::query(&format!(
                "INSERT INTO period_reports (device_key, incarnation, village, period, closed, received_at)
                 VALUES (?, ?, ?, ?, ?, {NOW})
                 ON CONFLICT (device_key, incarnation, period)
                 DO UPDATE SET closed = MAX(closed, excluded.closed), received_at = excluded.received_at"
            ))
            .bind(key)
            .bind(incarnation)
            .bind(&village)
            .bind(&period)
            .bind(report.closed)
            .execute(&mut *tx)
            .await?;
            for cell in &report.cells {
                let (outcome, agency) = (name_of(&cell.outcome), name_of(&cell.agency));
                let count = i64::try_from(cell.count).unwrap_or(i64::MAX);
                let before: Option<i64> = sqlx::query_scalar(
                    "SELECT count FROM cells WHERE device_key = ? AND incarnation = ? AND period = ? AND item = ? AND outcome = ? AND agency = ?",
                )
                .bind(key)
                .bind(incarnation)
                .bind(&period)
                .bind(&cell.item)
                .bind(&outcome)
                .bind(&agency)
                .fetch_optional(&mut *tx)
                .await?;
                match before {
                    Some(old) if old >= count => {
                        if old > count {
                            went_down += 1;
                            let detail = format!(
                                "{period} {} {outcome} {agency}: {old} -> {count}",
                                cell.item
                            );
                            flag(&mut tx, key, incarnation, "went_down", &detail).await?;
                        }
                    }
                    _ => {
                        raised += 1;
                        sqlx::query(&format!(
                            "INSERT INTO cells (village, device_key, incarnation, period, item, outcome, agency, count, updated_at)
                             VALUES (?, ?, ?, ?, ?, ?, ?, ?, {NOW})
                             ON CONFLICT (device_key, incarnation, period, item, outcome, agency)
                             DO UPDATE SET count = MAX(count, excluded.count), updated_at = excluded.updated_at"
                        ))
                        .bind(&village)
                        .bind(key)
                        .bind(incarnation)
                        .bind(&period)
                        .bind(&cell.item)
                        .bind(&outcome)
                        .bind(&agency)
                        .bind(count)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
        }
        sqlx::query(&format!(
            "UPDATE devices SET last_seen_at = {NOW} WHERE device_key = ? AND incarnation = ?"
        ))
        .bind(key)
        .bind(incarnation)
        .execute(&mut *tx)
        .await?;
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

    /// A village's totals for a month, per outcome, summed over devices.
    pub async fn village_totals(
        &self,
        village: &str,
        period: Period,
    ) -> Result<BTreeMap<Outcome, u64>, StorageError> {
        let rows = sqlx::query("SELECT outcome, SUM(count) FROM cells WHERE village = ? AND period = ? GROUP BY outcome")
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
