//! The town office's pages: login, then the overview, villages and
//! tablets, and baselines. Every figure comes from the server, which
//! computes it in core; these views only show it.

mod baselines;
mod dashboard;
mod lists;
mod login;
mod villages;

use crate::i18n::use_i18n;
use crate::transport::{town, TransportError};
use jianzheng_core::api::town::Me;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;
use leptos_router::components::A;

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Dashboard,
    Villages,
    Baselines,
    Lists,
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
    In(String),
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
            Ok(me) => Access::In(me.name),
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
                        if me.must_change { Access::MustChange(me.name) } else { Access::In(me.name) }
                    )) />
                }.into_any(),
                Access::MustChange(name) => view! {
                    <login::ChangePassword on_done=Callback::new(move |()| access.set(Access::In(name.clone()))) />
                }.into_any(),
                Access::In(name) => view! {
                    <div class="status-bar town-bar">
                        <span id="town-user">{name}</span>
                        <A href="/town/import" attr:class="btn" attr:id="town-import-link">{move || i18n.t(Msg::ImportTitle)}</A>
                        <button class="btn" id="logout" on:click=logout>{move || i18n.t(Msg::Logout)}</button>
                    </div>
                    <nav class="tabs">
                        {tab_button(Tab::Dashboard, Msg::TabDashboard, "tab-dashboard")}
                        {tab_button(Tab::Villages, Msg::TabVillages, "tab-villages")}
                        {tab_button(Tab::Baselines, Msg::TabBaselines, "tab-baselines")}
                        {tab_button(Tab::Lists, Msg::TabLists, "tab-lists")}
                    </nav>
                    {move || match tab.get() {
                        Tab::Dashboard => view! { <dashboard::DashboardView /> }.into_any(),
                        Tab::Villages => view! { <villages::VillagesView /> }.into_any(),
                        Tab::Baselines => view! { <baselines::BaselinesView /> }.into_any(),
                        Tab::Lists => view! { <lists::ListsView /> }.into_any(),
                    }}
                }.into_any(),
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
