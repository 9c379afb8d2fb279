//! The catalogue in force on this device: the shipped lists until newer
//! ones come down from the town (on the tablet stored with its ledger; on a
//! resident's phone fetched at each visit and remembered for offline use),
//! installed at every start.

use crate::storage::{Storage, DB_NAME};
use gloo_storage::{LocalStorage, Storage as _};
use jianzheng_core::catalogue::{Catalogue, ListsFile};
use jianzheng_core::check::{Checker, Decision};
use jianzheng_core::i18n::Msg;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    static CHECKER: RefCell<Option<Rc<Checker>>> = const { RefCell::new(None) };
}

/// The checker over the lists in force.
pub fn checker() -> Rc<Checker> {
    CHECKER.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| Rc::new(Checker::new(Catalogue::default_lists())))
            .clone()
    })
}

/// Puts `catalogue` in force for every later check and record.
pub fn install(catalogue: Catalogue) {
    let checker = Rc::new(Checker::new(catalogue));
    CHECKER.with(|slot| *slot.borrow_mut() = Some(checker));
}

/// Installs the lists in force from the versions stored on this device, if
/// the town sent any. A store that does not read back leaves the shipped
/// lists in force; the clerk's workbench shows why ([`Storage::kept_lists`]).
pub async fn load_stored() {
    let Ok(db) = Storage::open(DB_NAME).await else {
        return;
    };
    if let Ok(kept) = db.kept_lists().await {
        if !kept.lists.is_empty() {
            if let Ok(catalogue) = Catalogue::in_force(&kept.lists) {
                install(catalogue);
            }
        }
    }
    db.close();
}

/// Where a resident's phone remembers the lists last fetched from the town.
const PUBLISHED_KEY: &str = "jianzheng.published-lists";

/// Changes when other lists come into force, for the views that show them.
#[derive(Clone, Copy)]
struct ListsInForce(Trigger);

/// Makes the calling view show the lists in force again when they change
/// (in an area that fetches them).
pub fn track_lists() {
    if let Some(ListsInForce(trigger)) = use_context::<ListsInForce>() {
        trigger.track();
    }
}

/// Takes the lists `file` has that are newer than those in force; whether any were.
fn take(file: &ListsFile) -> bool {
    match file.apply_to(checker().catalogue()) {
        Ok(update) if !update.changed.is_empty() => {
            install(update.catalogue);
            true
        }
        _ => false,
    }
}

/// For the resident's pages: puts in force the lists this phone remembered
/// from its last visit, then fetches the town's newest ones in the
/// background and, if they are newer, shows them and remembers them. With
/// no network the remembered (or the shipped) lists stay in force.
pub fn provide_published_lists() {
    let trigger = Trigger::new();
    provide_context(ListsInForce(trigger));
    if let Ok(Some(json)) = LocalStorage::raw().get_item(PUBLISHED_KEY) {
        match ListsFile::from_json(json.as_bytes()) {
            Ok(file) => {
                take(&file);
            }
            Err(_) => LocalStorage::delete(PUBLISHED_KEY),
        }
    }
    leptos::task::spawn_local(async move {
        let Ok(json) = crate::transport::fetch_lists_json().await else {
            return;
        };
        let Ok(file) = ListsFile::from_json(&json) else {
            return;
        };
        if take(&file) {
            if let Ok(json) = String::from_utf8(json) {
                // A full storage only costs the offline copy.
                let _ = LocalStorage::raw().set_item(PUBLISHED_KEY, &json);
            }
            trigger.notify();
        }
    });
}

/// The plain words that announce a decision.
pub fn decision_words(decision: Decision) -> Msg {
    match decision {
        Decision::MayIssue => Msg::DecisionMayIssue,
        Decision::MustNotIssue => Msg::DecisionMustNotIssue,
        Decision::Abolished => Msg::DecisionAbolished,
        Decision::Unknown => Msg::DecisionUnknown,
    }
}

/// The CSS class that colours a decision.
pub fn decision_class(decision: Decision) -> &'static str {
    match decision {
        Decision::MayIssue => "decision decision-may",
        Decision::MustNotIssue => "decision decision-not",
        Decision::Abolished => "decision decision-abolished",
        Decision::Unknown => "decision decision-unknown",
    }
}
