//! Baselines: from a CSV file or pasted text, from the registry's own data
//! of a year, or one month by hand.

use super::failure_text;
use crate::files::read_file;
use crate::i18n::use_i18n;
use crate::loaded::Loaded;
use crate::transport::town;
use jianzheng_core::api::town::{BaselineEntry, Baselines};
use jianzheng_core::i18n::Msg;
use jianzheng_core::values::{BaselineYear, VillageCode};
use leptos::prelude::*;

/// The baselines tab.
#[component]
pub fn BaselinesView() -> impl IntoView {
    let i18n = use_i18n();
    let bump = RwSignal::new(0u32);
    let current = Loaded::new(move || {
        bump.track();
        town::baselines()
    });
    let year = RwSignal::new(String::new());
    // What the field holds: what was typed, else the year in force.
    let year_value = move || match year.get() {
        typed if typed.is_empty() => current
            .get()
            .and_then(|b| b.ok())
            .and_then(|b| b.year)
            .map(|y| y.to_string())
            .unwrap_or_default(),
        typed => typed,
    };
    let message = RwSignal::new(None::<(bool, String)>);
    // Each refusal next to the control that caused it.
    let year_error = RwSignal::new(None::<String>);
    let hand_error = RwSignal::new(None::<String>);
    let done = move |result: Result<(), crate::transport::TransportError>| {
        message.set(Some(match result {
            Ok(()) => {
                bump.update(|n| *n += 1);
                (true, i18n.t(Msg::BaselineSaved).to_owned())
            }
            Err(err) => (false, failure_text(&err, i18n)),
        }));
    };
    // A year the form cannot send is said at once, in the form's language.
    let parsed_year = move || {
        let parsed = untrack(year_value).parse::<BaselineYear>();
        year_error.set(parsed.as_ref().err().map(|e| e.message(i18n.lang())));
        parsed.ok()
    };
    let pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let Some(y) = parsed_year() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match read_file(&file).await {
                Ok(bytes) => done(
                    town::import_baselines(y, String::from_utf8_lossy(&bytes).into_owned()).await,
                ),
                Err(err) => message.set(Some((false, err))),
            }
        });
    };
    let from_registry = move |_| {
        let Some(y) = parsed_year() else {
            return;
        };
        leptos::task::spawn_local(async move { done(town::baselines_from_registry(y).await) });
    };
    let village = RwSignal::new(String::new());
    let month = RwSignal::new(String::new());
    let count = RwSignal::new(String::new());
    let by_hand = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(y) = parsed_year() else {
            return;
        };
        let village = match village.get_untracked().parse::<VillageCode>() {
            Ok(v) => v,
            Err(e) => return hand_error.set(Some(e.message(i18n.lang()))),
        };
        let (Some(month), Ok(count)) = (
            month
                .get_untracked()
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|m| (1..=12).contains(m)),
            count.get_untracked().trim().parse::<u64>(),
        ) else {
            hand_error.set(Some(i18n.t(Msg::BaselineMonthCount).to_owned()));
            return;
        };
        hand_error.set(None);
        let entry = BaselineEntry {
            village,
            month,
            count,
        };
        leptos::task::spawn_local(async move { done(town::set_baseline(y, entry).await) });
    };
    view! {
        <div class="card baselines">
            <label>{move || i18n.t(Msg::BaselineYear)}
                <input id="baseline-year" class="field" inputmode="numeric" maxlength="4" prop:value=year_value
                    aria-describedby="baseline-year-error" aria-invalid=move || year_error.get().is_some().to_string()
                    on:input=move |ev| year.set(event_target_value(&ev)) />
            </label>
            {move || year_error.get().map(|t| view! { <p class="error field-error" role="alert" id="baseline-year-error">{t}</p> })}
            <label class="btn file-pick">{move || i18n.t(Msg::BaselineCsv)}
                <input id="baseline-csv" type="file" accept=".csv,text/csv" on:change=pick />
            </label>
            <button class="btn" id="baseline-registry" on:click=from_registry>{move || i18n.t(Msg::BaselineFromRegistry)}</button>
            {move || message.get().map(|(ok, t)| view! { <p class:ok=ok class:error=!ok role="status" id="baseline-message">{t}</p> })}
        </div>
        <form class="card baselines" on:submit=by_hand>
            <label>{move || i18n.t(Msg::VillageCode)}
                <input id="baseline-village" class="field" prop:value=village on:input=move |ev| village.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::ColMonth)}
                <input id="baseline-month" class="field" inputmode="numeric" placeholder="1-12" prop:value=month on:input=move |ev| month.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::ColBaseline)}
                <input id="baseline-count" class="field" inputmode="numeric" prop:value=count on:input=move |ev| count.set(event_target_value(&ev)) />
            </label>
            <button class="btn btn-primary" id="baseline-save" type="submit">{move || i18n.t(Msg::Save)}</button>
            {move || hand_error.get().map(|t| view! { <p class="error field-error" role="alert" id="baseline-hand-error">{t}</p> })}
        </form>
        {move || current.get().map(|r| match r {
            Ok(value) => baseline_table(&value, i18n).into_any(),
            Err(err) => view! { <p class="error">{failure_text(&err, i18n)}</p> }.into_any(),
        })}
    }
}

/// The baseline year's months per village, as a table.
fn baseline_table(baselines: &Baselines, i18n: crate::i18n::I18n) -> impl IntoView {
    let year = baselines.year;
    let mut by_village: std::collections::BTreeMap<String, [Option<u64>; 12]> = Default::default();
    for b in &baselines.baselines {
        let months = by_village.entry(b.village.to_string()).or_default();
        if let Some(slot) = usize::from(b.period.month)
            .checked_sub(1)
            .and_then(|m| months.get_mut(m))
        {
            *slot = Some(b.count);
        }
    }
    if by_village.is_empty() {
        return view! { <p id="baseline-none">{i18n.t(Msg::BaselineNone)}</p> }.into_any();
    }
    let rows = by_village.into_iter().map(|(v, months)| view! {
        <tr>
            <td>{v}</td>
            {months.iter().map(|c| view! { <td class="num">{c.map(|n| n.to_string()).unwrap_or_default()}</td> }).collect_view()}
        </tr>
    }).collect_view();
    view! {
        <div class="card table-wrap">
            <h2>{format!("{} {}", i18n.t(Msg::BaselineYear), year.map(|y| y.to_string()).unwrap_or_default())}</h2>
            <table class="figures" id="baseline-table">
                <thead><tr><th>{i18n.t(Msg::ColVillage)}</th>{(1..=12).map(|m| view! { <th>{m}</th> }).collect_view()}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }.into_any()
}
