//! Backups of the SQLite database taken while it is written, restored into a
//! new data directory, and the files a restore must refuse; through the
//! library and through the `jianzheng-server backup|restore` commands. On
//! PostgreSQL (the pass of `scripts/test` beside a throwaway cluster), the
//! README's `pg_dump`/`pg_restore` commands.

mod support;

use jianzheng_server::storage::backup::{restore, BackupError};
use jianzheng_server::storage::{Storage, StorageError, SQLITE_FILE};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tempfile::TempDir;

#[tokio::test]
async fn a_backup_taken_while_writing_restores_everything_acknowledged_before_it() {
    let live = TempDir::new().unwrap();
    let storage = Storage::open_in(live.path()).await.unwrap();
    // A writer keeps adding villages; `done` counts those acknowledged.
    let done = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (storage, done) = (storage.clone(), done.clone());
        tokio::spawn(async move {
            for i in 0..400 {
                storage
                    .upsert_village(&format!("V{i:04}"), "村")
                    .await
                    .unwrap();
                done.store(i + 1, Ordering::SeqCst);
            }
        })
    };
    while done.load(Ordering::SeqCst) < 100 {
        tokio::task::yield_now().await;
    }
    let before = done.load(Ordering::SeqCst);
    let file = live.path().join("backup.sqlite3");
    storage.backup_to(&file).await.unwrap();
    let after = done.load(Ordering::SeqCst);
    writer.await.unwrap();
    assert!(matches!(
        storage.backup_to(&file).await,
        Err(BackupError::TargetExists(_))
    ));

    let restored = TempDir::new().unwrap();
    let version = restore(&file, restored.path()).await.unwrap();
    assert_eq!(version, storage.health().await.unwrap());
    let back = Storage::open_in(restored.path()).await.unwrap();
    let villages = back.count_rows("villages").await.unwrap() as usize;
    assert!(
        (before..=after).contains(&villages),
        "{villages} villages, {before} acknowledged before the backup, {after} after"
    );
    // One snapshot: the villages present are exactly the first ones written.
    let codes: Vec<String> = back
        .villages()
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.code)
        .collect();
    let expected: Vec<String> = (0..villages).map(|i| format!("V{i:04}")).collect();
    assert_eq!(codes, expected);
}

#[tokio::test]
async fn a_restore_refuses_what_is_not_a_jianzheng_database_of_this_version_or_older() {
    let dir = TempDir::new().unwrap();
    let target = dir.path().join("data");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "这不是数据库 / not a database").unwrap();
    assert!(matches!(
        restore(&text, &target).await,
        Err(BackupError::NotJianzheng(_))
    ));

    // An SQLite database of something else.
    let other = dir.path().join("other.sqlite3");
    {
        use sqlx::{ConnectOptions, Connection};
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&other)
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        sqlx::query("CREATE TABLE photos (id INTEGER)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    assert!(matches!(
        restore(&other, &target).await,
        Err(BackupError::NotJianzheng(_))
    ));

    // Ours, from a newer build.
    let newer_dir = TempDir::new().unwrap();
    let storage = Storage::open_in(newer_dir.path()).await.unwrap();
    let newer = dir.path().join("newer.sqlite3");
    storage.backup_to(&newer).await.unwrap();
    {
        use sqlx::{ConnectOptions, Connection};
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&newer)
            .connect()
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', 1, x'00', 0)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    match restore(&newer, &target).await {
        Err(BackupError::Newer { found: 9999, .. }) => {}
        other => panic!("{other:?}"),
    }
    // Nor does a server start on it, and it says why.
    let newer_data = TempDir::new().unwrap();
    std::fs::copy(&newer, newer_data.path().join(SQLITE_FILE)).unwrap();
    match Storage::open_in(newer_data.path()).await {
        Err(err @ StorageError::Newer { found: 9999, .. }) => {
            assert!(err.to_string().contains("newer than this server"), "{err}");
        }
        other => panic!("{other:?}"),
    }

    // A good backup is not put over a database that is there.
    let good = dir.path().join("good.sqlite3");
    storage.backup_to(&good).await.unwrap();
    restore(&good, &target).await.unwrap();
    assert!(matches!(
        restore(&good, &target).await,
        Err(BackupError::DatabaseExists(_))
    ));
    assert!(target.join(SQLITE_FILE).is_file());
    assert!(!target.join(format!("{SQLITE_FILE}.restoring")).exists());
}

