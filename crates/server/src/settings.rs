//! The server's settings, from flags, environment variables and an optional
//! TOML file (`--config FILE`), in that order of precedence: what a flag or
//! a variable says wins over the file, and the file over the defaults.
//! `jianzheng-server config check` prints the effective settings with the
//! secrets masked, in the file's own format.

use crate::storage::backup::Schedule;
use crate::storage::SqliteSync;
use crate::{AppFiles, Config, DEFAULT_SHUTDOWN_GRACE};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How the log is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for a person.
    #[default]
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

/// A value never printed: a database URL with its password, a token.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// Every setting, each one optional: the form of the TOML file, and of
/// what the flags and variables said.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Partial {
    /// `HOST:PORT` to listen on.
    pub addr: Option<String>,
    /// The data directory.
    pub data_dir: Option<PathBuf>,
    /// A PostgreSQL URL instead of the SQLite file.
    pub database_url: Option<Secret>,
    /// The built app's directory, instead of the app built into the binary.
    pub dist: Option<PathBuf>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Option<Vec<IpAddr>>,
    /// Session cookies for HTTPS.
    pub secure_cookies: Option<bool>,
    /// Time between scheduled backups (`24h`).
    #[serde(default, deserialize_with = "duration")]
    pub backup_every: Option<Duration>,
    /// How many scheduled backups to keep.
    pub backup_keep: Option<usize>,
    /// How the log is written.
    pub log_format: Option<LogFormat>,
    /// The bearer token that reads `/metrics` from elsewhere.
    pub metrics_token: Option<Secret>,
    /// How long a stopping server waits for the requests in flight (`20s`).
    #[serde(default, deserialize_with = "duration")]
    pub shutdown_grace: Option<Duration>,
    /// How SQLite commits (`full` or `normal`).
    pub sqlite_synchronous: Option<SqliteSync>,
}

fn duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(d)?;
    humantime::parse_duration(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// Why the settings do not hold together.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not TOML of these settings.
    #[error("{path}: {source}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong, with the line.
        source: toml::de::Error,
    },
    /// A setting has a value it cannot have.
    #[error("{setting}: {why}")]
    Invalid {
        /// The setting's name, as in the file.
        setting: &'static str,
        /// Why.
        why: String,
    },
}

fn invalid(setting: &'static str, why: impl Into<String>) -> SettingsError {
    SettingsError::Invalid {
        setting,
        why: why.into(),
    }
}

/// The shortest metrics token accepted: guessing it must be hopeless.
const MIN_TOKEN_CHARS: usize = 16;

/// The settings in effect.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `HOST:PORT` to listen on.
    pub addr: String,
    /// The data directory.
    pub data_dir: PathBuf,
    /// A PostgreSQL URL instead of the SQLite file.
    pub database_url: Option<Secret>,
    /// The built app's directory; `None` serves the app built in.
    pub dist: Option<PathBuf>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Session cookies for HTTPS.
    pub secure_cookies: bool,
    /// Scheduled backups, if any.
    pub backup: Option<Schedule>,
    /// How the log is written.
    pub log_format: LogFormat,
    /// The bearer token that reads `/metrics` from elsewhere.
    pub metrics_token: Option<Secret>,
    /// How long a stopping server waits for the requests in flight.
    pub shutdown_grace: Duration,
    /// How SQLite commits.
    pub sqlite_synchronous: SqliteSync,
}

/// The default number of scheduled backups kept.
pub const DEFAULT_BACKUP_KEEP: usize = 14;

