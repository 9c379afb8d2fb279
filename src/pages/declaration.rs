//! The printable A4 declaration form (告知承诺书) a resident signs instead
//! of a certificate no longer needed: `/check/<code>/declaration`, from
//! the item's check answer or the clerk's refusal. Its wording is core's
//! ([`Declaration::of`]) over the lists in force; it prints on one page.

use crate::checker::{checker, track_lists};
use crate::i18n::use_i18n;
use crate::nav::Link;
use jianzheng_core::catalogue::Declaration;
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

/// The declaration form of the item in the address.
#[component]
pub fn DeclarationPage(code: String) -> impl IntoView {
    let i18n = use_i18n();
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <section class="declaration-controls no-print">
            <Link href="/check" class="btn">{move || i18n.t(Msg::SearchAgain)}</Link>
            <button class="btn btn-primary" id="declaration-print" on:click=print>{move || i18n.t(Msg::DeclarationPrint)}</button>
        </section>
        {move || {
            let lang = i18n.lang();
            track_lists();
            let checker = checker();
            let form = checker.catalogue().find(&code).and_then(|f| Declaration::of(f.entry, lang));
            match form {
                None => view! { <p class="decision decision-unknown" id="declaration-none">{i18n.t(Msg::DeclarationNone)}</p> }.into_any(),
                Some(form) => view! {
                    <article class="declaration" id="declaration">
                        <h1 class="declaration-title">{form.title}</h1>
                        <h2>{i18n.t(Msg::DeclarationTold)}</h2>
                        <ol class="declaration-told">
                            <li>{i18n.t(Msg::DeclarationToldWhat)}{form.item}</li>
                            <li>{i18n.t(Msg::DeclarationToldCheck)}{form.checked_by}</li>
                            <li>{i18n.t(Msg::DeclarationToldBasis)}{form.basis}</li>
                            <li>{i18n.t(Msg::DeclarationToldFalse)}</li>
                        </ol>
                        <h2>{i18n.t(Msg::DeclarationCommit)}</h2>
                        <p>{form.statement}{if lang == jianzheng_core::i18n::Lang::Zh { "：" } else { ":" }}</p>
                        <dl class="declaration-facts">
                            {form.facts.into_iter().map(|fact| view! {
                                <dt>{fact}</dt>
                                <dd class="fill"></dd>
                            }).collect_view()}
                        </dl>
                        <p class="declaration-commit">{i18n.t(Msg::DeclarationCommitWords)}</p>
                        <dl class="declaration-sign">
                            {[Msg::DeclarationName, Msg::DeclarationId, Msg::DeclarationPhone, Msg::DeclarationAgency]
                                .into_iter()
                                .map(|label| view! { <dt>{i18n.t(label)}</dt><dd class="fill"></dd> })
                                .collect_view()}
                        </dl>
                        <p class="declaration-date">{i18n.t(Msg::DeclarationDate)}</p>
                    </article>
                }.into_any(),
            }
        }}
    }
}
