//! Town accounts: Argon2id password hashes, session cookies, a limit on
//! failed logins, the session extractor, and the audit trail's writer.

use crate::error::ApiError;
use crate::storage::{AuditRecord, Storage, StorageError, User};
use crate::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jianzheng_core::api::audit::AuditKind;
use jianzheng_core::api_error::ErrorCode;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// The session cookie's name.
pub const COOKIE: &str = "jz_session";
/// Its name with `--secure-cookies`.
pub const SECURE_COOKIE: &str = "__Host-jz_session";
/// How long a session lasts.
pub const SESSION_HOURS: u32 = 12;
/// Failed logins allowed per name in [`LOCKOUT`].
const MAX_FAILURES: usize = 5;
/// Failed logins allowed per client address in [`LOCKOUT`] (an office
/// behind one address has several officers).
const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// Most names and addresses the limiter tracks; past it, after forgetting
/// old tries, logins are refused rather than memory spent.
const MAX_TRACKED: usize = 50_000;
/// Longest login name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest password, in characters (hashing a megabyte is work for nothing).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The window failed logins are counted over.
const LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// The name of the administrator made at first start.
pub const FIRST_ADMIN: &str = "admin";
/// Environment variable that sets the first administrator's one-time
/// password (for scripted set-ups and tests) instead of a random one.
pub const FIRST_PASSWORD_ENV: &str = "JIANZHENG_ADMIN_PASSWORD";
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the system's random source works");
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An Argon2id hash of `password` (PHC string, with its own salt).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes make a salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2id hashes any password")
        .to_string()
}

/// Whether `password` matches the stored `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new session token and the hash stored for it.
pub fn new_token() -> (String, String) {
    let token = hex(&random_bytes::<32>());
    let hash = token_hash(&token);
    (token, hash)
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new one-time password: 12 characters with no look-alikes.
pub fn one_time_password() -> String {
    jianzheng_core::sync::new_code(random_bytes())
        + &jianzheng_core::sync::new_code(random_bytes())[..4]
}

/// Creates the first administrator if there is none; returns the one-time
/// password to print (random unless [`FIRST_PASSWORD_ENV`] sets it).
pub async fn ensure_first_admin(storage: &Storage) -> Result<Option<String>, StorageError> {
    if storage.user_count().await? > 0 {
        return Ok(None);
    }
    let password = std::env::var(FIRST_PASSWORD_ENV)
        .ok()
        .filter(|p| p.chars().count() >= MIN_PASSWORD_CHARS)
        .unwrap_or_else(one_time_password);
    storage
        .create_user(FIRST_ADMIN, &hash_password(&password), true)
        .await?;
    Ok(Some(password))
}

/// Tries reserved per name and per address, forgotten after [`LOCKOUT`];
/// a try counts as a failure until it succeeds.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    tries: Mutex<Tries>,
}

#[derive(Debug, Default)]
struct Tries {
    names: HashMap<String, VecDeque<Instant>>,
    addresses: HashMap<IpAddr, VecDeque<Instant>>,
    /// When the whole table was last swept (at most once a minute).
    swept: Option<Instant>,
}

/// Drops the tries older than [`LOCKOUT`]; whether any are left.
fn forget_old(recent: &mut VecDeque<Instant>) -> bool {
    while recent.front().is_some_and(|t| t.elapsed() > LOCKOUT) {
        recent.pop_front();
    }
    !recent.is_empty()
}

impl Tries {
    fn tracked(&self) -> usize {
        self.names.len() + self.addresses.len()
    }

    /// Forgets old tries across the table, unless that was done less than
    /// a minute ago (a full table must not make every login walk it).
    fn sweep(&mut self) {
        if self
            .swept
            .is_some_and(|t| t.elapsed() < Duration::from_secs(60))
        {
            return;
        }
        self.swept = Some(Instant::now());
        self.names.retain(|_, recent| forget_old(recent));
        self.addresses.retain(|_, recent| forget_old(recent));
    }
}

