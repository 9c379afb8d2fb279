//! `jianzheng-server`: the town server. Serves the built app and the JSON API.

use clap::{Parser, Subcommand};
use jianzheng_core::sync::display_code;
use jianzheng_server::storage::{backup, LedgerIntent, Storage};
use jianzheng_server::{Config, Server};
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

/// The Jianzheng (减证) town server.
#[derive(Debug, Parser)]
#[command(name = "jianzheng-server", version, about)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Directory for the embedded SQLite database and other server data.
    #[arg(long, default_value = "./data")]
    data_dir: PathBuf,
    /// A PostgreSQL URL (`postgres://user@host/db`) to use instead of the
    /// SQLite file, for a county or a province. Never printed.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Directory of the built app (Trunk's `dist/`).
    #[arg(long, default_value = "./dist")]
    dist: PathBuf,
    /// Address of a proxy in front (the TLS terminator) whose
    /// `X-Forwarded-For` names the client, for the per-address limits.
    /// Repeat for several.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Mark the session cookie `Secure` with the `__Host-` prefix: use it
    /// whenever the server is reached over HTTPS (README: "TLS in front").
    #[arg(long)]
    secure_cookies: bool,
    /// Back the SQLite database up on this schedule (e.g. `24h`) into
    /// DATA_DIR/backups, while serving.
    #[arg(long, value_parser = humantime::parse_duration)]
    backup_every: Option<std::time::Duration>,
    /// How many scheduled backups to keep (the newest).
    #[arg(long, default_value_t = 14, requires = "backup_every")]
    backup_keep: usize,
    /// What to do instead of serving.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Seeds a demonstration town: twelve villages with a tablet each, two
    /// years of synced counts up to last month, and the first year as the
    /// baseline.
    Demo,
    /// Creates a one-time enrolment code for a village's tablet and prints
    /// it as text and as a QR code (adds the village if it is new).
    EnrolmentCode {
        /// The village code (up to 20 letters and digits).
        #[arg(long)]
        village: String,
        /// The village's name, if it is new.
        #[arg(long)]
        name: Option<String>,
        /// The ledger a replaced or restored tablet continues (its label,
        /// e.g. `T1`); without it the code enrols a new ledger.
        #[arg(long)]
        continue_ledger: Option<String>,
    },
    /// Writes a consistent copy of the SQLite database to a new file, while
    /// a server on the same data directory keeps taking uploads.
    Backup {
        /// The file to write (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Puts a backup in place as the database of the data directory, which
    /// must hold none; refuses a file that is not a Jianzheng database or is
    /// from a newer version. Stop the server first.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
    },
}

/// Prints a new enrolment code for `village`.
async fn print_enrolment_code(
    storage: &Storage,
    village: &str,
    name: Option<&str>,
    continues: Option<&str>,
) -> anyhow::Result<()> {
    match name {
        Some(name) => storage.upsert_village(village, name).await?,
        // Named by its code if it is new; an existing village keeps its name.
        None => {
            storage.create_village(village, village).await?;
        }
    }
    let days = storage.enrolment_code_days().await?;
    let intent = match continues {
        Some(ledger) => LedgerIntent::Continue(ledger.to_owned()),
        None => LedgerIntent::New,
    };
    let code = storage
        .create_enrolment_code(village, days, &intent)
        .await?;
    let qr = qrcode::QrCode::new(code.as_bytes())?
        .render::<qrcode::render::unicode::Dense1x2>()
        .quiet_zone(true)
        .build();
    println!("{}", display_code(&code));
    println!("{qr}");
    println!("一次性登记码，村 {village}，{days} 天内有效 / one-time enrolment code for village {village}, valid for {days} days");
    Ok(())
}

/// The first administrator's one-time password goes to the terminal of
/// whoever started the server, or, when the output is a service log, to a
/// file in the data directory only its owner can read.
fn tell_first_password(password: &str, data_dir: &std::path::Path) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Write};
    let admin = jianzheng_server::auth::FIRST_ADMIN;
    if std::io::stdout().is_terminal() {
        println!(
            "首次启动：管理员 {admin}，一次性密码 {password}（登录后须修改） / First start: administrator {admin}, one-time password {password} (change it after logging in)"
        );
        return Ok(());
    }
    std::fs::create_dir_all(data_dir)?;
    let path = data_dir.join("first-admin-password.txt");
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    writeln!(file.open(&path)?, "{password}")?;
    println!(
        "首次启动：管理员 {admin} 的一次性密码在 {path} 中（仅所有者可读，登录后须修改） / First start: the one-time password of administrator {admin} is in {path} (readable by its owner only; change it after logging in)",
        path = path.display()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    match &args.command {
        Some(Command::EnrolmentCode {
            village,
            name,
            continue_ledger,
        }) => {
            let storage = Storage::open(&args.data_dir, args.database_url.as_deref()).await?;
            return print_enrolment_code(
                &storage,
                village,
                name.as_deref(),
                continue_ledger.as_deref(),
            )
            .await;
        }
        Some(Command::Demo) => {
            let storage = Storage::open(&args.data_dir, args.database_url.as_deref()).await?;
            let seconds = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_secs() as i64;
            let last = jianzheng_core::ledger::Period::from_unix_seconds(seconds).previous();
            let size = jianzheng_server::demo::DemoSize {
                villages: 12,
                months: 24,
                last,
            };
            let n = jianzheng_server::demo::seed(&storage, size).await?;
            println!("示范数据：{n} 个村，24 个月，截至 {last} / Demo: {n} villages, 24 months up to {last}");
            return Ok(());
        }
        Some(Command::Backup { to }) => {
            let storage = Storage::open(&args.data_dir, args.database_url.as_deref()).await?;
            storage.backup_to(to).await?;
            println!("备份已写入 {0} / Backup written to {0}", to.display());
            return Ok(());
        }
        Some(Command::Restore { from }) => {
            let version = backup::restore(from, &args.data_dir).await?;
            println!(
                "已恢复到 {0}（数据库版本 {version}） / Restored into {0} (schema version {version})",
                args.data_dir.display()
            );
            return Ok(());
        }
        None => {}
    }
    let data_dir = args.data_dir.clone();
    let server = Server::bind(Config {
        addr: args.addr,
        data_dir: args.data_dir,
        database_url: args.database_url,
        dist: args.dist,
        trusted_proxies: args.trusted_proxies,
        secure_cookies: args.secure_cookies,
    })
    .await?;
    if let Some(every) = args.backup_every {
        let schedule = backup::Schedule {
            every,
            keep: args.backup_keep,
        };
        tokio::spawn(backup::keep_backing_up(
            server.storage().clone(),
            data_dir.join("backups"),
            schedule,
        )?);
    }
    // The first line on stdout is the URL; scripts and tests read it.
    println!("Jianzheng town server: http://{}/", server.local_addr());
    if let Some(password) = jianzheng_server::auth::ensure_first_admin(server.storage()).await? {
        tell_first_password(&password, &data_dir)?;
    }
    server.run_until_shutdown().await?;
    Ok(())
}
