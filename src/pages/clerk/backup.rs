//! Backup export (a file download) and restore (a file the clerk picks).

use super::{now_iso, Clerk};
use crate::files::{download, read_file};
use crate::i18n::use_i18n;
use crate::storage::RestoreError;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

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
                    if let Err(err) = download(&name, &backup.to_json(), "application/json") {
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
            let bytes = match read_file(&file).await {
                Ok(bytes) => bytes,
                Err(err) => {
                    message.set(Some((false, err)));
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
