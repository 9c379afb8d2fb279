//! Print views: the A4 certificate for an issued entry, and the slip that
//! tells a refused resident where to go instead.

use super::ledger::item_name;
use crate::checker::checker;
use crate::i18n::{use_i18n, I18n};
use crate::loaded::Loaded;
use crate::nav::Link;
use crate::qr::piece_svg;
use crate::storage::{Storage, StorageError, DB_NAME};
use jianzheng_core::catalogue::{
    default_template, render_template, Entry, ListsFile, Recorded, Status,
};
use jianzheng_core::certificate::{seal_event, IssueDate};
use jianzheng_core::i18n::Msg;
use jianzheng_core::ledger::{Event, ItemRef, Outcome};
use jianzheng_core::sync::display_code;
use jianzheng_core::values::PhoneNumber;
use leptos::prelude::*;
use std::rc::Rc;

/// An entry to print, with the list versions kept on this device and the
/// tablet's signing key (none before enrolment).
#[derive(Clone)]
struct Printed {
    event: Event,
    /// The void of this entry, or for a void, the entry it voids.
    other: Option<Event>,
    kept: Rc<ListsFile>,
    secret: Option<[u8; 32]>,
    phone: Option<PhoneNumber>,
}

async fn load(seq: u64) -> Result<Option<Printed>, StorageError> {
    let storage = Storage::open(DB_NAME).await?;
    let read = async {
        let Some(event) = storage.event(seq).await? else {
            return Ok(None);
        };
        let other = match event.voids {
            Some(target) => storage.event(target).await?,
            None => storage.void_of(seq).await?,
        };
        let kept = Rc::new(storage.kept_lists().await?);
        let secret = storage.identity().await?.map(|identity| identity.secret);
        let phone = storage.committee_phone().await?;
        Ok(Some(Printed {
            event,
            other,
            kept,
            secret,
            phone,
        }))
    }
    .await;
    storage.close();
    read
}

/// The entry the event names, from the list version it was recorded under
/// when this device keeps it, and whether it came from today's lists.
fn recorded_entry(printed: &Printed) -> Option<(Entry, bool)> {
    let ItemRef::Listed {
        code,
        list_id,
        list_version,
    } = &printed.event.item
    else {
        return None;
    };
    let checker = checker();
    match checker
        .catalogue()
        .as_recorded(&printed.kept.lists, code, list_id, list_version)?
    {
        Recorded::AsRecorded(entry) => Some((entry.clone(), false)),
        Recorded::Today(entry) => Some((entry.clone(), true)),
    }
}

/// The name printed for the event's item: the recorded entry's, if found.
fn title(i18n: I18n, event: &Event, entry: Option<&Entry>) -> String {
    entry.map_or_else(
        || item_name(i18n, &event.item),
        |entry| entry.name.get(i18n.lang()).to_owned(),
    )
}

/// The note on a page printed from today's list instead of the recorded one.
fn version_note(i18n: I18n, event: &Event, today: bool) -> Option<impl IntoView> {
    let ItemRef::Listed { list_version, .. } = &event.item else {
        return None;
    };
    today.then(|| {
        view! {
            <p class="list-version-note no-print" id="list-version-note" role="note">
                {format!("{}{list_version}", i18n.t(Msg::ListVersionNote))}
            </p>
        }
    })
}

/// `/clerk/print/:seq`: the printable page of one ledger entry.
#[component]
pub fn PrintPage(seq: u64) -> impl IntoView {
    let i18n = use_i18n();
    let event = Loaded::new(move || load(seq));
    view! {
        <div class="print-controls no-print">
            <Link href="/clerk" class="btn">{move || i18n.t(Msg::Back)}</Link>
            <button class="btn btn-primary" id="print-now" on:click=move |_| { let _ = window().print(); }>
                {move || i18n.t(Msg::PosterPrint)}
            </button>
        </div>
        {move || match event.get() {
            None => ().into_any(),
            Some(Err(err)) => view! { <p class="error" role="alert">{err.message(i18n.lang())}</p> }.into_any(),
            Some(Ok(None)) => view! { <p class="error">{i18n.t(Msg::LedgerEmpty)}</p> }.into_any(),
            Some(Ok(Some(printed))) if printed.event.outcome == Outcome::Void => void_row(i18n, &printed).into_any(),
            Some(Ok(Some(printed))) if printed.event.number.is_some() => certificate(i18n, &printed).into_any(),
            Some(Ok(Some(printed))) => slip(i18n, &printed).into_any(),
        }}
    }
}

