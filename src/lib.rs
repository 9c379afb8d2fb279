//! The Jianzheng (减证) app: one router with the clerk's tablet view, the
//! town's view and the public resident check page. It stores, shows and
//! transports; every rule and number comes from `jianzheng_core`.

mod app;
mod checker;
pub mod i18n;
mod layout;
mod pages;
pub mod storage;
mod text_size;
mod update_prompt;

pub use app::App;
