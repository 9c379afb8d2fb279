//! The app's own dialog, never the browser's `prompt` or `alert`: before
//! a step that is hard to undo it says what will happen, asks for a reason
//! where one is kept, and offers to go on or to cancel. Escape cancels.

use crate::i18n::use_i18n;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

/// What a dialog says.
#[derive(Clone, Debug, PartialEq)]
pub struct Asked {
    /// Its title.
    pub title: String,
    /// What will happen, one paragraph each.
    pub lines: Vec<String>,
    /// The button that goes on; `None` when there is nothing to do (the
    /// dialog then only closes).
    pub confirm: Option<Msg>,
}

/// Shown while `asked` holds something; `reason` (its label and text) adds
/// a field the person must fill; `on_confirm` runs when they go on and
/// answers whether the dialog may close (a refusal it puts in `error`
/// shows in the dialog, beside the field).
#[component]
pub fn Dialog(
    asked: RwSignal<Option<Asked>>,
    #[prop(default = None)] reason: Option<(Msg, RwSignal<String>)>,
    #[prop(default = None)] error: Option<RwSignal<Option<String>>>,
    on_confirm: Callback<(), bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let close = move || asked.set(None);
    view! {
        {move || asked.get().map(|a| {
            let lines = a.lines.iter().map(|l| view! { <p>{l.clone()}</p> }).collect_view();
            let field = reason.map(|(label, text)| view! {
                <label class="dialog-reason">{i18n.t(label)}
                    <input id="dialog-reason" class="field" maxlength="200" autofocus=true
                        prop:value=text on:input=move |ev| text.set(event_target_value(&ev)) />
                </label>
            });
            let refusal = error.map(|e| move || e.get().map(|t| view! { <p class="error" role="alert" id="dialog-error">{t}</p> }));
            let go = a.confirm.map(|msg| view! {
                <button class="btn btn-primary" id="dialog-confirm" autofocus=reason.is_none()
                    on:click=move |_| if on_confirm.run(()) { close() }>
                    {i18n.t(msg)}
                </button>
            });
            view! {
                <div class="dialog-backdrop" on:keydown=move |ev| if ev.key() == "Escape" { close() }>
                    <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
                        <h2 id="dialog-title">{a.title.clone()}</h2>
                        {lines}
                        {field}
                        {refusal}
                        <div class="dialog-buttons">
                            {go}
                            <button class="btn" id="dialog-cancel" autofocus=a.confirm.is_none()
                                on:click=move |_| close()>
                                {i18n.t(if a.confirm.is_some() { Msg::DialogCancel } else { Msg::DialogClose })}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })}
    }
}
