//! `/town/report?from=YYYY-MM&to=YYYY-MM[&area=CODE][&compare=…]`: the
//! report upward, ready to print on A4 or to download as Word. Every figure
//! and sentence is core's (`jianzheng_core::rate::report`).

use crate::i18n::{use_i18n, I18n};
use crate::loaded::Loaded;
use crate::nav::{use_location, Link};
use crate::pages::town::chart;
use crate::pages::town::dashboard::count_text;
use crate::pages::town::failure_text;
use crate::pages::town_letters::range_and_area;
use crate::transport::town;
use jianzheng_core::certificate::IssueDate;
use jianzheng_core::i18n::Msg;
use jianzheng_core::rate::report::Report;
use jianzheng_core::rate::Comparison;
use jianzheng_core::values::AreaName;
use leptos::prelude::*;

/// The report page.
#[component]
pub fn TownReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let asked = move || {
        let (range, area) = range_and_area(location);
        let compare = location
            .query("compare")
            .and_then(|c| Comparison::from_key(&c))
            .unwrap_or_default();
        (range, area, compare)
    };
    let report = Loaded::new(move || {
        let (range, area, compare) = asked();
        async move {
            let range = range.map_err(|e| e.message(i18n.lang()))?;
            town::report(range, area.as_ref(), compare)
                .await
                .map_err(|e| failure_text(&e, i18n))
        }
    });
    // The same report as Word, in the language shown.
    let docx_href = move || {
        let (range, area, compare) = asked();
        let range = range.map(|r| format!("from={}&to={}", r.first(), r.last()));
        format!(
            "/api/v1/town/report.docx?{}{}&compare={}&lang={}",
            range.unwrap_or_default(),
            area.map(|a| format!("&area={a}")).unwrap_or_default(),
            compare.key(),
            i18n.lang().tag()
        )
    };
    let choose = move |ev: leptos::ev::Event| {
        let compare = Comparison::from_key(&event_target_value(&ev)).unwrap_or_default();
        let (from, to, area) = untrack(|| {
            (
                location.query("from").unwrap_or_default(),
                location.query("to").unwrap_or_default(),
                location.query("area"),
            )
        });
        let mut href = format!(
            "/town/report?from={}&to={}&compare={}",
            js_sys::encode_uri_component(&from),
            js_sys::encode_uri_component(&to),
            compare.key()
        );
        if let Some(area) = area {
            href.push_str(&format!("&area={}", js_sys::encode_uri_component(&area)));
        }
        location.navigate(&href, false);
    };
    view! {
        <div class="print-controls no-print">
            <Link href="/town" class="btn">{move || i18n.t(Msg::Back)}</Link>
            <label class="compare">{move || i18n.t(Msg::ReportCompare)}
                <select id="report-compare" class="field" on:change=choose>
                    {Comparison::ALL.into_iter().map(|c| view! {
                        <option value=c.key() selected=move || asked().2 == c>{move || i18n.t(c.label())}</option>
                    }).collect_view()}
                </select>
            </label>
            <a class="btn" id="report-docx" href=docx_href download="">{move || i18n.t(Msg::ReportDocx)}</a>
            <button class="btn btn-primary" id="print-now" on:click=move |_| { let _ = window().print(); }>
                {move || i18n.t(Msg::PosterPrint)}
            </button>
        </div>
        {move || report.get().map(|result| match result {
            Err(text) => view! { <p class="error" role="alert" id="report-error">{text}</p> }.into_any(),
            // A paper never prints a placeholder for its area's name.
            Ok(report) if report.dashboard.place.as_ref().is_some_and(|p| AreaName::is_unnamed(&p.area.name)) => {
                view! { <p class="error" role="alert" id="report-unnamed">{i18n.t(Msg::AreaUnnamedPaper)}</p> }.into_any()
            }
            Ok(report) => report_view(&report, i18n).into_any(),
        })}
    }
}

