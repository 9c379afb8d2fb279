//! The frame around every page: title bar, navigation, language switch.

use crate::i18n::use_i18n;
use crate::update_prompt::UpdatePrompt;
use jianzheng_core::area::Area;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;
use leptos_router::components::A;

/// Header, update banner and the page below.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="topbar">
            <AreaLink href="/" class="brand">
                <span class="brand-name">{move || i18n.t(Msg::AppName)}</span>
                <span class="brand-tagline">{move || i18n.t(Msg::AppTagline)}</span>
            </AreaLink>
            <nav class="nav" aria-label=move || i18n.t(Msg::NavHome)>
                <AreaLink href="/clerk">{move || i18n.t(Msg::NavClerk)}</AreaLink>
                <AreaLink href="/town">{move || i18n.t(Msg::NavTown)}</AreaLink>
                <AreaLink href="/check">{move || i18n.t(Msg::NavCheck)}</AreaLink>
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

/// A link to `href`: through the router within the area shown (provided as
/// context by the area's root), a full page load into another area's bundle.
#[component]
pub fn AreaLink(
    href: &'static str,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    let here = use_context::<Area>().unwrap_or(Area::Resident);
    if Area::of_path(href) == here {
        view! { <A href=href attr:class=class>{children()}</A> }.into_any()
    } else {
        view! { <a href=href class=class rel="external">{children()}</a> }.into_any()
    }
}
