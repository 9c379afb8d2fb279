//! The village clerk's tablet view.

use crate::i18n::use_i18n;
use crate::storage::{Storage, DB_NAME};
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

/// Opens the device database and notes the first start; returns that time.
async fn open_device_database() -> Result<String, String> {
    let storage = Storage::open(DB_NAME).await.map_err(|e| e.to_string())?;
    let first: Option<String> = storage
        .get_meta("first_opened_at")
        .await
        .map_err(|e| e.to_string())?;
    let first = match first {
        Some(first) => first,
        None => {
            let now: String = js_sys::Date::new_0().to_iso_string().into();
            storage
                .put_meta("first_opened_at", &now)
                .await
                .map_err(|e| e.to_string())?;
            now
        }
    };
    storage.close();
    Ok(first)
}

/// What the clerk's workbench will hold, and whether the device database works.
#[component]
pub fn ClerkPage() -> impl IntoView {
    let i18n = use_i18n();
    let (database, set_database) = signal(None::<Result<String, String>>);
    leptos::task::spawn_local(async move { set_database.set(Some(open_device_database().await)) });
    view! {
        <section class="area area-clerk">
            <h1>{move || i18n.t(Msg::ClerkTitle)}</h1>
            <p class="placeholder">{move || i18n.t(Msg::ClerkPlaceholder)}</p>
            <p class="device-status" id="device-status">
                {move || match database.get() {
                    None => String::new(),
                    Some(Ok(first)) => {
                        // ISO time from the device clock, shown to the minute.
                        let shown = first.get(..16).unwrap_or(&first).replace('T', " ");
                        format!("{} {shown}", i18n.t(Msg::StorageReady))
                    }
                    Some(Err(err)) => format!("{}: {err}", i18n.t(Msg::StorageCheckFailed)),
                }}
            </p>
        </section>
    }
}
