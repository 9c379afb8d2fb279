//! The frame around every page: title bar, navigation, language switch.

use crate::i18n::use_i18n;
use crate::nav::Link;
use crate::update_prompt::UpdatePrompt;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

/// Header, update banner and the page below.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="topbar">
            <Link href="/" class="brand">
                <span class="brand-name">{move || i18n.t(Msg::AppName)}</span>
                <span class="brand-tagline">{move || i18n.t(Msg::AppTagline)}</span>
            </Link>
            <nav class="nav" aria-label=move || i18n.t(Msg::NavHome)>
                <Link href="/clerk">{move || i18n.t(Msg::NavClerk)}</Link>
                <Link href="/town">{move || i18n.t(Msg::NavTown)}</Link>
                <Link href="/check">{move || i18n.t(Msg::NavCheck)}</Link>
            </nav>
            <button
                class="lang-switch"
                id="lang-switch"
                title=move || i18n.t(Msg::SwitchLanguageLabel)
                on:click=move |_| i18n.toggle()
            >
                {move || i18n.t(Msg::SwitchLanguage)}
            </button>
        </header>
        <UpdatePrompt />
        <main class="page">{children()}</main>
    }
}
