//! Recording a request: what was asked for, the decision at once, and the
//! three outcomes (issue, refuse and redirect, issue unlisted with a reason).

use super::{now_iso, Clerk};
use crate::checker::{checker, decision_class, decision_words};
use crate::dialog::{Asked, Dialog};
use crate::i18n::use_i18n;
use crate::kept;
use crate::nav::Link;
use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::check::Decision;
use jianzheng_core::i18n::Msg;
use jianzheng_core::ledger::{AgencyCategory, Event, ItemRef, Limits, Outcome, Request};
use jianzheng_core::values::check_id_number;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// localStorage key of the agency names the clerk has used, newest first.
const AGENCIES_KEY: &str = "jianzheng.agencies";
/// How many agency names are remembered.
const AGENCIES_KEPT: usize = 30;

/// Resident fields, by the key stored in the event.
pub(crate) const RESIDENT_FIELDS: [(&str, Msg); 3] = [
    ("name", Msg::ResidentName),
    ("id_number", Msg::ResidentId),
    ("statement", Msg::ResidentDetail),
];

fn remember_agency(name: &str) {
    let mut names: Vec<String> = kept::get(AGENCIES_KEY).unwrap_or_default();
    names.retain(|n| n != name);
    names.insert(0, name.to_owned());
    names.truncate(AGENCIES_KEPT);
    kept::set(AGENCIES_KEY, &names);
}

