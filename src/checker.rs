//! The catalogue in force on this device: the shipped lists until newer
//! ones come down from the town (stored, and installed at every start).

use crate::storage::{Storage, DB_NAME};
use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::check::{Checker, Decision};
use jianzheng_core::i18n::Msg;
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
