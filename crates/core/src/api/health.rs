//! `GET /api/v1/health`.

use serde::{Deserialize, Serialize};

/// Whether the server is up and its database answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok` when the database answered.
    pub status: String,
    /// The server's version.
    pub version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// The newest migration applied.
    pub schema_version: i64,
    /// Content-Security-Policy violations browsers reported since start.
    pub csp_violations: u64,
}
