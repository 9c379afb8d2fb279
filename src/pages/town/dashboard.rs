//! The overview of an area (the account's own, or one below it): its
//! place in the tree, its months with the reduction rate and reporting
//! completeness, a chart of issued against baseline, the areas below it
//! over the range (towns of a county, villages of a town: a click opens
//! one), flagged requests, and the exports of the area shown.

use super::approvals::{Corrections, MonthButton, Step};
use super::failure_text;
use super::quality::QualitySigns;
use crate::i18n::{use_i18n, I18n};
use crate::loaded::Loaded;
use crate::transport::town;
use jianzheng_core::api::town::Me;
use jianzheng_core::i18n::Msg;
use jianzheng_core::ledger::Period;
use jianzheng_core::org::roles::Action;
use jianzheng_core::org::Level;
use jianzheng_core::rate::headline::headline;
use jianzheng_core::rate::letters::item_name;
use jianzheng_core::rate::{AreaPlace, Dashboard, MonthCounts, Rate};
use jianzheng_core::values::{AreaCode, MonthRange, VillageCode};
use leptos::prelude::*;

fn rate_text(rate: Rate, i18n: I18n) -> String {
    rate.text(i18n.lang())
}

fn this_month() -> Period {
    let now: String = js_sys::Date::new_0().to_iso_string().into();
    Period::from_iso(&now).unwrap_or(Period {
        year: 2026,
        month: 1,
    })
}

/// The overview tab, opening on `me`'s own area.
#[component]
pub fn DashboardView(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let last = this_month();
    let first = (0..11).fold(last, |p, _| p.previous());
    let from = RwSignal::new(first.to_string());
    let to = RwSignal::new(last.to_string());
    let shown = RwSignal::new(MonthRange::new(first, last).expect("twelve months are a range"));
    let range_error = RwSignal::new(None::<String>);
    let show = move |_| match MonthRange::parse(&from.get(), &to.get()) {
        Ok(range) => {
            range_error.set(None);
            shown.set(range);
        }
        Err(e) => range_error.set(Some(e.message(i18n.lang()))),
    };
    // The area shown: `None` is the account's own.
    let area = RwSignal::new(None::<AreaCode>);
    let own = me.area.as_ref().map(|p| p.area.code.clone());
    // Bumped when an approval or a correction changes the figures.
    let refresh = RwSignal::new(0u32);
    let data = Loaded::new(move || {
        refresh.track();
        let (range, area) = (shown.get(), area.get());
        async move { town::dashboard(range, area.as_ref()).await }
    });
    let export = move |kind: &str| {
        let range = shown.get();
        let area = area.get().map(|a| format!("&area={a}")).unwrap_or_default();
        format!(
            "/api/v1/town/export.{kind}?from={}&to={}{area}",
            range.first(),
            range.last()
        )
    };
    // The letters and the report of the range and area shown, each on a
    // page of its own.
    let page_href = move |page: &str| {
        let range = shown.get();
        let area = area.get().map(|a| format!("&area={a}")).unwrap_or_default();
        format!(
            "/town/{page}?from={}&to={}{area}",
            range.first(),
            range.last()
        )
    };
    view! {
        <div class="card range">
            <label>{move || i18n.t(Msg::RangeFrom)}
                <input id="range-from" class="field" type="month" prop:value=from on:input=move |ev| from.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::RangeTo)}
                <input id="range-to" class="field" type="month" prop:value=to on:input=move |ev| to.set(event_target_value(&ev)) />
            </label>
            <button class="btn btn-primary" id="range-show" on:click=show>{move || i18n.t(Msg::Show)}</button>
            <a class="btn" id="export-xlsx" href=move || export("xlsx") download="">{move || i18n.t(Msg::ExportXlsx)}</a>
            <a class="btn" id="export-csv" href=move || export("csv") download="">{move || i18n.t(Msg::ExportCsv)}</a>
            <a class="btn" id="report-link" rel="external" href=move || page_href("report")>{move || i18n.t(Msg::ReportLink)}</a>
            <a class="btn" id="letters-link" rel="external" href=move || page_href("letters")>{move || i18n.t(Msg::LettersLink)}</a>
            {move || range_error.get().map(|e| view! { <p class="error" role="alert" id="range-error">{e}</p> })}
        </div>
        {move || data.get().map(|result| match result {
            Ok(d) => view! { <Overview d range=shown.get() area own=own.clone() refresh /> }.into_any(),
            Err(err) => view! { <p class="error" role="alert">{failure_text(&err, i18n)}</p> }.into_any(),
        })}
    }
}

