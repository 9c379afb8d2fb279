//! Town administrators: Argon2id password hashes, session cookies, a limit
//! on failed logins, and the extractor every town endpoint requires.

use crate::error::ApiError;
use crate::storage::{Storage, StorageError, User};
use crate::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jianzheng_core::api_error::ErrorCode;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie's name.
pub const COOKIE: &str = "jz_session";
/// How long a session lasts.
pub const SESSION_HOURS: u32 = 12;
/// Failed logins allowed per name in [`LOCKOUT`].
const MAX_FAILURES: usize = 5;
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

/// Creates the first administrator if there is none; returns the one-time
/// password to print (random unless [`FIRST_PASSWORD_ENV`] sets it).
pub async fn ensure_first_admin(storage: &Storage) -> Result<Option<String>, StorageError> {
    if storage.user_count().await? > 0 {
        return Ok(None);
    }
    let password = std::env::var(FIRST_PASSWORD_ENV)
        .ok()
        .filter(|p| p.chars().count() >= MIN_PASSWORD_CHARS)
        .unwrap_or_else(|| {
            // 12 characters with no look-alikes.
            jianzheng_core::sync::new_code(random_bytes())
                + &jianzheng_core::sync::new_code(random_bytes())[..4]
        });
    storage
        .create_user(FIRST_ADMIN, &hash_password(&password), true)
        .await?;
    Ok(Some(password))
}

/// Failed logins per name, forgotten after [`LOCKOUT`].
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// Whether `name` may try now.
    pub fn allows(&self, name: &str) -> bool {
        let mut failures = self.failures.lock().expect("not poisoned");
        let recent = failures.entry(name.to_owned()).or_default();
        while recent.front().is_some_and(|t| t.elapsed() > LOCKOUT) {
            recent.pop_front();
        }
        recent.len() < MAX_FAILURES
    }

    /// Notes a failed login for `name`.
    pub fn failed(&self, name: &str) {
        let mut failures = self.failures.lock().expect("not poisoned");
        failures
            .entry(name.to_owned())
            .or_default()
            .push_back(Instant::now());
    }

    /// Forgets `name`'s failures after a successful login.
    pub fn succeeded(&self, name: &str) {
        self.failures.lock().expect("not poisoned").remove(name);
    }
}

/// The `Set-Cookie` value of a session (HttpOnly, SameSite=Strict).
pub fn session_cookie(token: &str) -> String {
    format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
        SESSION_HOURS * 3600
    )
}

/// The `Set-Cookie` value that ends a session.
pub fn cleared_cookie() -> String {
    format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(&format!("{COOKIE}="))
                .map(str::to_owned)
        })
        .filter(|t| !t.is_empty())
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
        let token = cookie_token(parts).ok_or_else(|| ApiError::code(ErrorCode::Unauthorized))?;
        let token_hash = token_hash(&token);
        let user = state
            .storage
            .session_user(&token_hash)
            .await?
            .ok_or_else(|| ApiError::code(ErrorCode::Unauthorized))?;
        Ok(Session { user, token_hash })
    }
}

/// A logged-in administrator whose one-time password has been changed:
/// what every town endpoint but the password change requires.
pub struct Admin(pub User);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = Session::from_request_parts(parts, state).await?;
        if session.user.must_change {
            return Err(ApiError::code(ErrorCode::PasswordChangeRequired));
        }
        Ok(Admin(session.user))
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

    #[test]
    fn five_failures_lock_a_name_out_and_a_success_clears_them() {
        let limiter = LoginLimiter::default();
        for _ in 0..MAX_FAILURES {
            assert!(limiter.allows("admin"));
            limiter.failed("admin");
        }
        assert!(!limiter.allows("admin"));
        assert!(limiter.allows("other"));
        limiter.succeeded("admin");
        assert!(limiter.allows("admin"));
    }
}
