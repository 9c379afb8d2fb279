//! The large-text option for older residents, remembered on the device.

use crate::i18n::use_i18n;
use crate::kept;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

const KEY: &str = "jianzheng.largeText";
const CLASS: &str = "large-text";

fn apply(large: bool) {
    if let Some(root) = document().document_element() {
        let _ = if large {
            root.class_list().add_1(CLASS)
        } else {
            root.class_list().remove_1(CLASS)
        };
    }
}

/// A button that switches the whole page between normal and large text.
#[component]
pub fn TextSizeToggle() -> impl IntoView {
    let i18n = use_i18n();
    let large = RwSignal::new(kept::flag(KEY).unwrap_or(false));
    Effect::new(move |_| {
        let on = large.get();
        apply(on);
        kept::set_flag(KEY, on);
    });
    view! {
        <button
            class="btn text-size"
            id="text-size"
            aria-pressed=move || large.get().to_string()
            on:click=move |_| large.update(|l| *l = !*l)
        >
            {move || i18n.t(if large.get() { Msg::NormalText } else { Msg::LargeText })}
        </button>
    }
}
