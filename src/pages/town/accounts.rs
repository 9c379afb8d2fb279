//! Areas and accounts, for administrators: the areas of the account's
//! subtree (add one, rename or move it), and the accounts within it
//! (create one with a role and an area, disable, enable, reset its
//! password). A one-time password is shown once, to be handed over.
//! What an administrator may grant is checked by the server in core.

use super::failure_text;
use crate::i18n::use_i18n;
use crate::loaded::Loaded;
use crate::transport::town;
use jianzheng_core::api::town::{AccountInfo, AreaChange, Me, NewAccount, OneTimePassword};
use jianzheng_core::i18n::Msg;
use jianzheng_core::org::roles::Role;
use jianzheng_core::org::{Area, Level};
use jianzheng_core::values::{AccountName, AreaCode, AreaName};
use leptos::prelude::*;

/// The areas-and-accounts tab.
#[component]
pub fn AccountsView() -> impl IntoView {
    let i18n = use_i18n();
    let bump = RwSignal::new(0u32);
    let areas = Loaded::new(move || {
        bump.track();
        town::areas()
    });
    let accounts = Loaded::new(move || {
        bump.track();
        town::accounts()
    });
    // The areas as read, for the pickers.
    let known = Signal::derive(move || areas.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <AreaForm known bump />
        <div class="card table-wrap">
            <h2>{move || i18n.t(Msg::AreasTitle)}</h2>
            {move || areas.get().map(|r| match r {
                Ok(list) => view! { <AreaTable list /> }.into_any(),
                Err(err) => view! { <p class="error" role="alert">{failure_text(&err, i18n)}</p> }.into_any(),
            })}
        </div>
        <AccountForm known bump />
        <div class="card table-wrap">
            <h2>{move || i18n.t(Msg::AccountsTitle)}</h2>
            {move || accounts.get().map(|r| match r {
                Ok(list) => view! { <AccountTable list bump /> }.into_any(),
                Err(err) => view! { <p class="error" role="alert">{failure_text(&err, i18n)}</p> }.into_any(),
            })}
        </div>
    }
}

/// An area with the names of its level, as a picker shows it.
fn area_label(a: &Area, i18n: crate::i18n::I18n) -> String {
    format!("{} {} ({})", a.name, a.level.name(i18n.lang()), a.code)
}

/// Adds an area, or renames or moves the one whose code is typed.
#[component]
fn AreaForm(known: Signal<Vec<Area>>, bump: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let level = RwSignal::new(Level::Town);
    let parent = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = (
            code.get_untracked().parse::<AreaCode>(),
            name.get_untracked().parse::<AreaName>(),
        );
        let (code_value, name_value) = match parsed {
            (Ok(c), Ok(n)) => (c, n),
            (Err(e), _) | (_, Err(e)) => return message.set(Some((false, e.message(i18n.lang())))),
        };
        let parent_value = parent.get_untracked().parse::<AreaCode>().ok();
        let change = AreaChange {
            name: name_value,
            level: level.get_untracked(),
            parent: parent_value,
        };
        leptos::task::spawn_local(async move {
            match town::change_area(&code_value, &change).await {
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
    let levels = move || {
        Level::ALL
            .into_iter()
            .map(|l| view! { <option value=l.as_str() selected=move || level.get() == l>{l.name(i18n.lang())}</option> })
            .collect_view()
    };
    view! {
        <form class="card add-village" id="area-form" on:submit=save>
            <h2>{move || i18n.t(Msg::AreaSave)}</h2>
            <label>{move || i18n.t(Msg::AreaRowsCode)}
                <input id="area-code" class="field" prop:value=code on:input=move |ev| code.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::AreaNameLabel)}
                <input id="area-name" class="field" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::AreaLevelLabel)}
                <select id="area-level" class="field" on:change=move |ev| {
                    if let Ok(l) = event_target_value(&ev).parse() { level.set(l) }
                }>{levels}</select>
            </label>
            <label>{move || i18n.t(Msg::AreaParentLabel)}
                <select id="area-parent" class="field" on:change=move |ev| parent.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    {move || known.get().into_iter()
                        .filter(|a| a.level != Level::Village)
                        .map(|a| view! { <option value=a.code.to_string()>{area_label(&a, i18n)}</option> })
                        .collect_view()}
                </select>
            </label>
            <button class="btn btn-primary" id="area-save" type="submit">{move || i18n.t(Msg::AreaSave)}</button>
            {move || message.get().map(|(ok, t)| view! { <p class:ok=ok class:error=!ok role="status" id="area-message">{t}</p> })}
        </form>
    }
}

