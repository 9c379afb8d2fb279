//! The catalogue in force on this device: the shipped lists until newer
//! ones come down from the town (on the tablet stored with its ledger; on a
//! resident's phone fetched at each visit and remembered for offline use),
//! installed at every start.

use crate::i18n::I18n;
use crate::kept;
use crate::storage::{Storage, DB_NAME};
use crate::transport::TransportError;
use gloo_storage::{LocalStorage, Storage as _};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::catalogue::{Catalogue, ListsFile};
use jianzheng_core::check::{Checker, Decision};
use jianzheng_core::i18n::{Lang, Msg};
use jianzheng_core::values::AreaCode;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

thread_local! {
    static CHECKER: RefCell<Option<Rc<Checker>>> = const { RefCell::new(None) };
    static SHIPS: Cell<Option<fn() -> Catalogue>> = const { Cell::new(None) };
}

/// Names the lists this bundle ships, in force until others come: each area
/// that checks names them as it starts, so that a bundle carries only its
/// own (the resident's pages ship them without their English texts).
pub fn ship(lists: fn() -> Catalogue) {
    SHIPS.with(|ships| ships.set(Some(lists)));
}

/// The checker over the lists in force.
pub fn checker() -> Rc<Checker> {
    CHECKER.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                let Some(shipped) = SHIPS.with(Cell::get) else {
                    panic!("the area names the lists it ships (checker::ship) as it starts");
                };
                Rc::new(Checker::new(shipped()))
            })
            .clone()
    })
}

thread_local! {
    static SHIPPED: RefCell<Option<Rc<Catalogue>>> = const { RefCell::new(None) };
}

/// The shipped lists alone, for the town's and the verifier's pages, which
/// name items but never match a query: the matcher (its index and pinyin
/// tables) is neither built nor carried in their bundle.
pub fn shipped_catalogue() -> Rc<Catalogue> {
    SHIPPED.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| Rc::new(Catalogue::default_lists()))
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

/// Where a resident's phone remembers the lists last fetched from the town
/// for its area (the key is followed by `:` and the area's code).
const PUBLISHED_KEY: &str = "jianzheng.published-lists";

/// Where a resident's phone remembers its area: the village whose poster's
/// QR code it opened last.
const AREA_KEY: &str = "jianzheng.area";

/// The resident's area, for the pages that carry it on (the poster's QR code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResidentArea(pub Option<AreaCode>);

/// The `area` of the address (a poster's QR code carries it), remembered
/// for the visits that come without it; else the one remembered.
fn resident_area() -> Option<AreaCode> {
    let search = window().location().search().unwrap_or_default();
    let given =
        crate::nav::query_value(&search, "area").and_then(|code| code.parse::<AreaCode>().ok());
    match given {
        Some(area) => {
            // A full storage only costs remembering it.
            let _ = LocalStorage::raw().set_item(AREA_KEY, area.as_str());
            Some(area)
        }
        None => LocalStorage::raw()
            .get_item(AREA_KEY)
            .ok()
            .flatten()
            .and_then(|code| code.parse().ok()),
    }
}

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

/// Takes the lists `file` has that are newer than those in force, or that
/// complete them with their English; whether any were.
fn take(file: &ListsFile) -> bool {
    match file.apply_to(checker().catalogue()) {
        Ok(update) if !update.changed.is_empty() => {
            install(update.catalogue);
            true
        }
        _ => false,
    }
}

/// Whether the lists in force lack the English texts this bundle shipped
/// them without (tracked: changes when other lists come into force).
pub fn lacks_english() -> bool {
    track_lists();
    checker().catalogue().lacks_shipped_english()
}

/// For the resident's pages: ships the lists without their English texts,
/// puts in force the lists this phone remembered for its area from its last
/// visit, then fetches the newest ones in force there in the background
/// (nothing is downloaded if they are those in force here) and, if they are
/// newer, shows them and remembers them. Read in English, lists that lack
/// their English are fetched whole, at the start or when the reader turns
/// to English. With no network the remembered (or the shipped) lists stay
/// in force. An area the town does not know is forgotten.
pub fn provide_published_lists(i18n: I18n) {
    ship(Catalogue::default_lists_chinese);
    let trigger = Trigger::new();
    provide_context(ListsInForce(trigger));
    let area = resident_area();
    provide_context(ResidentArea(area.clone()));
    let key = match &area {
        Some(area) => format!("{PUBLISHED_KEY}:{area}"),
        None => PUBLISHED_KEY.to_owned(),
    };
    // Kept in the compact form; what an earlier build kept as JSON does
    // not read, is forgotten and is fetched again.
    match kept::bytes(&key).map(|bytes| ListsFile::from_compact(&bytes)) {
        Some(Ok(file)) => {
            take(&file);
        }
        _ => LocalStorage::delete(&key),
    }
    Effect::new(move |started: Option<()>| {
        let whole = i18n.lang() == Lang::En && untrack(lacks_english);
        if started.is_none() || whole {
            fetch_published(area.clone(), key.clone(), trigger, whole);
        }
    });
}

/// Fetches the lists in force at `area` (`whole`: even if they are the
/// versions in force here) and takes them if they change anything.
fn fetch_published(area: Option<AreaCode>, key: String, trigger: Trigger, whole: bool) {
    leptos::task::spawn_local(async move {
        let held = ListsFile::tag_of(checker().catalogue().lists());
        let held = (!whole).then_some(held.as_str());
        let bytes = match crate::transport::fetch_lists_compact(area.as_ref(), held).await {
            Ok(Some(bytes)) => bytes,
            // The lists in force are the newest: nothing to download.
            Ok(None) => return,
            Err(TransportError::Rejected(ErrorCode::NotFound | ErrorCode::BadRequest, _)) => {
                LocalStorage::delete(AREA_KEY);
                return;
            }
            Err(_) => return,
        };
        let Ok(file) = ListsFile::from_compact(&bytes) else {
            return;
        };
        if take(&file) {
            // A full storage only costs the offline copy.
            kept::set_bytes(&key, &bytes);
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