/// One reserved login try; dropped without [`Attempt::succeeded`], it
/// stays counted as a failure.
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    name: String,
    address: IpAddr,
    at: Instant,
}

impl Attempt<'_> {
    /// The password was right: the name's failures are forgotten, and this
    /// try no longer counts against the address.
    pub fn succeeded(self) {
        let mut tries = self.limiter.tries.lock().expect("not poisoned");
        tries.names.remove(&self.name);
        if let Some(recent) = tries.addresses.get_mut(&self.address) {
            recent.retain(|t| *t != self.at);
        }
    }
}

impl LoginLimiter {
    /// Reserves a try of `name` from `address`, or `None` when either has
    /// used up its tries (or too many are being tracked to take more).
    /// Checking and counting are one step, so of any number of tries made
    /// at once no more than the limit get to a password check.
    pub fn begin(&self, name: &str, address: IpAddr) -> Option<Attempt<'_>> {
        let mut tries = self.tries.lock().expect("not poisoned");
        if tries.tracked() >= MAX_TRACKED {
            tries.sweep();
            if tries.tracked() >= MAX_TRACKED {
                return None;
            }
        }
        let by_address = tries.addresses.get_mut(&address).map_or(0, |recent| {
            forget_old(recent);
            recent.len()
        });
        let by_name = tries.names.get_mut(name).map_or(0, |recent| {
            forget_old(recent);
            recent.len()
        });
        if by_address >= MAX_FAILURES_PER_ADDRESS || by_name >= MAX_FAILURES {
            return None;
        }
        let at = Instant::now();
        tries.addresses.entry(address).or_default().push_back(at);
        tries
            .names
            .entry(name.to_owned())
            .or_default()
            .push_back(at);
        Some(Attempt {
            limiter: self,
            name: name.to_owned(),
            address,
            at,
        })
    }
}

/// Password hashing runs on the blocking pool, at most this many at once:
/// Argon2 is meant to be slow, and must not stall the async workers.
static HASHING: Semaphore = Semaphore::const_new(2);

/// Runs `work` (an Argon2 hash or check) on the blocking pool, behind [`HASHING`].
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let _permit = HASHING.acquire().await.expect("never closed");
    tokio::task::spawn_blocking(work)
        .await
        .expect("hashing does not panic")
}

/// [`hash_password`] off the async workers.
pub async fn hash_password_blocking(password: String) -> String {
    hashing(move || hash_password(&password)).await
}

/// Checks `password` against the stored hash of `user`, or against a dummy
/// hash when there is no such user, so that an unknown name takes as long
/// to refuse as a wrong password. Off the async workers.
pub async fn check_password(password: String, user: Option<&User>) -> bool {
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash_password("no such user here"));
    let stored = user.map(|u| u.password_hash.clone());
    let known = stored.is_some();
    // The dummy is made on first use, on the blocking pool too.
    hashing(move || verify_password(&password, stored.as_deref().unwrap_or(&DUMMY))).await && known
}

/// How the session cookie is set: on plain HTTP (loopback, a village LAN)
/// or, with `--secure-cookies`, `Secure` and with the `__Host-` prefix, so
/// no other site or subdomain, and no plain-HTTP page, can set or read it.
#[derive(Clone, Copy, Debug, Default)]
pub struct CookieKind {
    /// HTTPS only.
    pub secure: bool,
}

