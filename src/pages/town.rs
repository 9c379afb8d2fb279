//! The town office's view.

use crate::i18n::use_i18n;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;
use leptos_router::components::A;

/// What the town's dashboard will hold.
#[component]
pub fn TownPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="area area-town">
            <h1>{move || i18n.t(Msg::TownTitle)}</h1>
            <p class="placeholder">{move || i18n.t(Msg::TownPlaceholder)}</p>
            <A href="/town/import" attr:class="btn btn-primary" attr:id="town-import-link">{move || i18n.t(Msg::ImportTitle)}</A>
        </section>
    }
}