/// Where the area shown lies: the areas from the root down, those within
/// the account's own area (`own`) a button that opens it.
#[component]
fn AreaPath(
    place: AreaPlace,
    area: RwSignal<Option<AreaCode>>,
    own: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let steps: Vec<_> = place.above.iter().chain([&place.area]).cloned().collect();
    // An account with no area yet (asked before the tree was made) is the
    // root's.
    let reachable_from = match own {
        Some(own) => steps
            .iter()
            .position(|s| s.code == own)
            .unwrap_or(steps.len() - 1),
        None => 0,
    };
    let last = steps.len() - 1;
    let links = steps
        .into_iter()
        .enumerate()
        .map(|(i, step)| {
            let label = format!("{} {}", step.name, step.level.name(lang));
            let code = step.code.parse::<AreaCode>().ok();
            let separator = (i > 0).then_some(view! { <span aria-hidden="true">" › "</span> });
            let link = if i == last {
                view! { <span class="area-here" aria-current="page">{label}</span> }.into_any()
            } else if i >= reachable_from {
                view! {
                    <button class="link area-up" data-code=step.code.clone() on:click=move |_| area.set(code.clone())>{label}</button>
                }
                .into_any()
            } else {
                view! { <span>{label}</span> }.into_any()
            };
            view! { {separator}{link} }
        })
        .collect_view();
    view! {
        <nav class="card area-path" id="area-path" aria-label=i18n.t(Msg::AreaPathLabel)>{links}</nav>
    }
}