/// A void has no paper: the page says so and names the entry it voids.
fn void_row(i18n: I18n, printed: &Printed) -> impl IntoView {
    let target = printed.other.as_ref().map(|t| {
        let number = t
            .number
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let label = format!("#{} {number} · {}", t.seq, item_name(i18n, &t.item));
        view! { <Link href=format!("/clerk/print/{}", t.seq) class="btn">{label}</Link> }
    });
    view! {
        <div class="card" id="void-row" role="note">
            <p>{i18n.t(Msg::VoidRowIs)}</p>
            {target}
            <p>{format!("{}：{}", i18n.t(Msg::LedgerVoidReason), printed.event.reason.as_deref().unwrap_or_default())}</p>
        </div>
    }
}

fn field<'a>(event: &'a Event, key: &str) -> &'a str {
    event.resident.get(key).map_or("", String::as_str)
}

fn certificate(i18n: I18n, printed: &Printed) -> impl IntoView {
    let lang = i18n.lang();
    let event = &printed.event;
    let entry = recorded_entry(printed);
    let today = entry.as_ref().is_some_and(|(_, today)| *today);
    let title = title(i18n, event, entry.as_ref().map(|(entry, _)| entry));
    let template = entry
        .and_then(|(entry, _)| entry.template)
        .unwrap_or_else(default_template);
    let body = render_template(
        template.get(lang),
        &[
            ("name", field(event, "name")),
            ("id_number", field(event, "id_number")),
            ("statement", field(event, "statement")),
            ("purpose", &event.purpose),
            ("agency", &event.agency),
        ],
    );
    let number = event
        .number
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let date = IssueDate::from_iso(&event.time)
        .map_or_else(|| event.time.clone(), |d| d.written(i18n.lang()));
    // Issued though on no list: the page says why.
    let unlisted_reason = matches!(event.item, ItemRef::FreeText { .. })
        .then(|| event.reason.clone())
        .flatten();
    let committee = crate::contact::remembered()
        .committee
        .unwrap_or_else(|| i18n.t(Msg::CertificateCommitteeBlank).to_owned());
    // A voided certificate prints as what it is: VOID across the page, the
    // void's day and reason, and no code to verify.
    let void = printed.other.as_ref().map(|void| {
        let day = IssueDate::from_iso(&void.time)
            .map_or_else(|| void.time.clone(), |d| d.written(i18n.lang()));
        view! {
            <div class="void-stamp" aria-hidden="true">{i18n.t(Msg::OutcomeVoid)}</div>
            <p class="cert-void" id="cert-void" role="note">
                {format!("{} {day}。{}：{}", i18n.t(Msg::VoidedOn), i18n.t(Msg::LedgerVoidReason), void.reason.as_deref().unwrap_or_default())}
            </p>
        }
    });
    let voided = void.is_some();
    view! {
        {version_note(i18n, event, today)}
        <article class="a4 certificate" class:voided=voided id="certificate">
            {void}
            <p class="cert-number">{format!("{} {number}", i18n.t(Msg::CertificateNumber))}</p>
            <h1>{title}</h1>
            <p class="cert-to">{format!("{}：{}", i18n.t(Msg::CertificateTo), event.agency)}</p>
            {body.lines().map(|line| view! { <p class="cert-body">{line.to_owned()}</p> }).collect_view()}
            {unlisted_reason.map(|reason| view! {
                <p class="cert-reason" id="cert-reason">{i18n.t(Msg::CertificateUnlistedReason)}{reason}</p>
            })}
            {(!voided).then(|| seal(i18n, printed))}
            <div class="cert-sign">
                <div class="seal" aria-label=i18n.t(Msg::CertificateSeal)>{i18n.t(Msg::CertificateSeal)}</div>
                <p class="cert-committee" id="cert-committee">{committee}</p>
                <p>{i18n.t(Msg::CertificateClerk)}</p>
                <p id="cert-phone">{match &printed.phone {
                    Some(phone) => format!("{}{phone}", i18n.t(Msg::CertificatePhoneOf)),
                    None => i18n.t(Msg::CertificatePhone).to_owned(),
                }}</p>
                <p class="cert-date">{date}</p>
            </div>
        </article>
    }
}

