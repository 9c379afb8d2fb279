//! The server's one storage module: the only place that speaks SQL.
//!
//! SQLite in a file under the data directory (WAL mode) by default, or
//! PostgreSQL when given a `postgres://` URL; both are migrated at start and
//! run the same queries (see `backend`). The town's queries are in `town`.

mod approvals;
mod areas;
mod audit;
mod backend;
pub mod backup;
mod town;
mod trust;

pub use areas::{Added, DEFAULT_TOWN};
pub use audit::{Audit, AuditRecord};
pub use town::{
    Figures, NewAccount, User, Village, VillageChange, VillageDevices, BASELINE_YEAR_KEY,
    COMPLAINT_PHONE_KEY, ENROLMENT_CODE_DAYS, ENROLMENT_CODE_DAYS_KEY, REPORT_DAYS_KEY,
    STALE_DAYS_KEY,
};

use crate::auth::token_hash;
use backend::{each, Backend, Pool, Tx};
use jianzheng_core::api::audit::{AuditKind, Said};
use jianzheng_core::api::town::Device;
use jianzheng_core::catalogue::{List, Placed};
use jianzheng_core::ledger::{Outcome, Period};
use jianzheng_core::rate::packed::PackedError;
use jianzheng_core::rate::MonthCounts;
use jianzheng_core::sync::{
    new_code, CountsPayload, SignedPayload, Verified, CODE_LEN, MAX_VOIDED_PER_YEAR,
};
use jianzheng_core::values::{AreaCode, DeviceKey};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::TransactionManager;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;

/// The file name of the embedded database inside the data directory.
pub const SQLITE_FILE: &str = "jianzheng.sqlite3";

/// The SQLite schema, one migration per version.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

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
    /// The database URL names no database this server runs on (only its
    /// scheme is kept: the rest may hold a password).
    #[error("unsupported database URL scheme {0:?} (expected postgres://…)")]
    UnsupportedUrl(String),
    /// A query or connection failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The system's random source failed.
    #[error("no random numbers: {0}")]
    Random(String),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value does not read back as what was written (a hand edit,
    /// or a bug): an error, never a row silently left out.
    #[error("stored {0} does not read back")]
    Unreadable(String),
    /// The database was written by a newer version of the server.
    #[error("the database has schema version {found}, newer than this server's {known}: run the newer jianzheng-server (or restore a backup made by this one)")]
    Newer {
        /// The database's schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// The month figures the database packed do not follow core's format.
    #[error(transparent)]
    Figures(#[from] PackedError),
    /// A change of areas would not leave a tree.
    #[error(transparent)]
    Tree(#[from] jianzheng_core::org::TreeError),
    /// A village was added with no area, and the root is not a town.
    #[error("say which town the village belongs to: the root area is a {}, not a town", .0.as_str())]
    NoDefaultTown(jianzheng_core::org::Level),
}

impl StorageError {
    /// A conflict between concurrent transactions that a new attempt
    /// resolves: a PostgreSQL deadlock or serialization failure.
    fn is_transient(&self) -> bool {
        match self {
            StorageError::Database(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("40P01" | "40001"))
            }
            _ => false,
        }
    }
}

/// How much of an upload's signature the receipts keep to know it again:
/// 128 bits of an Ed25519 signature's nonce point, which two different
/// uploads share with a chance of 2^-128, at a quarter of the index.
const REPLAY_KEY_BYTES: usize = 16;

/// How often an upload is tried again after a transient conflict.
const INGEST_RETRIES: u64 = 5;

/// A time as stored: ISO 8601 UTC with milliseconds, so that text order is
/// time order on both backends.
fn timestamp(at: OffsetDateTime) -> String {
    at.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .expect("a UTC time formats")
}

/// The server clock, as stored.
fn now() -> String {
    timestamp(OffsetDateTime::now_utc())
}

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

/// The columns of a [`DeviceRow`], for `SELECT … FROM devices`.
const DEVICE_COLUMNS: &str = "village, device_key, incarnation, ledger, enrolled_at, last_seen_at,
    revoked_at IS NOT NULL AS revoked, retired_at IS NOT NULL AS retired";

/// A `devices` row as the town's list reads it.
#[derive(sqlx::FromRow)]
struct DeviceRow {
    village: String,
    device_key: Vec<u8>,
    incarnation: i64,
    ledger: String,
    enrolled_at: String,
    last_seen_at: Option<String>,
    revoked: bool,
    retired: bool,
}

impl DeviceRow {
    /// The device as the town sees it, stale when silent since before
    /// `cutoff` (a stored time); a row whose key or incarnation is off is
    /// an error, not a tablet left out.
    fn device(self, cutoff: &str) -> Result<Device, StorageError> {
        let key = <[u8; 32]>::try_from(self.device_key).map_err(|_| {
            StorageError::Unreadable(format!("device key of a tablet of {}", self.village))
        })?;
        let incarnation = u32::try_from(self.incarnation).map_err(|_| {
            StorageError::Unreadable(format!("incarnation of a tablet of {}", self.village))
        })?;
        // A retired or revoked tablet is not expected to report.
        let stale = !self.retired
            && !self.revoked
            && self
                .last_seen_at
                .as_ref()
                .unwrap_or(&self.enrolled_at)
                .as_str()
                < cutoff;
        Ok(Device {
            key: DeviceKey(key),
            incarnation,
            ledger: self.ledger,
            enrolled_at: self.enrolled_at,
            last_seen_at: self.last_seen_at,
            revoked: self.revoked,
            retired: self.retired,
            stale,
        })
    }
}

/// Which ledger an enrolment code enrols.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LedgerIntent {
    /// A new ledger, under whatever label the tablet gives that no tablet
    /// of the village has written.
    New,
    /// The ledger with this label, for a replaced or restored tablet: the
    /// tablets that wrote it before are retired.
    Continue(String),
}

/// What an enrolment did.
#[derive(Debug, PartialEq, Eq)]
pub enum Enrol {
    /// The device is enrolled; the code is used up.
    Enrolled,
    /// The code is unknown, used, withdrawn, expired, or for another
    /// village (which keeps it usable there).
    InvalidCode,
    /// The code is for a new ledger, and a tablet of the village writes
    /// (or wrote) this label; the code stays usable.
    LedgerTaken,
    /// The code continues another ledger of the village; it stays usable.
    OtherLedger {
        /// The ledger the code continues.
        ledger: String,
    },
    /// The key was enrolled before (anywhere) or revoked; the code stays
    /// usable.
    KeyTaken,
}

/// A device key as the audit trail names it: its first eight hex digits.
fn short_key(key: &[u8; 32]) -> String {
    hex::encode(&key[..4])
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
        /// Voided numbers not kept: their ledger's year holds
        /// [`MAX_VOIDED_PER_YEAR`] already (flagged).
        voided_refused: u64,
    },
    /// The same signed upload was stored before: nothing changed, not even
    /// the device's last-seen time.
    Replayed,
    /// No such device incarnation is enrolled.
    UnknownDevice,
    /// The device is enrolled in another village.
    WrongVillage,
    /// The town revoked the device.
    Revoked,
    /// A tablet continuing its ledger replaced the device.
    Retired,
}

