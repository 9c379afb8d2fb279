//! The app's one storage module: the only place that speaks IndexedDB.
//!
//! Every write a person relies on is one strict-durability transaction: the
//! event, its counter cell and the ledger head commit together or not at
//! all, so a record the clerk saw as saved survives a killed tab or a power
//! cut, and the counters always equal a recomputation from the events.

mod search;

use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use indexed_db_futures::KeyPath;
use jianzheng_core::catalogue::{Catalogue, ListsFile};
use jianzheng_core::i18n::{Lang, Msg};
use jianzheng_core::ledger::Period;
use jianzheng_core::ledger::{
    Backup, BackupError, CertificateNumber, CounterKey, Counters, Event, Head, Index, Ledger,
    Limits, Request, ValidationError, VoidTarget, Writer, BACKUP_FORMAT,
};
use jianzheng_core::sync::{can_close, Acknowledged};
use jianzheng_core::values::PhoneNumber;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use wasm_bindgen::JsValue;

/// The database name the app uses; tests open their own names.
pub const DB_NAME: &str = "jianzheng";

/// The schema version this build creates or upgrades to.
pub const SCHEMA_VERSION: u32 = 2;

/// Small facts about this device (first start, writer, ledger head), by name.
pub const META_STORE: &str = "meta";
/// The append-only ledger, keyed by sequence number.
pub const EVENTS_STORE: &str = "events";
/// Monthly counter cells, keyed by their text form.
pub const COUNTERS_STORE: &str = "counters";

/// Every object store of the current schema.
pub const STORES: &[&str] = &[META_STORE, EVENTS_STORE, COUNTERS_STORE];

const HEAD_KEY: &str = "ledger_head";
const WRITER_KEY: &str = "writer";
/// The committee's phone the village's papers print, set once at set-up.
const COMMITTEE_PHONE_KEY: &str = "committee_phone";
const SYNCED_KEY: &str = "synced_seq";
const IDENTITY_KEY: &str = "identity";
const INCARNATIONS_KEY: &str = "incarnations";
const SYNC_STATE_KEY: &str = "sync_state";
const CLOSED_KEY: &str = "closed_periods";
const ACKED_KEY: &str = "acknowledged";
const LISTS_KEY: &str = "lists";
const PENDING_KEY: &str = "pending_enrolment";

/// A failure of the device database.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StorageError {
    /// The database could not be opened or upgraded.
    #[error("cannot open the device database: {0}")]
    Open(String),
    /// A read or write failed (a full disk shows up here).
    #[error("device database error: {0}")]
    Io(String),
    /// Something stored does not read back (named, with why).
    #[error("stored {0} do not read back: {1}")]
    Unreadable(&'static str, String),
}

impl StorageError {
    /// The failure, for the clerk.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            StorageError::Open(detail) => {
                format!("{}: {detail}", Msg::StorageCheckFailed.text(lang))
            }
            StorageError::Io(detail) => format!("{}: {detail}", Msg::StorageFailed.text(lang)),
            StorageError::Unreadable(what, detail) => {
                format!("{} ({what}): {detail}", Msg::StoredUnreadable.text(lang))
            }
        }
    }
}

impl From<indexed_db_futures::error::Error> for StorageError {
    fn from(err: indexed_db_futures::error::Error) -> Self {
        StorageError::Io(err.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StorageError {
    fn from(err: indexed_db_futures::error::OpenDbError) -> Self {
        StorageError::Open(err.to_string())
    }
}

/// Why a record was not saved; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The device has no village and device label yet.
    #[error("this tablet is not set up for a village yet")]
    NotSetUp,
    /// The record is incomplete or too large.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl RecordError {
    /// The reason, for the clerk.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            RecordError::NotSetUp => Msg::TabletNotSetUp.text(lang).to_owned(),
            RecordError::Invalid(invalid) => invalid.message(lang),
            RecordError::Storage(err) => err.message(lang),
        }
    }
}

/// Why a month was not closed; nothing was changed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum CloseError {
    /// The month is not over on the device clock (the current or a later one).
    #[error("{0} is not over yet")]
    NotOver(Period),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl CloseError {
    /// The reason, for the clerk.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CloseError::NotOver(period) => format!("{}{period}", Msg::MonthNotOver.text(lang)),
            CloseError::Storage(err) => err.message(lang),
        }
    }
}