#[test]
fn the_commands_back_up_and_restore_and_say_why_they_refuse() {
    let bin = env!("CARGO_BIN_EXE_jianzheng-server");
    let dir = TempDir::new().unwrap();
    let live = dir.path().join("live");
    let run = |args: &[&str]| Command::new(bin).args(args).output().unwrap();
    let demo = run(&["--data-dir", live.to_str().unwrap(), "demo"]);
    assert!(demo.status.success(), "{demo:?}");

    let file = dir.path().join("town.sqlite3");
    let backup = run(&[
        "--data-dir",
        live.to_str().unwrap(),
        "backup",
        "--to",
        file.to_str().unwrap(),
    ]);
    assert!(backup.status.success(), "{backup:?}");
    assert!(String::from_utf8_lossy(&backup.stdout).contains("Backup written"));

    let fresh = dir.path().join("fresh");
    let restore = run(&[
        "--data-dir",
        fresh.to_str().unwrap(),
        "restore",
        "--from",
        file.to_str().unwrap(),
    ]);
    assert!(restore.status.success(), "{restore:?}");
    let again = run(&[
        "--data-dir",
        fresh.to_str().unwrap(),
        "restore",
        "--from",
        file.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("holds a database already"),
        "{again:?}"
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (live_count, fresh_count) = rt.block_on(async {
        let live = Storage::open_in(&live).await.unwrap();
        let fresh = Storage::open_in(&fresh).await.unwrap();
        (
            live.count_rows("ledger_cells").await.unwrap(),
            fresh.count_rows("ledger_cells").await.unwrap(),
        )
    });
    assert!(live_count > 0);
    assert_eq!(live_count, fresh_count);
}

#[tokio::test]
async fn on_postgresql_the_readmes_pg_dump_and_pg_restore_carry_a_town_over() {
    let Some(url) = support::fresh_postgres().await else {
        return; // Run by scripts/test's PostgreSQL pass.
    };
    let storage = Storage::connect_postgres(&url).await.unwrap();
    let last = jianzheng_core::ledger::Period {
        year: 2026,
        month: 10,
    };
    let size = jianzheng_server::demo::DemoSize {
        villages: 3,
        months: 6,
        last,
    };
    jianzheng_server::demo::seed(&storage, size).await.unwrap();
    let dir = TempDir::new().unwrap();
    assert!(matches!(
        storage.backup_to(&dir.path().join("x")).await,
        Err(BackupError::Postgres)
    ));
    let schedule = jianzheng_server::storage::backup::Schedule {
        every: std::time::Duration::from_secs(60),
        keep: 2,
    };
    assert!(matches!(
        jianzheng_server::storage::backup::keep_backing_up(
            storage.clone(),
            dir.path().to_path_buf(),
            schedule
        ),
        Err(BackupError::Postgres)
    ));

    let dump = dir.path().join("town.dump");
    let dumped = Command::new("pg_dump")
        .args(["-Fc", "-f", dump.to_str().unwrap(), &url])
        .output()
        .unwrap();
    assert!(dumped.status.success(), "{dumped:?}");
    let new_url = support::fresh_postgres().await.unwrap();
    let restored = Command::new("pg_restore")
        .args(["--no-owner", "-d", &new_url, dump.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(restored.status.success(), "{restored:?}");

    let back = Storage::connect_postgres(&new_url).await.unwrap();
    for table in ["villages", "devices", "ledger_cells", "baselines", "users"] {
        assert_eq!(
            back.count_rows(table).await.unwrap(),
            storage.count_rows(table).await.unwrap(),
            "{table}"
        );
    }
    assert!(back.count_rows("ledger_cells").await.unwrap() > 0);
    assert_eq!(
        back.health().await.unwrap(),
        storage.health().await.unwrap()
    );
}

#[test]
fn a_server_backs_up_on_its_schedule_and_keeps_the_newest() {
    let data = TempDir::new().unwrap();
    let dist = support::bare_app();
    // Half a backup, as a server stopped while writing one leaves it.
    let left = data
        .path()
        .join("backups")
        .join("jianzheng-20260101T000000.000Z.sqlite3.partial");
    std::fs::create_dir_all(left.parent().unwrap()).unwrap();
    std::fs::write(&left, b"SQLite format 3\0half").unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_jianzheng-server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--backup-every",
            "300ms",
            "--backup-keep",
            "2",
        ])
        .arg("--data-dir")
        .arg(data.path())
        .arg("--dist")
        .arg(dist.path())
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let backups = data.path().join("backups");
    // The backups, not the journal SQLite keeps beside one being written.
    let listed = || -> Vec<std::path::PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(&backups)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "sqlite3"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    };
    // Long enough for several turns.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 4 && std::time::Instant::now() < deadline {
        seen.extend(listed());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(seen.len() >= 4, "{seen:?}");
    assert!(
        !left.exists(),
        "the half backup is cleared away, never kept"
    );
    let kept = listed();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert_eq!(
        kept,
        seen.iter().rev().take(2).rev().cloned().collect::<Vec<_>>()
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let restored = TempDir::new().unwrap();
        restore(&kept[1], restored.path()).await.unwrap();
    });
}

#[cfg(unix)]
#[tokio::test]
async fn a_backup_is_private_whatever_the_umask_and_a_leftover_log_is_moved_aside() {
    use std::os::unix::fs::PermissionsExt;
    let live = TempDir::new().unwrap();
    let storage = Storage::open_in(live.path()).await.unwrap();
    storage.upsert_village("V0001", "东村").await.unwrap();
    // It holds the trust list's signing key.
    storage.trust_key().await.unwrap();
    let file = live.path().join("backup.sqlite3");
    storage.backup_to(&file).await.unwrap();
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "backup mode {mode:o}");

    // A data directory whose database was moved away but whose log was
    // not: the log is another database's, and must not be replayed.
    let target = TempDir::new().unwrap();
    let wal = target.path().join("jianzheng.sqlite3-wal");
    std::fs::write(&wal, b"a log of some other database").unwrap();
    restore(&file, target.path()).await.unwrap();
    assert!(!wal.exists());
    let aside: Vec<String> = std::fs::read_dir(target.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("jianzheng.sqlite3-wal.before-restore-"))
        .collect();
    assert_eq!(aside.len(), 1, "moved aside, not deleted");
    let db = target.path().join("jianzheng.sqlite3");
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "restored mode {mode:o}");
    let back = Storage::open_in(target.path()).await.unwrap();
    assert_eq!(back.count_rows("villages").await.unwrap(), 1);
}