/// Where the device that signed an upload stands, read before the upload
/// is expanded or any write lock is taken.
#[derive(Debug, PartialEq, Eq)]
pub enum Standing {
    /// Enrolled for the upload's village and ledger and not revoked, since
    /// the month `since` (server time).
    Enrolled {
        /// The month the device enrolled.
        since: Period,
    },
    /// The same signed upload was stored before.
    Replayed,
    /// No such device incarnation is enrolled.
    UnknownDevice,
    /// The device is enrolled for another village or ledger.
    WrongVillage,
    /// The town revoked the device.
    Revoked,
    /// A tablet continuing its ledger replaced the device.
    Retired,
}

/// A `devices` row as the standing of an upload reads it.
#[derive(sqlx::FromRow)]
struct StandingRow {
    village: String,
    ledger: String,
    revoked: bool,
    retired: bool,
    enrolled_at: String,
    replayed: bool,
}

/// What the receipt of an accepted upload counted.
#[derive(sqlx::FromRow)]
struct ReceiptRow {
    raised: i64,
    went_down: i64,
}

/// Why an upload stored no receipt: its device's standing (`None`: no
/// such device) and whether the same upload was stored before.
#[derive(sqlx::FromRow)]
struct RefusalRow {
    revoked: Option<bool>,
    retired: Option<bool>,
    replayed: bool,
}

/// A `village_months` row's counts.
#[derive(sqlx::FromRow)]
struct CountsRow {
    issued: i64,
    refused: i64,
    unlisted: i64,
    voided: i64,
}

impl From<CountsRow> for MonthCounts {
    fn from(row: CountsRow) -> MonthCounts {
        let n = |count: i64| count.max(0) as u64;
        MonthCounts {
            issued: n(row.issued),
            refused: n(row.refused),
            unlisted: n(row.unlisted),
            voided: n(row.voided),
        }
    }
}

/// A `published_lists` row as read for the lists in force.
#[derive(sqlx::FromRow)]
struct PublishedRow {
    id: String,
    version: String,
    body: String,
    area: Option<String>,
}

/// One version of one list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListVersion {
    /// The list's id.
    pub id: String,
    /// Its version.
    pub version: String,
}

/// What the town published, as read.
#[derive(Clone, Debug, Default)]
pub struct Published {
    /// The newest readable version of every published list, by id, with
    /// the area it was published at.
    pub lists: Vec<Placed>,
    /// The versions that cannot be read and are newer than the one in
    /// [`Published::lists`] (or of a list none of whose versions reads).
    pub unreadable: Vec<ListVersion>,
}

