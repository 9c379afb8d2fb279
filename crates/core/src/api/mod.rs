//! The contract between the app and the town server: one type per request
//! and response body of every endpoint under [`PREFIX`]. The server's
//! handlers read and answer with these and the app's transport sends and
//! reads them, so a field renamed here breaks the build of both sides.
//! Errors travel as [`crate::api_error::ErrorBody`]; the dashboard, the
//! lists and the resident check answer with core's own types
//! ([`crate::rate::Dashboard`], [`crate::catalogue::ListsFile`],
//! [`crate::check::CheckAnswer`]).

pub mod audit;
pub mod check;
pub mod health;
pub mod lists;
pub mod sync;
pub mod town;
pub mod verify;

/// Where the API lives on the town server.
pub const PREFIX: &str = "/api/v1";

#[cfg(test)]
mod tests;
