//! Sync on the tablet: enrolment, then counts up and lists down, by hand
//! (the sync button) and by itself (at start, when a network appears, after
//! new records, and again with growing pauses after a failure).
//!
//! The payload is built by core from the stored counters; storage keeps
//! what was acknowledged; transport carries the bytes.

use crate::storage::{request_persistence, Identity, Storage, StorageError, SyncState};
use crate::transport::{self, TransportError};
use gloo_timers::callback::Timeout;
use jianzheng_core::catalogue::ListsFile;
use jianzheng_core::i18n::{Lang, Msg};
use jianzheng_core::ledger::{Counters, Period};
use jianzheng_core::sync::{encode, normalize_code, public_key, CountsPayload};
use jianzheng_core::values::{AreaCode, LedgerLabel, ValueError, VillageCode};
use leptos::prelude::*;
use std::rc::Rc;

/// A step of a sync, in order; the clerk sees which one is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Reading the counters and signing the payload.
    Build,
    /// Sending it.
    Upload,
    /// Fetching the newest lists.
    Lists,
}

impl Step {
    /// The words for the step.
    pub fn words(self) -> Msg {
        match self {
            Step::Build => Msg::SyncStepBuild,
            Step::Upload => Msg::SyncStepUpload,
            Step::Lists => Msg::SyncStepLists,
        }
    }

    /// Its place, 1 to [`Step::COUNT`].
    pub fn number(self) -> u32 {
        self as u32 + 1
    }

    /// How many steps a sync has.
    pub const COUNT: u32 = 3;
}

/// Why enrolment or a sync failed.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncFailure {
    /// The tablet has no village and label yet, or no enrolment.
    NotEnrolled,
    /// The typed code cannot be a code.
    MalformedCode,
    /// The tablet's village code or label breaks a rule (set up before
    /// the rule was checked).
    Invalid(ValueError),
    /// The device database failed.
    Storage(String),
    /// The town server could not be reached or refused.
    Transport(TransportError),
}

impl SyncFailure {
    /// The reason, for the clerk.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SyncFailure::NotEnrolled => Msg::NotEnrolled.text(lang).to_owned(),
            SyncFailure::MalformedCode => Msg::EnrolCodeMalformed.text(lang).to_owned(),
            SyncFailure::Invalid(err) => err.message(lang),
            SyncFailure::Storage(err) => format!("{}: {err}", Msg::StorageFailed.text(lang)),
            SyncFailure::Transport(err) => err.message(lang),
        }
    }

    fn is_transient(&self) -> bool {
        matches!(self, SyncFailure::Transport(err) if err.is_transient())
    }
}

impl From<StorageError> for SyncFailure {
    fn from(err: StorageError) -> Self {
        SyncFailure::Storage(err.to_string())
    }
}

impl From<TransportError> for SyncFailure {
    fn from(err: TransportError) -> Self {
        SyncFailure::Transport(err)
    }
}

/// What a successful sync did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncReport {
    /// The months sent.
    pub months: Vec<Period>,
    /// Lists taken (`id@version`).
    pub lists_changed: Vec<String>,
}

/// Where sync stands, for the clerk.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncStatus {
    /// Nothing running.
    Idle,
    /// A sync is at this step.
    Running(Step),
    /// The last sync succeeded.
    Done(SyncReport),
    /// The last sync failed; `retry` says whether it will be tried again by itself.
    Failed {
        /// Why.
        failure: SyncFailure,
        /// Whether a retry is scheduled.
        retry: bool,
    },
}

/// A signed payload ready to go, and what sending it acknowledges.
pub struct Prepared {
    /// The signed bytes (what a report file holds).
    pub bytes: Vec<u8>,
    /// The periods it carries, with whether each is closed.
    pub periods: Vec<(Period, bool)>,
    /// The ledger position it covers.
    pub seq: u64,
    /// The counters it was made from: what the server's answer
    /// acknowledges, and nothing recorded since.
    pub counters: Counters,
}

/// The device clock as ISO 8601.
fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// The signed payload of every period the server has not acknowledged in
/// its present state; `None` if there is nothing new.
pub async fn prepare(db: &Storage) -> Result<Option<Prepared>, SyncFailure> {
    let (Some(writer), Some(identity)) = (db.writer().await?, db.identity().await?) else {
        return Err(SyncFailure::NotEnrolled);
    };
    let (seq, counters) = db.counters_at_head().await?;
    let periods = db
        .acknowledged()
        .await?
        .open_periods(&counters, &db.closed_periods().await?);
    if periods.is_empty() {
        return Ok(None);
    }
    let payload = CountsPayload::from_counters(
        &writer,
        public_key(&identity.secret),
        identity.incarnation,
        &now_iso(),
        &counters,
        &periods,
    )
    .with_voided(db.voided_numbers().await?);
    Ok(Some(Prepared {
        bytes: encode(&payload, &identity.secret),
        periods,
        seq,
        counters,
    }))
}

