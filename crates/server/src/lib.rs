//! The Jianzheng town server: axum over one storage module, serving the built
//! app (`dist/`) and the JSON API under `/api/v1`.

pub mod auth;
pub mod clock;
pub mod demo;
pub mod error;
mod export;
mod http;
pub mod storage;

use jianzheng_core::area::Area;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use storage::Storage;
use tokio::net::TcpListener;

/// How to start the server.
#[derive(Clone, Debug)]
pub struct Config {
    /// `HOST:PORT` to listen on; port 0 picks a free port.
    pub addr: String,
    /// Directory for the SQLite file and other server data; created if missing.
    pub data_dir: PathBuf,
    /// A `postgres://` URL to use PostgreSQL instead of the SQLite file.
    pub database_url: Option<String>,
    /// Directory of the built app.
    pub dist: PathBuf,
    /// Proxies in front (the TLS terminator) whose `X-Forwarded-For` names
    /// the client; anyone else's is ignored.
    pub trusted_proxies: Vec<IpAddr>,
    /// Session cookies are `Secure` and `__Host-` prefixed: the server is
    /// reached over HTTPS (through a TLS-terminating proxy).
    pub secure_cookies: bool,
}

impl Default for Config {
    /// The server as `scripts/run` starts it: loopback, `./data`, `./dist`.
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            dist: PathBuf::from("./dist"),
            trusted_proxies: Vec::new(),
            secure_cookies: false,
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
}

/// A bound, ready server.
pub struct Server {
    listener: TcpListener,
    router: axum::Router,
    storage: Storage,
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
    #[error("the built app is not complete: {0} is missing (run `scripts/build-app` first)")]
    MissingDist(PathBuf),
}

impl Server {
    /// Opens the storage, binds the address and builds the router.
    pub async fn bind(config: Config) -> Result<Server, StartError> {
        if let Some(area) = Area::ALL
            .iter()
            .find(|area| !config.dist.join(area.shell()).is_file())
        {
            return Err(StartError::MissingDist(config.dist.join(area.shell())));
        }
        let storage = Storage::open(&config.data_dir, config.database_url.as_deref()).await?;
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
            },
            &config.dist,
        );
        Ok(Server {
            listener,
            router,
            storage,
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

    /// Serves until Ctrl-C or SIGTERM.
    pub async fn run_until_shutdown(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` resolves (for tests).
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Each request knows its peer's address (for the limits).
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(stop)
            .await
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
