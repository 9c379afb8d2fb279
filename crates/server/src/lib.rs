//! The Jianzheng town server: axum over one storage module, serving the built
//! app (`dist/`) and the JSON API under `/api/v1`.

pub mod area_file;
pub mod auth;
pub mod clock;
pub mod demo;
mod docx;
pub mod error;
mod export;
mod http;
pub mod scope;
pub mod settings;
pub mod storage;

pub use http::AppFiles;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;
use storage::Storage;
use tokio::net::TcpListener;

/// How long a stopping server waits for the requests in flight, unless
/// configured: within systemd's default stop timeout (90 s).
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// How to start the server.
#[derive(Clone, Debug)]
pub struct Config {
    /// `HOST:PORT` to listen on; port 0 picks a free port.
    pub addr: String,
    /// Directory for the SQLite file and other server data; created if missing.
    pub data_dir: PathBuf,
    /// A `postgres://` URL to use PostgreSQL instead of the SQLite file.
    pub database_url: Option<String>,
    /// Where the built app is served from.
    pub app: AppFiles,
    /// Proxies in front (the TLS terminator) whose `X-Forwarded-For` names
    /// the client; anyone else's is ignored.
    pub trusted_proxies: Vec<IpAddr>,
    /// Session cookies are `Secure` and `__Host-` prefixed: the server is
    /// reached over HTTPS (through a TLS-terminating proxy).
    pub secure_cookies: bool,
    /// The bearer token that reads `/metrics` from elsewhere than the
    /// machine itself.
    pub metrics_token: Option<String>,
    /// How long a stopping server waits for the requests in flight.
    pub shutdown_grace: Duration,
    /// How SQLite commits.
    pub sqlite_synchronous: storage::SqliteSync,
}

impl Default for Config {
    /// Loopback, `./data`, the app built into the binary.
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            app: AppFiles::Embedded,
            trusted_proxies: Vec::new(),
            secure_cookies: false,
            metrics_token: None,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            sqlite_synchronous: storage::SqliteSync::Full,
        }
    }
}

/// Shared state of every request handler.
#[derive(Clone)]
pub struct AppState {
    /// The one storage module.
    pub storage: Storage,
    /// The certificate lists in force, indexed for the check; replaced
    /// when the town publishes a list.
    pub checker: Arc<http::LiveChecker>,
    /// Failed town logins.
    pub limiter: Arc<auth::LoginLimiter>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub proxies: http::TrustedProxies,
    /// How session cookies are set.
    pub cookies: auth::CookieKind,
    /// Content-Security-Policy violations browsers reported.
    pub csp_violations: Arc<AtomicU64>,
    /// The token that reads `/metrics` from elsewhere.
    pub metrics_token: Option<Arc<str>>,
    /// The area tree every scope is checked against.
    pub areas: Arc<scope::AreaCache>,
    /// The signed trust list, as last made.
    pub trust: Arc<http::TrustCache>,
}

/// A bound, ready server.
pub struct Server {
    listener: TcpListener,
    router: axum::Router,
    storage: Storage,
    grace: Duration,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
    /// The lists the town published could not be put in force.
    #[error("cannot put the published lists in force: {0}")]
    Lists(#[from] http::InForceError),
    /// The built app, or the shell of one of its areas, is missing.
    #[error("the built app is not complete: {shell} is missing from {from} (run `scripts/build-app` first, before a release build of the server)")]
    MissingApp {
        /// The shell that is missing.
        shell: &'static str,
        /// Where the app was looked for.
        from: String,
    },
}

impl Server {
    /// Opens the storage, binds the address and builds the router.
    pub async fn bind(config: Config) -> Result<Server, StartError> {
        if let Some(shell) = config.app.missing_shell().await {
            let from = match &config.app {
                AppFiles::Embedded => "the files built into this binary".to_owned(),
                AppFiles::Dir(dir) => dir.display().to_string(),
            };
            return Err(StartError::MissingApp { shell, from });
        }
        let storage = Storage::open_with(
            &config.data_dir,
            config.database_url.as_deref(),
            config.sqlite_synchronous,
        )
        .await?;
        let listener =
            TcpListener::bind(&config.addr)
                .await
                .map_err(|source| StartError::Bind {
                    addr: config.addr.clone(),
                    source,
                })?;
        let checker = Arc::new(http::LiveChecker::start(&storage).await?);
        let router = http::router(
            AppState {
                storage: storage.clone(),
                checker,
                limiter: Arc::default(),
                proxies: http::TrustedProxies(config.trusted_proxies.into()),
                cookies: auth::CookieKind {
                    secure: config.secure_cookies,
                },
                csp_violations: Arc::default(),
                metrics_token: config.metrics_token.map(Arc::from),
                areas: Arc::default(),
                trust: Arc::default(),
            },
            config.app,
        )
        .await;
        Ok(Server {
            listener,
            router,
            storage,
            grace: config.shutdown_grace,
        })
    }

    /// The storage (for set-up the town's interface does not offer yet, and tests).
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until Ctrl-C or SIGTERM, then closes the database.
    pub async fn run_until_shutdown(self) -> std::io::Result<()> {
        let storage = self.storage.clone();
        let served = self.run_until(shutdown_signal()).await;
        storage.close().await;
        served
    }

    /// Serves until `stop` resolves (for tests): then stops accepting and
    /// lets the requests in flight finish, for up to the configured grace.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
        // Each request knows its peer's address (for the limits).
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let serving = axum::serve(self.listener, service).with_graceful_shutdown(async move {
            stop.await;
            let _ = stopping.send(());
        });
        let grace = self.grace;
        let overdue = async move {
            if stopped.await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            served = serving => served,
            () = overdue => {
                tracing::warn!(?grace, "requests still in flight after the grace: closing them");
                Ok(())
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
