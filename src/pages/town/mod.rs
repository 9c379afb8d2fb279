//! The town office's pages: login, then the overview, villages and
//! tablets, baselines, lists, and for administrators the areas, accounts
//! and the audit trail. Every figure comes from the server, which computes
//! it in core; these views only show it, and offer only the tabs and
//! controls the account's role may use.

mod accounts;
mod approvals;
mod audit;
mod baselines;
pub(crate) mod chart;
pub(crate) mod dashboard;
mod lists;
mod login;
mod naming;
mod quality;
mod villages;

use crate::i18n::use_i18n;
use crate::nav::Link;
use crate::transport::{town, TransportError};
use jianzheng_core::api::town::Me;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::i18n::Msg;
use jianzheng_core::org::roles::Action;
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Dashboard,
    Villages,
    Baselines,
    Lists,
    Accounts,
    Audit,
}

/// Where the town's session stands.
#[derive(Clone, Debug, PartialEq)]
enum Access {
    /// Asking the server.
    Checking,
    /// No session.
    LoggedOut,
    /// The one-time password must go first.
    MustChange(String),
    /// Logged in.
    In(Me),
}

/// The town's area.
#[component]
pub fn TownPage() -> impl IntoView {
    let i18n = use_i18n();
    let access = RwSignal::new(Access::Checking);
    let tab = RwSignal::new(Tab::Dashboard);
    leptos::task::spawn_local(async move {
        access.set(match town::me().await {
            Ok(me) if me.must_change => Access::MustChange(me.name),
            Ok(me) => Access::In(me),
            Err(_) => Access::LoggedOut,
        });
    });
    let logout = move |_| {
        leptos::task::spawn_local(async move {
            let _ = town::logout().await;
            access.set(Access::LoggedOut);
        });
    };
    let tab_button = move |which: Tab, label: Msg, id: &'static str| {
        view! {
            <button class="tab" id=id class:active=move || tab.get() == which on:click=move |_| tab.set(which)>
                {move || i18n.t(label)}
            </button>
        }
    };
    view! {
        <section class="area area-town">
            <h1>{move || i18n.t(Msg::TownTitle)}</h1>
            {move || match access.get() {
                Access::Checking => ().into_any(),
                Access::LoggedOut => view! {
                    <login::Login on_in=Callback::new(move |me: Me| access.set(
                        if me.must_change { Access::MustChange(me.name) } else { Access::In(me) }
                    )) />
                }.into_any(),
                Access::MustChange(_) => view! {
                    <login::ChangePassword on_done=Callback::new(move |()| {
                        leptos::task::spawn_local(async move {
                            access.set(match town::me().await {
                                Ok(me) => Access::In(me),
                                Err(_) => Access::LoggedOut,
                            });
                        });
                    }) />
                }.into_any(),
                Access::In(me) => {
                    let role = me.role;
                    let may = |action| me.may(action);
                    let (may_import, may_baselines, may_lists, may_accounts, may_audit) = (
                        may(Action::ManageTablets),
                        may(Action::EditBaselines),
                        may(Action::EditLists),
                        may(Action::ManageAccounts),
                        may(Action::ReadAudit),
                    );
                    provide_context(me.clone());
                    // An area still called by a placeholder is named first.
                    let naming = naming::needs_naming(&me).then(|| view! {
                        <naming::NameTheArea me=me.clone() on_named=Callback::new(move |()| {
                            leptos::task::spawn_local(async move {
                                if let Ok(me) = town::me().await {
                                    access.set(Access::In(me));
                                }
                            });
                        }) />
                    });
                    view! {
                    <div class="status-bar town-bar">
                        <span id="town-user">{me.name.clone()}</span>
                        <span id="town-role">{move || format!("{}{}", i18n.t(Msg::RoleLabel), role.name(i18n.lang()))}</span>
                        {may_import.then(|| view! { <Link href="/town/import" class="btn" id="town-import-link">{move || i18n.t(Msg::ImportTitle)}</Link> })}
                        <button class="btn" id="logout" on:click=logout>{move || i18n.t(Msg::Logout)}</button>
                    </div>
                    <nav class="tabs">
                        {tab_button(Tab::Dashboard, Msg::TabDashboard, "tab-dashboard")}
                        {tab_button(Tab::Villages, Msg::TabVillages, "tab-villages")}
                        {may_baselines.then(|| tab_button(Tab::Baselines, Msg::TabBaselines, "tab-baselines"))}
                        {may_lists.then(|| tab_button(Tab::Lists, Msg::TabLists, "tab-lists"))}
                        {may_accounts.then(|| tab_button(Tab::Accounts, Msg::TabAccounts, "tab-accounts"))}
                        {may_audit.then(|| tab_button(Tab::Audit, Msg::TabAudit, "tab-audit"))}
                    </nav>
                    {naming}
                    {move || match tab.get() {
                        Tab::Dashboard => view! { <dashboard::DashboardView me=me.clone() /> }.into_any(),
                        Tab::Villages => view! { <villages::VillagesView /> }.into_any(),
                        Tab::Baselines => view! { <baselines::BaselinesView /> }.into_any(),
                        Tab::Lists => view! { <lists::ListsView /> }.into_any(),
                        Tab::Accounts => view! { <accounts::AccountsView /> }.into_any(),
                        Tab::Audit => view! { <audit::AuditView /> }.into_any(),
                    }}
                }.into_any() }
            }}
        </section>
    }
}

/// A failure as a line for the officer; a lost session says to log in.
pub(crate) fn failure_text(err: &TransportError, i18n: crate::i18n::I18n) -> String {
    match err {
        TransportError::Rejected(ErrorCode::Unauthorized, _) => {
            ErrorCode::Unauthorized.message(i18n.lang()).to_owned()
        }
        other => other.message(i18n.lang()),
    }
}
