//! The public resident check page.

use crate::i18n::use_i18n;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

/// What the resident check page will hold.
#[component]
pub fn CheckPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="area area-check">
            <h1>{move || i18n.t(Msg::CheckTitle)}</h1>
            <p class="placeholder">{move || i18n.t(Msg::CheckPlaceholder)}</p>
        </section>
    }
}