impl CookieKind {
    /// The cookie's name.
    pub fn name(self) -> &'static str {
        if self.secure {
            SECURE_COOKIE
        } else {
            COOKIE
        }
    }

    fn attributes(self) -> &'static str {
        if self.secure {
            "HttpOnly; SameSite=Strict; Path=/; Secure"
        } else {
            "HttpOnly; SameSite=Strict; Path=/"
        }
    }

    /// The `Set-Cookie` value of a session.
    pub fn session(self, token: &str) -> String {
        format!(
            "{}={token}; {}; Max-Age={}",
            self.name(),
            self.attributes(),
            SESSION_HOURS * 3600
        )
    }

    /// The `Set-Cookie` value that ends a session.
    pub fn cleared(self) -> String {
        format!("{}=; {}; Max-Age=0", self.name(), self.attributes())
    }

    fn token(self, parts: &Parts) -> Option<String> {
        let prefix = format!("{}=", self.name());
        parts
            .headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| pair.trim().strip_prefix(&prefix).map(str::to_owned))
            .filter(|t| !t.is_empty())
    }
}

/// A logged-in administrator, whatever the state of their password.
pub struct Session {
    /// The administrator.
    pub user: User,
    /// The stored hash of the session's token.
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = state
            .cookies
            .token(parts)
            .ok_or_else(|| ApiError::code(ErrorCode::Unauthorized))?;
        let token_hash = token_hash(&token);
        let user = state
            .storage
            .session_user(&token_hash)
            .await?
            .ok_or_else(|| ApiError::code(ErrorCode::Unauthorized))?;
        Ok(Session { user, token_hash })
    }
}

/// Appends a row of its own to the audit trail: a login, a failed one, a
/// logout, which change no data (a change's row is written in the change's
/// transaction: [`crate::scope::Account::audited`]). A failure to write it
/// is logged and counted as a database error, and the request still
/// succeeds.
pub async fn record(
    state: &AppState,
    account: Option<&str>,
    address: Option<IpAddr>,
    kind: AuditKind,
    area: Option<&str>,
    detail: &str,
) {
    let row = AuditRecord {
        account,
        address,
        kind,
        area,
        detail,
    };
    if let Err(err) = state.storage.append_audit(row).await {
        tracing::error!(error = %err, kind = kind.as_str(), "audit row not written");
        crate::http::metrics::database_error();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(hash, hash_password("correct horse battery"), "salted");
    }

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const AWAY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn five_failures_lock_a_name_out_and_a_success_clears_them() {
        let limiter = LoginLimiter::default();
        for _ in 0..MAX_FAILURES {
            assert!(limiter.begin("admin", HOME).is_some());
        }
        assert!(limiter.begin("admin", HOME).is_none());
        assert!(
            limiter.begin("admin", AWAY).is_none(),
            "per name, from anywhere"
        );
        let other = limiter.begin("other", HOME).expect("another name may try");
        other.succeeded();
        assert!(limiter.begin("other", HOME).is_some());
    }

    #[test]
    fn tries_held_at_once_count_before_any_finishes() {
        let limiter = LoginLimiter::default();
        let held: Vec<_> = (0..50)
            .filter_map(|_| limiter.begin("admin", HOME))
            .collect();
        assert_eq!(held.len(), MAX_FAILURES);
    }

    #[test]
    fn distinct_names_from_distinct_addresses_never_grow_the_table_past_its_bound() {
        let limiter = LoginLimiter::default();
        let allowed = (0..(MAX_TRACKED as u32))
            .filter(|&i| {
                let address = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
                limiter.begin(&format!("name-{i}"), address).is_some()
            })
            .count();
        assert_eq!(allowed, MAX_TRACKED / 2, "a name and an address each");
        assert!(limiter.tries.lock().unwrap().tracked() <= MAX_TRACKED);
    }

    #[test]
    fn an_address_trying_many_names_is_stopped() {
        let limiter = LoginLimiter::default();
        let allowed = (0..1000)
            .filter(|i| limiter.begin(&format!("name{i}"), HOME).is_some())
            .count();
        assert_eq!(allowed, MAX_FAILURES_PER_ADDRESS);
        assert!(limiter.begin("name0", AWAY).is_some());
        assert!(limiter.tries.lock().unwrap().tracked() <= MAX_FAILURES_PER_ADDRESS + 2);
    }
}
