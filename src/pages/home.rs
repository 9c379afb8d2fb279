//! The landing page: three large doors, one per kind of user.

use crate::i18n::use_i18n;
use crate::nav::Link;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

/// Picks the clerk's, the town's or the resident's area.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let card = move |href: &'static str, title: Msg, body: Msg| {
        view! {
            <Link href=href class="door">
                <span class="door-title">{move || i18n.t(title)}</span>
                <span class="door-body">{move || i18n.t(body)}</span>
            </Link>
        }
    };
    view! {
        <section class="home">
            <p class="lead">{move || i18n.t(Msg::HomeIntro)}</p>
            <div class="doors">
                {card("/check", Msg::NavCheck, Msg::HomeCheckCard)}
                {card("/verify", Msg::NavVerify, Msg::HomeVerifyCard)}
                {card("/clerk", Msg::NavClerk, Msg::HomeClerkCard)}
                {card("/town", Msg::NavTown, Msg::HomeTownCard)}
            </div>
        </section>
    }
}
