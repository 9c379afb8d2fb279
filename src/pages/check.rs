//! The public resident check page: search as you type, a card per entry
//! with the decision in large plain words, and a shareable page per entry.

use crate::checker::{checker, decision_class, decision_words, lacks_english, track_lists};
use crate::i18n::{use_i18n, I18n};
use crate::nav::{use_location, Link};
use crate::text_size::TextSizeToggle;
use jianzheng_core::catalogue::{Entry, List, Status};
use jianzheng_core::check::{Candidate, Decision};
use jianzheng_core::i18n::{Lang, Msg};
use leptos::prelude::*;

/// Examples offered under an empty search box.
const EXAMPLES: [&str; 4] = ["无犯罪记录证明", "单身证明", "wfzjl", "狗证"];

/// How many entries a search shows.
const SHOWN: usize = 4;

/// Search as you type; the query is kept in the address (`?q=`) so a search can be shared.
#[component]
pub fn CheckPage() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let query = RwSignal::new(untrack(|| location.query("q")).unwrap_or_default());
    let set_query = move |text: String| {
        query.set(text.clone());
        let href = if text.trim().is_empty() {
            "/check".to_owned()
        } else {
            format!("/check?q={}", js_sys::encode_uri_component(&text))
        };
        location.navigate(&href, true);
    };
    let set_query = StoredValue::new(set_query);
    view! {
        <section class="area area-check">
            <div class="check-head">
                <h1>{move || i18n.t(Msg::CheckTitle)}</h1>
                <TextSizeToggle />
            </div>
            <label class="search-label" for="check-query">{move || i18n.t(Msg::CheckSearchLabel)}</label>
            <input
                id="check-query"
                class="search-box"
                type="search"
                autocomplete="off"
                autofocus
                placeholder=move || i18n.t(Msg::CheckSearchPlaceholder)
                prop:value=move || query.get()
                on:input=move |ev| set_query.with_value(|f| f(event_target_value(&ev)))
            />
            <EnglishPending />
            {move || {
                let text = query.get();
                track_lists();
                if text.trim().is_empty() {
                    examples(i18n, set_query).into_any()
                } else {
                    results(i18n, &text).into_any()
                }
            }}
            <p class="poster-link">
                <Link href="/poster">{move || i18n.t(Msg::PosterLink)}</Link>
            </p>
        </section>
    }
}

fn examples(
    i18n: I18n,
    set_query: StoredValue<impl Fn(String) + Send + Sync + 'static>,
) -> impl IntoView {
    view! {
        <p class="examples">
            <span>{move || i18n.t(Msg::CheckTry)}</span>
            {EXAMPLES
                .iter()
                .map(|ex| {
                    view! {
                        <button class="btn chip" on:click=move |_| set_query.with_value(|f| f((*ex).to_owned()))>
                            {*ex}
                        </button>
                    }
                })
                .collect_view()}
        </p>
    }
}

