//! Villages and their tablets: add a village, make an enrolment code (text
//! and QR), see when each tablet last reported, revoke one. A control is
//! there only for an account whose role may use it.

use super::failure_text;
use crate::dialog::{Asked, Dialog};
use crate::i18n::use_i18n;
use crate::loaded::Loaded;
use crate::qr::text_svg;
use crate::transport::town;
use jianzheng_core::api::town::{Me, NewCode, Settings, Village};
use jianzheng_core::i18n::Msg;
use jianzheng_core::ledger::Period;
use jianzheng_core::org::roles::Action;
use jianzheng_core::org::Level;
use jianzheng_core::values::{
    AreaCode, LedgerLabel, PhoneNumber, ReportDays, StaleDays, ValueError, VillageCode, VillageName,
};
use leptos::prelude::*;

/// The villages tab.
#[component]
pub fn VillagesView() -> impl IntoView {
    let i18n = use_i18n();
    let me = expect_context::<Me>();
    let may_settings = me.may(Action::EditSettings);
    let may_villages = me.may(Action::ManageVillages);
    let may_tablets = me.may(Action::ManageTablets);
    let may_retire = me.may(Action::WithdrawApprovals);
    // A town's account adds villages to its town.
    let parent = me
        .area
        .as_ref()
        .filter(|p| p.area.level == Level::Town)
        .and_then(|p| p.area.code.parse::<AreaCode>().ok());
    let bump = RwSignal::new(0u32);
    let villages = Loaded::new(move || {
        bump.track();
        town::villages()
    });
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let days = RwSignal::new(String::new());
    let report_days = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    // The settings as the server holds them; the form changes one of them.
    let settings = RwSignal::new(None::<Settings>);
    leptos::task::spawn_local(async move {
        match town::settings().await {
            Ok(s) => {
                days.set(s.stale_days.to_string());
                report_days.set(s.report_days.to_string());
                phone.set(
                    s.complaint_phone
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                );
                settings.set(Some(s));
            }
            Err(err) => message.set(Some((false, failure_text(&err, i18n)))),
        }
    });
    let save_days = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(current) = settings.get_untracked() else {
            return;
        };
        let stale_days = match days.get_untracked().parse::<StaleDays>() {
            Ok(d) => d,
            Err(e) => return message.set(Some((false, e.message(i18n.lang())))),
        };
        let on_time_days = match report_days.get_untracked().trim().parse::<ReportDays>() {
            Ok(d) => d,
            Err(e) => return message.set(Some((false, e.message(i18n.lang())))),
        };
        let complaint_phone = match phone.get_untracked().trim() {
            "" => None,
            typed => match typed.parse::<PhoneNumber>() {
                Ok(p) => Some(p),
                Err(e) => return message.set(Some((false, e.message(i18n.lang())))),
            },
        };
        let next = Settings {
            stale_days,
            report_days: on_time_days,
            complaint_phone,
            ..current
        };
        leptos::task::spawn_local(async move {
            match town::set_settings(next.clone()).await {
                Ok(()) => {
                    settings.set(Some(next));
                    message.set(Some((true, i18n.t(Msg::Saved).to_owned())));
                    bump.update(|n| *n += 1);
                }
                Err(err) => message.set(Some((false, failure_text(&err, i18n)))),
            }
        });
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = (
            code.get_untracked().parse::<VillageCode>(),
            name.get_untracked().parse::<VillageName>(),
        );
        let (village, village_name) = match parsed {
            (Ok(c), Ok(n)) => (c, n),
            (Err(e), _) | (_, Err(e)) => return message.set(Some((false, e.message(i18n.lang())))),
        };
        // The division code, within the town's, checked where it is typed.
        if let Err(e) = village.check_new(parent.as_ref()) {
            return message.set(Some((false, e.message(i18n.lang()))));
        }
        let parent = parent.clone();
        leptos::task::spawn_local(async move {
            match town::create_village(village, village_name, parent).await {
                Ok(()) => {
                    code.set(String::new());
                    name.set(String::new());
                    message.set(Some((true, i18n.t(Msg::Saved).to_owned())));
                    bump.update(|n| *n += 1);
                }
                Err(err) => message.set(Some((false, failure_text(&err, i18n)))),
            }
        });
    };
    view! {
        {may_settings.then(|| view! {
        <form class="card add-village" on:submit=save_days>
            <label>{move || i18n.t(Msg::SilentDays)}
                <input id="stale-days" class="field" inputmode="numeric" prop:value=days on:input=move |ev| days.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::ReportDaysLabel)}
                <input id="report-days" class="field" inputmode="numeric" prop:value=report_days on:input=move |ev| report_days.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::ComplaintPhoneLabel)}
                <input id="complaint-phone" class="field" inputmode="tel" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />
            </label>
            <button class="btn" id="stale-days-save" type="submit">{move || i18n.t(Msg::Save)}</button>
        </form>
        })}
        {move || (!may_villages).then(|| message.get().map(|(ok, t)| view! { <p class:ok=ok class:error=!ok role="status" id="village-message">{t}</p> }))}
        {may_villages.then(move || view! {
        <form class="card add-village" on:submit=add>
            <label>{move || i18n.t(Msg::VillageCode)}
                <input id="village-code" class="field" inputmode="numeric" maxlength="12" aria-describedby="village-code-hint" prop:value=code on:input=move |ev| code.set(event_target_value(&ev)) />
                <small id="village-code-hint">{move || i18n.t(Msg::VillageCodeHint)}</small>
            </label>
            <label>{move || i18n.t(Msg::VillageName)}
                <input id="village-name" class="field" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <button class="btn btn-primary" id="village-add" type="submit">{move || i18n.t(Msg::AddVillage)}</button>
            {move || message.get().map(|(ok, t)| view! { <p class:ok=ok class:error=!ok role="status" id="village-message">{t}</p> })}
        </form>
        })}
        {move || villages.get().map(|result| match result {
            Ok(list) => list.into_iter().map(|v| view! { <VillageCard v bump may_villages may_tablets may_retire /> }).collect_view().into_any(),
            Err(err) => view! { <p class="error" role="alert">{failure_text(&err, i18n)}</p> }.into_any(),
        })}
    }
}

