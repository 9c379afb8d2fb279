//! Backup export (a file download) and restore (a file the clerk picks).

use super::{now_iso, Clerk};
use crate::i18n::use_i18n;
use crate::storage::RestoreError;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn download(name: &str, bytes: &[u8]) -> Result<(), wasm_bindgen::JsValue> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url)
}

/// Export and restore.
#[component]
pub fn BackupView() -> impl IntoView {
    let i18n = use_i18n();
    let clerk: Clerk = expect_context();
    let message = RwSignal::new(None::<(bool, String)>);
    let export = move |_| {
        let Some(db) = clerk.db() else { return };
        leptos::task::spawn_local(async move {
            let time = now_iso();
            match db.export_backup(&time).await {
                Ok(Some(backup)) => {
                    let name = format!(
                        "jianzheng-{}-{}-{}.json",
                        backup.village,
                        backup.device,
                        &time[..10]
                    );
                    if let Err(err) = download(&name, &backup.to_json()) {
                        message.set(Some((false, format!("{err:?}"))));
                    }
                }
                Ok(None) => {}
                Err(err) => message.set(Some((false, err.to_string()))),
            }
        });
    };
    let restore = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let Some(db) = clerk.db() else { return };
        leptos::task::spawn_local(async move {
            let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                Err(err) => {
                    message.set(Some((false, format!("{err:?}"))));
                    return;
                }
            };
            let lang = i18n.lang();
            let result = match db.restore(&bytes).await {
                Ok(0) => (true, i18n.t(Msg::BackupNothing).to_owned()),
                Ok(n) => (true, format!("{}{n}", i18n.t(Msg::BackupRestored))),
                Err(RestoreError::Backup(err)) => (false, err.message(lang)),
                Err(err) => (false, err.to_string()),
            };
            message.set(Some(result));
            clerk.changed.update(|n| *n += 1);
        });
    };
    view! {
        <div class="card backup">
            <button class="btn btn-primary" id="backup-export" on:click=export>{move || i18n.t(Msg::BackupExport)}</button>
            <label class="btn file-pick">
                {move || i18n.t(Msg::BackupRestore)}
                <input id="backup-restore" type="file" accept="application/json,.json" on:change=restore />
            </label>
            {move || message.get().map(|(ok, text)| view! {
                <p class:error=!ok class:ok=ok role="status" id="backup-message">{text}</p>
            })}
        </div>
    }
}
