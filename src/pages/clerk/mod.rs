//! The village clerk's tablet view: set-up, record, ledger, backup, and the
//! print views. It stores through `crate::storage` and decides nothing itself.

mod backup;
mod ledger;
mod print;
mod record;
mod sync;

pub use print::PrintPage;

use crate::i18n::use_i18n;
use crate::loaded::Loaded;
use crate::storage::{estimate, request_persistence, Storage, StorageError, DB_NAME};
use crate::sync_agent::{SyncAgent, SyncStatus};
use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::i18n::Msg;
use jianzheng_core::ledger::Writer;
use jianzheng_core::values::{LedgerLabel, PhoneNumber, VillageCode};
use leptos::prelude::*;
use std::rc::Rc;

/// The open device database, shared by the clerk's views.
#[derive(Clone, Copy)]
pub(crate) struct Clerk {
    db: StoredValue<Option<Rc<Storage>>, LocalStorage>,
    /// Bumped after every write, so counts and lists reload.
    pub changed: RwSignal<u32>,
}

impl Clerk {
    /// The database, once open.
    pub fn db(self) -> Option<Rc<Storage>> {
        self.db.with_value(Clone::clone)
    }
}

/// The device clock as ISO 8601.
pub(crate) fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Record,
    Ledger,
    Sync,
    Backup,
}

/// How long after the view opens the ledger's search index starts to be
/// built: after the first screen, before a clerk searches.
const INDEX_AFTER_MS: u32 = 1_500;

/// Opens the device database and shows set-up or the workbench.
#[component]
pub fn ClerkPage() -> impl IntoView {
    let i18n = use_i18n();
    let clerk = Clerk {
        db: StoredValue::new_local(None),
        changed: RwSignal::new(0),
    };
    provide_context(clerk);
    let (state, set_state) = signal(None::<Result<Option<Writer>, StorageError>>);
    leptos::task::spawn_local(async move {
        match Storage::open(DB_NAME).await {
            Ok(storage) => {
                let writer = storage.writer().await;
                let storage = Rc::new(storage);
                clerk.db.set_value(Some(Rc::clone(&storage)));
                set_state.set(Some(writer));
                // The ledger's search index, built once the view has
                // started (not to slow it); a failure here shows when the
                // ledger is searched.
                gloo_timers::future::TimeoutFuture::new(INDEX_AFTER_MS).await;
                let _ = storage.catch_up_search().await;
            }
            Err(err) => set_state.set(Some(Err(err))),
        }
    });
    view! {
        <section class="area area-clerk">
            <h1>{move || i18n.t(Msg::ClerkTitle)}</h1>
            {move || match state.get() {
                None => ().into_any(),
                Some(Err(err)) => view! {
                    <p class="error" role="alert">{err.message(i18n.lang())}</p>
                }
                .into_any(),
                Some(Ok(None)) => view! { <Setup on_done=move |w| set_state.set(Some(Ok(Some(w)))) /> }.into_any(),
                Some(Ok(Some(writer))) => view! { <Workbench writer /> }.into_any(),
            }}
        </section>
    }
}

/// First start: the village code and this tablet's label.
#[component]
fn Setup(on_done: impl Fn(Writer) + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let clerk: Clerk = expect_context();
    let village = RwSignal::new(String::new());
    let device = RwSignal::new("T1".to_owned());
    let phone = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = (
            village.get().parse::<VillageCode>(),
            device.get().parse::<LedgerLabel>(),
        );
        let writer = match parsed {
            (Ok(village), Ok(device)) => Writer {
                village: village.into(),
                device: device.into(),
            },
            (Err(e), _) | (_, Err(e)) => {
                error.set(Some(e.message(i18n.lang())));
                return;
            }
        };
        // Optional: left empty, the papers print a line to write it on.
        let phone = match phone.get().trim() {
            "" => None,
            typed => match typed.parse::<PhoneNumber>() {
                Ok(phone) => Some(phone),
                Err(e) => {
                    error.set(Some(e.message(i18n.lang())));
                    return;
                }
            },
        };
        let Some(db) = clerk.db() else { return };
        leptos::task::spawn_local(async move {
            // The phone first: a tablet is set up once its writer is saved.
            let saved = async {
                if let Some(phone) = &phone {
                    db.set_committee_phone(phone).await?;
                }
                db.set_writer(&writer).await
            };
            match saved.await {
                Ok(()) => {
                    // Ask once, at set-up, that the browser never evicts the ledger.
                    request_persistence().await;
                    on_done(writer);
                }
                Err(err) => error.set(Some(err.message(i18n.lang()))),
            }
        });
    };
    view! {
        <form class="setup card" on:submit=save>
            <h2>{move || i18n.t(Msg::ClerkSetupTitle)}</h2>
            <p>{move || i18n.t(Msg::ClerkSetupHelp)}</p>
            <label>{move || i18n.t(Msg::VillageCode)}
                <input id="setup-village" class="field" inputmode="numeric" prop:value=village
                    on:input=move |ev| village.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::DeviceLabel)}
                <input id="setup-device" class="field" prop:value=device
                    on:input=move |ev| device.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::CommitteePhoneLabel)}
                <input id="setup-phone" class="field" type="tel" inputmode="tel" prop:value=phone
                    on:input=move |ev| phone.set(event_target_value(&ev)) />
            </label>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button class="btn btn-primary" id="setup-save" type="submit">{move || i18n.t(Msg::Save)}</button>
        </form>
    }
}