/// The months a village counts in, its first month to change (officers),
/// and retiring or deleting it (administrators), each behind a dialog.
#[component]
fn VillageSpanControls(
    v: Village,
    bump: RwSignal<u32>,
    may_villages: bool,
    may_retire: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let first = RwSignal::new(v.span.first.to_string());
    let last = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let asked_retire = RwSignal::new(None::<Asked>);
    let asked_delete = RwSignal::new(None::<Asked>);
    let month_of = move |text: String| {
        Period::parse(text.trim()).ok_or_else(|| ValueError::Month.message(i18n.lang()))
    };
    let code = v.code.clone();
    let save_first = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let period = match month_of(first.get_untracked()) {
            Ok(p) => p,
            Err(e) => return error.set(Some(e)),
        };
        let code = code.clone();
        leptos::task::spawn_local(async move {
            match town::set_first_month(&code, period).await {
                Ok(()) => {
                    error.set(None);
                    bump.update(|n| *n += 1);
                }
                Err(err) => error.set(Some(failure_text(&err, i18n))),
            }
        });
    };
    let name = v.name.clone();
    let ask_retire = move |_| {
        last.set(String::new());
        error.set(None);
        asked_retire.set(Some(Asked {
            title: format!("{} · {name}", i18n.t(Msg::VillageRetireTitle)),
            lines: vec![i18n.t(Msg::VillageRetireExplain).to_owned()],
            confirm: Some(Msg::VillageRetire),
        }));
    };
    let code = v.code.clone();
    let retire = Callback::new(move |()| {
        let period = match month_of(last.get_untracked()) {
            Ok(p) => p,
            Err(e) => {
                error.set(Some(e));
                return false;
            }
        };
        let code = code.clone();
        leptos::task::spawn_local(async move {
            match town::retire_village(&code, period).await {
                Ok(()) => bump.update(|n| *n += 1),
                Err(err) => error.set(Some(failure_text(&err, i18n))),
            }
        });
        true
    });
    let name = v.name.clone();
    let ask_delete = move |_| {
        asked_delete.set(Some(Asked {
            title: format!("{} · {name}", i18n.t(Msg::VillageDeleteTitle)),
            lines: vec![i18n.t(Msg::VillageDeleteExplain).to_owned()],
            confirm: Some(Msg::VillageDelete),
        }));
    };
    let code = v.code.clone();
    let delete = Callback::new(move |()| {
        let code = code.clone();
        leptos::task::spawn_local(async move {
            match town::delete_village(&code).await {
                Ok(()) => bump.update(|n| *n += 1),
                Err(err) => error.set(Some(failure_text(&err, i18n))),
            }
        });
        true
    });
    let span = match v.span.last {
        None => format!("{}{}", i18n.t(Msg::VillageSpanLabel), v.span.first),
        Some(last) => format!(
            "{}{} · {}{last}",
            i18n.t(Msg::VillageSpanLabel),
            v.span.first,
            i18n.t(Msg::VillageRetiredFrom)
        ),
    };
    let retired = v.span.last.is_some();
    let code = v.code.to_string();
    view! {
        <p class="village-span">{span}</p>
        {may_villages.then(|| view! {
            <form class="first-month" on:submit=save_first>
                <label>{i18n.t(Msg::VillageFirstMonthLabel)}
                    <input class="field first-month-input" id=format!("first-month-{code}") inputmode="numeric" maxlength="7"
                        prop:value=first on:input=move |ev| first.set(event_target_value(&ev)) />
                </label>
                <button class="btn first-month-save" type="submit">{i18n.t(Msg::VillageFirstMonthSave)}</button>
            </form>
        })}
        {(may_retire && !retired).then(|| view! {
            <button class="btn retire-village" on:click=ask_retire>{i18n.t(Msg::VillageRetire)}</button>
        })}
        {(may_retire && v.devices.is_empty()).then(|| view! {
            <button class="btn delete-village" on:click=ask_delete>{i18n.t(Msg::VillageDelete)}</button>
        })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <Dialog asked=asked_retire reason=Some((Msg::VillageLastMonthLabel, last)) error=Some(error) on_confirm=retire />
        <Dialog asked=asked_delete on_confirm=delete />
    }
}

