//! The sync tab: enrolment, the sync button with its progress and reasons,
//! month-end reports, and the hand-over by file and QR codes.

use super::{now_iso, Clerk};
use crate::files::{download, read_file};
use crate::i18n::use_i18n;
use crate::loaded::Loaded;
use crate::qr::{piece_svg, Scanner};
use crate::storage::{CloseError, StorageError};
use crate::sync_agent::{enrol, prepare, take_lists, Step, SyncAgent, SyncStatus};
use jianzheng_core::catalogue::ListsFile;
use jianzheng_core::i18n::{Lang, Msg};
use jianzheng_core::ledger::{Outcome, Period, ValidationError};
use jianzheng_core::sync::{months_to_close, normalize_code, split_for_qr};
use leptos::prelude::*;

/// Characters of one report QR code: what version 20 holds at level M.
const QR_PIECE_CHARS: usize = 970;
/// How long each QR code stays on screen before the next.
const QR_ADVANCE_MS: u32 = 1500;
/// How many past months the clerk is offered to close.
const MONTHS_OFFERED: usize = 3;

/// The whole tab.
#[component]
pub fn SyncView() -> impl IntoView {
    view! {
        <EnrolCard />
        <SyncCard />
        <MonthEndCard />
        <BundleCard />
    }
}

#[component]
fn EnrolCard() -> impl IntoView {
    let i18n = use_i18n();
    let clerk: Clerk = expect_context();
    let agent: SyncAgent = expect_context();
    // A failed read is shown as such: "not enrolled" would invite enrolling again.
    let identity = Loaded::new(move || {
        agent.changed.track();
        let db = clerk.db();
        async move {
            match db {
                Some(db) => db.identity().await.map(|i| i.map(|i| i.incarnation)),
                None => Ok(None),
            }
        }
    });
    let code = RwSignal::new(String::new());
    let scanning = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let submit = move || {
        let Some(db) = clerk.db() else { return };
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            match enrol(&db, &code.get_untracked()).await {
                Ok(identity) => {
                    code.set(String::new());
                    message.set(Some((
                        true,
                        format!("{}{}", i18n.t(Msg::EnrolledAs), identity.incarnation),
                    )));
                    agent.enrolled.set(true);
                    agent.changed.update(|n| *n += 1);
                    agent.sync_now();
                }
                Err(failure) => message.set(Some((false, failure.message(i18n.lang())))),
            }
            busy.set(false);
        });
    };
    let on_scan = Callback::new(move |text: String| {
        if let Some(scanned) = normalize_code(&text) {
            scanning.set(false);
            code.set(scanned);
            submit();
        }
    });
    view! {
        <div class="card enrol" id="enrol-card">
            <h2>{move || i18n.t(Msg::EnrolTitle)}</h2>
            {move || match identity.get() {
                None => ().into_any(),
                Some(Ok(Some(n))) => view! { <p id="enrol-state">{format!("{}{n}", i18n.t(Msg::EnrolledAs))}</p> }.into_any(),
                Some(Ok(None)) => view! { <p id="enrol-state">{i18n.t(Msg::NotEnrolled)}</p> }.into_any(),
                Some(Err(err)) => view! {
                    <p class="error" role="alert" id="enrol-state">{err.message(i18n.lang())}</p>
                }
                .into_any(),
            }}
            <p>{move || i18n.t(Msg::EnrolHelp)}</p>
            <form class="enrol-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <label>{move || i18n.t(Msg::EnrolCode)}
                    <input id="enrol-code" class="field code-field" autocomplete="off" autocapitalize="characters"
                        placeholder="K7M2-Q9XD" prop:value=code
                        on:input=move |ev| code.set(event_target_value(&ev)) />
                </label>
                <button class="btn btn-primary" id="enrol-submit" type="submit" disabled=move || busy.get()>
                    {move || i18n.t(Msg::EnrolButton)}
                </button>
                <button class="btn" type="button" id="enrol-scan" on:click=move |_| scanning.update(|s| *s = !*s)>
                    {move || i18n.t(if scanning.get() { Msg::ScanStop } else { Msg::ScanQr })}
                </button>
            </form>
            {move || scanning.get().then(|| view! { <Scanner on_text=on_scan /> })}
            {move || message.get().map(|(ok, text)| view! {
                <p class:ok=ok class:error=!ok role="status" id="enrol-message">{text}</p>
            })}
        </div>
    }
}

