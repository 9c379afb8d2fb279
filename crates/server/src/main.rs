//! `jianzheng-server`: the town server. Serves the built app and the JSON API.

use clap::{Parser, Subcommand};
use jianzheng_core::sync::display_code;
use jianzheng_server::settings::{LogFormat, Partial, Secret, Settings, SettingsError};
use jianzheng_server::storage::{backup, LedgerIntent, SqliteSync, Storage};
use jianzheng_server::Server;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

/// The Jianzheng (减证) town server.
///
/// Every setting can also come from an environment variable or a TOML file
/// (`--config`); a flag wins over a variable, and both over the file.
#[derive(Debug, Parser)]
#[command(name = "jianzheng-server", version, about)]
struct Args {
    /// A TOML file with any of the settings below (kebab-case names, e.g.
    /// `data-dir = "/var/lib/jianzheng"`).
    #[arg(long, env = "JIANZHENG_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on (port 0 picks a free port) [default: 127.0.0.1:8080].
    #[arg(long, env = "JIANZHENG_ADDR")]
    addr: Option<String>,
    /// Directory for the embedded SQLite database and other server data
    /// [default: ./data].
    #[arg(long, env = "JIANZHENG_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// A PostgreSQL URL (`postgres://user@host/db`) to use instead of the
    /// SQLite file, for a county or a province. Never printed.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<Secret>,
    /// Serve the built app from this directory (Trunk's `dist/`) instead of
    /// the app built into the binary: for development.
    #[arg(long, env = "JIANZHENG_DIST")]
    dist: Option<PathBuf>,
    /// Address of a proxy in front (the TLS terminator) whose
    /// `X-Forwarded-For` names the client, for the per-address limits.
    /// Repeat for several.
    #[arg(
        long = "trusted-proxy",
        value_name = "IP",
        env = "JIANZHENG_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<IpAddr>,
    /// Mark the session cookie `Secure` with the `__Host-` prefix: use it
    /// whenever the server is reached over HTTPS (README: "TLS in front").
    #[arg(long, env = "JIANZHENG_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Back the SQLite database up on this schedule (e.g. `24h`) into
    /// DATA_DIR/backups, while serving.
    #[arg(long, env = "JIANZHENG_BACKUP_EVERY", value_parser = humantime::parse_duration)]
    backup_every: Option<Duration>,
    /// How many scheduled backups to keep (the newest) [default: 14].
    #[arg(long, env = "JIANZHENG_BACKUP_KEEP")]
    backup_keep: Option<usize>,
    /// How the log is written to stderr [default: text].
    #[arg(long, env = "JIANZHENG_LOG_FORMAT", value_enum)]
    log_format: Option<LogFormat>,
    /// A bearer token (16 characters or more) that reads `/metrics` from
    /// elsewhere than this machine. Never printed.
    #[arg(long, env = "JIANZHENG_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<Secret>,
    /// How long a stopping server waits for the requests in flight (e.g.
    /// `20s`) [default: 20s].
    #[arg(long, env = "JIANZHENG_SHUTDOWN_GRACE", value_parser = humantime::parse_duration)]
    shutdown_grace: Option<Duration>,
    /// How SQLite commits: `full` loses nothing the tablets were answered
    /// for on a power cut; `normal` is faster and may lose the last commits
    /// [default: full].
    #[arg(long, env = "JIANZHENG_SQLITE_SYNCHRONOUS", value_enum)]
    sqlite_synchronous: Option<SqliteSync>,
    /// What to do instead of serving.
    #[command(subcommand)]
    command: Option<Command>,
}

