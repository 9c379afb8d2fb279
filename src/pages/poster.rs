//! The printable A4 poster of the village's lists for the notice board
//! (村务公开栏), with a QR code that opens the check page.

use crate::checker::{checker, track_lists, ResidentArea};
use crate::i18n::use_i18n;
use crate::kept;
use crate::qr::text_svg;
use jianzheng_core::catalogue::Status;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

/// localStorage key of the village name printed on the poster.
const VILLAGE_KEY: &str = "jianzheng.posterVillage";

/// The poster: what the village issues, what it no longer issues and where
/// to go instead, and a QR code to the check page. Controls do not print.
#[component]
pub fn PosterPage() -> impl IntoView {
    let i18n = use_i18n();
    let village = RwSignal::new(kept::get::<String>(VILLAGE_KEY).unwrap_or_default());
    Effect::new(move |_| {
        kept::set(VILLAGE_KEY, &village.get());
    });
    // The QR code opens the check on this village's own lists.
    let area = use_context::<ResidentArea>().and_then(|a| a.0);
    let check_url = format!(
        "{}/check{}",
        window().location().origin().unwrap_or_default(),
        area.map(|a| format!("?area={a}")).unwrap_or_default()
    );
    let qr = text_svg(&check_url, 220);
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <section class="poster-controls no-print">
            <label for="poster-village">{move || i18n.t(Msg::PosterVillageLabel)}</label>
            <input
                id="poster-village"
                class="search-box"
                prop:value=move || village.get()
                on:input=move |ev| village.set(event_target_value(&ev))
            />
            <button class="btn btn-primary" id="poster-print" on:click=print prop:disabled=move || village.get().trim().is_empty()>
                {move || i18n.t(Msg::PosterPrint)}
            </button>
            // The poster prints no placeholder for the village's name.
            {move || village.get().trim().is_empty().then(|| view! {
                <p class="error" role="status" id="poster-unnamed">{i18n.t(Msg::PosterNameFirst)}</p>
            })}
        </section>
        <article class="poster" id="poster">
            {move || {
                let lang = i18n.lang();
                track_lists();
                let checker = checker();
                let catalogue = checker.catalogue();
                let name = village.get();
                let title = match name.trim() {
                    "" => i18n.t(Msg::PosterTitle).to_owned(),
                    name => format!("{name} · {}", i18n.t(Msg::PosterTitle)),
                };
                let may: Vec<_> = catalogue.entries().filter(|f| f.entry.status == Status::MayIssue).collect();
                let not: Vec<_> = catalogue.entries().filter(|f| f.entry.status != Status::MayIssue).collect();
                let sources: Vec<String> = catalogue
                    .lists()
                    .iter()
                    .map(|l| format!("{} ({})", l.source.get(lang), l.version))
                    .collect();
                view! {
                    <h1 class="poster-title">{title}</h1>
                    <div class="poster-top">
                        <div class="poster-may">
                            <h2>{i18n.t(Msg::PosterMayIssue)}</h2>
                            <ol>
                                {may.iter().map(|f| view! { <li>{f.entry.name.get(lang).to_owned()}</li> }).collect_view()}
                            </ol>
                        </div>
                        <figure class="poster-qr">
                            <div class="qr" inner_html=qr.clone()></div>
                            <figcaption>{i18n.t(Msg::PosterScan)}</figcaption>
                            <div class="qr-url">{check_url.clone()}</div>
                        </figure>
                    </div>
                    <h2>{i18n.t(Msg::PosterMustNotIssue)}</h2>
                    <table class="poster-not">
                        <tbody>
                            {not
                                .iter()
                                .map(|f| {
                                    let route = f.entry.instead.as_ref().map(|r| r.agency.get(lang).to_owned());
                                    view! {
                                        <tr>
                                            <th>{f.entry.name.get(lang).to_owned()}</th>
                                            <td>{route}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    <p class="poster-sources">{format!("{}：{}", i18n.t(Msg::PosterSources), sources.join("；"))}</p>
                }
            }}
        </article>
    }
}
