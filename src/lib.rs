//! The Jianzheng (减证) app: one router with the clerk's tablet view, the
//! town's view and the public resident check page. It stores, shows and
//! transports; every rule and number comes from `jianzheng_core`.

mod app;
pub mod i18n;
mod layout;
mod pages;
pub mod storage;
mod update_prompt;

pub use app::App;
