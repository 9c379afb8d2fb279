//! `/town/letters?from=YYYY-MM&to=YYYY-MM[&area=CODE]`: the letters (函)
//! from the town to each category of agency that still sent residents to
//! the villages for certificates, one A4 page each, ready to print. The
//! words are core's (`jianzheng_core::rate::letters`).

use crate::i18n::{use_i18n, I18n};
use crate::loaded::Loaded;
use crate::nav::{use_location, Link, Location};
use crate::pages::town::failure_text;
use crate::transport::town;
use jianzheng_core::certificate::IssueDate;
use jianzheng_core::i18n::Msg;
use jianzheng_core::rate::letters::Letter;
use jianzheng_core::values::{AreaCode, AreaName, MonthRange, ValueError};
use leptos::prelude::*;

/// The letters page.
#[component]
pub fn TownLettersPage() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let asked = move || range_and_area(location);
    let letters = Loaded::new(move || {
        let (range, area) = asked();
        async move {
            let range = range.map_err(|e| e.message(i18n.lang()))?;
            let me = town::me().await.map_err(|e| failure_text(&e, i18n))?;
            let letters = town::letters(range, area.as_ref())
                .await
                .map_err(|e| failure_text(&e, i18n))?;
            // Sent by the account's own area, whichever area's figures.
            let from = me.area.map(|p| p.area.name);
            Ok::<_, String>((range, from, letters))
        }
    });
    // The same letters as Word, in the language shown.
    let docx_href = move || {
        let (range, area) = asked();
        let range = range.map(|r| format!("from={}&to={}", r.first(), r.last()));
        format!(
            "/api/v1/town/letters.docx?{}{}&lang={}",
            range.unwrap_or_default(),
            area.map(|a| format!("&area={a}")).unwrap_or_default(),
            i18n.lang().tag()
        )
    };
    view! {
        <div class="print-controls no-print">
            <Link href="/town" class="btn">{move || i18n.t(Msg::Back)}</Link>
            <a class="btn" id="letters-docx" href=docx_href download="">{move || i18n.t(Msg::LettersDocx)}</a>
            <button class="btn btn-primary" id="print-now" on:click=move |_| { let _ = window().print(); }>
                {move || i18n.t(Msg::PosterPrint)}
            </button>
        </div>
        {move || letters.get().map(|result| match result {
            Err(text) => view! { <p class="error" role="alert" id="letters-error">{text}</p> }.into_any(),
            Ok((_, _, letters)) if letters.is_empty() => {
                view! { <p id="letters-none">{i18n.t(Msg::LettersNone)}</p> }.into_any()
            }
            // A paper never prints a placeholder for its area's name.
            Ok((_, from, _)) if from.as_deref().is_none_or(AreaName::is_unnamed) => {
                view! { <p class="error" role="alert" id="letters-unnamed">{i18n.t(Msg::AreaUnnamedPaper)}</p> }.into_any()
            }
            Ok((range, from, letters)) => {
                let town = from.unwrap_or_default();
                // Every letter carries the day it is printed.
                let today = IssueDate::from_iso(&String::from(js_sys::Date::new_0().to_iso_string()))
                    .map(|d| d.written(i18n.lang()))
                    .unwrap_or_default();
                letters
                    .iter()
                    .map(|letter| page(i18n, &town, &today, range, letter))
                    .collect_view()
                    .into_any()
            }
        })}
    }
}

/// The range (`from`, `to`) and the area (`area`, none: the account's
/// own) a page of the town's figures was asked for in its address.
pub(crate) fn range_and_area(
    location: Location,
) -> (Result<MonthRange, ValueError>, Option<AreaCode>) {
    let range = MonthRange::parse(
        &location.query("from").unwrap_or_default(),
        &location.query("to").unwrap_or_default(),
    );
    (
        range,
        location
            .query("area")
            .and_then(|a| a.parse::<AreaCode>().ok()),
    )
}

/// One letter on its own A4 page.
fn page(i18n: I18n, town: &str, today: &str, range: MonthRange, letter: &Letter) -> impl IntoView {
    let lang = i18n.lang();
    let [title, to, opening] = letter.opening(town, range.first(), range.last(), lang);
    let rows = letter
        .lines
        .iter()
        .map(|line| {
            view! {
                <tr>
                    <td>{line.name.get(lang).to_owned()}</td>
                    <td class="num">{line.refused}</td>
                    <td class="num">{line.unlisted}</td>
                    <td>{line.basis.get(lang).to_owned()}</td>
                    <td>{line.instead.as_ref().map(|r| format!("{}：{}", r.agency.get(lang), r.how.get(lang)))}</td>
                </tr>
            }
        })
        .collect_view();
    // Only what a list in force says goes under the rules; requests on no
    // list are asked about apart.
    let ruled = (!letter.lines.is_empty()).then(|| {
        view! {
            <table class="letter-table ruled">
                <thead>
                    <tr>
                        <th>{i18n.t(Msg::LetterItem)}</th>
                        <th class="num">{i18n.t(Msg::ColRefused)}</th>
                        <th class="num">{i18n.t(Msg::ColUnlisted)}</th>
                        <th>{i18n.t(Msg::Basis)}</th>
                        <th>{i18n.t(Msg::WhereToGo)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let asked = (!letter.asked.is_empty()).then(|| {
        let rows = letter
            .asked
            .iter()
            .map(|line| view! {
                <tr><td>{line.name.get(lang).to_owned()}</td><td class="num">{line.count()}</td></tr>
            })
            .collect_view();
        view! {
            <p class="letter-body letter-asked">{Letter::asked_opening(lang)}</p>
            <table class="letter-table asked">
                <thead>
                    <tr>
                        <th>{i18n.t(Msg::LetterItem)}</th>
                        <th class="num">{i18n.t(Msg::LetterAskedTimes)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    view! {
        <article class="a4 letter" data-agency=format!("{:?}", letter.agency)>
            <h1>{title}</h1>
            <p class="letter-to">{to}</p>
            <p class="letter-body">{opening}</p>
            {ruled}
            {asked}
            <p class="letter-body">{i18n.t(Msg::LetterClosing)}</p>
            <div class="cert-sign">
                <div class="seal" aria-label=i18n.t(Msg::CertificateSeal)>{i18n.t(Msg::CertificateSeal)}</div>
                <p>{town.to_owned()}</p>
                <p>{today.to_owned()}</p>
            </div>
        </article>
    }
}
