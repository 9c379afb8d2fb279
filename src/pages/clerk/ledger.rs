//! Browsing the ledger: search by name or number, filter by month and
//! outcome, and void an entry with a reason (a new event; nothing deleted).

use super::{now_iso, Clerk};
use crate::checker::checker;
use crate::dialog::{Asked, Dialog};
use crate::i18n::{use_i18n, I18n};
use crate::loaded::Loaded;
use crate::nav::Link;
use crate::storage::StorageError;
use jianzheng_core::i18n::Msg;
use jianzheng_core::ledger::{Event, Filter, ItemRef, Limits, Outcome, Period, Request};
use jianzheng_core::values::ItemKey;
use leptos::prelude::*;
use std::collections::HashMap;

/// Entries listed at first and added by each "show more" (one page read
/// from the device; more than a tablet's screen holds).
const PAGE: usize = 50;

/// The name of the listed entry `code` in the current language, or the code.
fn code_name(i18n: I18n, code: &str) -> String {
    checker().catalogue().find(code).map_or_else(
        || code.to_owned(),
        |f| f.entry.name.get(i18n.lang()).to_owned(),
    )
}

/// The item's name in the current language, or the free text.
pub(crate) fn item_name(i18n: I18n, item: &ItemRef) -> String {
    match item {
        ItemRef::Listed { code, .. } => code_name(i18n, code),
        ItemRef::FreeText { text } => text.clone(),
    }
}

/// The name of an item by its counter key (an entry code or `free:` text).
fn key_name(i18n: I18n, key: &str) -> String {
    match key.parse::<ItemKey>() {
        Ok(ItemKey::Listed(code)) => code_name(i18n, &code),
        Ok(ItemKey::FreeText(words)) => words,
        Err(_) => key.to_owned(),
    }
}

