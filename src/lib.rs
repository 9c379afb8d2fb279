//! The Jianzheng (减证) app: the public resident check, the clerk's tablet
//! view and the town's pages, each area a bundle of its own (`src/bin/`).
//! It stores, shows and transports; every rule and number comes from
//! `jianzheng_core`.

mod app;
mod checker;
mod contact;
mod dialog;
mod files;
pub mod i18n;
mod kept;
mod layout;
mod loaded;
mod nav;
mod pages;
mod qr;
pub mod storage;
mod sync_agent;
mod text_size;
mod transport;
mod trust;
mod update_prompt;

pub use app::{ClerkApp, PosterApp, ResidentApp, TownApp, VerifyApp};
