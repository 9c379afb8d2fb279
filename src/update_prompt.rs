//! The banner that offers a new version of the app.
//!
//! `public/sw-register.js` registers the service worker and announces a
//! waiting new version with the `jz-update-ready` event (and a flag, in case
//! the event fired before the app mounted). The new version takes over only
//! when the person presses "update now", never in the middle of their work.

use crate::i18n::use_i18n;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

fn window_flag(name: &str) -> bool {
    js_sys::Reflect::get(&window(), &JsValue::from_str(name))
        .map(|v| v.is_truthy())
        .unwrap_or(false)
}

fn apply_update() {
    let win = window();
    let _ = js_sys::Reflect::set(&win, &"__jzUpdateAccepted".into(), &JsValue::TRUE);
    if let Ok(apply) = js_sys::Reflect::get(&win, &"__jzApplyUpdate".into()) {
        if let Some(apply) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&apply) {
            let _ = apply.call0(&JsValue::NULL);
        }
    }
}

/// Shows "a new version is ready" with "update now" and "later".
#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let i18n = use_i18n();
    let (ready, set_ready) = signal(window_flag("__jzUpdateReady"));
    let (dismissed, set_dismissed) = signal(false);
    let handle = window_event_listener(
        leptos::ev::Custom::<web_sys::Event>::new("jz-update-ready"),
        move |_| set_ready.set(true),
    );
    on_cleanup(move || handle.remove());
    view! {
        <Show when=move || ready.get() && !dismissed.get()>
            <div class="update-banner" role="status" id="update-banner">
                <span>{move || i18n.t(Msg::UpdateAvailable)}</span>
                <button class="btn btn-primary" id="update-now" on:click=move |_| apply_update()>
                    {move || i18n.t(Msg::UpdateNow)}
                </button>
                <button class="btn" on:click=move |_| set_dismissed.set(true)>
                    {move || i18n.t(Msg::UpdateLater)}
                </button>
            </div>
        </Show>
    }
}