#[component]
fn Overview(
    d: Dashboard,
    range: MonthRange,
    area: RwSignal<Option<AreaCode>>,
    own: Option<String>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let may_approve = use_context::<Me>().is_some_and(|me| me.may(Action::ApproveMonths));
    let may_withdraw = use_context::<Me>().is_some_and(|me| me.may(Action::WithdrawApprovals));
    let approve_message = RwSignal::new(None::<String>);
    let current = d.current;
    let path = d
        .place
        .clone()
        .map(|place| view! { <AreaPath place area own /> });
    let selected = RwSignal::new(None::<VillageCode>);
    let months = Loaded::new(move || {
        refresh.track();
        let code = selected.get();
        async move {
            match code {
                Some(code) => Some(town::village_months(&code, range).await),
                None => None,
            }
        }
    });
    let chart = super::chart::svg(&d.town, i18n.t(Msg::ChartTitle), i18n.lang());
    let town_rows = d
        .town
        .iter()
        .rev()
        .map(|t| {
            let complete = t.baseline_villages_reported == t.villages_with_baseline;
            view! {
                <tr>
                    <td>{t.period.to_string()}</td>
                    <td class="num">{count_text(t.villages_reported > 0, t.counts, t.counts.issued_net())}</td>
                    <td class="num">{count_text(t.villages_reported > 0, t.counts, t.counts.refused)}</td>
                    <td class="num">{count_text(t.villages_reported > 0, t.counts, t.counts.unlisted)}</td>
                    <td class="num">{t.baseline.map(|b| b.to_string()).unwrap_or_default()}</td>
                    <td class="num rate">{rate_text(t.rate, i18n)}</td>
                    <td class:warn=!complete>
                        {format!("{}/{}", t.villages_reported, t.villages)}
                        {(!complete).then(|| format!(" · {}", i18n.t(Msg::Incomplete)))}
                    </td>
                    <td class="approved" class:warn={t.villages_approved < t.villages}>
                        {format!("{}/{}", t.villages_approved, t.villages)}
                        {(may_approve && t.period < d.current && t.villages_approved < t.villages_reported).then(|| {
                            view! { <MonthButton step=Step::Approve period=t.period area=area.get_untracked() refresh message=approve_message /> }
                        })}
                        {(may_withdraw && t.villages_approved > 0).then(|| {
                            view! { <MonthButton step=Step::Withdraw period=t.period area=area.get_untracked() refresh message=approve_message /> }
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    // Rows of villages open their months below; rows of areas open the area.
    let of_villages = d.rows.iter().all(|r| r.level == Level::Village);
    let village_rows = d.rows.iter().map(|v| {
        let is_village = v.level == Level::Village;
        let village = v.code.parse::<VillageCode>().ok().filter(|_| is_village);
        let below = v.code.parse::<AreaCode>().ok().filter(|_| !is_village);
        let open = move |_| match (&village, &below) {
            (Some(code), _) => selected.set(Some(code.clone())),
            (None, Some(code)) => area.set(Some(code.clone())),
            (None, None) => {}
        };
        let class = if is_village { "village-row" } else { "area-row" };
        let villages = (!of_villages).then(|| view! { <td class="num">{v.villages}</td> });
        view! {
        <tr class=class data-code=v.code.clone() on:click=open>
            <td><button class="link">{v.code.clone()}</button></td>
            <td>{v.name.clone()}{(!is_village).then(|| format!(" ({})", v.level.name(i18n.lang())))}</td>
            {villages}
            <td class="num">{count_text(v.months_reported > 0, v.counts, v.counts.issued_net())}</td>
            <td class="num">{count_text(v.months_reported > 0, v.counts, v.counts.refused)}</td>
            <td class="num">{count_text(v.months_reported > 0, v.counts, v.counts.unlisted)}</td>
            <td class="num">{v.rate.baseline.map(|b| b.to_string()).unwrap_or_default()}</td>
            <td class="num rate">{rate_text(v.rate.rate, i18n)}</td>
            <td class:warn=v.months_reported < v.months>{format!("{}/{}", v.months_reported, v.months)}</td>
            <td class="num" class:warn={v.on_time.late > 0}>{v.on_time.text(i18n.lang())}</td>
            <td class="approved" class:warn={v.months_approved < v.months}>
                {format!("{}/{}", v.months_approved, v.months)}
                {(!v.approved_for_all.is_empty()).then(|| view! { <small class="approved-months">{v.approved_text(i18n.lang())}</small> })}
            </td>
        </tr>
        }
    }).collect_view();
    let header = move |first: Msg| {
        view! {
            <tr>
                <th>{i18n.t(first)}</th>
                <th class="num">{i18n.t(Msg::ColIssuedNet)}</th>
                <th class="num">{i18n.t(Msg::ColRefused)}</th>
                <th class="num">{i18n.t(Msg::ColUnlisted)}</th>
                <th class="num">{i18n.t(Msg::ColBaseline)}</th>
                <th class="num">{i18n.t(Msg::ColRate)}</th>
                <th>{i18n.t(Msg::ColReported)}</th>
                <th>{i18n.t(Msg::ColApproved)}</th>
            </tr>
        }
    };
    let lang = i18n.lang();
    let by_agency = d
        .by_agency
        .iter()
        .map(|f| (f.key.label(lang).to_owned(), f.refused, f.unlisted))
        .collect();
    let catalogue = crate::checker::shipped_catalogue();
    let by_item = d
        .by_item
        .iter()
        .map(|f| {
            let label = item_name(&f.key, &catalogue);
            (label.get(lang).to_owned(), f.refused, f.unlisted)
        })
        .collect();
    let total = d.total;
    let total_complete = total.compared == total.with_baseline;
    // The sentence for the summary upward, as core words it.
    let area_name = d.place.as_ref().map_or_else(
        || i18n.t(Msg::HeadlineThisArea).to_owned(),
        |p| p.area.name.clone(),
    );
    let sentence = headline(
        &area_name,
        range.first(),
        range.last(),
        d.current,
        &total,
        d.comparison,
        lang,
    );
    let (code_header, name_header) = if of_villages {
        (Msg::VillageCode, Msg::ColVillage)
    } else {
        (Msg::AreaRowsCode, Msg::AreaRowsName)
    };
    let villages_header =
        (!of_villages).then(|| view! { <th class="num">{i18n.t(Msg::AreaRowsVillages)}</th> });
    view! {
        {path}
        <div class="card total" id="range-total">
            <h2>{i18n.t(Msg::RangeTotalTitle)}</h2>
            <p class="headline"><span class="rate">{rate_text(total.rate, i18n)}</span></p>
            <p class="headline-sentence" id="range-headline">{sentence}</p>
            <p class:warn=!total_complete>
                {format!("{}/{} {}", total.compared, total.with_baseline, i18n.t(Msg::RangeTotalCompared))}
                {(!total_complete).then(|| format!(" · {}", i18n.t(Msg::Incomplete)))}
            </p>
            <p class="note">{i18n.t(Msg::RangeTotalMissing)}</p>
            {d.report_days.map(|days| view! {
                <p id="range-on-time" class:warn={d.on_time.late > 0}>{d.on_time.summary(days, lang)}</p>
            })}
        </div>
        <div class="card">
            <h2>{i18n.t(Msg::ChartTitle)}</h2>
            <div class="chart" id="town-chart" inner_html=chart></div>
        </div>
        <div class="card table-wrap">
            {move || approve_message.get().map(|m| view! { <p class="error" role="alert" id="approve-message">{m}</p> })}
            <table class="figures" id="town-months">
                <thead>{header(Msg::ColMonth)}</thead>
                <tbody>{town_rows}</tbody>
            </table>
        </div>
        <div class="card table-wrap">
            <table class="figures" id="village-table">
                <thead>
                    <tr>
                        <th>{i18n.t(code_header)}</th>
                        <th>{i18n.t(name_header)}</th>
                        {villages_header}
                        <th class="num">{i18n.t(Msg::ColIssuedNet)}</th>
                        <th class="num">{i18n.t(Msg::ColRefused)}</th>
                        <th class="num">{i18n.t(Msg::ColUnlisted)}</th>
                        <th class="num">{i18n.t(Msg::ColBaseline)}</th>
                        <th class="num">{i18n.t(Msg::ColRate)}</th>
                        <th>{i18n.t(Msg::ColReported)}</th>
                        <th class="num">{i18n.t(Msg::ColOnTime)}</th>
                        <th>{i18n.t(Msg::ColApproved)}</th>
                    </tr>
                </thead>
                <tbody>{village_rows}</tbody>
            </table>
        </div>
        {move || months.get().flatten().map(|r| match r {
            Ok(row) => {
                let lines = row.months.iter().rev().map(|m| if !m.exists {
                    view! {
                        <tr class="not-applicable">
                            <td>{m.period.to_string()}</td>
                            <td colspan="7">{i18n.t(Msg::RateNotApplicable)}</td>
                        </tr>
                    }.into_any()
                } else { view! {
                    <tr>
                        <td>{m.period.to_string()}</td>
                        <td class="num">{count_text(m.reported, m.counts, m.counts.issued_net())}</td>
                        <td class="num">{count_text(m.reported, m.counts, m.counts.refused)}</td>
                        <td class="num">{count_text(m.reported, m.counts, m.counts.unlisted)}</td>
                        <td class="num">{m.baseline.map(|b| b.to_string()).unwrap_or_default()}</td>
                        <td class="num rate">{rate_text(m.rate, i18n)}</td>
                        <td class:warn=!m.reported>{i18n.t(if m.reported { Msg::ReportedYes } else { Msg::ReportedNo })}</td>
                        <td class="approved" class:warn=!m.approved>
                            {i18n.t(if m.approved { Msg::ApprovedYes } else { Msg::ApprovedNo })}
                            {(may_approve && m.approvable(current)).then(|| {
                                let village = row.code.parse::<AreaCode>().ok();
                                view! { <MonthButton step=Step::Approve period=m.period area=village refresh message=approve_message /> }
                            })}
                            {(may_withdraw && m.approved).then(|| {
                                let village = row.code.parse::<AreaCode>().ok();
                                view! { <MonthButton step=Step::Withdraw period=m.period area=village refresh message=approve_message /> }
                            })}
                        </td>
                    </tr>
                }.into_any() }).collect_view();
                view! {
                    <div class="card table-wrap">
                        <h2>{format!("{} · {}", row.name, i18n.t(Msg::VillageMonths))}</h2>
                        <table class="figures" id="village-months">
                            <thead>{header(Msg::ColMonth)}</thead>
                            <tbody>{lines}</tbody>
                        </table>
                    </div>
                }.into_any()
            }
            Err(err) => view! { <p class="error">{failure_text(&err, i18n)}</p> }.into_any(),
        })}
        <Corrections area=area.get_untracked() refresh may_decide=may_approve />
        <QualitySigns range area=area.get_untracked() open=selected />
        <div class="flagged-lists">
            <FlaggedList title=Msg::FlaggedByAgency items=by_agency id="flagged-agency" />
            <FlaggedList title=Msg::FlaggedByItem items=by_item id="flagged-item" />
        </div>
    }
}

/// A count in a month's row: a dash when nothing was reported and nothing
/// counted, since a month no one reported is missing, not zero.
pub(crate) fn count_text(reported: bool, counts: MonthCounts, count: u64) -> String {
    match counts.known(reported) {
        None => "—".to_owned(),
        Some(_) => count.to_string(),
    }
}

#[component]
fn FlaggedList(title: Msg, items: Vec<(String, u64, u64)>, id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let rows = items
        .into_iter()
        .take(10)
        .map(|(label, refused, unlisted)| {
            view! {
                <tr>
                    <td>{label}</td>
                    <td class="num">{refused}</td>
                    <td class="num">{unlisted}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <h2>{i18n.t(title)}</h2>
            <table class="figures" id=id>
                <thead><tr><th></th><th class="num">{i18n.t(Msg::ColRefused)}</th><th class="num">{i18n.t(Msg::ColUnlisted)}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
