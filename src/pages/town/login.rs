//! Logging in, and replacing the one-time password.

use super::failure_text;
use crate::i18n::use_i18n;
use crate::transport::town;
use jianzheng_core::api::town::Me;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

/// The login form.
#[component]
pub fn Login(on_in: Callback<Me>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new("admin".to_owned());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match town::login(&name.get_untracked(), &password.get_untracked()).await {
                Ok(me) => on_in.run(me),
                Err(err) => error.set(Some(failure_text(&err, i18n))),
            }
        });
    };
    view! {
        <form class="card login" on:submit=submit>
            <h2>{move || i18n.t(Msg::LoginTitle)}</h2>
            <label>{move || i18n.t(Msg::LoginName)}
                <input id="login-name" class="field" autocomplete="username" prop:value=name
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::LoginPassword)}
                <input id="login-password" class="field" type="password" autocomplete="current-password"
                    prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            {move || error.get().map(|e| view! { <p class="error" role="alert" id="login-error">{e}</p> })}
            <button class="btn btn-primary" id="login-submit" type="submit">{move || i18n.t(Msg::LoginButton)}</button>
        </form>
    }
}

/// The first-login password change.
#[component]
pub fn ChangePassword(on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A typo in a password no one sees would lock the officer out.
        if new.get_untracked() != again.get_untracked() {
            return error.set(Some(i18n.t(Msg::PasswordMismatch).to_owned()));
        }
        leptos::task::spawn_local(async move {
            match town::change_password(&current.get_untracked(), &new.get_untracked()).await {
                Ok(()) => on_done.run(()),
                Err(err) => error.set(Some(failure_text(&err, i18n))),
            }
        });
    };
    view! {
        <form class="card login" on:submit=submit>
            <h2>{move || i18n.t(Msg::PasswordChangeTitle)}</h2>
            <p>{move || i18n.t(Msg::PasswordChangeHelp)}</p>
            <label>{move || i18n.t(Msg::PasswordCurrent)}
                <input id="password-current" class="field" type="password" autocomplete="current-password"
                    prop:value=current on:input=move |ev| current.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::PasswordNew)}
                <input id="password-new" class="field" type="password" autocomplete="new-password"
                    prop:value=new on:input=move |ev| new.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::PasswordAgain)}
                <input id="password-again" class="field" type="password" autocomplete="new-password"
                    prop:value=again on:input=move |ev| again.set(event_target_value(&ev)) />
            </label>
            {move || error.get().map(|e| view! { <p class="error" role="alert" id="password-error">{e}</p> })}
            <button class="btn btn-primary" id="password-submit" type="submit">{move || i18n.t(Msg::Save)}</button>
        </form>
    }
}