/// Why a restore was refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// The device has no village yet.
    #[error("this tablet is not set up for a village yet")]
    NotSetUp,
    /// The file is not a good backup for this device.
    #[error(transparent)]
    Backup(#[from] BackupError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The events of stored records, each checked as it is read.
fn stored_events(
    records: impl Iterator<Item = Result<JsValue, indexed_db_futures::error::Error>>,
) -> Result<Vec<Event>, StorageError> {
    records.map(|r| from_js("entries", r?)).collect()
}

/// An event as stored, with the fields its indices read. It is read back
/// as the [`Event`] alone, whose fields it holds at its top level: reading
/// a flattened struct buffers every field first, which cost time at 50,000
/// entries and 17 KB of the clerk's bundle.
#[derive(Serialize)]
struct StoredEvent {
    #[serde(flatten)]
    event: Event,
    period_key: String,
    item_key: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    number_text: Option<String>,
}

impl From<Event> for StoredEvent {
    fn from(event: Event) -> Self {
        StoredEvent {
            period_key: event.period.to_string(),
            item_key: event.item.counter_key(),
            number_text: event.number.as_ref().map(ToString::to_string),
            event,
        }
    }
}

/// A counter cell as stored.
#[derive(Serialize, Deserialize)]
struct StoredCounter {
    id: String,
    key: CounterKey,
    count: u64,
}

fn counter_id(key: &CounterKey) -> String {
    format!(
        "{}|{}|{:?}|{:?}",
        key.period, key.item, key.outcome, key.agency
    )
}

/// The ledger head as stored (maps with number keys do not survive JS objects).
#[derive(Serialize, Deserialize, Default)]
struct StoredHead {
    seq: u64,
    hash: String,
    issued: Vec<(i32, u32)>,
}

impl From<&Head> for StoredHead {
    fn from(head: &Head) -> Self {
        StoredHead {
            seq: head.seq,
            hash: head.hash.clone(),
            issued: head.issued.iter().map(|(y, n)| (*y, *n)).collect(),
        }
    }
}

impl From<StoredHead> for Head {
    fn from(stored: StoredHead) -> Self {
        let mut head = Head::empty();
        if stored.seq > 0 {
            head.seq = stored.seq;
            head.hash = stored.hash;
        }
        // Inserted one by one: collecting into a map sorts with a copy of
        // the stable sort for each pair type (3 KB of wasm each).
        for (year, issued) in stored.issued {
            head.issued.insert(year, issued);
        }
        head
    }
}

/// This tablet's enrolment: its signing key and which incarnation it is.
/// It lives only in this database, never in a backup file.
#[derive(Clone, Serialize, Deserialize)]
pub struct Identity {
    /// The Ed25519 secret key.
    pub secret: [u8; 32],
    /// Which enrolment of this tablet.
    pub incarnation: u32,
    /// The village it was enrolled in.
    pub village: String,
}

/// What the clerk sees of sync: the last success and the last failure.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    /// Device time of the last successful sync.
    pub last_success: Option<String>,
    /// Device time and reason of the last failure, cleared by a success.
    pub last_failure: Option<(String, String)>,
}

/// How much the browser lets this site keep, and whether it may evict it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StorageEstimate {
    /// Bytes used by this site.
    pub usage: f64,
    /// Bytes this site may use.
    pub quota: f64,
}

/// An open device database. Sequence numbers go to IndexedDB as `f64`
/// (exact up to 2^53): a `u64` would become a BigInt, which is not a key.
pub struct Storage {
    db: Database,
    /// The ledger's search index, caught up before each search.
    search: RefCell<Index>,
    /// Whether the index is being caught up.
    catching_up: Cell<bool>,
}

fn strict() -> TransactionOptions {
    let mut options = TransactionOptions::new();
    options.set_durability(TransactionDurability::Strict);
    options
}

/// A value as the JS object IndexedDB stores: written as JSON and parsed
/// by the browser, so the app carries one serde format (the JSON it already
/// speaks to the server) instead of a second one for every stored type.
/// The objects are those serde-wasm-bindgen wrote before (maps as objects,
/// numbers as numbers), so what older builds stored reads back.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, StorageError> {
    let json = serde_json::to_string(value).map_err(|e| StorageError::Io(e.to_string()))?;
    js_sys::JSON::parse(&json).map_err(|_| StorageError::Io("JSON.parse".to_owned()))
}