#[component]
fn SyncCard() -> impl IntoView {
    let i18n = use_i18n();
    let clerk: Clerk = expect_context();
    let agent: SyncAgent = expect_context();
    let lists_message = RwSignal::new(None::<(bool, String)>);
    let import_lists = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let Some(db) = clerk.db() else { return };
        leptos::task::spawn_local(async move {
            let result = match read_file(&file).await {
                Ok(bytes) => match ListsFile::from_json(&bytes) {
                    Ok(lists) => take_lists(&db, &lists).await,
                    Err(err) => Err(err.to_string()),
                },
                Err(err) => Err(err),
            };
            lists_message.set(Some(match result {
                Ok(changed) if changed.is_empty() => (true, i18n.t(Msg::ListsUpToDate).to_owned()),
                Ok(changed) => (
                    true,
                    format!("{}{}", i18n.t(Msg::ListsUpdated), changed.join(", ")),
                ),
                Err(err) => (false, err),
            }));
        });
    };
    view! {
        <div class="card sync" id="sync-card">
            <button class="btn btn-primary btn-large" id="sync-now"
                disabled=move || matches!(agent.status.get(), SyncStatus::Running(_))
                on:click=move |_| agent.sync_now()>
                {move || i18n.t(Msg::SyncNow)}
            </button>
            {move || match agent.status.get() {
                SyncStatus::Running(step) => view! {
                    <div class="sync-progress" id="sync-progress" role="status">
                        <progress max=Step::COUNT value=step.number()></progress>
                        <span>{format!("{}/{} ", step.number(), Step::COUNT)}{i18n.t(step.words())}</span>
                    </div>
                }.into_any(),
                SyncStatus::Done(report) => {
                    let months = if report.months.is_empty() {
                        i18n.t(Msg::SyncNothingNew).to_owned()
                    } else {
                        let list: Vec<String> = report.months.iter().map(ToString::to_string).collect();
                        format!("{}{}", i18n.t(Msg::SyncMonthsSent), list.join(", "))
                    };
                    let lists = if report.lists_changed.is_empty() {
                        i18n.t(Msg::ListsUpToDate).to_owned()
                    } else {
                        format!("{}{}", i18n.t(Msg::ListsUpdated), report.lists_changed.join(", "))
                    };
                    view! { <p class="ok" id="sync-result" role="status">{months}" "{lists}</p> }.into_any()
                }
                SyncStatus::Failed { failure, retry } => view! {
                    <p class="error" id="sync-error" role="alert">
                        {i18n.t(Msg::SyncFailed)}{failure.message(i18n.lang())}
                        {retry.then(|| format!(" {}", i18n.t(Msg::SyncRetrying)))}
                    </p>
                }.into_any(),
                SyncStatus::Idle => ().into_any(),
            }}
            <p id="sync-last">
                {move || match agent.state.get().last_success {
                    Some(time) => format!("{}{}", i18n.t(Msg::SyncLastSuccess), local_time(&time)),
                    None => i18n.t(Msg::SyncNever).to_owned(),
                }}
            </p>
            <label class="btn file-pick">
                {move || i18n.t(Msg::ListsImport)}
                <input id="lists-import" type="file" accept="application/json,.json" on:change=import_lists />
            </label>
            {move || lists_message.get().map(|(ok, text)| view! {
                <p class:ok=ok class:error=!ok role="status" id="lists-message">{text}</p>
            })}
        </div>
    }
}