/// The areas, each indented below its parent.
#[component]
fn AreaTable(list: Vec<Area>) -> impl IntoView {
    let i18n = use_i18n();
    // Depth of each area: the list has every parent before its children.
    let mut depth: std::collections::HashMap<AreaCode, usize> = Default::default();
    let rows = list
        .into_iter()
        .map(|a| {
            let d = a
                .parent
                .as_ref()
                .and_then(|p| depth.get(p))
                .map_or(0, |d| d + 1);
            depth.insert(a.code.clone(), d);
            view! {
                <tr class="area-item" data-code=a.code.to_string()>
                    <td style=format!("padding-left: {}rem", jianzheng_core::decimal::Fixed(0.5 + 1.5 * d as f64, 1))>{a.name.to_string()}</td>
                    <td>{a.level.name(i18n.lang())}</td>
                    <td>{a.code.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="figures" id="area-table">
            <thead><tr>
                <th>{i18n.t(Msg::AreaNameLabel)}</th>
                <th>{i18n.t(Msg::AreaLevelLabel)}</th>
                <th>{i18n.t(Msg::AreaRowsCode)}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// A one-time password, shown once.
#[component]
fn OneTime(given: OneTimePassword) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="enrolment-code" id="one-time-password" role="status">
            <p>{i18n.t(Msg::OneTimePasswordIs)}</p>
            <p class="code-text">{format!("{} · {}", given.name, given.password)}</p>
        </div>
    }
}

/// Creates an account: a role no higher than the creator's, an area within
/// its own.
#[component]
fn AccountForm(known: Signal<Vec<Area>>, bump: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let me = expect_context::<Me>();
    let name = RwSignal::new(String::new());
    let display = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Officer);
    let area = RwSignal::new(String::new());
    let given = RwSignal::new(None::<OneTimePassword>);
    let message = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        given.set(None);
        let account_name = match name.get_untracked().parse::<AccountName>() {
            Ok(n) => n,
            Err(e) => return message.set(Some(e.message(i18n.lang()))),
        };
        let picked = area.get_untracked();
        let first = known.get_untracked().first().map(|a| a.code.clone());
        let Some(area_code) = picked.parse::<AreaCode>().ok().or(first) else {
            return;
        };
        let display_name =
            Some(display.get_untracked().trim().to_owned()).filter(|d| !d.is_empty());
        let account = NewAccount {
            name: account_name,
            display_name,
            role: role.get_untracked(),
            area: area_code,
        };
        leptos::task::spawn_local(async move {
            match town::create_account(&account).await {
                Ok(one_time) => {
                    message.set(None);
                    name.set(String::new());
                    display.set(String::new());
                    given.set(Some(one_time));
                    bump.update(|n| *n += 1);
                }
                Err(err) => message.set(Some(failure_text(&err, i18n))),
            }
        });
    };
    let roles = move || {
        Role::ALL
            .into_iter()
            .filter(|r| *r <= me.role)
            .map(|r| view! { <option value=r.as_str() selected=move || role.get() == r>{r.name(i18n.lang())}</option> })
            .collect_view()
    };
    view! {
        <form class="card add-village" id="account-form" on:submit=create>
            <h2>{move || i18n.t(Msg::AccountCreate)}</h2>
            <label>{move || i18n.t(Msg::LoginName)}
                <input id="account-name" class="field" autocomplete="off" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::AccountDisplayName)}
                <input id="account-display" class="field" prop:value=display on:input=move |ev| display.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::AccountRole)}
                <select id="account-role" class="field" on:change=move |ev| {
                    if let Ok(r) = event_target_value(&ev).parse() { role.set(r) }
                }>{roles}</select>
            </label>
            <label>{move || i18n.t(Msg::AccountArea)}
                <select id="account-area" class="field" on:change=move |ev| area.set(event_target_value(&ev))>
                    {move || known.get().into_iter()
                        .filter(|a| a.level != Level::Village)
                        .map(|a| view! { <option value=a.code.to_string()>{area_label(&a, i18n)}</option> })
                        .collect_view()}
                </select>
            </label>
            <button class="btn btn-primary" id="account-create" type="submit">{move || i18n.t(Msg::AccountCreate)}</button>
            {move || message.get().map(|t| view! { <p class="error" role="alert" id="account-message">{t}</p> })}
            {move || given.get().map(|given| view! { <OneTime given /> })}
        </form>
    }
}

/// The accounts, each with what may be done to it.
#[component]
fn AccountTable(list: Vec<AccountInfo>, bump: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let me = expect_context::<Me>();
    let given = RwSignal::new(None::<OneTimePassword>);
    let error = RwSignal::new(None::<String>);
    let rows = list
        .into_iter()
        .map(|a| {
            let itself = a.name.as_str() == me.name;
            let (toggle_name, reset_name) = (a.name.clone(), a.name.clone());
            let enable = a.disabled;
            let toggle = move |_| {
                let name = toggle_name.clone();
                leptos::task::spawn_local(async move {
                    match town::set_account_enabled(&name, enable).await {
                        Ok(()) => bump.update(|n| *n += 1),
                        Err(err) => error.set(Some(failure_text(&err, i18n))),
                    }
                });
            };
            let reset = move |_| {
                let name = reset_name.clone();
                leptos::task::spawn_local(async move {
                    match town::reset_password(&name).await {
                        Ok(one_time) => given.set(Some(one_time)),
                        Err(err) => error.set(Some(failure_text(&err, i18n))),
                    }
                });
            };
            let state = match (a.disabled, a.must_change) {
                (true, _) => i18n.t(Msg::AccountDisabledState),
                (false, true) => i18n.t(Msg::AccountMustChange),
                (false, false) => "",
            };
            view! {
                <tr class="account-row" data-name=a.name.to_string()>
                    <td>{a.name.to_string()}</td>
                    <td>{a.display_name.clone().unwrap_or_default()}</td>
                    <td>{a.role.name(i18n.lang())}</td>
                    <td>{a.area.as_ref().map(ToString::to_string).unwrap_or_default()}</td>
                    <td class:warn=a.disabled>{state}</td>
                    <td>
                        {(!itself).then(|| view! {
                            <button class="btn account-toggle" on:click=toggle>
                                {i18n.t(if enable { Msg::AccountEnable } else { Msg::AccountDisable })}
                            </button>
                            <button class="btn account-reset" on:click=reset>{i18n.t(Msg::AccountReset)}</button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="figures" id="account-table">
            <thead><tr>
                <th>{i18n.t(Msg::LoginName)}</th>
                <th>{i18n.t(Msg::AccountDisplayName)}</th>
                <th>{i18n.t(Msg::AccountRole)}</th>
                <th>{i18n.t(Msg::AccountArea)}</th>
                <th></th>
                <th></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || given.get().map(|given| view! { <OneTime given /> })}
    }
}