/// The signed code as a QR code, its text, the check code and where to
/// verify it; a note instead on a tablet not yet enrolled.
fn seal(i18n: I18n, printed: &Printed) -> impl IntoView {
    let sealed = printed
        .secret
        .and_then(|secret| seal_event(&printed.event, &secret));
    let Some((code, check)) = sealed else {
        return view! { <p class="cert-no-code" id="cert-no-code">{i18n.t(Msg::CertificateNoCode)}</p> }
            .into_any();
    };
    let qr = piece_svg(&code, 150).unwrap_or_default();
    let verify_at = format!(
        "{}/verify",
        window().location().origin().unwrap_or_default()
    );
    view! {
        <div class="cert-seal-code" id="cert-code">
            <div class="cert-qr" inner_html=qr></div>
            <div class="cert-code-text">
                <p class="cert-check">
                    {i18n.t(Msg::CertificateCheckCode)}"："
                    <strong id="cert-check-code">{display_code(&check)}</strong>
                </p>
                <p class="cert-verify-hint">{i18n.t(Msg::CertificateVerifyHint)}{verify_at}</p>
                <p class="cert-code-raw" id="cert-code-raw">{code}</p>
            </div>
        </div>
    }
    .into_any()
}

fn slip(i18n: I18n, printed: &Printed) -> impl IntoView {
    let lang = i18n.lang();
    let event = &printed.event;
    let (entry, today) = match recorded_entry(printed) {
        Some((entry, today)) => (Some(entry), today),
        None => (None, false),
    };
    let title = title(i18n, event, entry.as_ref());
    let abolished = entry
        .as_ref()
        .is_some_and(|e| e.status == Status::Abolished);
    let date = event.time.get(..10).unwrap_or_default().to_owned();
    view! {
        {version_note(i18n, event, today)}
        <article class="a4 slip" id="slip">
            <h1>{i18n.t(Msg::SlipTitle)}</h1>
            <p class="slip-item">{title}</p>
            <p>{i18n.t(if abolished { Msg::SlipNoCertificate } else { Msg::SlipBody })}</p>
            {entry.map(|e| view! {
                <dl>
                    {e.instead.map(|r| view! {
                        <dt>{i18n.t(Msg::WhereToGo)}</dt><dd class="route-agency">{r.agency.get(lang).to_owned()}</dd>
                        <dt>{i18n.t(Msg::HowToDo)}</dt><dd>{r.how.get(lang).to_owned()}</dd>
                    })}
                    <dt>{i18n.t(Msg::WhatToBring)}</dt>
                    <dd><ul>{e.materials.iter().map(|m| view! { <li>{m.get(lang).to_owned()}</li> }).collect_view()}</ul></dd>
                    <dt>{i18n.t(Msg::Basis)}</dt><dd>{e.basis.get(lang).to_owned()}</dd>
                    <dt>{i18n.t(Msg::SlipAgency)}</dt><dd id="slip-agency">{event.agency.clone()}</dd>
                </dl>
            })}
            {crate::contact::remembered().complaint_phone.map(|phone| view! {
                <p class="slip-complaint" id="slip-complaint">{i18n.t(Msg::SlipComplaint)}<strong>{phone.to_string()}</strong></p>
            })}
            <div class="cert-sign">
                <p>{i18n.t(Msg::CertificateIssuer)}</p>
                <p>{format!("{}：{date}", i18n.t(Msg::CertificateDate))}</p>
            </div>
        </article>
    }
}
