//! Domain logic of Jianzheng (减证), the offline-first registry of the
//! certificates village committees issue.
//!
//! Every rule and every number the product applies is computed here, once,
//! and tested natively; the app and the server only store, show and transport.
//! Nothing in this crate does I/O, so it builds for wasm32 and native alike.

pub mod api;
pub mod api_error;
pub mod area;
pub mod catalogue;
pub mod certificate;
pub mod check;
pub mod decimal;
pub mod i18n;
pub mod ledger;
pub mod matching;
pub mod org;
pub mod rate;
mod signature;
pub mod sync;
pub mod values;
