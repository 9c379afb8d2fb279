//! `/verify`: an agency checks a village certificate on its own phone,
//! offline once the page and the trust list are on it. The code comes from
//! the camera or is typed; the check code, name and ID number are typed
//! from the paper; the verdict is core's, in large words.

use crate::i18n::{use_i18n, I18n};
use crate::qr::Scanner;
use crate::trust::{self, RefreshError};
use jianzheng_core::certificate::{
    verify, CodeError, TrustError, TrustIndex, Verdict, Verification,
};
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;
use std::rc::Rc;
use std::sync::Arc;

/// What the last press of "verify" gave, and how long core took (for the
/// benchmark, in the page as `data-ms`).
#[derive(Clone)]
enum Outcome {
    Checked(Arc<Verification>, f64),
    NotACode,
}

fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// The verify page.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let i18n = use_i18n();
    let index = StoredValue::new_local(trust::kept().map(Rc::new));
    // The list's age and size as shown; changes when a refresh lands.
    let list_shown = RwSignal::new(index.with_value(|i| i.as_deref().map(summary)));
    let refresh_error = RwSignal::new(None::<RefreshError>);
    let refreshing = RwSignal::new(false);
    let refresh = move || {
        refreshing.set(true);
        leptos::task::spawn_local(async move {
            match trust::refresh().await {
                Ok(fresh) => {
                    list_shown.set(Some(summary(&fresh)));
                    index.set_value(Some(Rc::new(fresh)));
                    refresh_error.set(None);
                }
                Err(err) => refresh_error.set(Some(err)),
            }
            refreshing.set(false);
        });
    };
    // Refreshed whenever the page opens with a line; offline, the kept one.
    refresh();

    let code = RwSignal::new(String::new());
    let check = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let id_number = RwSignal::new(String::new());
    let scanning = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let on_scan = Callback::new(move |text: String| {
        scanning.set(false);
        code.set(text);
    });
    let run = move |_| {
        let Some(list) = index.get_value() else {
            return;
        };
        let started = now_ms();
        let answer = verify(
            &code.get_untracked(),
            &check.get_untracked(),
            &name.get_untracked(),
            &id_number.get_untracked(),
            &list,
        );
        let took = now_ms() - started;
        outcome.set(Some(match answer {
            Ok(verification) => Outcome::Checked(Arc::new(verification), took),
            Err(CodeError::Foreign | CodeError::Malformed(_)) => Outcome::NotACode,
        }));
        // The answer sits below the form: bring it into view once drawn.
        request_animation_frame(|| {
            if let Some(answer) = document().get_element_by_id("verdict") {
                answer.scroll_into_view();
            }
        });
    };
    let input = move |id: &'static str, label: Msg, value: RwSignal<String>| {
        view! {
            <label class="verify-field">{move || i18n.t(label)}
                <input id=id class="field" autocomplete="off" prop:value=move || value.get()
                    on:input=move |ev| { value.set(event_target_value(&ev)); outcome.set(None); } />
            </label>
        }
    };
    view! {
        <section class="area area-verify">
            <h1>{move || i18n.t(Msg::VerifyTitle)}</h1>
            <p>{move || i18n.t(Msg::VerifyIntro)}</p>
            <div class="trust-status" role="status" id="trust-status">
                {move || match list_shown.get() {
                    Some((at, tablets)) => format!(
                        "{}：{at}（{tablets}{}）", i18n.t(Msg::VerifyTrustAge), i18n.t(Msg::VerifyTrustCount)
                    ),
                    None => i18n.t(Msg::VerifyTrustMissing).to_owned(),
                }}
                {move || refresh_error.get().map(|err| view! {
                    <span class="error" id="trust-error">{refresh_message(i18n, &err)}</span>
                })}
                <button class="btn" id="trust-refresh" disabled=move || refreshing.get() on:click=move |_| refresh()>
                    {move || i18n.t(Msg::VerifyTrustRefresh)}
                </button>
            </div>
            <button class="btn" id="verify-scan" on:click=move |_| scanning.update(|s| *s = !*s)>
                {move || i18n.t(if scanning.get() { Msg::ScanStop } else { Msg::VerifyScan })}
            </button>
            {move || scanning.get().then(|| view! { <Scanner on_text=on_scan /> })}
            <label class="verify-field">{move || i18n.t(Msg::VerifyCodeText)}
                <textarea id="verify-code" class="field" rows="3" autocomplete="off" spellcheck="false"
                    prop:value=move || code.get()
                    on:input=move |ev| { code.set(event_target_value(&ev)); outcome.set(None); }></textarea>
            </label>
            {input("verify-check", Msg::CertificateCheckCode, check)}
            {input("verify-name", Msg::VerifyName, name)}
            {input("verify-id", Msg::VerifyIdNumber, id_number)}
            <button class="btn btn-primary" id="verify-now" on:click=run
                disabled=move || list_shown.get().is_none() || code.get().trim().is_empty()>
                {move || i18n.t(Msg::VerifyNow)}
            </button>
            {move || outcome.get().map(|o| answer(i18n, o))}
        </section>
    }
}