/// The report, laid out for A4, in the language shown (read here, so that
/// a switch lays it out again).
fn report_view(report: &Report, i18n: I18n) -> impl IntoView {
    let lang = i18n.lang();
    let t = move |m: Msg| i18n.t(m);
    let d = &report.dashboard;
    let [title, months] = report.title(lang);
    let made = IssueDate::from_iso(&String::from(js_sys::Date::new_0().to_iso_string()))
        .map(|d| d.written(lang))
        .unwrap_or_default();
    let rows = d
        .rows
        .iter()
        .map(|row| {
            view! {
                <tr>
                    <td>{row.name.clone()}</td>
                    <td class="num">{count_text(row.months_reported > 0, row.counts, row.rate.issued_net)}</td>
                    <td class="num">{row.rate.baseline}</td>
                    <td class="num">{row.rate.rate.text(lang)}</td>
                    <td class="num">{format!("{}/{}", row.months_reported, row.months)}</td>
                    <td class="num">{row.on_time.text(lang)}</td>
                    <td>{row.approved_text(lang)}</td>
                </tr>
            }
        })
        .collect_view();
    let agencies = (!report.agencies.is_empty()).then(|| {
        let lines = report
            .agencies
            .iter()
            .flat_map(|letter| {
                let ruled = letter.lines.iter().map(|l| (&l.name, l.refused, l.unlisted));
                let asked = letter.asked.iter().map(|l| (&l.name, l.refused, l.unlisted));
                ruled.chain(asked).map(move |(name, refused, unlisted)| {
                    view! {
                        <tr>
                            <td>{letter.agency.label(lang)}</td>
                            <td>{name.get(lang).to_owned()}</td>
                            <td class="num">{refused}</td>
                            <td class="num">{unlisted}</td>
                        </tr>
                    }
                })
            })
            .collect_view();
        view! {
            <table class="report-table" id="report-agencies">
                <thead><tr>
                    <th>{t(Msg::ColAgency)}</th><th>{t(Msg::LetterItem)}</th>
                    <th class="num">{t(Msg::ColRefused)}</th><th class="num">{t(Msg::ColUnlisted)}</th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table>
        }
    });
    let unlisted = (!report.unlisted.is_empty()).then(|| {
        let lines = report
            .unlisted
            .iter()
            .map(|u| view! { <tr><td>{u.name.get(lang).to_owned()}</td><td class="num">{u.issued}</td></tr> })
            .collect_view();
        view! {
            <table class="report-table" id="report-unlisted">
                <thead><tr><th>{t(Msg::LetterItem)}</th><th class="num">{t(Msg::ColUnlisted)}</th></tr></thead>
                <tbody>{lines}</tbody>
            </table>
        }
    });
    let signs = report
        .signs
        .iter()
        .map(|v| {
            let reasons: Vec<String> = v.signs.iter().map(|s| s.message(lang)).collect();
            view! { <li><strong>{format!("{}：", v.name)}</strong>{reasons.join("；")}</li> }
        })
        .collect_view();
    let method = report
        .method(lang)
        .into_iter()
        .map(|note| view! { <p>{note}</p> })
        .collect_view();
    view! {
        <article class="a4 report" id="report">
            <h1>{title}</h1>
            <p class="report-months">{months}</p>
            <p class="report-headline" id="report-headline">{report.headline(lang)}</p>
            <h2>{t(Msg::ReportChildren)}</h2>
            <table class="report-table" id="report-rows">
                <thead><tr>
                    <th>{t(Msg::AreaRowsName)}</th><th class="num">{t(Msg::ColIssuedNet)}</th>
                    <th class="num">{t(Msg::ColBaseline)}</th><th class="num">{t(Msg::ColRate)}</th>
                    <th class="num">{t(Msg::ColReported)}</th><th class="num">{t(Msg::ColOnTime)}</th><th>{t(Msg::ColApprovedMonths)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <h2>{t(Msg::ChartTitle)}</h2>
            <div class="chart" inner_html=chart::svg(&d.town, t(Msg::ChartTitle), lang)></div>
            <h2>{t(Msg::FlaggedByAgency)}</h2>
            {agencies.map_or_else(|| view! { <p>{t(Msg::LettersNone)}</p> }.into_any(), IntoAny::into_any)}
            <h2>{t(Msg::ReportUnlisted)}</h2>
            {unlisted.map_or_else(|| view! { <p>{t(Msg::ReportNoUnlisted)}</p> }.into_any(), IntoAny::into_any)}
            <h2>{t(Msg::QualityTitle)}</h2>
            {if report.signs.is_empty() {
                view! { <p>{t(Msg::QualityNone)}</p> }.into_any()
            } else {
                view! { <ul class="report-signs" id="report-signs">{signs}</ul> }.into_any()
            }}
            {report.signs_more(lang).map(|more| view! { <p>{more}</p> })}
            <h2>{t(Msg::ReportMethod)}</h2>
            <div class="report-small" id="report-method">{method}</div>
            <p class="report-made">{format!("{}{made}", t(Msg::ReportMade))}</p>
        </article>
    }
}
