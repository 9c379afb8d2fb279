//! The page for an unknown address.

use crate::i18n::use_i18n;
use crate::nav::Link;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

/// Says the page does not exist and leads home.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="area">
            <h1>{move || i18n.t(Msg::NotFoundTitle)}</h1>
            <p>{move || i18n.t(Msg::NotFoundBody)}</p>
            <Link href="/" class="btn btn-primary">{move || i18n.t(Msg::NavHome)}</Link>
        </section>
    }
}
