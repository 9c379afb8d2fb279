//! Backups of the embedded SQLite database and putting one back. A backup
//! is a consistent copy taken while the server keeps taking uploads
//! (SQLite's `VACUUM INTO` reads one snapshot); a restore checks that the
//! file is a Jianzheng database no newer than this build before it becomes
//! the data directory's database. PostgreSQL is backed up with its own
//! tools (`pg_dump`, README "Running it for a town").

use super::{newest_version, Backend, Storage, StorageError, SQLITE_FILE, SQLITE_MIGRATIONS};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::Path;
use std::str::FromStr;

/// Why a backup or a restore was refused.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// PostgreSQL is backed up with `pg_dump`.
    #[error(
        "this server runs on PostgreSQL: back it up with pg_dump (README: Running it for a town)"
    )]
    Postgres,
    /// The target of a backup exists: a backup never overwrites a file.
    #[error("{0} exists already: a backup never overwrites a file")]
    TargetExists(String),
    /// The file is not an SQLite database written by Jianzheng.
    #[error("{0} is not a Jianzheng database")]
    NotJianzheng(String),
    /// The file comes from a newer build than this one.
    #[error("{path} has schema version {found}, newer than this server's {known}: restore it with a newer jianzheng-server")]
    Newer {
        /// The file.
        path: String,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// The data directory holds a database already.
    #[error("{0} holds a database already: move it away (keep it!) before restoring into this directory")]
    DatabaseExists(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl Storage {
    /// Writes a consistent copy of the SQLite database to `to` (a new file)
    /// while the server keeps writing.
    pub async fn backup_to(&self, to: &Path) -> Result<(), BackupError> {
        let Backend::Sqlite(pool) = &self.pool else {
            return Err(BackupError::Postgres);
        };
        if to.exists() {
            return Err(BackupError::TargetExists(to.display().to_string()));
        }
        let target = to.to_str().ok_or_else(|| BackupError::Io {
            path: to.display().to_string(),
            source: std::io::Error::other("not a UTF-8 path"),
        })?;
        // A backup holds the trust-list signing key: readable by the
        // owner only, whatever the umask. SQLite writes into an empty file.
        private_file(to).map_err(io(to))?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(pool)
            .await
            .map_err(StorageError::from)?;
        Ok(())
    }
}

/// Puts the backup `from` in place as the database of `data_dir` (which
/// must hold none), once it reads as a Jianzheng database of this build's
/// schema or an older one (an older one is migrated at the next start).
/// Returns the backup's schema version.
pub async fn restore(from: &Path, data_dir: &Path) -> Result<i64, BackupError> {
    let not_ours = || BackupError::NotJianzheng(from.display().to_string());
    if !from.is_file() {
        return Err(io(from)(std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(StorageError::from)?
        .filename(from)
        .read_only(true);
    let mut conn = options.connect().await.map_err(|_| not_ours())?;
    let version: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(version) FROM _sqlx_migrations WHERE success AND \
         EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'server_meta')",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(|_| not_ours())?;
    conn.close().await.map_err(StorageError::from)?;
    let found = version.ok_or_else(not_ours)?;
    let known = newest_version(&SQLITE_MIGRATIONS);
    if found > known {
        return Err(BackupError::Newer {
            path: from.display().to_string(),
            found,
            known,
        });
    }
    let target = data_dir.join(SQLITE_FILE);
    if target.exists() {
        return Err(BackupError::DatabaseExists(data_dir.display().to_string()));
    }
    std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
    // A write-ahead log left beside the target belongs to another
    // database: SQLite would replay it onto the restored one. Moved aside
    // under the time of the restore, never deleted nor overwritten.
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    for suffix in ["-wal", "-shm", "-journal"] {
        let stale = data_dir.join(format!("{SQLITE_FILE}{suffix}"));
        if stale.exists() {
            let aside = data_dir.join(format!("{SQLITE_FILE}{suffix}.before-restore-{stamp}"));
            std::fs::rename(&stale, &aside).map_err(io(&stale))?;
            tracing::warn!(from = %stale.display(), to = %aside.display(), "a leftover file moved aside");
        }
    }
    // Copied beside the target and renamed, so a failed copy leaves no
    // half database where the server would open it.
    let partial = data_dir.join(format!("{SQLITE_FILE}.restoring"));
    // What an earlier restore cut short left: half a copy of ours.
    let _ = std::fs::remove_file(&partial);
    private_file(&partial).map_err(io(&partial))?;
    let mut source = std::fs::File::open(from).map_err(io(from))?;
    let mut copy = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&partial)
        .map_err(io(&partial))?;
    std::io::copy(&mut source, &mut copy).map_err(io(&partial))?;
    copy.sync_all().map_err(io(&partial))?;
    std::fs::rename(&partial, &target).map_err(io(&target))?;
    Ok(found)
}

/// Creates `path` as a new, empty file only its owner can read.
fn private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// Backups taken on a schedule ([`keep_backing_up`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Time between two backups.
    pub every: std::time::Duration,
    /// How many of the newest backups to keep; older ones are deleted.
    pub keep: usize,
}

/// The name of a scheduled backup taken at `now`: sorts by time.
fn scheduled_name(now: time::OffsetDateTime) -> String {
    let stamp = now
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second].[subsecond digits:3]Z"
        ))
        .expect("a UTC time formats");
    format!("jianzheng-{stamp}.sqlite3")
}

/// The task that, every `schedule.every`, writes a backup into `dir` and
/// deletes all but the newest `schedule.keep`; refused at once where
/// [`Storage::backup_to`] would refuse every turn (PostgreSQL). A failure
/// is logged and tried again at the next turn; the server goes on either
/// way. Runs until dropped.
pub fn keep_backing_up(
    storage: Storage,
    dir: std::path::PathBuf,
    schedule: Schedule,
) -> Result<impl std::future::Future<Output = ()>, BackupError> {
    if let Backend::Postgres(_) = storage.pool {
        return Err(BackupError::Postgres);
    }
    Ok(async move {
        let mut tick = tokio::time::interval(schedule.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await; // The first tick is at once: the first backup waits a period.
        loop {
            tick.tick().await;
            if let Err(err) = back_up_into(&storage, &dir, schedule.keep).await {
                tracing::warn!(error = %err, "scheduled backup failed");
            }
        }
    })
}

async fn back_up_into(storage: &Storage, dir: &Path, keep: usize) -> Result<(), BackupError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // What a server stopped in the middle of a backup left behind.
    for entry in std::fs::read_dir(dir).map_err(io(dir))?.flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("jianzheng-") && name.contains(".sqlite3.partial") {
            std::fs::remove_file(&path).map_err(io(&path))?;
        }
    }
    let file = dir.join(scheduled_name(time::OffsetDateTime::now_utc()));
    // Written under another name and renamed once whole: a backup is never
    // half a database under a backup's name.
    let partial = file.with_extension("sqlite3.partial");
    storage.backup_to(&partial).await?;
    std::fs::rename(&partial, &file).map_err(io(&file))?;
    tracing::info!(file = %file.display(), "backup written");
    let mut kept: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("jianzheng-") && n.ends_with(".sqlite3"))
        })
        .collect();
    kept.sort();
    let old = kept.len().saturating_sub(keep.max(1));
    for path in &kept[..old] {
        std::fs::remove_file(path).map_err(io(path))?;
    }
    Ok(())
}