impl Args {
    /// What the flags and variables said, over what the file says.
    fn settings(&self) -> Result<Settings, SettingsError> {
        let said = Partial {
            addr: self.addr.clone(),
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            dist: self.dist.clone(),
            trusted_proxies: (!self.trusted_proxies.is_empty())
                .then(|| self.trusted_proxies.clone()),
            secure_cookies: self.secure_cookies.then_some(true),
            backup_every: self.backup_every,
            backup_keep: self.backup_keep,
            log_format: self.log_format,
            metrics_token: self.metrics_token.clone(),
            shutdown_grace: self.shutdown_grace,
            sqlite_synchronous: self.sqlite_synchronous,
        };
        let file = match &self.config {
            Some(path) => Partial::from_file(path)?,
            None => Partial::default(),
        };
        said.over(file).resolve()
    }
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
    /// The area tree: county, towns, villages.
    #[command(subcommand)]
    Areas(AreasCommand),
    /// Checks the settings (flags, variables and the `--config` file) and
    /// prints those in effect, secrets masked.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Puts a backup in place as the database of the data directory, which
    /// must hold none; refuses a file that is not a Jianzheng database or is
    /// from a newer version. Stop the server first.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AreasCommand {
    /// Adds or updates areas from a CSV file `code,name,parent_code[,level]`
    /// (the level: province, city, county, town or village; read from a
    /// 12-digit statistical code, or the one below the parent's, when
    /// empty). Checked whole: nothing is stored unless all of it fits.
    Import {
        /// The CSV file (UTF-8).
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Validates the settings and prints those in effect as TOML.
    Check,
}

/// Imports an area file and says what the tree holds after.
async fn import_areas(storage: &Storage, file: &std::path::Path) -> anyhow::Result<()> {
    use jianzheng_core::i18n::Lang;
    use jianzheng_core::org::Level;
    let bytes = std::fs::read(file)?;
    let rows = jianzheng_server::area_file::read_rows(&bytes)?;
    let existing = storage.area_tree().await?;
    let tree = jianzheng_core::org::import(existing.as_ref(), &rows)
        .map_err(|e| anyhow::anyhow!("{} / {}", e.message(Lang::Zh), e.message(Lang::En)))?;
    let changed: Vec<_> = tree
        .areas()
        .filter(|a| existing.as_ref().and_then(|t| t.get(&a.code)) != Some(*a))
        .cloned()
        .collect();
    let n = changed.len();
    let tree = storage.change_areas(changed).await?;
    let villages = tree.areas().filter(|a| a.level == Level::Village).count();
    println!(
        "已导入 {n} 个区划；现共 {total} 个，其中村 {villages} 个，最上级为 {root} / Imported {n} areas; the tree now holds {total}, {villages} of them villages, below {root}",
        total = tree.len(),
        root = tree.root().name,
    );
    Ok(())
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
            storage.create_village(village, village, None).await?;
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

/// Logs to stderr, as text or as JSON lines.
fn start_logging(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => log.init(),
        LogFormat::Json => log.json().init(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let settings = args.settings()?;
    start_logging(settings.log_format);
    let database_url = settings.database_url.as_ref().map(Secret::expose);
    let data_dir = &settings.data_dir;
    match &args.command {
        Some(Command::Config(ConfigCommand::Check)) => {
            print!("{}", settings.masked());
            eprintln!("配置有效 / The settings are valid");
            return Ok(());
        }
        Some(Command::Areas(AreasCommand::Import { file })) => {
            let storage = Storage::open(data_dir, database_url).await?;
            return import_areas(&storage, file).await;
        }
        Some(Command::EnrolmentCode {
            village,
            name,
            continue_ledger,
        }) => {
            let storage = Storage::open(data_dir, database_url).await?;
            return print_enrolment_code(
                &storage,
                village,
                name.as_deref(),
                continue_ledger.as_deref(),
            )
            .await;
        }
        Some(Command::Demo) => {
            let storage = Storage::open(data_dir, database_url).await?;
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
            let storage = Storage::open(data_dir, database_url).await?;
            storage.backup_to(to).await?;
            println!("备份已写入 {0} / Backup written to {0}", to.display());
            return Ok(());
        }
        Some(Command::Restore { from }) => {
            let version = backup::restore(from, data_dir).await?;
            println!(
                "已恢复到 {0}（数据库版本 {version}） / Restored into {0} (schema version {version})",
                data_dir.display()
            );
            return Ok(());
        }
        None => {}
    }
    let server = Server::bind(settings.server_config()).await?;
    if let Some(schedule) = settings.backup {
        tokio::spawn(backup::keep_backing_up(
            server.storage().clone(),
            data_dir.join("backups"),
            schedule,
        )?);
    }
    // The first line on stdout is the URL; scripts and tests read it.
    println!("Jianzheng town server: http://{}/", server.local_addr());
    if let Some(password) = jianzheng_server::auth::ensure_first_admin(server.storage()).await? {
        tell_first_password(&password, data_dir)?;
    }
    server.run_until_shutdown().await?;
    Ok(())
}