fn random_secret() -> Result<[u8; 32], SyncFailure> {
    let mut secret = [0u8; 32];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut secret).ok())
        .ok_or_else(|| SyncFailure::Storage("no secure random numbers".into()))?;
    Ok(secret)
}

/// Enrols this tablet with a code typed or scanned: a new key pair, the
/// next incarnation, registered with the town for this tablet's village
/// and ledger.
pub async fn enrol(db: &Storage, typed: &str) -> Result<Identity, SyncFailure> {
    let code = normalize_code(typed).ok_or(SyncFailure::MalformedCode)?;
    let writer = db.writer().await?.ok_or(SyncFailure::NotEnrolled)?;
    let village: VillageCode = writer.village.parse().map_err(SyncFailure::Invalid)?;
    let ledger: LedgerLabel = writer.device.parse().map_err(SyncFailure::Invalid)?;
    let secret = random_secret()?;
    let incarnation = db.next_incarnation().await?;
    let identity = Identity {
        secret,
        incarnation,
        village: writer.village.clone(),
    };
    // The key is on disk before the server can use up the code.
    db.set_pending_enrolment(&identity).await?;
    let sent = transport::enrol(&code, &secret, incarnation, village, ledger).await;
    match sent {
        Ok(_) => {}
        // The server refused: the code is unused, the kept key worthless.
        Err(e @ TransportError::Rejected(..)) if !e.is_transient() => {
            db.clear_pending_enrolment().await?;
            return Err(e.into());
        }
        // No answer (or a failure on its side): the server may have taken
        // it; the kept key is adopted when the tablet next starts, or
        // replaced by a new try.
        Err(e) => return Err(e.into()),
    }
    db.set_identity(&identity).await?;
    request_persistence().await;
    Ok(identity)
}

/// Takes a lists file on top of the lists in force, keeping every version
/// taken (a record prints from the one it names); stores and installs the
/// lists in force after it. Returns what changed.
pub async fn take_lists(db: &Storage, file: &ListsFile) -> Result<Vec<String>, String> {
    let mut kept = db.kept_lists().await.map_err(|e| e.to_string())?;
    let update = kept.keep(file).map_err(|e| e.to_string())?;
    if !update.changed.is_empty() {
        db.set_kept_lists(&kept).await.map_err(|e| e.to_string())?;
        crate::checker::install(update.catalogue);
    }
    Ok(update.changed)
}

async fn run(db: &Storage, status: RwSignal<SyncStatus>) -> Result<SyncReport, SyncFailure> {
    status.set(SyncStatus::Running(Step::Build));
    let mut report = SyncReport::default();
    if let Some(prepared) = prepare(db).await? {
        status.set(SyncStatus::Running(Step::Upload));
        transport::push_counts(&prepared.bytes).await?;
        let mut acked = db.acknowledged().await?;
        // What the payload carried, not the counters now: a record saved
        // during the upload is still to be sent.
        acked.acknowledge(&prepared.counters, &prepared.periods);
        db.mark_synced(&acked, prepared.seq).await?;
        report.months = prepared.periods.iter().map(|(p, _)| *p).collect();
    }
    status.set(SyncStatus::Running(Step::Lists));
    // The lists in force at the tablet's village: its town's first.
    let village = db
        .writer()
        .await?
        .and_then(|w| w.village.parse::<AreaCode>().ok());
    let lists = transport::fetch_lists(village.as_ref()).await?;
    report.lists_changed = take_lists(db, &lists).await.map_err(SyncFailure::Storage)?;
    // What the village's papers print about the town (its complaint phone).
    if let Some(village) = &village {
        crate::contact::remember(&transport::fetch_contact(village).await?);
    }
    Ok(report)
}

/// Longest pause between automatic retries.
const MAX_BACKOFF_S: u32 = 600;
/// Pause after new records before syncing them by itself.
const AFTER_RECORD_S: u32 = 20;

