//! The town's import of a village report that came without a network: a
//! report file, or the QR codes a tablet shows, scanned with the camera.
//! The bytes go to the server exactly as a tablet would send them.

use crate::files::read_file;
use crate::i18n::use_i18n;
use crate::qr::Scanner;
use crate::transport::push_counts;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::i18n::Msg;
use jianzheng_core::sync::{join_qr_chunks, QrError};
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The import page.
#[component]
pub fn TownImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let result = RwSignal::new(None::<(bool, String)>);
    let scanning = RwSignal::new(false);
    let pieces = RwSignal::new(BTreeSet::<String>::new());
    let missing = RwSignal::new(None::<usize>);
    let busy = RwSignal::new(false);

    let send = move |bytes: Vec<u8>| {
        let lang = i18n.lang();
        busy.set(true);
        leptos::task::spawn_local(async move {
            result.set(Some(match push_counts(&bytes).await {
                Ok(accepted) => {
                    // What it changed: the village and its months.
                    let months: Vec<String> =
                        accepted.months.iter().map(ToString::to_string).collect();
                    let mut text = match &accepted.village {
                        Some(village) => format!(
                            "{}{village} · {}{}",
                            Msg::ImportVillage.text(lang),
                            Msg::ImportMonths.text(lang),
                            months.join("、")
                        ),
                        None => Msg::ImportReplayed.text(lang).to_owned(),
                    };
                    if accepted.replayed || accepted.raised == 0 {
                        text.push_str(&format!(" · {}", Msg::ImportNothingNew.text(lang)));
                    } else {
                        text.push_str(&format!(
                            " · {}{}",
                            Msg::ImportAccepted.text(lang),
                            accepted.raised
                        ));
                    }
                    let flagged = accepted.went_down + accepted.future_periods;
                    if flagged > 0 {
                        text.push_str(&format!(" · {}{flagged}", Msg::ImportFlagged.text(lang)));
                    }
                    (true, text)
                }
                // A file that is no report is said in plain words.
                Err(crate::transport::TransportError::Rejected(
                    ErrorCode::BadRequest | ErrorCode::BadSignature | ErrorCode::PayloadTooLarge,
                    _,
                )) => (false, Msg::ImportNotAReport.text(lang).to_owned()),
                Err(crate::transport::TransportError::Rejected(code, _)) => (
                    false,
                    format!("{}{}", Msg::ImportFailed.text(lang), code.message(lang)),
                ),
                Err(err) => (
                    false,
                    format!("{}{}", Msg::ImportFailed.text(lang), err.message(lang)),
                ),
            }));
            busy.set(false);
        });
    };
    let pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match read_file(&file).await {
                Ok(bytes) => send(bytes),
                Err(err) => result.set(Some((false, err))),
            }
        });
    };
    let on_scan = Callback::new(move |text: String| {
        if pieces.with_untracked(|p| p.contains(&text)) {
            return;
        }
        pieces.update(|p| {
            p.insert(text);
        });
        let all: Vec<String> = pieces.get_untracked().into_iter().collect();
        match join_qr_chunks(&all) {
            Ok(bytes) => {
                scanning.set(false);
                missing.set(Some(0));
                send(bytes);
            }
            Err(QrError::Missing(left)) => missing.set(Some(left.len())),
            Err(QrError::Foreign(_)) => {
                pieces.update(|p| p.retain(|t| t.starts_with(jianzheng_core::sync::QR_PREFIX)));
                result.set(Some((false, i18n.t(Msg::QrForeign).to_owned())));
            }
            Err(QrError::Mixed) | Err(QrError::BadText(_)) => {
                pieces.set(BTreeSet::new());
                result.set(Some((false, i18n.t(Msg::QrMixed).to_owned())));
            }
        }
    });
    let start_scan = move |_| {
        pieces.set(BTreeSet::new());
        missing.set(None);
        result.set(None);
        scanning.update(|s| *s = !*s);
    };
    view! {
        <section class="area area-town town-import">
            <h1>{move || i18n.t(Msg::ImportTitle)}</h1>
            <p>{move || i18n.t(Msg::ImportHelp)}</p>
            <div class="card">
                <label class="btn btn-primary file-pick">
                    {move || i18n.t(Msg::ImportFile)}
                    <input id="import-file" type="file" accept=".jzc,application/octet-stream" on:change=pick disabled=move || busy.get() />
                </label>
                <button class="btn" id="import-scan" on:click=start_scan>
                    {move || i18n.t(if scanning.get() { Msg::ScanStop } else { Msg::ScanQr })}
                </button>
            </div>
            {move || scanning.get().then(|| view! { <Scanner on_text=on_scan /> })}
            {move || {
                let scanned = pieces.with(BTreeSet::len);
                (scanned > 0).then(|| {
                    let total = missing.get().map_or(String::from("?"), |m| (scanned + m).to_string());
                    view! {
                        <p class="scan-count" id="import-scanned" role="status">
                            {i18n.t(Msg::ImportScanned)}{format!("{scanned} / {total}")}
                        </p>
                    }
                })
            }}
            {move || result.get().map(|(ok, text)| view! {
                <p class:ok=ok class:error=!ok role="status" id="import-result">{text}</p>
            })}
        </section>
    }
}