/// When the list was made and how many tablets it names.
fn summary(index: &TrustIndex) -> (String, usize) {
    let at = index
        .issued_at()
        .get(..16)
        .unwrap_or(index.issued_at())
        .replace('T', " ");
    (at, index.device_count())
}

fn refresh_message(i18n: I18n, err: &RefreshError) -> String {
    match err {
        RefreshError::Trust(TrustError::OtherTown) => i18n.t(Msg::VerifyTrustOtherTown).to_owned(),
        RefreshError::Transport(err) => format!(
            "{}{}",
            i18n.t(Msg::VerifyTrustFailed),
            err.message(i18n.lang())
        ),
        RefreshError::Trust(err) => format!("{}{err}", i18n.t(Msg::VerifyTrustFailed)),
    }
}

/// The headline's colour: green only for a paper checked whole, amber for
/// what the verifier can settle (their typing, an old list).
fn verdict_class(verification: &Verification) -> &'static str {
    match verification.verdict {
        Verdict::Genuine if verification.is_genuine() => "verdict verdict-genuine",
        Verdict::Genuine | Verdict::UnknownTablet => "verdict verdict-unknown",
        Verdict::Altered => "verdict verdict-altered",
        Verdict::Revoked => "verdict verdict-revoked",
        Verdict::Voided => "verdict verdict-voided",
    }
}

fn answer(i18n: I18n, outcome: Outcome) -> impl IntoView {
    let (verification, took) = match outcome {
        Outcome::NotACode => {
            return view! { <p class="verdict verdict-altered" id="verdict" role="alert">{i18n.t(Msg::VerifyNotACode)}</p> }
                .into_any()
        }
        Outcome::Checked(verification, took) => (verification, took),
    };
    let lang = i18n.lang();
    let verdict = verification.verdict;
    let rows: Vec<(Msg, String)> = verification
        .claims
        .iter()
        .flat_map(|c| {
            let item = if c.item.is_empty() {
                i18n.t(Msg::VerifyUnlisted).to_owned()
            } else {
                // The shipped lists' name, to compare with the paper's title.
                let name = crate::checker::shipped_catalogue()
                    .find(&c.item)
                    .map(|f| f.entry.name.get(lang).to_owned());
                name.map_or_else(|| c.item.clone(), |n| format!("{n}（{}）", c.item))
            };
            [
                (Msg::CertificateNumber, c.number.to_string()),
                (Msg::VerifyItem, item),
                (Msg::VerifyListVersion, c.list_version.clone()),
                (Msg::VerifyDate, c.date.to_string()),
                (Msg::VerifyVillage, c.number.village.clone()),
                (Msg::VerifyLedger, c.number.device.clone()),
            ]
        })
        .chain(verification.device.iter().flat_map(|d| {
            std::iter::once((Msg::VerifyTabletSince, d.valid_from.to_string())).chain(
                d.revoked_at
                    .map(|r| (Msg::VerifyTabletRevoked, r.to_string())),
            )
        }))
        .collect();
    view! {
        <div class="verify-answer" id="verify-answer" data-ms=jianzheng_core::decimal::Fixed(took, 3).to_string()>
            <p class=verdict_class(&verification) id="verdict" data-verdict=format!("{verdict:?}") role="alert">
                {i18n.t(verification.headline())}
            </p>
            // What was typed is said only of a code a known tablet signed:
            // of an unknown key's code, "the signature holds" reassures.
            {verification.typed.filter(|_| matches!(verdict, Verdict::Genuine | Verdict::Voided | Verdict::Revoked)).map(|typed| view! {
                <p class="verify-typed" id="verify-typed" data-typed=format!("{typed:?}")>{i18n.t(typed.msg())}</p>
            })}
            {(!rows.is_empty()).then(|| view! {
                <h2>{i18n.t(Msg::VerifyClaims)}</h2>
                <dl class="verify-claims" id="verify-claims">
                    {rows.into_iter().map(|(label, value)| view! { <dt>{i18n.t(label)}</dt><dd>{value}</dd> }).collect_view()}
                </dl>
            })}
        </div>
    }
    .into_any()
}
