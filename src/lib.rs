//! The Jianzheng (减证) app: one router with the clerk's tablet view, the
//! town's view and the public resident check page. It stores, shows and
//! transports; every rule and number comes from `jianzheng_core`.

mod app;
mod checker;
mod files;
pub mod i18n;
mod layout;
mod pages;
mod qr;
pub mod storage;
mod sync_agent;
mod text_size;
mod transport;
mod update_prompt;

pub use app::App;