/// The ledger list with its filters. It reads one page from the device's
/// indices, never the whole ledger: the newest matches of the filter, with
/// their number when the page holds them all.
#[component]
pub fn LedgerView() -> impl IntoView {
    let i18n = use_i18n();
    let clerk: Clerk = expect_context();
    let text = RwSignal::new(String::new());
    let month = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let item = RwSignal::new(String::new());
    // Pages shown; a new filter starts again from one.
    let pages = RwSignal::new(1usize);
    let filter = move || Filter {
        text: text.get(),
        period: Period::parse(&month.get()),
        item: Some(item.get()).filter(|i| !i.is_empty()),
        outcome: outcome.get(),
    };
    // A failed read is an error on screen, never an empty ledger.
    let page = Loaded::new(move || {
        clerk.changed.track();
        let filter = filter();
        let size = PAGE * pages.get();
        let db = clerk.db();
        async move {
            let Some(db) = db else {
                return Ok(Shown::default());
            };
            let page = db.ledger_page(&filter, size).await?;
            // How many match: the whole ledger's size when nothing is
            // asked, the page's when it holds every match, else unknown.
            let total = if filter == Filter::default() {
                Some(db.event_count().await? as usize)
            } else {
                (!page.more).then_some(page.events.len())
            };
            Ok::<_, StorageError>(Shown {
                more: page.more,
                events: page.events,
                total,
            })
        }
    });
    // The voids change only with the ledger, not with the filter.
    let voided = Loaded::new(move || {
        clerk.changed.track();
        let db = clerk.db();
        async move {
            match db {
                Some(db) => db.voids().await,
                None => Ok(HashMap::new()),
            }
        }
    });
    let choices = Loaded::new(move || {
        clerk.changed.track();
        let db = clerk.db();
        async move {
            match db {
                Some(db) => Ok((db.ledger_months().await?, db.ledger_items().await?)),
                None => Ok::<_, StorageError>((Vec::new(), Vec::new())),
            }
        }
    });
    let months = move || {
        choices
            .get()
            .and_then(Result::ok)
            .map(|c| c.0)
            .unwrap_or_default()
    };
    let items = move || {
        let mut items: Vec<(String, String)> = choices
            .get()
            .and_then(Result::ok)
            .map(|c| c.1)
            .unwrap_or_default()
            .into_iter()
            .map(|key| {
                let name = key_name(i18n, &key);
                (key, name)
            })
            .collect();
        items.sort_unstable_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        items
    };
    // Voiding asks in the app's dialog, with the reason the ledger keeps;
    // a reason core refuses is said in the dialog, which stays open.
    let asked = RwSignal::new(None::<Asked>);
    let target = RwSignal::new(None::<Event>);
    let reason = RwSignal::new(String::new());
    let refused = RwSignal::new(None::<String>);
    let ask_void = move |event: Event| {
        let what = format!(
            "{} · {} · {}",
            event
                .number
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            item_name(i18n, &event.item),
            event.resident.get("name").map_or("", String::as_str),
        );
        reason.set(String::new());
        refused.set(None);
        target.set(Some(event));
        asked.set(Some(Asked {
            title: i18n.t(Msg::VoidAskTitle).to_owned(),
            lines: vec![what, i18n.t(Msg::VoidAskWhat).to_owned()],
            confirm: Some(Msg::LedgerVoid),
        }));
    };
    let voiding = RwSignal::new(false);
    let void = Callback::new(move |()| {
        let (Some(db), Some(event)) = (clerk.db(), target.get_untracked()) else {
            return true;
        };
        // One void at a time: a second press waits for the first's answer.
        if voiding.get_untracked() {
            return false;
        }
        voiding.set(true);
        let seq = event.seq;
        let request = Request::void_of(&event, reason.get_untracked().trim());
        let checker = checker();
        leptos::task::spawn_local(async move {
            let result = db
                .record(request, checker.catalogue(), &now_iso(), &Limits::default())
                .await;
            voiding.set(false);
            // The dialog closes if it still asks about this entry.
            let same = target.get_untracked().is_some_and(|t| t.seq == seq);
            match result {
                Ok(_) => {
                    if same {
                        asked.set(None);
                    }
                    clerk.changed.update(|n| *n += 1);
                }
                Err(err) if same => refused.set(Some(err.message(i18n.lang()))),
                Err(_) => {}
            }
        });
        false
    });
    view! {
        <div class="card ledger-filters">
            <input id="ledger-search" class="search-box" type="search"
                placeholder=move || i18n.t(Msg::LedgerSearch)
                prop:value=text on:input=move |ev| { text.set(event_target_value(&ev)); pages.set(1) } />
            <label>{move || i18n.t(Msg::LedgerMonth)}
                <select id="ledger-month" class="field" on:change=move |ev| { month.set(event_target_value(&ev)); pages.set(1) }>
                    <option value="">{move || i18n.t(Msg::LedgerAll)}</option>
                    {move || months().into_iter().map(|p| view! { <option value=p.to_string()>{p.to_string()}</option> }).collect_view()}
                </select>
            </label>
            <label>{move || i18n.t(Msg::RecordItem)}
                <select id="ledger-item" class="field" on:change=move |ev| { item.set(event_target_value(&ev)); pages.set(1) }>
                    <option value="">{move || i18n.t(Msg::LedgerAll)}</option>
                    {move || items().into_iter().map(|(key, name)| view! { <option value=key>{name}</option> }).collect_view()}
                </select>
            </label>
            <div class="chips">
                {[None, Some(Outcome::Issued), Some(Outcome::RefusedRedirected), Some(Outcome::IssuedUnlisted), Some(Outcome::Void)]
                    .into_iter()
                    .map(|o| view! {
                        <button type="button" class="btn chip" class:active=move || outcome.get() == o on:click=move |_| { outcome.set(o); pages.set(1) }>
                            {move || o.map_or(i18n.t(Msg::LedgerAll), |o| i18n.t(o.words()))}
                        </button>
                    })
                    .collect_view()}
            </div>
        </div>
        {move || {
            let (shown, voided) = match (page.get(), voided.get()) {
                (None, _) | (_, None) => return ().into_any(),
                (Some(Err(err)), _) | (_, Some(Err(err))) => {
                    return view! {
                        <p class="error" role="alert" id="ledger-error">{err.message(i18n.lang())}</p>
                    }
                    .into_any()
                }
                (Some(Ok(shown)), Some(Ok(voided))) => (shown, voided),
            };
            let count = match shown.total {
                Some(total) => format!("{total} {}", i18n.t(Msg::LedgerShown)),
                None => format!("{}+ {} · {}", shown.events.len(), i18n.t(Msg::LedgerShown), i18n.t(Msg::LedgerMore)),
            };
            let empty = shown.events.is_empty();
            view! {
                <p class="ledger-count" id="ledger-count">{count}</p>
                {empty.then(|| view! { <p>{i18n.t(Msg::LedgerEmpty)}</p> })}
                <ul class="ledger" id="ledger-list">
                    {shown.events.iter().map(|e| entry_row(i18n, e, voided.get(&e.seq), ask_void)).collect_view()}
                </ul>
                {shown.more.then(|| view! {
                    <button type="button" class="btn" id="ledger-more" on:click=move |_| pages.update(|n| *n += 1)>
                        {i18n.t(Msg::LedgerShowMore)}
                    </button>
                })}
            }
            .into_any()
        }}
        <Dialog asked reason=Some((Msg::LedgerVoidReason, reason)) error=Some(refused) on_confirm=void />
    }
}