/// Records something the town should look at, in the upload's transaction.
async fn flag(
    tx: &mut Tx,
    at: &str,
    device_key: &[u8],
    incarnation: i64,
    kind: &str,
    detail: &str,
) -> Result<(), StorageError> {
    each!(tx, t => sqlx::query(
        "INSERT INTO flags (at, device_key, incarnation, kind, detail) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(at)
    .bind(device_key)
    .bind(incarnation)
    .bind(kind)
    .bind(detail)
    .execute(&mut **t)
    .await.map(|_| ()))?;
    Ok(())
}

/// A stored list with the area stored beside it.
fn placed(area: Option<String>, list: List) -> Result<Placed, StorageError> {
    let area = match area {
        Some(code) => Some(
            code.parse()
                .map_err(|_| StorageError::Unreadable(format!("area of list {}", list.id)))?,
        ),
        None => None,
    };
    Ok(Placed { area, list })
}

/// Writes a published version of a list in the transaction.
async fn insert_published(tx: &mut Tx, placed: &Placed) -> Result<(), StorageError> {
    let list = &placed.list;
    let body = serde_json::to_string(list).expect("lists serialize");
    each!(tx, t => sqlx::query(
        "INSERT INTO published_lists (id, version, published, body, published_at, area)
         VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(&list.id)
    .bind(&list.version)
    .bind(&list.published)
    .bind(&body)
    .bind(now())
    .bind(placed.area.as_ref().map(AreaCode::as_str))
    .execute(&mut **t)
    .await.map(|_| ()))?;
    Ok(())
}

/// The cells of `payload` as one JSON text, `[[period, item, outcome,
/// agency, count], ...]`: one binding for any number of cells, read as a
/// table by [`Backend::cells_table`].
fn cells_json(payload: &CountsPayload) -> String {
    let cells: Vec<serde_json::Value> = payload
        .periods
        .iter()
        .flat_map(|report| {
            let period = report.period.to_string();
            report.cells.iter().map(move |cell| {
                let count = i64::try_from(cell.count).unwrap_or(i64::MAX);
                serde_json::json!([period, cell.item, cell.outcome, cell.agency, count])
            })
        })
        .collect();
    serde_json::Value::Array(cells).to_string()
}

/// How a cell `j` of an upload meets the ledger cell `c` it updates (the
/// ledger given by the enrolled device `d`). Inner joins on it are written
/// `CROSS JOIN … WHERE`, which SQLite takes as "the upload's cells first,
/// then each one's ledger cell by key" rather than scanning the ledger.
const SAME_CELL: &str = "c.village = d.village AND c.ledger = d.ledger AND c.period = j.period
    AND c.item = j.item AND c.outcome = j.outcome AND c.agency = j.agency";

/// The cells of an accepted upload (JSON in `cells`) that are lower than
/// its ledger holds, as flag texts.
async fn lower_cells(
    tx: &mut Tx,
    payload: &CountsPayload,
    cells: &str,
) -> Result<Vec<String>, StorageError> {
    let sql = format!(
        "SELECT c.ledger || ' ' || c.period || ' ' || c.item || ' ' || c.outcome || ' '
                || c.agency || ': ' || c.count || ' -> ' || j.count
         FROM devices d CROSS JOIN {cells_table} j CROSS JOIN ledger_cells c
         WHERE d.device_key = $2 AND d.incarnation = $3 AND {SAME_CELL} AND c.count > j.count",
        cells_table = tx.cells_table()
    );
    Ok(each!(tx, t => sqlx::query_scalar(&sql)
        .bind(cells)
        .bind(&payload.device_key[..])
        .bind(i64::from(payload.incarnation))
        .fetch_all(&mut **t)
        .await)?)
}

/// Raises the ledger cells of `payload` to the counts in `cells` (never
/// lowers one, nor touches an approved month's), noting the device and the
/// time `at`.
async fn upsert_cells(
    tx: &mut Tx,
    at: &str,
    payload: &CountsPayload,
    cells: &str,
) -> Result<(), StorageError> {
    let sql = format!(
        "INSERT INTO ledger_cells (village, ledger, period, item, outcome, agency, count, device_key, incarnation, updated_at)
         SELECT $2, $3, j.period, j.item, j.outcome, j.agency, j.count, $4, $5, $6
         FROM {cells_table} j
         WHERE NOT EXISTS (SELECT 1 FROM approved_months a WHERE a.village = $2 AND a.period = j.period)
         ON CONFLICT (village, ledger, period, item, outcome, agency)
         DO UPDATE SET count = excluded.count, device_key = excluded.device_key,
                       incarnation = excluded.incarnation, updated_at = excluded.updated_at
         WHERE excluded.count > ledger_cells.count",
        cells_table = tx.cells_table()
    );
    each!(tx, t => sqlx::query(&sql)
        .bind(cells)
        .bind(&payload.village)
        .bind(&payload.ledger)
        .bind(&payload.device_key[..])
        .bind(i64::from(payload.incarnation))
        .bind(at)
        .execute(&mut **t)
        .await.map(|_| ()))?;
    Ok(())
}

/// The newest schema version applied to a database (an error when it has
/// no migrations table yet, i.e. is new).
const APPLIED_VERSION: &str = "SELECT MAX(version) FROM _sqlx_migrations";

/// The newest schema version of `migrations`.
fn newest_version(migrations: &sqlx::migrate::Migrator) -> i64 {
    migrations.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Refuses a database that a newer build migrated to `applied`, past
/// `migrations`, before anything touches it (sqlx's own refusal names only
/// a missing migration).
fn refuse_newer(
    applied: Option<i64>,
    migrations: &sqlx::migrate::Migrator,
) -> Result<(), StorageError> {
    let known = newest_version(migrations);
    match applied {
        Some(found) if found > known => Err(StorageError::Newer { found, known }),
        _ => Ok(()),
    }
}

/// Migrations whose text was edited after a release had applied it, in its
/// comments only: the version and the SHA-384 of the released text, per
/// backend. sqlx keeps the checksum of every applied migration and refuses
/// a database whose record differs from today's text, so a database that
/// applied the released text has today's checksum recorded instead
/// ([`comment_edits`]). Never list a migration whose statements changed.
const SQLITE_COMMENT_EDITS: &[(i64, &str)] = &[(
    6,
    "7ab11eda217fa23904eb3c56ce40ab09dcf485fbddad046bf9b8c63f9b923e0f287856d5d5570e5acdf1c240ec73db62",
)];

/// [`SQLITE_COMMENT_EDITS`] for PostgreSQL.
const POSTGRES_COMMENT_EDITS: &[(i64, &str)] = &[(
    6,
    "d6c0e6e8db77dcfa9fe19b29db97809bd8ae1ff958c4481431c6e5702b7febe8e0e3af71786be13ddab83f75895f1ca0",
)];

/// Records today's checksum for a migration applied in its released text.
const ACCEPT_COMMENT_EDIT: &str =
    "UPDATE _sqlx_migrations SET checksum = $1 WHERE version = $2 AND checksum = $3";

/// For each of `edits`: the version, today's checksum and the released one.
fn comment_edits(
    migrations: &sqlx::migrate::Migrator,
    edits: &[(i64, &str)],
) -> Vec<(i64, Vec<u8>, Vec<u8>)> {
    edits
        .iter()
        .filter_map(|&(version, released)| {
            let today = migrations.iter().find(|m| m.version == version)?;
            let released = hex::decode(released).expect("a checksum in hex");
            Some((version, today.checksum.to_vec(), released))
        })
        .collect()
}

/// How SQLite commits (`--sqlite-synchronous`). In WAL mode, `normal`
/// can lose the last commits on a power cut although the tablets were
/// answered `200`; `full` (the default) loses nothing acknowledged, at the
/// cost of one more flush per commit.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Deserialize,
    serde::Serialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    /// Every commit reaches the disk before it is answered.
    #[default]
    Full,
    /// Commits reach the disk at checkpoints: faster, not power-cut safe.
    Normal,
}

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Storage {
    pool: Pool,
    enrolled: Arc<EnrolledCache>,
    /// The audit row of the next change made through this handle
    /// ([`Storage::audited`]), written in that change's transaction.
    audit: Option<Arc<Mutex<Option<Audit>>>>,
}

/// Devices seen enrolled, with the month they enrolled in: a tablet's next
/// upload is let through to its transaction without a read first. Only a
/// first check is answered from here: the upload's transaction checks the
/// device again (a device revoked through another server process is
/// refused there), so an entry can be stale but never let wrong counts in.
#[derive(Debug, Default)]
struct EnrolledCache {
    devices: Mutex<HashMap<DeviceCacheKey, EnrolledDevice>>,
}

type DeviceCacheKey = ([u8; 32], u32);

#[derive(Debug)]
struct EnrolledDevice {
    village: String,
    ledger: String,
    since: Period,
}

/// Most devices the cache holds (a province's tablets); past it, standings
/// are read from the database each time.
const MAX_CACHED_DEVICES: usize = 200_000;

impl EnrolledCache {
    /// The month the device enrolled in, if it is known enrolled for
    /// `village` and `ledger`.
    fn since(&self, key: &DeviceCacheKey, village: &str, ledger: &str) -> Option<Period> {
        let devices = self.devices.lock().expect("not poisoned");
        devices
            .get(key)
            .filter(|d| d.village == village && d.ledger == ledger)
            .map(|d| d.since)
    }

    fn put(&self, key: DeviceCacheKey, device: EnrolledDevice) {
        let mut devices = self.devices.lock().expect("not poisoned");
        if devices.len() < MAX_CACHED_DEVICES {
            devices.insert(key, device);
        }
    }

    fn forget(&self, key: &DeviceCacheKey) {
        self.devices.lock().expect("not poisoned").remove(key);
    }
}

impl Storage {
    /// Opens the database and migrates it: PostgreSQL when `database_url`
    /// is a `postgres://` URL, otherwise SQLite in `data_dir` (created if
    /// missing), every commit durable ([`SqliteSync::Full`]).
    pub async fn open(
        data_dir: &Path,
        database_url: Option<&str>,
    ) -> Result<Storage, StorageError> {
        Storage::open_with(data_dir, database_url, SqliteSync::Full).await
    }

    /// [`Storage::open`], with SQLite committing as `sync` says.
    pub async fn open_with(
        data_dir: &Path,
        database_url: Option<&str>,
        sync: SqliteSync,
    ) -> Result<Storage, StorageError> {
        match database_url {
            None => Storage::open_in_with(data_dir, sync).await,
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Storage::connect_postgres(url).await
            }
            Some(url) => Err(StorageError::UnsupportedUrl(
                url.split_once(':')
                    .map_or("", |(scheme, _)| scheme)
                    .to_owned(),
            )),
        }
    }

    /// Opens (creating if missing) the SQLite database in `data_dir` and
    /// migrates it, every commit durable.
    pub async fn open_in(data_dir: &Path) -> Result<Storage, StorageError> {
        Storage::open_in_with(data_dir, SqliteSync::Full).await
    }

    /// [`Storage::open_in`], committing as `sync` says.
    pub async fn open_in_with(data_dir: &Path, sync: SqliteSync) -> Result<Storage, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let file = data_dir.join(SQLITE_FILE);
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match sync {
                SqliteSync::Full => SqliteSynchronous::Full,
                SqliteSync::Normal => SqliteSynchronous::Normal,
            })
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            // A commit that fails on a full disk is rolled back by SQLite
            // itself, and sqlx then counts a transaction still open: such a
            // connection would refuse every later one, so it is closed.
            .after_release(|conn, _| {
                Box::pin(async move {
                    Ok(
                        <sqlx::Sqlite as sqlx::Database>::TransactionManager::get_transaction_depth(
                            conn,
                        ) == 0,
                    )
                })
            })
            .connect_with(options)
            .await?;
        let applied = sqlx::query_scalar(APPLIED_VERSION).fetch_one(&pool).await;
        let applied = applied.unwrap_or(None);
        refuse_newer(applied, &SQLITE_MIGRATIONS)?;
        if applied.is_some() {
            for (version, today, released) in
                comment_edits(&SQLITE_MIGRATIONS, SQLITE_COMMENT_EDITS)
            {
                sqlx::query(ACCEPT_COMMENT_EDIT)
                    .bind(today)
                    .bind(version)
                    .bind(released)
                    .execute(&pool)
                    .await?;
            }
        }
        SQLITE_MIGRATIONS.run(&pool).await?;
        Ok(Storage {
            pool: Backend::Sqlite(pool),
            enrolled: Arc::default(),
            audit: None,
        })
    }

    /// Connects to the PostgreSQL database at `url` and migrates it.
    pub async fn connect_postgres(url: &str) -> Result<Storage, StorageError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        let migrations = sqlx::migrate!("./migrations/postgres");
        let applied = sqlx::query_scalar(APPLIED_VERSION).fetch_one(&pool).await;
        let applied = applied.unwrap_or(None);
        refuse_newer(applied, &migrations)?;
        if applied.is_some() {
            for (version, today, released) in comment_edits(&migrations, POSTGRES_COMMENT_EDITS) {
                sqlx::query(ACCEPT_COMMENT_EDIT)
                    .bind(today)
                    .bind(version)
                    .bind(released)
                    .execute(&pool)
                    .await?;
            }
        }
        migrations.run(&pool).await?;
        Ok(Storage {
            pool: Backend::Postgres(pool),
            enrolled: Arc::default(),
            audit: None,
        })
    }

    /// Which database this is: `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// A write transaction. On SQLite it takes the write lock at once: a
    /// transaction that reads first and writes later could fail with
    /// `SQLITE_BUSY` when another upload commits in between, which no busy
    /// timeout retries. PostgreSQL locks the rows it writes.
    async fn write(&self) -> Result<Tx, StorageError> {
        Ok(match &self.pool {
            Backend::Sqlite(p) => Backend::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(p) => Backend::Postgres(p.begin().await?),
        })
    }

    /// Adds a village below the default town (or renames it).
    pub async fn upsert_village(&self, code: &str, name: &str) -> Result<(), StorageError> {
        self.add_village(code, name, None, true).await.map(|_| ())
    }

    /// Creates a one-time enrolment code for `village`, valid for `days`,
    /// and returns it. Only its hash is stored: the code is shown once. A
    /// code continuing a ledger replaces an unused one for that ledger.
    pub async fn create_enrolment_code(
        &self,
        village: &str,
        days: u32,
        intent: &LedgerIntent,
    ) -> Result<String, StorageError> {
        let mut random = [0u8; CODE_LEN];
        getrandom::getrandom(&mut random).map_err(|e| StorageError::Random(e.to_string()))?;
        let code = new_code(random);
        let created = OffsetDateTime::now_utc();
        let expires = created + time::Duration::days(i64::from(days));
        let continues = match intent {
            LedgerIntent::New => None,
            LedgerIntent::Continue(ledger) => Some(ledger.as_str()),
        };
        let mut tx = self.write().await?;
        if let Some(ledger) = continues {
            // One replacement at a time: an unused earlier code for the
            // same ledger stops working.
            each!(&mut tx, t => sqlx::query(
                "UPDATE enrolment_codes SET withdrawn_at = $1
                 WHERE village = $2 AND continues = $3 AND used_at IS NULL AND withdrawn_at IS NULL"
            )
            .bind(timestamp(created))
            .bind(village)
            .bind(ledger)
            .execute(&mut **t)
            .await
            .map(|_| ()))?;
        }
        each!(&mut tx, t => sqlx::query(
            "INSERT INTO enrolment_codes (code_hash, village, created_at, expires_at, continues)
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(token_hash(&code))
        .bind(village)
        .bind(timestamp(created))
        .bind(timestamp(expires))
        .bind(continues)
        .execute(&mut **t)
        .await.map(|_| ()))?;
        self.commit(tx, None).await?;
        Ok(code)
    }

    /// Withdraws every unused, unexpired enrolment code of `village`; how many.
    pub async fn withdraw_enrolment_codes(&self, village: &str) -> Result<u64, StorageError> {
        let mut tx = self.write().await?;
        let withdrawn = each!(&mut tx, t => sqlx::query(
            "UPDATE enrolment_codes SET withdrawn_at = $1
             WHERE village = $2 AND used_at IS NULL AND withdrawn_at IS NULL AND expires_at > $1"
        )
        .bind(now())
        .bind(village)
        .execute(&mut **t)
        .await
        .map(|done| done.rows_affected()))?;
        let note = Said::new(
            format!("撤回{withdrawn}个未用的登记码"),
            format!("{withdrawn} unused codes"),
        );
        self.commit(tx, Some(&note)).await?;
        Ok(withdrawn)
    }

    /// Publishes a list (a new version of its id, or a new id) at its area.
    pub async fn publish_list(&self, placed: &Placed) -> Result<(), StorageError> {
        let mut tx = self.write().await?;
        insert_published(&mut tx, placed).await?;
        self.commit(tx, None).await?;
        Ok(())
    }

    /// Publishes `list` from its draft in one transaction: the draft goes
    /// and the version comes, or neither. `false` if the draft was gone
    /// (published at the same moment by someone else).
    pub async fn publish_draft(&self, placed: &Placed) -> Result<bool, StorageError> {
        let mut tx = self.write().await?;
        let deleted = each!(&mut tx, t => sqlx::query("DELETE FROM list_drafts WHERE id = $1")
            .bind(&placed.list.id)
            .execute(&mut **t)
            .await
            .map(|done| done.rows_affected()))?;
        if deleted == 0 {
            return Ok(false);
        }
        insert_published(&mut tx, placed).await?;
        self.commit(tx, None).await?;
        Ok(true)
    }

    /// A summary that changes whenever a list is published, by this server
    /// process or another on the same database (published versions are
    /// only ever added): one cheap read, so that lists kept in memory are
    /// never served stale.
    pub async fn lists_fingerprint(&self) -> Result<(i64, i64), StorageError> {
        Ok(each!(&self.pool, p => sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM published_lists"
        )
        .fetch_one(p)
        .await)?)
    }

    /// The newest readable published version of every list, by
    /// publication date and then by the order of publishing. A stored
    /// version that cannot be read is logged and named in
    /// [`Published::unreadable`]; its list falls back to the newest older
    /// version that can.
    pub async fn published_lists(&self) -> Result<Published, StorageError> {
        let newest: Vec<PublishedRow> = each!(&self.pool, p => sqlx::query_as(
            "SELECT id, version, body, area FROM published_lists p
             WHERE seq = (SELECT seq FROM published_lists q WHERE q.id = p.id
                          ORDER BY published DESC, seq DESC LIMIT 1)
             ORDER BY id",
        )
        .fetch_all(p)
        .await)?;
        let mut published = Published::default();
        for row in newest {
            if let Ok(list) = List::from_json(row.body.as_bytes()) {
                published.lists.push(placed(row.area, list)?);
                continue;
            }
            // Rare: walk this list's versions, newest first, to one that reads.
            let versions: Vec<PublishedRow> = each!(&self.pool, p => sqlx::query_as(
                "SELECT id, version, body, area FROM published_lists WHERE id = $1
                 ORDER BY published DESC, seq DESC",
            )
            .bind(&row.id)
            .fetch_all(p)
            .await)?;
            for version in versions {
                match List::from_json(version.body.as_bytes()) {
                    Ok(list) => {
                        published.lists.push(placed(version.area, list)?);
                        break;
                    }
                    Err(_) => {
                        // Names only: the body and the parser's words may hold the list's text.
                        tracing::error!(
                            list = %version.id,
                            version = %version.version,
                            "a published list version cannot be read"
                        );
                        published.unreadable.push(ListVersion {
                            id: version.id,
                            version: version.version,
                        });
                    }
                }
            }
        }
        Ok(published)
    }

    /// Uses an enrolment code to enrol a device incarnation writing
    /// `ledger` of `village` (the caller checked that the tablet holds the
    /// key). A code that is unknown, used, withdrawn, expired or for
    /// another village is refused the same way (a guesser learns nothing)
    /// and a code for another village stays usable. A key enrolled before,
    /// in any village and whatever its incarnation, or ever revoked, is
    /// refused (a tablet set up anew makes a new key): no enrolment moves a
    /// tablet, or clears a revocation. A code for a new ledger refuses a
    /// label any tablet of the village wrote (two tablets on one label
    /// would be merged, not summed); a code that continues a ledger takes
    /// only that label and retires the tablets that wrote it. Of two
    /// devices racing for one code, one wins. Every enrolment and every
    /// refusal is a row of the audit trail, from `address`.
    pub async fn enrol(
        &self,
        code: &str,
        device: &DeviceId<'_>,
        address: Option<IpAddr>,
    ) -> Result<Enrol, StorageError> {
        let (done, proven_village) = self.enrol_once(code, device, address).await?;
        if done != Enrol::Enrolled {
            let reason = match &done {
                Enrol::InvalidCode => ("登记码无效".to_owned(), "code_invalid".to_owned()),
                Enrol::KeyTaken => ("密钥已登记或已停用".to_owned(), "key_taken".to_owned()),
                Enrol::LedgerTaken => ("台账标签已被占用".to_owned(), "ledger_taken".to_owned()),
                Enrol::OtherLedger { ledger } => (
                    format!("登记码接续台账 {ledger}"),
                    format!("code continues ledger {ledger}"),
                ),
                Enrol::Enrolled => unreachable!("refusals only"),
            };
            // The village a request names proves nothing: the refusal is
            // filed under it only when the code was that village's.
            let detail = Said::new(
                format!(
                    "{}；村 {} 台账 {} 密钥 {} 第{}次登记",
                    reason.0,
                    device.village,
                    device.ledger,
                    short_key(device.key),
                    device.incarnation
                ),
                format!(
                    "{}; village {} ledger {} key {} incarnation {}",
                    reason.1,
                    device.village,
                    device.ledger,
                    short_key(device.key),
                    device.incarnation
                ),
            );
            self.append_audit(AuditRecord {
                account: None,
                address,
                kind: AuditKind::EnrolmentRefused,
                area: proven_village.then_some(device.village),
                detail: &detail,
            })
            .await?;
        }
        Ok(done)
    }

    /// [`Storage::enrol`] without the refusal's audit row; whether the
    /// code was one of the device's village.
    async fn enrol_once(
        &self,
        code: &str,
        device: &DeviceId<'_>,
        address: Option<IpAddr>,
    ) -> Result<(Enrol, bool), StorageError> {
        let at = now();
        let mut tx = self.write().await?;
        // Enrolments take turns: SQLite's write lock is taken already; on
        // PostgreSQL the trust list's counter row is locked first, so that
        // two enrolments of one key, or of one new label, cannot both pass
        // their checks before either is stored.
        if let Backend::Postgres(t) = &mut tx {
            sqlx::query("SELECT version FROM trust_changes WHERE id = 1 FOR UPDATE")
                .execute(&mut **t)
                .await?;
        }
        // Only a hash of a code is stored, as of a session token.
        let hash = token_hash(code);
        let found: Option<Option<String>> = each!(&mut tx, t => sqlx::query_scalar(
            "SELECT continues FROM enrolment_codes
             WHERE code_hash = $1 AND used_at IS NULL AND withdrawn_at IS NULL
               AND expires_at > $2 AND village = $3"
        )
        .bind(&hash)
        .bind(&at)
        .bind(device.village)
        .fetch_optional(&mut **t)
        .await)?;
        let Some(continues) = found else {
            return Ok((Enrol::InvalidCode, false));
        };
        let known: i64 = each!(&mut tx, t => sqlx::query_scalar(
            "SELECT COUNT(*) FROM devices WHERE device_key = $1"
        )
        .bind(&device.key[..])
        .fetch_one(&mut **t)
        .await)?;
        if known > 0 {
            return Ok((Enrol::KeyTaken, true));
        }
        let mut retired = Vec::new();
        match &continues {
            Some(ledger) if ledger != device.ledger => {
                return Ok((
                    Enrol::OtherLedger {
                        ledger: ledger.clone(),
                    },
                    true,
                ));
            }
            Some(_) => {
                // The tablets it replaces stop: what they numbered by now
                // is what the trust list vouches for (unless a revocation
                // recorded it already).
                let numbered = trust::numbered_now(&mut tx, device.village, device.ledger).await?;
                retired = each!(&mut tx, t => sqlx::query_as::<_, (Vec<u8>, i64)>(
                    "UPDATE devices SET retired_at = $1,
                            numbered_at_revocation = COALESCE(numbered_at_revocation, $4)
                     WHERE village = $2 AND ledger = $3 AND retired_at IS NULL
                     RETURNING device_key, incarnation"
                )
                .bind(&at)
                .bind(device.village)
                .bind(device.ledger)
                .bind(&numbered)
                .fetch_all(&mut **t)
                .await)?;
            }
            None => {
                // Any tablet that ever wrote the label holds it: a new
                // ledger under it would be merged with that one's counts.
                let held: i64 = each!(&mut tx, t => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM devices WHERE village = $1 AND ledger = $2"
                )
                .bind(device.village)
                .bind(device.ledger)
                .fetch_one(&mut **t)
                .await)?;
                if held > 0 {
                    return Ok((Enrol::LedgerTaken, true));
                }
            }
        }
        let used = each!(&mut tx, t => sqlx::query(
            "UPDATE enrolment_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL"
        )
        .bind(&at)
        .bind(&hash)
        .execute(&mut **t)
        .await
        .map(|done| done.rows_affected()))?;
        if used == 0 {
            return Ok((Enrol::InvalidCode, false));
        }
        let inserted = each!(&mut tx, t => sqlx::query(
            "INSERT INTO devices (device_key, incarnation, village, ledger, enrolled_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (device_key, incarnation) DO NOTHING"
        )
        .bind(&device.key[..])
        .bind(i64::from(device.incarnation))
        .bind(device.village)
        .bind(device.ledger)
        .bind(&at)
        .execute(&mut **t)
        .await
        .map(|done| done.rows_affected()))?;
        if inserted == 0 {
            // Enrolled by a request that committed in between.
            return Ok((Enrol::KeyTaken, true));
        }
        let detail = Said::new(
            format!(
                "台账 {} 密钥 {} 第{}次登记；{}",
                device.ledger,
                short_key(device.key),
                device.incarnation,
                match &continues {
                    None => "新台账".to_owned(),
                    Some(ledger) => format!("接续台账 {ledger}，停用旧平板{}台", retired.len()),
                }
            ),
            format!(
                "ledger {} key {} incarnation {}; {}",
                device.ledger,
                short_key(device.key),
                device.incarnation,
                match &continues {
                    None => "new ledger".to_owned(),
                    Some(ledger) => format!(
                        "continues ledger {ledger}, {} tablet(s) retired",
                        retired.len()
                    ),
                }
            ),
        );
        audit::insert(
            &mut tx,
            AuditRecord {
                account: None,
                address,
                kind: AuditKind::TabletEnrolled,
                area: Some(device.village),
                detail: &detail,
            },
        )
        .await?;
        self.commit(tx, None).await?;
        for (key, incarnation) in retired {
            if let (Ok(key), Ok(incarnation)) =
                (<[u8; 32]>::try_from(key), u32::try_from(incarnation))
            {
                self.enrolled.forget(&(key, incarnation));
            }
        }
        Ok((Enrol::Enrolled, true))
    }

    /// The device incarnations enrolled in `village`, oldest first, stale
    /// when silent for more than `stale_days` days.
    pub async fn devices(
        &self,
        village: &str,
        stale_days: u32,
    ) -> Result<Vec<Device>, StorageError> {
        let cutoff = town::days_ago(stale_days);
        let sql = format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE village = $1 ORDER BY enrolled_at, ledger"
        );
        let rows: Vec<DeviceRow> = each!(&self.pool, p => sqlx::query_as(&sql)
        .bind(village)
        .fetch_all(p)
        .await)?;
        rows.into_iter().map(|row| row.device(&cutoff)).collect()
    }

    /// The village a device incarnation was enrolled for, if it exists.
    pub async fn device_village(
        &self,
        device_key: &[u8; 32],
        incarnation: u32,
    ) -> Result<Option<String>, StorageError> {
        Ok(each!(&self.pool, p => sqlx::query_scalar(
            "SELECT village FROM devices WHERE device_key = $1 AND incarnation = $2"
        )
        .bind(&device_key[..])
        .bind(i64::from(incarnation))
        .fetch_optional(p)
        .await)?)
    }

    /// Revokes a device incarnation: its uploads are refused from now on,
    /// and the trust list keeps how many certificates of each year its
    /// ledger had numbered in what reached the town (issued and issued
    /// outside the list: each takes the next number). Returns the village
    /// and ledger it wrote for, if it was live.
    pub async fn revoke(
        &self,
        device_key: &[u8; 32],
        incarnation: u32,
    ) -> Result<Option<(String, String)>, StorageError> {
        self.enrolled.forget(&(*device_key, incarnation));
        let mut tx = self.write().await?;
        let revoked: Option<(String, String)> = each!(&mut tx, t => sqlx::query_as(
            "UPDATE devices SET revoked_at = $1 WHERE device_key = $2 AND incarnation = $3 AND revoked_at IS NULL
             RETURNING village, ledger"
        )
        .bind(now())
        .bind(&device_key[..])
        .bind(i64::from(incarnation))
        .fetch_optional(&mut **t)
        .await)?;
        // Nothing revoked, nothing to record.
        let Some((village, ledger)) = &revoked else {
            return Ok(None);
        };
        let numbered = trust::numbered_now(&mut tx, village, ledger).await?;
        each!(&mut tx, t => sqlx::query(
            "UPDATE devices SET numbered_at_revocation = COALESCE(numbered_at_revocation, $1)
             WHERE device_key = $2 AND incarnation = $3"
        )
        .bind(&numbered)
        .bind(&device_key[..])
        .bind(i64::from(incarnation))
        .execute(&mut **t)
        .await
        .map(|_| ()))?;
        self.commit(
            tx,
            Some(&Said::new(
                format!("台账 {ledger}"),
                format!("ledger {ledger}"),
            )),
        )
        .await?;
        Ok(revoked)
    }

    /// Where the device of an upload stands: enrolled (for the upload's
    /// village and ledger, not revoked), unknown, revoked, elsewhere, or
    /// the upload is one already stored. One read, no lock.
    pub async fn standing(&self, upload: &Verified) -> Result<Standing, StorageError> {
        let cache_key = (*upload.device_key(), upload.incarnation());
        if let Some(since) = self
            .enrolled
            .since(&cache_key, upload.village(), upload.ledger())
        {
            // A replay is found in the upload's transaction instead.
            return Ok(Standing::Enrolled { since });
        }
        let row: Option<StandingRow> = each!(&self.pool, p => sqlx::query_as(
            "SELECT village, ledger, revoked_at IS NOT NULL AS revoked,
                    retired_at IS NOT NULL AS retired, enrolled_at,
                    EXISTS (SELECT 1 FROM receipts WHERE signature = $3) AS replayed
             FROM devices WHERE device_key = $1 AND incarnation = $2",
        )
        .bind(&upload.device_key()[..])
        .bind(i64::from(upload.incarnation()))
        .bind(&upload.signature()[..REPLAY_KEY_BYTES])
        .fetch_optional(p)
        .await)?;
        let Some(row) = row else {
            return Ok(Standing::UnknownDevice);
        };
        Ok(if row.revoked {
            Standing::Revoked
        } else if row.retired {
            Standing::Retired
        } else if row.village != upload.village() || row.ledger != upload.ledger() {
            Standing::WrongVillage
        } else if row.replayed {
            Standing::Replayed
        } else {
            // Enrolment times are the server's own, ISO 8601.
            let since = Period::from_iso(&row.enrolled_at).unwrap_or(Period {
                year: 2000,
                month: 1,
            });
            self.enrolled.put(
                cache_key,
                EnrolledDevice {
                    village: row.village,
                    ledger: row.ledger,
                    since,
                },
            );
            Standing::Enrolled { since }
        })
    }

    /// Stores a verified upload in one transaction: per ledger cell the
    /// maximum, a receipt with the server's time (whose triggers mark the
    /// device seen and its periods reported), and flags for cells that
    /// went down and periods after `current`. The cells travel as one JSON
    /// text, so an ordinary upload is two statements: the receipt (which
    /// checks the device) and the upsert.
    ///
    /// PostgreSQL may end one of two uploads that lock the same running
    /// sums in opposite orders (a deadlock); that upload is tried again.
    pub async fn ingest(
        &self,
        signed: &SignedPayload,
        current: Period,
    ) -> Result<Ingest, StorageError> {
        let payload = &signed.payload;
        let mut attempt = 0;
        loop {
            match self.ingest_once(payload, &signed.signature, current).await {
                Err(err) if attempt < INGEST_RETRIES && err.is_transient() => {
                    attempt += 1;
                    tracing::debug!(error = %err, attempt, "upload tried again");
                    let jitter = u64::from(payload.device_key[0] % 8);
                    tokio::time::sleep(Duration::from_millis(attempt * 5 + jitter)).await;
                }
                done => return done,
            }
        }
    }

    /// One attempt of [`Storage::ingest`].
    async fn ingest_once(
        &self,
        payload: &CountsPayload,
        signature: &[u8; 64],
        current: Period,
    ) -> Result<Ingest, StorageError> {
        let key = &payload.device_key[..];
        let incarnation = i64::from(payload.incarnation);
        let cells = cells_json(payload);
        let future = payload
            .periods
            .iter()
            .filter(|r| r.period > current)
            .count() as u64;
        let periods: Vec<_> = payload
            .periods
            .iter()
            .map(|r| serde_json::json!({ "period": r.period.to_string(), "closed": r.closed }))
            .collect();
        let at = now();
        let mut tx = self.write().await?;
        // One statement checks the device, counts in one pass over the
        // cells those that rise and those that went down, and writes the
        // receipt, whose triggers mark the device seen and its periods
        // reported. No row: not accepted, or the same upload was stored.
        let sql = format!(
            "INSERT INTO receipts (received_at, device_key, incarnation, village, raised, went_down, future, periods, signature)
             SELECT $8, d.device_key, d.incarnation, d.village,
                    COALESCE(t.raised, 0), COALESCE(t.went_down, 0), $2, $3, $9
             FROM devices d CROSS JOIN (
                 SELECT SUM(CASE WHEN c.count IS NULL OR c.count < j.count THEN 1 ELSE 0 END) AS raised,
                        SUM(CASE WHEN c.count > j.count THEN 1 ELSE 0 END) AS went_down
                 FROM {cells_table} j LEFT JOIN ledger_cells c
                   ON c.village = $6 AND c.ledger = $7 AND c.period = j.period
                  AND c.item = j.item AND c.outcome = j.outcome AND c.agency = j.agency) t
             WHERE d.device_key = $4 AND d.incarnation = $5 AND d.revoked_at IS NULL
               AND d.retired_at IS NULL AND d.village = $6 AND d.ledger = $7
             ON CONFLICT (signature) DO NOTHING
             RETURNING raised, went_down",
            cells_table = tx.cells_table()
        );
        let receipt: Option<ReceiptRow> = each!(&mut tx, t => sqlx::query_as(&sql)
            .bind(&cells)
            .bind(future as i64)
            .bind(serde_json::Value::Array(periods).to_string())
            .bind(key)
            .bind(incarnation)
            .bind(&payload.village)
            .bind(&payload.ledger)
            .bind(&at)
            .bind(&signature[..REPLAY_KEY_BYTES])
            .fetch_optional(&mut **t)
            .await)?;
        let Some(ReceiptRow { raised, went_down }) = receipt else {
            drop(tx);
            return self.refusal(payload, signature).await;
        };
        for report in payload.periods.iter().filter(|r| r.period > current) {
            let period = report.period.to_string();
            flag(&mut tx, &at, key, incarnation, "future_period", &period).await?;
        }
        if went_down > 0 {
            for detail in lower_cells(&mut tx, payload, &cells).await? {
                flag(&mut tx, &at, key, incarnation, "went_down", &detail).await?;
            }
        }
        approvals::hold_corrections(&mut tx, &at, payload, &cells).await?;
        upsert_cells(&mut tx, &at, payload, &cells).await?;
        let voided_refused = trust::store_voided(&mut tx, &at, payload).await?;
        if voided_refused > 0 {
            let detail =
                format!("{voided_refused} voided numbers over {MAX_VOIDED_PER_YEAR} a year");
            flag(
                &mut tx,
                &at,
                key,
                incarnation,
                "voided_over_ceiling",
                &detail,
            )
            .await?;
        }
        self.commit(tx, None).await?;
        Ok(Ingest::Accepted {
            raised: raised as u64,
            went_down: went_down as u64,
            future,
            voided_refused,
        })
    }

    /// Why an upload signed `signature` stored no receipt: it was stored
    /// before, or its device may not push.
    async fn refusal(
        &self,
        payload: &CountsPayload,
        signature: &[u8; 64],
    ) -> Result<Ingest, StorageError> {
        let row: RefusalRow = each!(&self.pool, p => sqlx::query_as(
            "SELECT (SELECT revoked_at IS NOT NULL FROM devices WHERE device_key = $1 AND incarnation = $2) AS revoked,
                    (SELECT retired_at IS NOT NULL FROM devices WHERE device_key = $1 AND incarnation = $2) AS retired,
                    EXISTS (SELECT 1 FROM receipts WHERE signature = $3) AS replayed",
        )
        .bind(&payload.device_key[..])
        .bind(i64::from(payload.incarnation))
        .bind(&signature[..REPLAY_KEY_BYTES])
        .fetch_one(p)
        .await)?;
        Ok(match (row.revoked, row.retired, row.replayed) {
            (None, _, _) => Ingest::UnknownDevice,
            (Some(true), _, _) => Ingest::Revoked,
            (Some(false), Some(true), _) => Ingest::Retired,
            (Some(false), _, true) => Ingest::Replayed,
            (Some(false), _, false) => Ingest::WrongVillage,
        })
    }

    /// Writes the cells of `payload` straight into the ledger, with the
    /// same statement as `ingest` but no decoding, device check, reading or
    /// flags: the baseline `ingest` is measured against.
    pub async fn raw_upsert(&self, payload: &CountsPayload) -> Result<(), StorageError> {
        let cells = cells_json(payload);
        let mut tx = self.write().await?;
        upsert_cells(&mut tx, &now(), payload, &cells).await?;
        self.commit(tx, None).await?;
        Ok(())
    }

    /// A village's totals for a month, per outcome, summed over ledgers (as
    /// the dashboard reads them, from the sums the triggers keep).
    pub async fn village_totals(
        &self,
        village: &str,
        period: Period,
    ) -> Result<BTreeMap<Outcome, u64>, StorageError> {
        let row: Option<CountsRow> = each!(&self.pool, p => sqlx::query_as(
            "SELECT issued, refused, unlisted, voided FROM village_months
             WHERE village = $1 AND period = $2",
        )
        .bind(village)
        .bind(period.to_string())
        .fetch_optional(p)
        .await)?;
        let counts = row.map(MonthCounts::from).unwrap_or_default();
        Ok(Outcome::ALL
            .into_iter()
            .map(|outcome| (outcome, counts.get(outcome)))
            .filter(|&(_, count)| count > 0)
            .collect())
    }

    /// Whether any device of `village` reported `period`, and whether one
    /// closed it: `None` is "no report", `Some(true)` a closed month (an
    /// explicit zero if it has no counts).
    pub async fn reported(
        &self,
        village: &str,
        period: Period,
    ) -> Result<Option<bool>, StorageError> {
        let closed: Option<i64> = each!(&self.pool, p => sqlx::query_scalar(
            "SELECT MAX(closed) FROM period_reports WHERE village = $1 AND period = $2",
        )
        .bind(village)
        .bind(period.to_string())
        .fetch_one(p)
        .await)?;
        Ok(closed.map(|c| c != 0))
    }

    /// How many rows a table holds (for tests and health).
    pub async fn count_rows(&self, table: &'static str) -> Result<i64, StorageError> {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        Ok(each!(&self.pool, p => sqlx::query_scalar(&sql).fetch_one(p).await)?)
    }

    /// Closes every connection, once the writes in flight are done (SQLite
    /// folds its write-ahead log into the file as the last one closes).
    pub async fn close(&self) {
        each!(&self.pool, p => p.close().await);
    }

    /// Checks that the database answers; returns the applied schema version.
    pub async fn health(&self) -> Result<i64, StorageError> {
        Ok(each!(&self.pool, p => sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(p)
        .await)?)
    }
}