/// A stored JS object as `T` (see [`to_js`]); `what` names it in the error.
fn from_js<T: DeserializeOwned>(what: &'static str, value: JsValue) -> Result<T, StorageError> {
    let json: String = js_sys::JSON::stringify(&value)
        .map_err(|_| StorageError::Unreadable(what, "JSON.stringify".to_owned()))?
        .into();
    serde_json::from_slice(json.as_bytes())
        .map_err(|e| StorageError::Unreadable(what, e.to_string()))
}

/// A stored value that may be absent (see [`from_js`]).
fn from_js_opt<T: DeserializeOwned>(
    what: &'static str,
    value: Option<JsValue>,
) -> Result<Option<T>, StorageError> {
    value.map(|v| from_js(what, v)).transpose()
}

/// The meta store's one way to write `value` under `key`, inside the
/// caller's transaction.
async fn put_value<T: Serialize + ?Sized>(
    store: &ObjectStore<'_>,
    key: &str,
    value: &T,
) -> Result<(), StorageError> {
    store
        .put(to_js(value)?)
        .with_key(key)
        .without_key_type()
        .await?;
    Ok(())
}

impl Storage {
    /// Opens `name`, creating or upgrading its schema to [`SCHEMA_VERSION`].
    pub async fn open(name: &str) -> Result<Storage, StorageError> {
        let db = Database::open(name)
            .with_version(SCHEMA_VERSION)
            .with_on_upgrade_needed(|event, db| {
                // One step per schema version, applied in order from the old one.
                let old = event.old_version();
                if old < 1.0 {
                    db.create_object_store(META_STORE).build()?;
                }
                if old < 2.0 {
                    // Every index is created with its store: 0.6 cannot add one later.
                    let events = db
                        .create_object_store(EVENTS_STORE)
                        .with_key_path(KeyPath::One("seq"))
                        .build()?;
                    events
                        .create_index("by_period", KeyPath::One("period_key"))
                        .build()?;
                    events
                        .create_index("by_item", KeyPath::One("item_key"))
                        .build()?;
                    events
                        .create_index("by_number", KeyPath::One("number_text"))
                        .with_unique(true)
                        .build()?;
                    events
                        .create_index("by_voids", KeyPath::One("voids"))
                        .build()?;
                    db.create_object_store(COUNTERS_STORE)
                        .with_key_path(KeyPath::One("id"))
                        .build()?;
                }
                Ok(())
            })
            .await?;
        Ok(Storage {
            db,
            search: RefCell::default(),
            catching_up: Cell::default(),
        })
    }

    /// The names of the object stores present.
    pub fn store_names(&self) -> Vec<String> {
        self.db.object_store_names().collect()
    }

    /// The schema version the database is at.
    pub fn version(&self) -> u32 {
        self.db.version() as u32
    }

