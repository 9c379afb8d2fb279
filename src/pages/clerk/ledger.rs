//! Browsing the ledger: search by name or number, filter by month and
//! outcome, and void an entry with a reason (a new event; nothing deleted).

use super::{now_iso, Clerk};
use crate::checker::checker;
use crate::i18n::{use_i18n, I18n};
use jianzheng_core::i18n::Msg;
use jianzheng_core::ledger::{Event, Filter, ItemRef, Limits, Outcome, Period, Request};
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::HashSet;

/// Most entries listed at once; the search narrows the rest.
const SHOWN: usize = 200;

pub(crate) fn outcome_words(outcome: Outcome) -> Msg {
    match outcome {
        Outcome::Issued => Msg::OutcomeIssued,
        Outcome::RefusedRedirected => Msg::OutcomeRefused,
        Outcome::IssuedUnlisted => Msg::OutcomeUnlisted,
        Outcome::Void => Msg::OutcomeVoid,
    }
}

/// The item's name in the current language, or the free text.
pub(crate) fn item_name(i18n: I18n, item: &ItemRef) -> String {
    match item {
        ItemRef::Listed { code, .. } => checker().catalogue().find(code).map_or_else(
            || code.clone(),
            |f| f.entry.name.get(i18n.lang()).to_owned(),
        ),
        ItemRef::FreeText { text } => text.clone(),
    }
}

/// The ledger list with its filters.
#[component]
pub fn LedgerView() -> impl IntoView {
    let i18n = use_i18n();
    let clerk: Clerk = expect_context();
    let text = RwSignal::new(String::new());
    let month = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let item = RwSignal::new(String::new());
    // A failed read is an error on screen, never an empty ledger.
    let events = LocalResource::new(move || {
        clerk.changed.track();
        let db = clerk.db();
        async move {
            match db {
                Some(db) => db.events().await,
                None => Ok(Vec::new()),
            }
        }
    });
    let loaded = move || events.get().and_then(Result::ok);
    let months = move || {
        let mut months: Vec<Period> = loaded()
            .map(|es| es.iter().map(|e| e.period).collect())
            .unwrap_or_default();
        months.sort_unstable();
        months.dedup();
        months.reverse();
        months
    };
    // Items that occur in the ledger (not voids), with their names.
    let items = move || {
        let mut keys: Vec<(String, String)> = loaded()
            .map(|es| {
                es.iter()
                    .filter(|e| e.outcome != Outcome::Void)
                    .map(|e| (e.item.counter_key(), item_name(i18n, &e.item)))
                    .collect()
            })
            .unwrap_or_default();
        keys.sort();
        keys.dedup();
        keys
    };
    let void = move |request: Request| {
        let Some(db) = clerk.db() else { return };
        let checker = checker();
        leptos::task::spawn_local(async move {
            let result = db
                .record(request, checker.catalogue(), &now_iso(), &Limits::default())
                .await;
            if let Err(err) = result {
                let _ = window().alert_with_message(&err.message(i18n.lang()));
            }
            clerk.changed.update(|n| *n += 1);
        });
    };
    view! {
        <div class="card ledger-filters">
            <input id="ledger-search" class="search-box" type="search"
                placeholder=move || i18n.t(Msg::LedgerSearch)
                prop:value=text on:input=move |ev| text.set(event_target_value(&ev)) />
            <label>{move || i18n.t(Msg::LedgerMonth)}
                <select id="ledger-month" class="field" on:change=move |ev| month.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Msg::LedgerAll)}</option>
                    {move || months().into_iter().map(|p| view! { <option value=p.to_string()>{p.to_string()}</option> }).collect_view()}
                </select>
            </label>
            <label>{move || i18n.t(Msg::RecordItem)}
                <select id="ledger-item" class="field" on:change=move |ev| item.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Msg::LedgerAll)}</option>
                    {move || items().into_iter().map(|(key, name)| view! { <option value=key>{name}</option> }).collect_view()}
                </select>
            </label>
            <div class="chips">
                {[None, Some(Outcome::Issued), Some(Outcome::RefusedRedirected), Some(Outcome::IssuedUnlisted), Some(Outcome::Void)]
                    .into_iter()
                    .map(|o| view! {
                        <button type="button" class="btn chip" class:active=move || outcome.get() == o on:click=move |_| outcome.set(o)>
                            {move || o.map_or(i18n.t(Msg::LedgerAll), |o| i18n.t(outcome_words(o)))}
                        </button>
                    })
                    .collect_view()}
            </div>
        </div>
        {move || {
            let all = match events.get() {
                None => return ().into_any(),
                Some(Err(err)) => {
                    return view! {
                        <p class="error" role="alert" id="ledger-error">{err.message(i18n.lang())}</p>
                    }
                    .into_any()
                }
                Some(Ok(all)) => all,
            };
            let filter = Filter {
                text: text.get(),
                period: Period::parse(&month.get()),
                item: Some(item.get()).filter(|i| !i.is_empty()),
                outcome: outcome.get(),
            };
            let voided: HashSet<u64> = all.iter().filter_map(|e| e.voids).collect();
            let found = filter.apply(&all);
            let total = found.len();
            view! {
                <p class="ledger-count" id="ledger-count">{format!("{total} {}", i18n.t(Msg::LedgerShown))}</p>
                {(total == 0).then(|| view! { <p>{i18n.t(Msg::LedgerEmpty)}</p> })}
                <ul class="ledger" id="ledger-list">
                    {found.into_iter().take(SHOWN).map(|e| entry_row(i18n, e, voided.contains(&e.seq), void)).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

fn entry_row(
    i18n: I18n,
    event: &Event,
    voided: bool,
    void: impl Fn(Request) + Copy + 'static,
) -> impl IntoView {
    let seq = event.seq;
    let can_void = event.number.is_some() && !voided;
    let who = event.resident.get("name").cloned().unwrap_or_default();
    let what = match event.voids {
        Some(target) => format!("#{target}"),
        None => item_name(i18n, &event.item),
    };
    let target = event.clone();
    let ask_void = move |_| {
        let prompt = window()
            .prompt_with_message(i18n.t(Msg::LedgerVoidReason))
            .ok()
            .flatten();
        if let Some(reason) = prompt {
            void(Request::void_of(&target, reason));
        }
    };
    view! {
        <li class="ledger-row" class:voided=voided data-seq=seq.to_string()>
            <span class="seq">{format!("#{seq}")}</span>
            <span class="when">{event.time.get(..10).unwrap_or_default().to_owned()}</span>
            <span class="outcome">{i18n.t(outcome_words(event.outcome))}</span>
            <span class="what">{what}</span>
            <span class="who">{who}</span>
            <span class="number">{event.number.as_ref().map(ToString::to_string)}</span>
            {voided.then(|| view! { <span class="badge">{i18n.t(Msg::LedgerVoided)}</span> })}
            <span class="row-actions">
                {(event.outcome != Outcome::Void).then(|| view! {
                    <A href=format!("/clerk/print/{seq}") attr:class="btn">{i18n.t(Msg::PrintCertificate)}</A>
                })}
                {can_void.then(|| view! { <button class="btn void" on:click=ask_void>{i18n.t(Msg::LedgerVoid)}</button> })}
            </span>
        </li>
    }
}