/// The record form.
#[component]
pub fn RecordForm() -> impl IntoView {
    let i18n = use_i18n();
    let clerk: Clerk = expect_context();
    let query = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<String>);
    let free_text = RwSignal::new(false);
    let category = RwSignal::new(AgencyCategory::Bank);
    let agency = RwSignal::new(String::new());
    let purpose = RwSignal::new(String::new());
    let fields: Vec<(&'static str, Msg, RwSignal<String>)> = RESIDENT_FIELDS
        .iter()
        .map(|(k, m)| (*k, *m, RwSignal::new(String::new())))
        .collect();
    let fields = StoredValue::new(fields);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<Event>);
    let busy = RwSignal::new(false);
    let agencies: Vec<String> = kept::get(AGENCIES_KEY).unwrap_or_default();

    // What is chosen: an entry of the lists in force, free text, or nothing yet.
    let chosen_item = move |catalogue: &Catalogue| -> Option<ItemRef> {
        if free_text.get() {
            return Some(ItemRef::FreeText { text: query.get() });
        }
        let code = chosen.get()?;
        let found = catalogue.find(&code)?;
        Some(ItemRef::Listed {
            code: found.entry.code.clone(),
            list_id: found.list.id.clone(),
            list_version: found.list.version.clone(),
        })
    };
    // The decision for it, as the ledger will read it.
    let decision = move || -> Option<Decision> {
        let checker = checker();
        chosen_item(checker.catalogue()).map(|item| Decision::of_item(&item, checker.catalogue()))
    };

    let save = move |outcome: Outcome| {
        error.set(None);
        let checker = checker();
        let Some(item) = chosen_item(checker.catalogue()) else {
            return;
        };
        let mut resident = BTreeMap::new();
        fields.with_value(|fs| {
            for (k, _, v) in fs {
                let value = v.get().trim().to_owned();
                if !value.is_empty() {
                    resident.insert(k.to_string(), value);
                }
            }
        });
        let request = Request {
            outcome,
            item,
            agency: agency.get(),
            agency_category: category.get(),
            purpose: purpose.get(),
            resident,
            reason: Some(reason.get()).filter(|r| !r.trim().is_empty()),
            voids: None,
        };
        let Some(db) = clerk.db() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let agency_name = request.agency.trim().to_owned();
            let recorded = db
                .record(request, checker.catalogue(), &now_iso(), &Limits::default())
                .await;
            match recorded {
                Ok(event) => {
                    remember_agency(&agency_name);
                    saved.set(Some(event));
                    clerk.changed.update(|n| *n += 1);
                }
                Err(err) => error.set(Some(err.message(i18n.lang()))),
            }
            busy.set(false);
        });
    };

    // An ID number core finds wrong is said under its field as it is
    // typed, and asked about once more before saving: it may be another
    // document's number, which is saved as typed.
    let id_number = fields.with_value(|fs| {
        fs.iter()
            .find(|(key, _, _)| *key == "id_number")
            .map(|(_, _, value)| *value)
    });
    let id_problem = move || {
        let typed = id_number.map(|v| v.get()).unwrap_or_default();
        (!typed.trim().is_empty())
            .then(|| check_id_number(&typed).err())
            .flatten()
    };
    let asked = RwSignal::new(None::<Asked>);
    let pending = RwSignal::new(None::<Outcome>);
    let submit = move |outcome: Outcome| match untrack(id_problem) {
        Some(problem) => {
            pending.set(Some(outcome));
            asked.set(Some(Asked {
                title: i18n.t(Msg::IdCheckTitle).to_owned(),
                lines: vec![
                    problem.message(i18n.lang()),
                    i18n.t(Msg::IdCheckOther).to_owned(),
                ],
                confirm: Some(Msg::IdCheckSave),
            }));
        }
        None => save(outcome),
    };
    let save_anyway = Callback::new(move |()| {
        if let Some(outcome) = pending.get_untracked() {
            save(outcome);
        }
        true
    });

    let reset = move |_| {
        query.set(String::new());
        chosen.set(None);
        free_text.set(false);
        purpose.set(String::new());
        reason.set(String::new());
        fields.with_value(|fs| fs.iter().for_each(|(_, _, v)| v.set(String::new())));
        saved.set(None);
    };

    // The entries the request may mean, and whether the first two fit about equally.
    let candidates = Memo::new(move |_| {
        let q = query.get();
        if q.trim().is_empty() || chosen.get().is_some() || free_text.get() {
            return (Vec::new(), false);
        }
        let checker = checker();
        let check = checker.check(&q, 4);
        let shown = check
            .candidates
            .iter()
            .map(|c| {
                (
                    c.entry.code.clone(),
                    c.entry.name.get(i18n.lang()).to_owned(),
                    c.entry.status,
                )
            })
            .collect::<Vec<_>>();
        (shown, check.unsure)
    });

    view! {
        <Show
            when=move || saved.get().is_none()
            fallback=move || {
                let event = saved.get().expect("shown when saved");
                let issued = event.number.is_some();
                view! {
                    <div class="card saved" id="saved" role="status">
                        <p class="decision-words">{i18n.t(Msg::Saved)}</p>
                        {event.number.as_ref().map(|n| view! { <p class="number">{format!("{} {n}", i18n.t(Msg::CertificateNumber))}</p> })}
                        <div class="actions">
                            <Link href=format!("/clerk/print/{}", event.seq) class="btn btn-primary" id="print-link">
                                {i18n.t(if issued { Msg::PrintCertificate } else { Msg::PrintSlip })}
                            </Link>
                            {declaration_of(&event).map(|href| view! {
                                // The resident's pages: a full load, not the clerk's router.
                                <a class="btn" id="declaration-link" rel="external" href=href>{i18n.t(Msg::DeclarationLink)}</a>
                            })}
                            <button class="btn" id="record-another" on:click=reset>{i18n.t(Msg::NewRecord)}</button>
                        </div>
                    </div>
                }
            }
        >
            <form class="card record-form" on:submit=|ev| ev.prevent_default()>
                <label class="search-label" for="record-item">{move || i18n.t(Msg::RecordItem)}</label>
                <input id="record-item" class="search-box" autocomplete="off"
                    placeholder=move || i18n.t(Msg::RecordItemPlaceholder)
                    prop:value=query
                    on:input=move |ev| {
                        query.set(event_target_value(&ev));
                        chosen.set(None);
                        free_text.set(false);
                    } />
                {move || candidates.with(|(_, unsure)| *unsure).then(|| view! {
                    <p class="record-unsure" id="record-unsure" role="status">{i18n.t(Msg::RecordUnsure)}</p>
                })}
                <ul class="pick-list">
                    {move || candidates.get().0.into_iter().map(|(code, name, status)| {
                        let d: Decision = status.into();
                        let pick = code.clone();
                        view! {
                            <li>
                                <button type="button" class="btn pick" data-code=code on:click=move |_| chosen.set(Some(pick.clone()))>
                                    <span>{name}</span>
                                    <span class=decision_class(d)>{i18n.t(decision_words(d))}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                    {move || (!query.get().trim().is_empty() && chosen.get().is_none() && !free_text.get()).then(|| view! {
                        <li><button type="button" class="btn pick" id="pick-free" on:click=move |_| free_text.set(true)>
                            {i18n.t(Msg::RecordFreeText)}
                        </button></li>
                    })}
                </ul>
                {move || decision().map(|d| {
                    let entry = chosen.get().and_then(|c| checker().catalogue().find(&c).map(|f| f.entry.clone()));
                    let lang = i18n.lang();
                    view! {
                        <div class=decision_class(d) id="record-decision">
                            <p class="decision-words">{i18n.t(decision_words(d))}</p>
                            {entry.as_ref().map(|e| view! { <p class="decision-item">{e.name.get(lang).to_owned()}</p> })}
                            {entry.and_then(|e| e.instead).map(|r| view! {
                                <p>{format!("{}：{}。{}", i18n.t(Msg::WhereToGo), r.agency.get(lang), r.how.get(lang))}</p>
                            })}
                        </div>
                    }
                })}
                <fieldset class="agency">
                    <legend>{move || i18n.t(Msg::RecordAgency)}</legend>
                    <div class="chips">
                        {AgencyCategory::ALL.iter().map(|&c| view! {
                            <button type="button" class="btn chip" class:active=move || category.get() == c
                                on:click=move |_| category.set(c)>
                                {move || c.label(i18n.lang())}
                            </button>
                        }).collect_view()}
                    </div>
                    <input id="record-agency" class="field" list="agency-names"
                        placeholder=move || i18n.t(Msg::RecordAgencyName)
                        prop:value=agency on:input=move |ev| agency.set(event_target_value(&ev)) />
                    <datalist id="agency-names">
                        {agencies.iter().map(|a| view! { <option value=a.clone() /> }).collect_view()}
                    </datalist>
                </fieldset>
                <label>{move || i18n.t(Msg::RecordPurpose)}
                    <input id="record-purpose" class="field" prop:value=purpose on:input=move |ev| purpose.set(event_target_value(&ev)) />
                </label>
                {fields.with_value(|fs| fs.iter().map(|(key, label, value)| {
                    let (label, value) = (*label, *value);
                    view! {
                        <label>{move || i18n.t(label)}
                            <input id=format!("resident-{key}") class="field" prop:value=value
                                on:input=move |ev| value.set(event_target_value(&ev)) />
                        </label>
                        {(*key == "id_number").then_some(move || id_problem().map(|p| view! {
                            <p class="warning field-warning" id="id-warning" role="status">{p.message(i18n.lang())}</p>
                        }))}
                    }
                }).collect_view())}
                <label>{move || i18n.t(Msg::RecordReason)}
                    <input id="record-reason" class="field" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
                {move || error.get().map(|e| view! { <p class="error" role="alert" id="record-error">{e}</p> })}
                <div class="actions">
                    {move || {
                        let d = decision();
                        // Nothing chosen permits nothing; otherwise core's rule decides.
                        let permits = move |outcome| d.is_some_and(|d| d.permits(outcome));
                        let issue = permits(Outcome::Issued);
                        view! {
                            <button type="button" class="btn" class:btn-primary=issue id="action-issue"
                                disabled=move || !permits(Outcome::Issued) || busy.get()
                                on:click=move |_| submit(Outcome::Issued)>{i18n.t(Msg::ActionIssue)}</button>
                            <button type="button" class="btn" class:btn-primary=d.is_some() && !issue id="action-refuse"
                                disabled=move || !permits(Outcome::RefusedRedirected) || busy.get()
                                on:click=move |_| submit(Outcome::RefusedRedirected)>{i18n.t(Msg::ActionRefuse)}</button>
                            <button type="button" class="btn btn-warn" id="action-unlisted"
                                disabled=move || !permits(Outcome::IssuedUnlisted) || busy.get()
                                on:click=move |_| submit(Outcome::IssuedUnlisted)>{i18n.t(Msg::ActionIssueUnlisted)}</button>
                        }
                    }}
                </div>
            </form>
        </Show>
        <Dialog asked on_confirm=save_anyway />
    }
}

/// Where the declaration form of a refused request is, when the item is
/// one a resident's own written declaration replaces (abolished).
fn declaration_of(event: &Event) -> Option<String> {
    let ItemRef::Listed { code, .. } = &event.item else {
        return None;
    };
    let abolished = checker()
        .catalogue()
        .find(code)
        .is_some_and(|f| f.entry.status == jianzheng_core::catalogue::Status::Abolished);
    (event.outcome == Outcome::RefusedRedirected && abolished)
        .then(|| format!("/check/{code}/declaration"))
}