/// The tablet's sync, shared by the clerk's views.
#[derive(Clone, Copy)]
pub struct SyncAgent {
    db: StoredValue<Option<Rc<Storage>>, LocalStorage>,
    /// Where sync stands.
    pub status: RwSignal<SyncStatus>,
    /// The last success and failure, as stored.
    pub state: RwSignal<SyncState>,
    /// Bumped when a sync changed what is stored (acknowledged, lists).
    pub changed: RwSignal<u32>,
    /// Whether the tablet is enrolled (automatic syncs wait for it).
    pub enrolled: RwSignal<bool>,
    failures: StoredValue<u32>,
    timer: StoredValue<Option<Timeout>, LocalStorage>,
}

impl SyncAgent {
    /// An agent over `db`; syncs once now and whenever the browser comes online.
    pub fn start(db: Rc<Storage>) -> SyncAgent {
        let agent = SyncAgent {
            db: StoredValue::new_local(Some(db.clone())),
            status: RwSignal::new(SyncStatus::Idle),
            state: RwSignal::new(SyncState::default()),
            changed: RwSignal::new(0),
            enrolled: RwSignal::new(false),
            failures: StoredValue::new(0),
            timer: StoredValue::new_local(None),
        };
        leptos::task::spawn_local(async move {
            // A failed read stops here and is shown: it is not taken for a
            // tablet that never synced or never enrolled.
            if let Err(err) = agent.resume(&db).await {
                agent.status.set(SyncStatus::Failed {
                    failure: err.into(),
                    retry: false,
                });
            }
        });
        let online = window_event_listener(leptos::ev::online, move |_| {
            if agent.enrolled.get_untracked() {
                agent.sync_now();
            }
        });
        on_cleanup(move || {
            online.remove();
            agent.timer.set_value(None);
        });
        agent
    }

    /// Takes up where the tablet stood: the stored sync state, an
    /// enrolment kept but never confirmed (the tab stopped while the server
    /// answered: the server may know its key), and a first sync if enrolled.
    async fn resume(self, db: &Storage) -> Result<(), StorageError> {
        self.state.set(db.sync_state().await?);
        if let Some(pending) = db.pending_enrolment().await? {
            db.set_identity(&pending).await?;
        }
        if db.identity().await?.is_some() {
            self.enrolled.set(true);
            self.sync_now();
        }
        Ok(())
    }

    /// Starts a sync unless one is running.
    pub fn sync_now(self) {
        if matches!(self.status.get_untracked(), SyncStatus::Running(_)) {
            return;
        }
        let Some(db) = self.db.with_value(Clone::clone) else {
            return;
        };
        self.timer.set_value(None);
        leptos::task::spawn_local(async move {
            let result = run(&db, self.status).await;
            // The stored state could not be read: it is left as it is (a
            // fresh one written over it would lose it), and the failure shown.
            let mut state = match db.sync_state().await {
                Ok(state) => state,
                Err(err) => {
                    self.status.set(SyncStatus::Failed {
                        failure: err.into(),
                        retry: false,
                    });
                    self.changed.update(|n| *n += 1);
                    return;
                }
            };
            match result {
                Ok(report) => {
                    self.failures.set_value(0);
                    state.last_success = Some(now_iso());
                    state.last_failure = None;
                    self.status.set(SyncStatus::Done(report));
                }
                Err(failure) => {
                    // Stored in Chinese and English alike: the reason as the clerk read it.
                    let reason = format!(
                        "{} / {}",
                        failure.message(Lang::Zh),
                        failure.message(Lang::En)
                    );
                    state.last_failure = Some((now_iso(), reason));
                    let retry = failure.is_transient();
                    if retry {
                        let n = self.failures.get_value() + 1;
                        self.failures.set_value(n);
                        self.schedule((5u32 << n.min(7)).min(MAX_BACKOFF_S));
                    }
                    self.status.set(SyncStatus::Failed { failure, retry });
                }
            }
            if let Err(err) = db.set_sync_state(&state).await {
                self.status.set(SyncStatus::Failed {
                    failure: err.into(),
                    retry: false,
                });
            }
            self.state.set(state);
            self.changed.update(|n| *n += 1);
        });
    }

    /// Syncs by itself after new records, unless a sync is already due sooner.
    pub fn after_record(self) {
        if self.enrolled.get_untracked() && self.timer.with_value(Option::is_none) {
            self.schedule(AFTER_RECORD_S);
        }
    }

    fn schedule(self, seconds: u32) {
        let timeout = Timeout::new(seconds * 1000, move || self.sync_now());
        self.timer.set_value(Some(timeout));
    }
}