/// A device time as the clerk reads it: date and minutes, local time.
fn local_time(iso: &str) -> String {
    let date = js_sys::Date::new(&iso.into());
    if date.get_time().is_nan() {
        return iso.to_owned();
    }
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

#[component]
fn MonthEndCard() -> impl IntoView {
    let i18n = use_i18n();
    let clerk: Clerk = expect_context();
    let agent: SyncAgent = expect_context();
    let bump = RwSignal::new(0u32);
    // Why the months cannot be shown or one was not closed, in the clerk's language.
    let error = RwSignal::new(None::<CloseError>);
    let months = Loaded::new(move || {
        bump.track();
        clerk.changed.track();
        let db = clerk.db();
        async move {
            let Some(db) = db else { return Ok(vec![]) };
            let Some(now) = Period::from_iso(&now_iso()) else {
                return Err(MonthsError::BadClock);
            };
            let closed = db.closed_periods().await?;
            let counters = db.counters().await?;
            Ok(months_to_close(now, MONTHS_OFFERED)
                .into_iter()
                .map(|p| {
                    let issued = counters.total(p, Outcome::Issued)
                        + counters.total(p, Outcome::IssuedUnlisted);
                    (p, issued, closed.contains(&p))
                })
                .collect::<Vec<_>>())
        }
    });
    let close = move |period: Period| {
        let Some(db) = clerk.db() else { return };
        error.set(None);
        leptos::task::spawn_local(async move {
            // An unusable clock closes nothing (the months list says why).
            let Some(now) = Period::from_iso(&now_iso()) else {
                return;
            };
            match db.close_period(period, now).await {
                Ok(()) => {
                    bump.update(|n| *n += 1);
                    agent.sync_now();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <div class="card month-end" id="month-end">
            <h2>{move || i18n.t(Msg::CloseMonthTitle)}</h2>
            <p>{move || i18n.t(Msg::CloseMonthHelp)}</p>
            {move || error.get().map(|err| view! {
                <p class="error" role="alert" id="close-error">{err.message(i18n.lang())}</p>
            })}
            {move || match months.get() {
                Some(Err(err)) => Some(view! {
                    <p class="error" role="alert" id="months-error">{err.message(i18n.lang())}</p>
                }),
                _ => None,
            }}
            <ul class="months">
                {move || months.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|(period, issued, closed)| {
                    let id = format!("close-{period}");
                    view! {
                        <li class="month">
                            <span class="month-name">{period.to_string()}</span>
                            <span class="month-count">{format!("{} {issued}", i18n.t(Msg::OutcomeIssued))}</span>
                            {if closed {
                                view! { <span class="ok">{i18n.t(Msg::MonthClosed)}</span> }.into_any()
                            } else {
                                view! {
                                    <button class="btn" id=id on:click=move |_| close(period)>
                                        {i18n.t(Msg::CloseMonth)}
                                    </button>
                                }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// Why the months to close cannot be listed.
#[derive(Clone, Debug)]
enum MonthsError {
    /// The device clock gives no date.
    BadClock,
    /// The closed months or the counters could not be read.
    Storage(StorageError),
}

impl From<StorageError> for MonthsError {
    fn from(err: StorageError) -> Self {
        MonthsError::Storage(err)
    }
}

impl MonthsError {
    fn message(&self, lang: Lang) -> String {
        match self {
            MonthsError::BadClock => ValidationError::BadTime.message(lang),
            MonthsError::Storage(err) => err.message(lang),
        }
    }
}

#[component]
fn BundleCard() -> impl IntoView {
    let i18n = use_i18n();
    let clerk: Clerk = expect_context();
    let pieces = RwSignal::new(Vec::<String>::new());
    let shown = RwSignal::new(0usize);
    let message = RwSignal::new(None::<String>);
    // The codes take turns on screen, so a camera can collect them all.
    let ticker = StoredValue::new_local(None::<gloo_timers::callback::Interval>);
    on_cleanup(move || ticker.set_value(None));
    // The signed payload of what the server has not acknowledged, then `then`.
    let with_bundle = move |then: Box<dyn FnOnce(Vec<u8>)>| {
        let Some(db) = clerk.db() else { return };
        leptos::task::spawn_local(async move {
            match prepare(&db).await {
                Ok(Some(prepared)) => then(prepared.bytes),
                Ok(None) => message.set(Some(i18n.t(Msg::SyncNothingNew).to_owned())),
                Err(failure) => message.set(Some(failure.message(i18n.lang()))),
            }
        });
    };
    let export = move |_| {
        with_bundle(Box::new(move |bytes| {
            let name = format!("jianzheng-report-{}.jzc", &now_iso()[..10]);
            if let Err(err) = download(&name, &bytes, "application/octet-stream") {
                message.set(Some(format!("{err:?}")));
            }
        }))
    };
    let show = move |_| {
        with_bundle(Box::new(move |bytes| {
            pieces.set(split_for_qr(&bytes, QR_PIECE_CHARS))
        }));
        shown.set(0);
        let advance = gloo_timers::callback::Interval::new(QR_ADVANCE_MS, move || {
            let n = pieces.get_untracked().len().max(1);
            shown.update(|i| *i = (*i + 1) % n);
        });
        ticker.set_value(Some(advance));
    };
    let step = move |by: usize| {
        ticker.set_value(None);
        let n = pieces.get_untracked().len().max(1);
        shown.update(|i| *i = (*i + by) % n);
    };
    view! {
        <div class="card bundle" id="bundle-card">
            <h2>{move || i18n.t(Msg::BundleTitle)}</h2>
            <button class="btn" id="bundle-export" on:click=export>{move || i18n.t(Msg::BundleExport)}</button>
            <button class="btn" id="bundle-qr" on:click=show>{move || i18n.t(Msg::BundleShowQr)}</button>
            {move || message.get().map(|text| view! { <p role="status" id="bundle-message">{text}</p> })}
            {move || {
                let all = pieces.get();
                (!all.is_empty()).then(|| {
                    let n = all.len();
                    let i = shown.get().min(n - 1);
                    let svg = piece_svg(&all[i], 420).unwrap_or_default();
                    let piece = all[i].clone();
                    view! {
                        <div class="qr-bundle">
                            <p>{i18n.t(Msg::BundleQrHelp)}</p>
                            <div class="qr-piece" id="bundle-qr-code" data-piece=piece inner_html=svg></div>
                            <p class="qr-count" id="bundle-qr-count">{format!("{} / {n}", i + 1)}</p>
                            <button class="btn" on:click=move |_| step(n - 1)>{i18n.t(Msg::QrPrevious)}</button>
                            <button class="btn" on:click=move |_| step(1)>{i18n.t(Msg::QrNext)}</button>
                        </div>
                    }
                })
            }}
        </div>
    }
}
