//! Town accounts: Argon2id password hashes, session cookies, a limit on
//! failed logins, the session extractor, and the audit trail's writer.

mod limiter;

pub use limiter::{Attempt, LoginLimiter, Refused};

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
use std::net::IpAddr;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// The session cookie's name.
pub const COOKIE: &str = "jz_session";
/// Its name with `--secure-cookies`.
pub const SECURE_COOKIE: &str = "__Host-jz_session";
/// How long a session lasts.
pub const SESSION_HOURS: u32 = 12;
/// Longest login name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest password, in characters (hashing a megabyte is work for nothing).
pub const MAX_PASSWORD_CHARS: usize = 256;
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
    detail: &jianzheng_core::api::audit::Said,
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
}