fn results(i18n: I18n, text: &str) -> impl IntoView {
    let checker = checker();
    let check = checker.check(text, SHOWN);
    let lang = i18n.lang();
    let decision = check.decision;
    let headline = match (decision, check.candidates.first()) {
        _ if check.unsure => view! {
            <div class=decision_class(decision) id="decision" data-unsure="true">
                <p class="decision-words">{i18n.t(Msg::CheckUnsure)}</p>
                <p>{i18n.t(Msg::CheckUnsureAdvice)}</p>
            </div>
        }
        .into_any(),
        (Decision::Unknown, _) | (_, None) => view! {
            <div class=decision_class(Decision::Unknown) id="decision">
                <p class="decision-words">{i18n.t(Msg::DecisionUnknown)}</p>
                <p>{i18n.t(Msg::UnknownAdvice)}</p>
            </div>
        }
        .into_any(),
        (_, Some(best)) => view! {
            <div class=decision_class(decision) id="decision">
                <p class="decision-words">{i18n.t(decision_words(decision))}</p>
                <p class="decision-item">{best.entry.name.get(lang).to_owned()}</p>
            </div>
        }
        .into_any(),
    };
    // The answer's cards: the best entry, both when unsure, none when unknown.
    let answered = match decision {
        _ if check.unsure => 2,
        Decision::Unknown => 0,
        _ => 1,
    };
    let (cards, rest) = check
        .candidates
        .split_at(answered.min(check.candidates.len()));
    // Other candidates are links, so a weak match never looks like an answer.
    let others = (!rest.is_empty()).then(|| {
        view! {
            <h2 class="others">{i18n.t(Msg::YouMayMean)}</h2>
            <ul class="other-matches">
                {rest
                    .iter()
                    .map(|c| {
                        let status: Decision = c.entry.status.into();
                        let name = c.entry.name.get(lang).to_owned();
                        view! {
                            <li>
                                <Link href=format!("/check/{}", c.entry.code)>{name}</Link>
                                <span class=decision_class(status)>{i18n.t(decision_words(status))}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        {headline}
        {cards.iter().map(|c| entry_card(i18n, c.entry, c.list, Some(c))).collect_view()}
        {others}
    }
}

/// One entry: its decision, name, where to go, what to bring, the basis.
fn entry_card(
    i18n: I18n,
    entry: &Entry,
    list: &List,
    matched: Option<&Candidate<'_>>,
) -> impl IntoView {
    let lang = i18n.lang();
    let decision: Decision = entry.status.into();
    let route = entry.instead.as_ref().map(|route| {
        view! {
            <dt>{i18n.t(Msg::WhereToGo)}</dt>
            <dd class="route-agency">{route.agency.get(lang).to_owned()}</dd>
            <dt>{i18n.t(Msg::HowToDo)}</dt>
            <dd>{route.how.get(lang).to_owned()}</dd>
        }
    });
    let materials = (!entry.materials.is_empty()).then(|| {
        view! {
            <dt>{i18n.t(Msg::WhatToBring)}</dt>
            <dd>
                <ul>{entry.materials.iter().map(|m| view! { <li>{m.get(lang).to_owned()}</li> }).collect_view()}</ul>
            </dd>
        }
    });
    let confidence = matched.map(|c| {
        view! { <span class="match">{format!("{} {}%", i18n.t(Msg::Match), c.percent())}</span> }
    });
    view! {
        <article class="entry-card" data-code=entry.code.clone()>
            <header>
                <span class=decision_class(decision)>{i18n.t(decision_words(decision))}</span>
                {confidence}
            </header>
            <h3>{entry.name.get(lang).to_owned()}</h3>
            <dl>
                {route}
                {materials}
                <dt>{i18n.t(Msg::Basis)}</dt>
                <dd>{entry.basis.get(lang).to_owned()}</dd>
                <dt>{i18n.t(Msg::FromList)}</dt>
                <dd class="source">
                    {format!("{} ({} {})", list.title.get(lang), i18n.t(Msg::ListVersion), list.version)}
                </dd>
            </dl>
            {(entry.status == Status::Abolished).then(|| view! {
                <Link href=format!("/check/{}/declaration", entry.code) class="btn declaration-link">{i18n.t(Msg::DeclarationLink)}</Link>
            })}
            <Link href=format!("/check/{}", entry.code) class="share">{i18n.t(Msg::LinkToItem)}</Link>
        </article>
    }
}

/// The shareable page of one entry, `/check/<code>`.
#[component]
pub fn EntryPage(code: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="area area-check">
            <div class="check-head">
                <Link href="/check" class="btn">{move || i18n.t(Msg::SearchAgain)}</Link>
                <TextSizeToggle />
            </div>
            <EnglishPending />
            {move || {
                track_lists();
                match checker().catalogue().find(&code) {
                    Some(found) => entry_card(i18n, found.entry, found.list, None).into_any(),
                    None => view! { <p class="decision decision-unknown">{i18n.t(Msg::NoSuchItem)}</p> }.into_any(),
                }
            }}
        </section>
    }
}

/// Read in English while the lists in force still lack their English texts
/// (a phone not online since its reader chose English): why items read in
/// Chinese.
#[component]
fn EnglishPending() -> impl IntoView {
    let i18n = use_i18n();
    move || {
        (i18n.lang() == Lang::En && lacks_english()).then(|| {
            view! { <p class="notice" role="status" id="english-pending">{i18n.t(Msg::ListsEnglishPending)}</p> }
        })
    }
}