#[component]
fn VillageCard(
    v: Village,
    bump: RwSignal<u32>,
    may_villages: bool,
    may_tablets: bool,
    may_retire: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let span = v.clone();
    let new_code = RwSignal::new(None::<Result<NewCode, String>>);
    let new_name = RwSignal::new(v.name.clone());
    let renamed = RwSignal::new(None::<String>);
    let rename_code = v.code.clone();
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let code = rename_code.clone();
        let name = match new_name.get_untracked().parse::<VillageName>() {
            Ok(n) => n,
            Err(e) => return renamed.set(Some(e.message(i18n.lang()))),
        };
        leptos::task::spawn_local(async move {
            match town::rename_village(&code, name).await {
                Ok(()) => bump.update(|n| *n += 1),
                Err(err) => renamed.set(Some(failure_text(&err, i18n))),
            }
        });
    };
    let code = v.code.clone();
    let make_code = move |_| {
        let code = code.clone();
        leptos::task::spawn_local(async move {
            new_code.set(Some(
                town::enrolment_code(&code, None)
                    .await
                    .map_err(|e| failure_text(&e, i18n)),
            ));
        });
    };
    let withdrawn = RwSignal::new(None::<Result<u64, String>>);
    let withdraw_code = v.code.clone();
    let withdraw = move |_| {
        let code = withdraw_code.clone();
        leptos::task::spawn_local(async move {
            new_code.set(None);
            withdrawn.set(Some(
                town::withdraw_codes(&code)
                    .await
                    .map(|w| w.withdrawn)
                    .map_err(|e| failure_text(&e, i18n)),
            ));
        });
    };
    let devices = v.devices.clone();
    let village_code = v.code.clone();
    let rows = devices.into_iter().map(|d| {
        let (key, incarnation) = (d.key, d.incarnation);
        // A tablet enrolled before ledgers had labels has none to continue.
        let ledger = d.ledger.parse::<LedgerLabel>().ok();
        let replaceable = !d.retired && ledger.is_some();
        let village = village_code.clone();
        let replace = move |_| {
            let (village, ledger) = (village.clone(), ledger.clone());
            leptos::task::spawn_local(async move {
                new_code.set(Some(
                    town::enrolment_code(&village, ledger)
                        .await
                        .map_err(|e| failure_text(&e, i18n)),
                ));
            });
        };
        let live = !d.revoked && !d.retired;
        let revoke = move |_| {
            leptos::task::spawn_local(async move {
                if town::revoke(key, incarnation).await.is_ok() {
                    bump.update(|n| *n += 1);
                }
            });
        };
        let last = d.last_seen_at.clone().map(|t| t.replace('T', " ")[..16.min(t.len())].to_owned());
        view! {
            <tr class:warn=d.stale && live>
                <td>{format!("{} · #{}", d.ledger, d.incarnation)}</td>
                <td>{last.unwrap_or_else(|| i18n.t(Msg::Never).to_owned())}</td>
                <td>
                    {d.revoked.then(|| i18n.t(Msg::Revoked))}
                    {(d.retired && !d.revoked).then(|| i18n.t(Msg::Retired))}
                    {(d.stale && live).then(|| i18n.t(Msg::Silent))}
                </td>
                <td>
                    {(may_tablets && !d.revoked).then(|| view! { <button class="btn revoke" on:click=revoke>{i18n.t(Msg::Revoke)}</button> })}
                    {(may_tablets && replaceable).then(|| view! { <button class="btn replace" title=i18n.t(Msg::ReplaceTabletHint) on:click=replace>{i18n.t(Msg::ReplaceTablet)}</button> })}
                </td>
            </tr>
        }
    }).collect_view();
    let empty = v.devices.is_empty();
    view! {
        <div class="card village" data-code=v.code.to_string()>
            <h2>{format!("{} · {}", v.name, v.code)}</h2>
            {if empty {
                view! { <p>{i18n.t(Msg::NoTablets)}</p> }.into_any()
            } else {
                view! {
                    <table class="figures devices">
                        <thead><tr><th></th><th>{i18n.t(Msg::LastSeen)}</th><th></th><th></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }}
            <VillageSpanControls v=span bump may_villages may_retire />
            {may_villages.then(|| view! {
                <form class="rename" on:submit=rename>
                    <input class="field rename-name" id=format!("rename-{}", v.code) prop:value=new_name on:input=move |ev| new_name.set(event_target_value(&ev)) />
                    <button class="btn rename-save" type="submit">{i18n.t(Msg::Rename)}</button>
                    {move || renamed.get().map(|e| view! { <span class="error">{e}</span> })}
                </form>
            })}
            {may_tablets.then(|| view! {
                <button class="btn new-code" on:click=make_code>{i18n.t(Msg::NewEnrolmentCode)}</button>
                <button class="btn withdraw-codes" on:click=withdraw>{i18n.t(Msg::WithdrawCodes)}</button>
            })}
            {move || new_code.get().map(|r| match r {
                Ok(c) => view! {
                    <div class="enrolment-code">
                        <p class="code-text">{c.display.clone()}</p>
                        <p class="code-valid">{format!("{} {}", i18n.t(Msg::CodeValidDays), c.valid_days)}</p>
                        <div class="code-qr" inner_html=text_svg(&c.code, 180)></div>
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            })}
            {move || withdrawn.get().map(|r| match r {
                Ok(n) => view! { <p class="withdrawn" role="status">{format!("{} {n}", i18n.t(Msg::CodesWithdrawn))}</p> }.into_any(),
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            })}
        </div>
    }
}