    /// A strict-durability read-write transaction on the meta store: what
    /// it commits is on disk when `commit` returns.
    fn meta_write(&self) -> Result<Transaction<'_>, StorageError> {
        Ok(self
            .db
            .transaction(META_STORE)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()?)
    }

    /// Reads one meta value.
    pub async fn get_meta<T: DeserializeOwned>(
        &self,
        key: &'static str,
    ) -> Result<Option<T>, StorageError> {
        let tx = self.db.transaction(META_STORE).build()?;
        let store = tx.object_store(META_STORE)?;
        from_js_opt(key, store.get(key).await?)
    }

    /// Writes one meta value with strict durability; returns once it is on disk.
    pub async fn put_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StorageError> {
        let tx = self.meta_write()?;
        let store = tx.object_store(META_STORE)?;
        put_value(&store, key, value).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The village and device label this tablet writes as, once set.
    pub async fn writer(&self) -> Result<Option<Writer>, StorageError> {
        let pair: Option<(String, String)> = self.get_meta(WRITER_KEY).await?;
        Ok(pair.map(|(village, device)| Writer { village, device }))
    }

    /// Sets the village and device label.
    pub async fn set_writer(&self, writer: &Writer) -> Result<(), StorageError> {
        self.put_meta(WRITER_KEY, &(writer.village.clone(), writer.device.clone()))
            .await
    }

    /// The committee's phone printed on the village's papers, if set.
    pub async fn committee_phone(&self) -> Result<Option<PhoneNumber>, StorageError> {
        self.get_meta(COMMITTEE_PHONE_KEY).await
    }

    /// Sets the committee's phone.
    pub async fn set_committee_phone(&self, phone: &PhoneNumber) -> Result<(), StorageError> {
        self.put_meta(COMMITTEE_PHONE_KEY, phone).await
    }

    /// This tablet's enrolment, if it is enrolled.
    pub async fn identity(&self) -> Result<Option<Identity>, StorageError> {
        self.get_meta(IDENTITY_KEY).await
    }

    /// The next incarnation number: one more than any this database enrolled.
    pub async fn next_incarnation(&self) -> Result<u32, StorageError> {
        Ok(self.get_meta::<u32>(INCARNATIONS_KEY).await?.unwrap_or(0) + 1)
    }

    /// Keeps an enrolment about to be sent, with strict durability, before
    /// the server may use up its code: a tab killed after the server
    /// accepted it still has the key the server now knows. Its incarnation
    /// is counted as used at once.
    pub async fn set_pending_enrolment(&self, identity: &Identity) -> Result<(), StorageError> {
        let tx = self.meta_write()?;
        let store = tx.object_store(META_STORE)?;
        put_value(&store, PENDING_KEY, identity).await?;
        put_value(&store, INCARNATIONS_KEY, &identity.incarnation).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An enrolment that was kept but not confirmed (the tab stopped while
    /// the server answered).
    pub async fn pending_enrolment(&self) -> Result<Option<Identity>, StorageError> {
        self.get_meta(PENDING_KEY).await
    }

    /// Forgets a kept enrolment the server refused.
    pub async fn clear_pending_enrolment(&self) -> Result<(), StorageError> {
        let tx = self.meta_write()?;
        tx.object_store(META_STORE)?.delete(PENDING_KEY).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a new enrolment, in one strict transaction: the identity, its
    /// incarnation, no kept enrolment, and no acknowledged periods (the new
    /// incarnation sends its whole state).
    pub async fn set_identity(&self, identity: &Identity) -> Result<(), StorageError> {
        let tx = self.meta_write()?;
        let store = tx.object_store(META_STORE)?;
        put_value(&store, IDENTITY_KEY, identity).await?;
        put_value(&store, INCARNATIONS_KEY, &identity.incarnation).await?;
        put_value(&store, ACKED_KEY, &Acknowledged::default()).await?;
        store.delete(PENDING_KEY).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The last sync outcome.
    pub async fn sync_state(&self) -> Result<SyncState, StorageError> {
        Ok(self.get_meta(SYNC_STATE_KEY).await?.unwrap_or_default())
    }

    /// Records the last sync outcome.
    pub async fn set_sync_state(&self, state: &SyncState) -> Result<(), StorageError> {
        self.put_meta(SYNC_STATE_KEY, state).await
    }

    /// Months the clerk closed.
    pub async fn closed_periods(&self) -> Result<BTreeSet<Period>, StorageError> {
        Ok(self.get_meta(CLOSED_KEY).await?.unwrap_or_default())
    }

    /// Closes a month that is over by `now`, the device clock's month: it
    /// is reported as final, as zero if nothing was issued. One strict
    /// transaction reads the closed months and adds it, so two tabs closing
    /// months at once lose neither.
    pub async fn close_period(&self, period: Period, now: Period) -> Result<(), CloseError> {
        if !can_close(period, now) {
            return Err(CloseError::NotOver(period));
        }
        Ok(self.add_closed(period).await?)
    }

    async fn add_closed(&self, period: Period) -> Result<(), StorageError> {
        let tx = self.meta_write()?;
        let store = tx.object_store(META_STORE)?;
        // Stored as the list of months in order, which is how a set is written.
        let closed: Option<BTreeSet<Period>> =
            from_js_opt(CLOSED_KEY, store.get(CLOSED_KEY).await?)?;
        let mut closed = closed.unwrap_or_default();
        closed.insert(period);
        put_value(&store, CLOSED_KEY, &closed).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the server has acknowledged.
    pub async fn acknowledged(&self) -> Result<Acknowledged, StorageError> {
        Ok(self.get_meta(ACKED_KEY).await?.unwrap_or_default())
    }

    /// Notes a successful upload: what was acknowledged, and the ledger
    /// position it covered (for the "not synced" count).
    pub async fn mark_synced(&self, acked: &Acknowledged, seq: u64) -> Result<(), StorageError> {
        self.put_meta(ACKED_KEY, acked).await?;
        self.put_meta(SYNCED_KEY, &seq).await
    }

    /// The sequence number of the newest event.
    pub async fn head_seq(&self) -> Result<u64, StorageError> {
        Ok(self
            .get_meta::<StoredHead>(HEAD_KEY)
            .await?
            .map_or(0, |h| h.seq))
    }

    /// Every list version taken from the town, in the order taken
    /// ([`ListsFile::keep`]); empty while the shipped lists are in force.
    /// Stored as JSON text: lists are large and nested.
    pub async fn kept_lists(&self) -> Result<ListsFile, StorageError> {
        let text: Option<String> = self.get_meta(LISTS_KEY).await?;
        match text {
            None => Ok(ListsFile::default()),
            Some(text) => ListsFile::kept_from_json(text.as_bytes())
                .map_err(|e| StorageError::Unreadable("lists", e.to_string())),
        }
    }

    /// Stores every list version taken.
    pub async fn set_kept_lists(&self, lists: &ListsFile) -> Result<(), StorageError> {
        let text = String::from_utf8(lists.to_json()).expect("JSON is UTF-8");
        self.put_meta(LISTS_KEY, &text).await
    }

    fn write_tx(&self) -> Result<Transaction<'_>, StorageError> {
        Ok(self
            .db
            .transaction([EVENTS_STORE, COUNTERS_STORE, META_STORE])
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()?)
    }

    /// Records a request: builds the event in core, which refuses an outcome
    /// the item's decision under `catalogue` (the lists in force) does not
    /// permit, then writes the event, its counter cell and the new head in
    /// one strict transaction.
    pub async fn record(
        &self,
        request: Request,
        catalogue: &Catalogue,
        time: &str,
        limits: &Limits,
    ) -> Result<Event, RecordError> {
        let writer = self.writer().await?.ok_or(RecordError::NotSetUp)?;
        let tx = self.write_tx()?;
        let events = tx.object_store(EVENTS_STORE).map_err(StorageError::from)?;
        let counters = tx
            .object_store(COUNTERS_STORE)
            .map_err(StorageError::from)?;
        let meta = tx.object_store(META_STORE).map_err(StorageError::from)?;

        let head: Option<StoredHead> = from_js_opt(
            HEAD_KEY,
            meta.get(HEAD_KEY).await.map_err(StorageError::from)?,
        )?;
        let head: Head = head.unwrap_or_default().into();
        let voided: Option<Event> = match request.voids {
            Some(seq) => from_js_opt(
                "entries",
                events.get(seq as f64).await.map_err(StorageError::from)?,
            )?,
            None => None,
        };
        let already_voided = match request.voids {
            Some(seq) => {
                let index = events.index("by_voids").map_err(StorageError::from)?;
                index
                    .count()
                    .with_query(seq as f64)
                    .await
                    .map_err(StorageError::from)?
                    > 0
            }
            None => false,
        };
        let target = voided.as_ref().map(|event| VoidTarget {
            event,
            already_voided,
        });
        let (event, next) =
            Ledger::append(&head, &writer, request, catalogue, target, time, limits)?;

        let key = Counters::key_of(&event, voided.as_ref());
        let id = counter_id(&key);
        let cell: Option<StoredCounter> = from_js_opt(
            "counters",
            counters
                .get(id.as_str())
                .await
                .map_err(StorageError::from)?,
        )?;
        let count = cell.map_or(0, |c| c.count) + 1;
        let io = |e: indexed_db_futures::error::Error| RecordError::Storage(e.into());
        counters
            .put(to_js(&StoredCounter { id, key, count })?)
            .await
            .map_err(io)?;
        events
            .add(to_js(&StoredEvent::from(event.clone()))?)
            .await
            .map_err(io)?;
        meta.put(to_js(&StoredHead::from(&next))?)
            .with_key(HEAD_KEY)
            .without_key_type()
            .await
            .map_err(io)?;
        tx.commit().await.map_err(io)?;
        Ok(event)
    }

    /// Every event, oldest first.
    pub async fn events(&self) -> Result<Vec<Event>, StorageError> {
        let tx = self.db.transaction(EVENTS_STORE).build()?;
        let store = tx.object_store(EVENTS_STORE)?;
        stored_events(store.get_all::<JsValue>().await?)
    }

    /// The months the ledger has entries in, newest first, from their index.
    pub async fn ledger_months(&self) -> Result<Vec<Period>, StorageError> {
        let mut months: Vec<Period> = self
            .distinct_keys("by_period")
            .await?
            .iter()
            .filter_map(|key| Period::parse(key))
            .collect();
        months.reverse();
        Ok(months)
    }

    /// The items the ledger has entries for (counter keys: an entry code or
    /// `free:` text), from their index.
    pub async fn ledger_items(&self) -> Result<Vec<String>, StorageError> {
        self.distinct_keys("by_item").await
    }

    /// The voids in the ledger, by the entry each voids, from the index of
    /// voids (a void event is small and few are made).
    pub async fn voids(&self) -> Result<HashMap<u64, Event>, StorageError> {
        let tx = self.db.transaction(EVENTS_STORE).build()?;
        let store = tx.object_store(EVENTS_STORE)?;
        let voids = store.index("by_voids")?.get_all::<JsValue>().await?;
        Ok(stored_events(voids)?
            .into_iter()
            .filter_map(|e| Some((e.voids?, e)))
            .collect())
    }

    /// The void of entry `seq`, if it has been voided.
    pub async fn void_of(&self, seq: u64) -> Result<Option<Event>, StorageError> {
        let tx = self.db.transaction(EVENTS_STORE).build()?;
        let store = tx.object_store(EVENTS_STORE)?;
        from_js_opt("entries", store.index("by_voids")?.get(seq as f64).await?)
    }

    /// The numbers of the certificates voided in this ledger, for the
    /// town's trust list.
    pub async fn voided_numbers(&self) -> Result<Vec<CertificateNumber>, StorageError> {
        let voided = self.voids().await?.into_keys();
        // One transaction for every voided event, not one each.
        let tx = self.db.transaction(EVENTS_STORE).build()?;
        let store = tx.object_store(EVENTS_STORE)?;
        let mut numbers = Vec::new();
        for seq in voided {
            let found: Option<Event> = from_js_opt("entries", store.get(seq as f64).await?)?;
            numbers.extend(found.and_then(|e| e.number));
        }
        Ok(numbers)
    }

    /// Every distinct key of an index of the events store, in key order:
    /// the cursor jumps from each key to the next one (`continue` to the
    /// smallest string after it), never walking the entries in between.
    async fn distinct_keys(&self, index: &str) -> Result<Vec<String>, StorageError> {
        let tx = self.db.transaction(EVENTS_STORE).build()?;
        let store = tx.object_store(EVENTS_STORE)?;
        let index = store.index(index)?;
        let mut keys = Vec::new();
        let Some(mut cursor) = index.open_cursor().await? else {
            return Ok(keys);
        };
        // Past the end Chromium leaves the last key in place: the keys
        // stop growing.
        while let Some(key) = cursor.key::<String>()? {
            if keys.last().is_some_and(|last| *last >= key) {
                break;
            }
            let next = format!("{key}\0");
            keys.push(key);
            cursor.continue_to_key(next).await?;
        }
        Ok(keys)
    }

    /// One event by sequence number.
    pub async fn event(&self, seq: u64) -> Result<Option<Event>, StorageError> {
        let tx = self.db.transaction(EVENTS_STORE).build()?;
        let store = tx.object_store(EVENTS_STORE)?;
        from_js_opt("entries", store.get(seq as f64).await?)
    }

    /// How many events the ledger holds.
    pub async fn event_count(&self) -> Result<u32, StorageError> {
        let tx = self.db.transaction(EVENTS_STORE).build()?;
        let store = tx.object_store(EVENTS_STORE)?;
        Ok(store.count().await?)
    }

    /// The stored counters.
    pub async fn counters(&self) -> Result<Counters, StorageError> {
        let tx = self.db.transaction(COUNTERS_STORE).build()?;
        let store = tx.object_store(COUNTERS_STORE)?;
        let mut cells = Vec::new();
        for cell in store.get_all::<JsValue>().await? {
            let cell: StoredCounter = from_js("counters", cell?)?;
            cells.push((cell.key, cell.count));
        }
        Ok(Counters::from_cells(cells))
    }

    /// The ledger's head position and the counters as they stood there,
    /// read in one transaction: a record saved meanwhile is in both or in
    /// neither, so what a sync sends is what it acknowledges.
    pub async fn counters_at_head(&self) -> Result<(u64, Counters), StorageError> {
        let tx = self.db.transaction([META_STORE, COUNTERS_STORE]).build()?;
        let head: Option<StoredHead> =
            from_js_opt(HEAD_KEY, tx.object_store(META_STORE)?.get(HEAD_KEY).await?)?;
        let store = tx.object_store(COUNTERS_STORE)?;
        let mut cells = Vec::new();
        for cell in store.get_all::<JsValue>().await? {
            let cell: StoredCounter = from_js("counters", cell?)?;
            cells.push((cell.key, cell.count));
        }
        Ok((head.map_or(0, |h| h.seq), Counters::from_cells(cells)))
    }

    /// Events recorded since the server last acknowledged an upload.
    pub async fn unsynced(&self) -> Result<u64, StorageError> {
        let synced: u64 = self.get_meta(SYNCED_KEY).await?.unwrap_or(0);
        let head: Head = self
            .get_meta::<StoredHead>(HEAD_KEY)
            .await?
            .unwrap_or_default()
            .into();
        Ok(head.seq.saturating_sub(synced))
    }

    /// The whole ledger as a backup file.
    pub async fn export_backup(&self, time: &str) -> Result<Option<Backup>, StorageError> {
        let Some(writer) = self.writer().await? else {
            return Ok(None);
        };
        Ok(Some(Backup {
            format: BACKUP_FORMAT,
            village: writer.village,
            device: writer.device,
            exported_at: time.to_owned(),
            events: self.events().await?,
        }))
    }

    /// Restores a backup file: adds the events this tablet lacks and rebuilds
    /// the counters and head, in one transaction. Refuses (changing nothing)
    /// a damaged file, another village's, or one that would drop records.
    /// Returns how many events were added.
    pub async fn restore(&self, bytes: &[u8]) -> Result<usize, RestoreError> {
        let writer = self.writer().await?.ok_or(RestoreError::NotSetUp)?;
        let backup = Backup::parse(bytes, &writer.village)?;
        let local = self.events().await?;
        let missing = backup.missing_from(&local)?;
        if missing.is_empty() {
            return Ok(0);
        }
        let counters = Counters::recompute(&backup.events);
        let head = Head::after(&backup.events);
        let io = |e: indexed_db_futures::error::Error| RestoreError::Storage(e.into());
        let tx = self.write_tx()?;
        let events_store = tx.object_store(EVENTS_STORE).map_err(io)?;
        let counters_store = tx.object_store(COUNTERS_STORE).map_err(io)?;
        let meta = tx.object_store(META_STORE).map_err(io)?;
        for event in missing {
            events_store
                .add(to_js(&StoredEvent::from(event.clone()))?)
                .primitive()
                .map_err(io)?;
        }
        counters_store.clear().map_err(io)?;
        for (key, count) in counters.cells() {
            let cell = StoredCounter {
                id: counter_id(key),
                key: key.clone(),
                count,
            };
            counters_store.put(to_js(&cell)?).primitive().map_err(io)?;
        }
        meta.put(to_js(&StoredHead::from(&head))?)
            .with_key(HEAD_KEY)
            .without_key_type()
            .primitive()
            .map_err(io)?;
        tx.commit().await.map_err(io)?;
        Ok(missing.len())
    }

    /// Closes the connection (for tests and upgrades).
    pub fn close(self) {
        self.db.close();
    }
}

/// Asks the browser not to evict this site's data; true if granted.
pub async fn request_persistence() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(promise) = window.navigator().storage().persist() else {
        return false;
    };
    matches!(wasm_bindgen_futures::JsFuture::from(promise).await, Ok(v) if v.as_bool() == Some(true))
}

/// How much this site stores and may store.
pub async fn estimate() -> Option<StorageEstimate> {
    let promise = web_sys::window()?.navigator().storage().estimate().ok()?;
    let value = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let get = |name: &str| js_sys::Reflect::get(&value, &name.into()).ok()?.as_f64();
    Some(StorageEstimate {
        usage: get("usage")?,
        quota: get("quota")?,
    })
}
