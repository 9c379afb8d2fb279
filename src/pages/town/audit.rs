//! The audit trail, for administrators: every change made through the
//! town's API within the account's area, newest first, filtered by
//! account, kind and time, a page at a time, and its CSV export.

use super::failure_text;
use crate::i18n::use_i18n;
use crate::transport::town;
use jianzheng_core::api::audit::{AuditEntry, AuditKind, AuditQuery, AUDIT_PAGE};
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;

/// The audit tab.
#[component]
pub fn AuditView() -> impl IntoView {
    let i18n = use_i18n();
    let account = RwSignal::new(String::new());
    let kind = RwSignal::new(None::<AuditKind>);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    // The filters last applied, and the rows read under them.
    let applied = RwSignal::new(AuditQuery::default());
    let rows = RwSignal::new(Vec::<AuditEntry>::new());
    let more = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let load = move |query: AuditQuery, append: bool| {
        leptos::task::spawn_local(async move {
            match town::audit(&query).await {
                Ok(page) => {
                    error.set(None);
                    more.set(page.len() == AUDIT_PAGE);
                    if append {
                        rows.update(|r| r.extend(page));
                    } else {
                        rows.set(page);
                    }
                }
                Err(err) => error.set(Some(failure_text(&err, i18n))),
            }
        });
    };
    let text =
        |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|t| !t.is_empty());
    let filter = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = AuditQuery {
            account: text(account),
            kind: kind.get_untracked(),
            from: text(from),
            to: text(to),
            ..AuditQuery::default()
        };
        applied.set(query.clone());
        load(query, false);
    };
    let older = move |_| {
        let before = rows.with_untracked(|r| r.last().map(|e| e.id));
        let query = AuditQuery {
            before,
            ..applied.get_untracked()
        };
        load(query, true);
    };
    load(AuditQuery::default(), false);
    let kinds = move || {
        AuditKind::ALL
            .into_iter()
            .map(|k| view! { <option value=k.as_str()>{k.label(i18n.lang())}</option> })
            .collect_view()
    };
    let csv = move || town::audit_url("audit.csv", &applied.get());
    view! {
        <form class="card range" id="audit-filter" on:submit=filter>
            <label>{move || i18n.t(Msg::AuditAccount)}
                <input id="audit-account" class="field" prop:value=account on:input=move |ev| account.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::AuditWhat)}
                <select id="audit-kind" class="field" on:change=move |ev| kind.set(event_target_value(&ev).parse().ok())>
                    <option value="">{move || i18n.t(Msg::AuditAllKinds)}</option>
                    {kinds}
                </select>
            </label>
            <label>{move || i18n.t(Msg::AuditFromDay)}
                <input id="audit-from" class="field" type="date" prop:value=from on:input=move |ev| from.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::AuditToDay)}
                <input id="audit-to" class="field" type="date" prop:value=to on:input=move |ev| to.set(event_target_value(&ev)) />
            </label>
            <button class="btn btn-primary" id="audit-show" type="submit">{move || i18n.t(Msg::Show)}</button>
            <a class="btn" id="audit-csv" href=csv download="">{move || i18n.t(Msg::ExportCsv)}</a>
        </form>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <div class="card table-wrap">
            <table class="figures" id="audit-table">
                <thead><tr>
                    <th>{move || i18n.t(Msg::AuditAt)}</th>
                    <th>{move || i18n.t(Msg::AuditAccount)}</th>
                    <th>{move || i18n.t(Msg::AuditWhat)}</th>
                    <th>{move || i18n.t(Msg::AccountArea)}</th>
                    <th>{move || i18n.t(Msg::AuditDetail)}</th>
                    <th>{move || i18n.t(Msg::AuditAddress)}</th>
                </tr></thead>
                <tbody>
                    {move || rows.get().into_iter().map(|e| view! {
                        <tr class="audit-row" data-kind=e.kind.as_str()>
                            <td>{e.at.replace('T', " ").chars().take(19).collect::<String>()}</td>
                            <td>{e.account.clone().unwrap_or_default()}</td>
                            <td>{e.kind.label(i18n.lang())}</td>
                            <td>{e.area.as_ref().map(ToString::to_string).unwrap_or_default()}</td>
                            <td>{e.detail.text(i18n.lang()).to_owned()}</td>
                            <td>{e.address.clone().unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {move || rows.with(Vec::is_empty).then(|| view! { <p>{i18n.t(Msg::AuditNone)}</p> })}
            {move || more.get().then(|| view! {
                <button class="btn" id="audit-older" on:click=older>{i18n.t(Msg::AuditOlder)}</button>
            })}
        </div>
    }
}