/// The status bar and the three tabs.
#[component]
fn Workbench(writer: Writer) -> impl IntoView {
    let i18n = use_i18n();
    let clerk: Clerk = expect_context();
    let tab = RwSignal::new(Tab::Record);
    let agent = SyncAgent::start(clerk.db().expect("the workbench opens after the database"));
    provide_context(agent);
    // New records go up by themselves a little later.
    Effect::new(move |seen: Option<u32>| {
        let now = clerk.changed.get();
        if seen.is_some_and(|before| before != now) {
            agent.after_record();
        }
        now
    });
    // A failed read shows as an error, not as nothing to sync.
    let unsynced = Loaded::new(move || {
        clerk.changed.track();
        agent.changed.track();
        let db = clerk.db();
        async move {
            match db {
                Some(db) => db.unsynced().await,
                None => Ok(0),
            }
        }
    });
    // Lists that do not read back leave the shipped ones in force: say so.
    let lists_failure = Loaded::new(move || {
        agent.changed.track();
        let db = clerk.db();
        async move {
            let kept = match db?.kept_lists().await {
                Ok(kept) => kept,
                Err(err) => return Some(err),
            };
            Catalogue::in_force(&kept.lists)
                .err()
                .map(|e| StorageError::Unreadable("lists", e.to_string()))
        }
    });
    let storage_state = Loaded::new(|| async {
        let persisted = match web_sys::window() {
            Some(w) => match w.navigator().storage().persisted() {
                Ok(p) => wasm_bindgen_futures::JsFuture::from(p)
                    .await
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false),
                Err(_) => false,
            },
            None => false,
        };
        (persisted, estimate().await)
    });
    let tab_button = move |which: Tab, label: Msg, id: &'static str| {
        view! {
            <button class="tab" id=id class:active=move || tab.get() == which on:click=move |_| tab.set(which)>
                {move || i18n.t(label)}
            </button>
        }
    };
    view! {
        <div class="status-bar">
            <span class="writer">{format!("{} · {}", writer.village, writer.device)}</span>
            // The village's poster: its QR code opens the check on this village's lists.
            <a class="btn" id="poster-link" rel="external" href=format!("/poster?area={}", writer.village)>
                {move || i18n.t(Msg::PosterLink)}
            </a>
            <span class="unsynced" id="unsynced">
                {move || i18n.t(Msg::Unsynced)} ": "
                {move || match unsynced.get() {
                    None => ().into_any(),
                    Some(Ok(n)) => n.to_string().into_any(),
                    Some(Err(err)) => view! {
                        <span class="error" role="alert" id="unsynced-error">{err.message(i18n.lang())}</span>
                    }
                    .into_any(),
                }}
            </span>
            <span class="sync-state" id="sync-state">
                {move || match agent.status.get() {
                    SyncStatus::Running(step) => i18n.t(step.words()).to_owned(),
                    SyncStatus::Failed { .. } => i18n.t(Msg::SyncFailed).trim_end_matches(['：', ':', ' ']).to_owned(),
                    _ => match agent.state.get().last_success {
                        Some(_) => String::new(),
                        None => i18n.t(Msg::SyncNever).to_owned(),
                    },
                }}
            </span>
            <span class="storage-state">
                {move || storage_state.get().map(|(persisted, est)| {
                    let used = est.map(|e| format!(" · {} {} MB", i18n.t(Msg::StorageUsed), jianzheng_core::decimal::Fixed(e.usage / 1e6, 1))).unwrap_or_default();
                    let words = if persisted { Msg::StoragePersisted } else { Msg::StorageNotPersisted };
                    format!("{}{used}", i18n.t(words))
                })}
            </span>
        </div>
        {move || lists_failure.get().flatten().map(|err| view! {
            <p class="error" role="alert" id="lists-error">{err.message(i18n.lang())}</p>
        })}
        <nav class="tabs">
            {tab_button(Tab::Record, Msg::TabRecord, "tab-record")}
            {tab_button(Tab::Ledger, Msg::TabLedger, "tab-ledger")}
            {tab_button(Tab::Sync, Msg::TabSync, "tab-sync")}
            {tab_button(Tab::Backup, Msg::TabBackup, "tab-backup")}
        </nav>
        {move || match tab.get() {
            Tab::Record => view! { <record::RecordForm /> }.into_any(),
            Tab::Ledger => view! { <ledger::LedgerView /> }.into_any(),
            Tab::Sync => view! { <sync::SyncView /> }.into_any(),
            Tab::Backup => view! { <backup::BackupView /> }.into_any(),
        }}
    }
}