impl Partial {
    /// Reads a settings file.
    pub fn from_file(path: &Path) -> Result<Partial, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| SettingsError::Parse {
            path: path.display().to_string(),
            source,
        })
    }

    /// Each setting from `self` where it says one, else from `below`.
    pub fn over(self, below: Partial) -> Partial {
        Partial {
            addr: self.addr.or(below.addr),
            data_dir: self.data_dir.or(below.data_dir),
            database_url: self.database_url.or(below.database_url),
            dist: self.dist.or(below.dist),
            trusted_proxies: self.trusted_proxies.or(below.trusted_proxies),
            secure_cookies: self.secure_cookies.or(below.secure_cookies),
            backup_every: self.backup_every.or(below.backup_every),
            backup_keep: self.backup_keep.or(below.backup_keep),
            log_format: self.log_format.or(below.log_format),
            metrics_token: self.metrics_token.or(below.metrics_token),
            shutdown_grace: self.shutdown_grace.or(below.shutdown_grace),
            sqlite_synchronous: self.sqlite_synchronous.or(below.sqlite_synchronous),
        }
    }

    /// The settings in effect: the defaults where nothing was said, and
    /// every value checked.
    pub fn resolve(self) -> Result<Settings, SettingsError> {
        let addr = self.addr.unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let port_ok = addr
            .rsplit_once(':')
            .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
        if !port_ok {
            return Err(invalid("addr", format!("{addr:?} is not HOST:PORT")));
        }
        if let Some(url) = &self.database_url {
            let scheme = url.expose().split("://").next().unwrap_or("");
            if !matches!(scheme, "postgres" | "postgresql") || !url.expose().contains("://") {
                return Err(invalid(
                    "database-url",
                    "expected postgres://… (the SQLite file needs no URL)",
                ));
            }
        }
        if let Some(token) = &self.metrics_token {
            if token.expose().chars().count() < MIN_TOKEN_CHARS {
                return Err(invalid(
                    "metrics-token",
                    format!("needs at least {MIN_TOKEN_CHARS} characters"),
                ));
            }
        }
        let backup = match (self.backup_every, self.backup_keep) {
            (None, Some(_)) => {
                return Err(invalid("backup-keep", "needs backup-every"));
            }
            (None, None) => None,
            (Some(every), keep) => {
                let keep = keep.unwrap_or(DEFAULT_BACKUP_KEEP);
                if every.is_zero() {
                    return Err(invalid("backup-every", "must be longer than 0s"));
                }
                if keep == 0 {
                    return Err(invalid("backup-keep", "at least 1"));
                }
                Some(Schedule { every, keep })
            }
        };
        Ok(Settings {
            addr,
            data_dir: self.data_dir.unwrap_or_else(|| PathBuf::from("./data")),
            database_url: self.database_url,
            dist: self.dist,
            trusted_proxies: self.trusted_proxies.unwrap_or_default(),
            secure_cookies: self.secure_cookies.unwrap_or(false),
            backup,
            log_format: self.log_format.unwrap_or_default(),
            metrics_token: self.metrics_token,
            shutdown_grace: self.shutdown_grace.unwrap_or(DEFAULT_SHUTDOWN_GRACE),
            sqlite_synchronous: self.sqlite_synchronous.unwrap_or_default(),
        })
    }
}

/// A database URL with its password (and any `password=` parameter)
/// replaced by `***`.
fn masked_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => authority.to_owned(),
    };
    let path = match path.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => path.to_owned(),
    };
    format!("{scheme}://{authority}{path}")
}

/// What `config check` prints: the settings as a TOML file would say them.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Shown {
    addr: String,
    data_dir: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dist: Option<String>,
    trusted_proxies: Vec<String>,
    secure_cookies: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_every: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_keep: Option<usize>,
    log_format: LogFormat,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics_token: Option<&'static str>,
    shutdown_grace: String,
    sqlite_synchronous: SqliteSync,
}

impl Settings {
    /// The settings as TOML, secrets masked: the database URL's password
    /// and the metrics token.
    pub fn masked(&self) -> String {
        let shown = Shown {
            addr: self.addr.clone(),
            data_dir: self.data_dir.display().to_string(),
            database_url: self.database_url.as_ref().map(|u| masked_url(u.expose())),
            dist: self.dist.as_ref().map(|d| d.display().to_string()),
            trusted_proxies: self.trusted_proxies.iter().map(IpAddr::to_string).collect(),
            secure_cookies: self.secure_cookies,
            backup_every: self
                .backup
                .map(|b| humantime::format_duration(b.every).to_string()),
            backup_keep: self.backup.map(|b| b.keep),
            log_format: self.log_format,
            metrics_token: self.metrics_token.as_ref().map(|_| "***"),
            shutdown_grace: humantime::format_duration(self.shutdown_grace).to_string(),
            sqlite_synchronous: self.sqlite_synchronous,
        };
        toml::to_string(&shown).expect("plain values serialise")
    }