/// What the ledger list shows: one page and what is known around it.
#[derive(Clone, Default)]
struct Shown {
    /// The newest matches, a whole number of [`PAGE`]s at most.
    events: Vec<Event>,
    /// Whether older entries match too.
    more: bool,
    /// How many match, when known.
    total: Option<usize>,
}

/// One entry of the list; `void` is the void of it, if it was voided.
fn entry_row(
    i18n: I18n,
    event: &Event,
    void: Option<&Event>,
    ask_void: impl Fn(Event) + Copy + 'static,
) -> impl IntoView {
    let seq = event.seq;
    let can_void = event.number.is_some() && void.is_none();
    let who = event.resident.get("name").cloned().unwrap_or_default();
    let what = match event.voids {
        Some(target) => format!("#{target}"),
        None => item_name(i18n, &event.item),
    };
    // A void's reason and day, on the entry it voided.
    let voided = void.map(|v| {
        format!(
            "{} {} · {}：{}",
            i18n.t(Msg::VoidedOn),
            v.time.get(..10).unwrap_or_default(),
            i18n.t(Msg::LedgerVoidReason),
            v.reason.as_deref().unwrap_or_default()
        )
    });
    let print = match event.outcome {
        Outcome::Void => None,
        _ if event.number.is_some() => Some(Msg::PrintCertificate),
        _ => Some(Msg::PrintSlip),
    };
    let target = event.clone();
    view! {
        <li class="ledger-row" class:voided=void.is_some() data-seq=seq.to_string()>
            <span class="seq">{format!("#{seq}")}</span>
            <span class="when">{event.time.get(..10).unwrap_or_default().to_owned()}</span>
            <span class="outcome">{i18n.t(event.outcome.words())}</span>
            <span class="what">{what}</span>
            <span class="who">{who}</span>
            <span class="number">{event.number.as_ref().map(ToString::to_string)}</span>
            {voided.map(|text| view! {
                <span class="badge">{i18n.t(Msg::LedgerVoided)}</span>
                <span class="void-reason">{text}</span>
            })}
            <span class="row-actions">
                {print.map(|label| view! {
                    <Link href=format!("/clerk/print/{seq}") class="btn">{i18n.t(label)}</Link>
                })}
                {can_void.then(|| view! {
                    <button class="btn void" on:click=move |_| ask_void(target.clone())>{i18n.t(Msg::LedgerVoid)}</button>
                })}
            </span>
        </li>
    }
}