    /// How to start the server with these settings.
    pub fn server_config(&self) -> Config {
        Config {
            addr: self.addr.clone(),
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.as_ref().map(|u| u.expose().to_owned()),
            app: match &self.dist {
                Some(dir) => AppFiles::Dir(dir.clone()),
                None => AppFiles::Embedded,
            },
            trusted_proxies: self.trusted_proxies.clone(),
            secure_cookies: self.secure_cookies,
            metrics_token: self.metrics_token.as_ref().map(|t| t.expose().to_owned()),
            shutdown_grace: self.shutdown_grace,
            sqlite_synchronous: self.sqlite_synchronous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Partial, toml::de::Error> {
        toml::from_str(text)
    }

    #[test]
    fn a_file_sets_every_setting_and_flags_win_over_it() {
        let file = parse(
            r#"
            addr = "0.0.0.0:9000"
            data-dir = "/var/lib/jianzheng"
            database-url = "postgres://jz:hunter2@db.example/county?sslmode=require&password=hunter2"
            dist = "/srv/dist"
            trusted-proxies = ["127.0.0.1", "::1"]
            secure-cookies = true
            backup-every = "24h"
            backup-keep = 7
            log-format = "json"
            metrics-token = "0123456789abcdef-token"
            shutdown-grace = "30s"
            "#,
        )
        .unwrap();
        let flags = Partial {
            addr: Some("127.0.0.1:8081".into()),
            ..Partial::default()
        };
        let settings = flags.over(file).resolve().unwrap();
        assert_eq!(settings.addr, "127.0.0.1:8081");
        assert_eq!(settings.data_dir, PathBuf::from("/var/lib/jianzheng"));
        assert_eq!(
            settings.backup,
            Some(Schedule {
                every: Duration::from_secs(86_400),
                keep: 7
            })
        );
        assert_eq!(settings.log_format, LogFormat::Json);
        assert_eq!(settings.trusted_proxies.len(), 2);
        assert_eq!(settings.shutdown_grace, Duration::from_secs(30));
        let shown = settings.masked();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
        assert!(
            shown.contains("postgres://jz:***@db.example/county?sslmode=require&password=***"),
            "{shown}"
        );
        // What is printed reads back as a settings file.
        parse(&shown).unwrap();
    }

    #[test]
    fn nothing_said_is_the_default() {
        let settings = Partial::default().resolve().unwrap();
        assert_eq!(settings.addr, "127.0.0.1:8080");
        assert_eq!(settings.dist, None);
        assert_eq!(settings.backup, None);
        assert_eq!(settings.server_config().app, AppFiles::Embedded);
    }

    #[test]
    fn unknown_settings_and_bad_values_are_refused_with_the_setting_named() {
        let unknown = parse("adress = \"x\"").unwrap_err().to_string();
        assert!(unknown.contains("adress"), "{unknown}");
        assert!(parse("backup-every = \"often\"").is_err());
        for (partial, setting) in [
            (
                Partial {
                    addr: Some("8080".into()),
                    ..Partial::default()
                },
                "addr",
            ),
            (
                Partial {
                    database_url: Some(Secret::new("mysql://x")),
                    ..Partial::default()
                },
                "database-url",
            ),
            (
                Partial {
                    metrics_token: Some(Secret::new("short")),
                    ..Partial::default()
                },
                "metrics-token",
            ),
            (
                Partial {
                    backup_keep: Some(3),
                    ..Partial::default()
                },
                "backup-keep",
            ),
            (
                Partial {
                    backup_every: Some(Duration::from_secs(86_400)),
                    backup_keep: Some(0),
                    ..Partial::default()
                },
                "backup-keep",
            ),
        ] {
            let err = partial.resolve().unwrap_err().to_string();
            assert!(err.starts_with(setting), "{setting}: {err}");
        }
    }

    #[test]
    fn a_url_without_a_password_is_shown_whole() {
        assert_eq!(
            masked_url("postgres://jz@localhost/county?host=/run/pg"),
            "postgres://jz@localhost/county?host=/run/pg"
        );
        assert_eq!(masked_url("nonsense"), "***");
    }
}
