//! The device database in a real browser (headless Chromium, real IndexedDB).
#![cfg(target_arch = "wasm32")]

use jianzheng_app::storage::{
    CloseError, RecordError, RestoreError, Storage, StorageError, EVENTS_STORE, SCHEMA_VERSION,
    STORES,
};
use jianzheng_core::catalogue::{Catalogue, List, ListsFile, Recorded, LISTS_FILE_FORMAT};
use jianzheng_core::check::Decision;
use jianzheng_core::ledger::{
    verify_chain, AgencyCategory, Backup, BackupError, Counters, Filter, Head, ItemRef, Ledger,
    Limits, Outcome, Page, Period, Request, ValidationError, Writer, BACKUP_FORMAT,
};
use std::collections::BTreeMap;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn fresh(name: &str) -> Storage {
    let storage = Storage::open(name).await.expect("opens");
    storage
        .set_writer(&Writer {
            village: "140105001".into(),
            device: "T1".into(),
        })
        .await
        .expect("writer");
    storage
}

/// The shipped lists: A.. and R.. may be issued, N05 must not, N08 is abolished.
fn catalogue() -> Catalogue {
    Catalogue::default_lists()
}

fn request(outcome: Outcome, code: &str, name: &str) -> Request {
    Request {
        outcome,
        item: ItemRef::Listed {
            code: code.into(),
            list_id: "l".into(),
            list_version: "1".into(),
        },
        agency: "农业银行".into(),
        agency_category: AgencyCategory::Bank,
        purpose: "贷款".into(),
        resident: BTreeMap::from([("姓名".to_owned(), name.to_owned())]),
        reason: None,
        voids: None,
    }
}

#[wasm_bindgen_test]
async fn a_new_database_has_every_store_of_the_schema() {
    let storage = Storage::open("test-schema").await.expect("opens");
    let mut names = storage.store_names();
    names.sort();
    let mut expected: Vec<String> = STORES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(storage.version(), SCHEMA_VERSION);
    storage.close();
}

#[wasm_bindgen_test]
async fn a_strict_write_is_there_after_closing_and_reopening() {
    let storage = Storage::open("test-reopen").await.expect("opens");
    storage
        .put_meta("first_opened_at", &"2026-11-27T21:00:00Z".to_string())
        .await
        .expect("writes");
    storage.close();
    let storage = Storage::open("test-reopen").await.expect("reopens");
    let when: Option<String> = storage.get_meta("first_opened_at").await.expect("reads");
    assert_eq!(when.as_deref(), Some("2026-11-27T21:00:00Z"));
    let missing: Option<u32> = storage.get_meta("never-written").await.expect("reads");
    assert_eq!(missing, None);
    storage.close();
}

#[wasm_bindgen_test]
async fn a_thousand_records_survive_a_reopen_with_counters_equal_to_a_recount() {
    let storage = fresh("test-thousand").await;
    let codes = ["A01", "A02", "N05", "N08", "R01"];
    let catalogue = catalogue();
    for i in 0..1000u32 {
        let code = codes[(i % 5) as usize];
        // N05 and N08 may not be issued: they are refused.
        let outcome = if i % 3 == 0 || code.starts_with('N') {
            Outcome::RefusedRedirected
        } else {
            Outcome::Issued
        };
        let month = 1 + i % 12;
        let time = format!("2026-{month:02}-10T09:00:00Z");
        storage
            .record(
                request(outcome, code, &format!("居民{i}")),
                &catalogue,
                &time,
                &Limits::default(),
            )
            .await
            .expect("records");
    }
    storage.close();

    let storage = Storage::open("test-thousand").await.expect("reopens");
    let events = storage.events().await.unwrap();
    assert_eq!(events.len(), 1000);
    assert_eq!(storage.event_count().await.unwrap(), 1000);
    assert_eq!(verify_chain(&events), Ok(()));
    assert_eq!(
        storage.counters().await.unwrap(),
        Counters::recompute(&events)
    );
    assert_eq!(storage.unsynced().await.unwrap(), 1000);
    let numbers: std::collections::HashSet<_> =
        events.iter().filter_map(|e| e.number.clone()).collect();
    assert_eq!(
        numbers.len(),
        events
            .iter()
            .filter(|e| e.outcome == Outcome::Issued)
            .count()
    );
    storage.close();
}

#[wasm_bindgen_test]
async fn a_void_is_a_new_event_counted_once_and_bad_records_write_nothing() {
    let storage = fresh("test-void").await;
    let limits = Limits::default();
    let issued = storage
        .record(
            request(Outcome::Issued, "A02", "张三"),
            &catalogue(),
            "2026-10-30T09:00:00Z",
            &limits,
        )
        .await
        .unwrap();
    let void = Request::void_of(&issued, "身份证号填错");
    storage
        .record(void.clone(), &catalogue(), "2026-11-02T09:00:00Z", &limits)
        .await
        .unwrap();
    let again = storage
        .record(void, &catalogue(), "2026-11-02T10:00:00Z", &limits)
        .await;
    assert!(matches!(
        again,
        Err(RecordError::Invalid(ValidationError::BadVoid))
    ));

    let mut huge = request(Outcome::Issued, "A02", "李四");
    huge.purpose = "长".repeat(5000);
    assert!(matches!(
        storage
            .record(huge, &catalogue(), "2026-11-02T09:00:00Z", &limits)
            .await,
        Err(RecordError::Invalid(ValidationError::TooLong { .. }))
    ));
    let mut empty = request(Outcome::Issued, "A02", "李四");
    empty.agency.clear();
    assert!(storage
        .record(empty, &catalogue(), "2026-11-02T09:00:00Z", &limits)
        .await
        .is_err());

    let events = storage.events().await.unwrap();
    assert_eq!(events.len(), 2, "refused records left nothing behind");
    let counters = storage.counters().await.unwrap();
    let october = Period {
        year: 2026,
        month: 10,
    };
    assert_eq!(counters.total(october, Outcome::Issued), 1);
    assert_eq!(counters.total(october, Outcome::Void), 1);
    assert_eq!(counters, Counters::recompute(&events));
    storage.close();
}

#[wasm_bindgen_test]
async fn a_tablet_that_is_not_set_up_refuses_to_record() {
    let name = "test-not-set-up";
    let storage = Storage::open(name).await.unwrap();
    let result = storage
        .record(
            request(Outcome::Issued, "A02", "张三"),
            &catalogue(),
            "2026-11-02T09:00:00Z",
            &Limits::default(),
        )
        .await;
    assert!(matches!(result, Err(RecordError::NotSetUp)));
    assert_eq!(storage.event_count().await.unwrap(), 0);
    storage.close();
}

#[wasm_bindgen_test]
async fn a_backup_restores_on_a_wiped_tablet_and_bad_backups_change_nothing() {
    let source = fresh("test-backup-source").await;
    let limits = Limits::default();
    for i in 0..20 {
        source
            .record(
                request(Outcome::Issued, "A02", &format!("居民{i}")),
                &catalogue(),
                "2026-11-02T09:00:00Z",
                &limits,
            )
            .await
            .unwrap();
    }
    let file = source
        .export_backup("2026-11-27T10:00:00Z")
        .await
        .unwrap()
        .unwrap()
        .to_json();

    let wiped = fresh("test-backup-target").await;
    assert_eq!(wiped.restore(&file).await.unwrap(), 20);
    assert_eq!(
        wiped.events().await.unwrap(),
        source.events().await.unwrap()
    );
    assert_eq!(
        wiped.counters().await.unwrap(),
        source.counters().await.unwrap()
    );
    assert_eq!(
        wiped.restore(&file).await.unwrap(),
        0,
        "restoring twice adds nothing"
    );
    // The restored tablet goes on numbering after the last restored certificate.
    let next = wiped
        .record(
            request(Outcome::Issued, "A02", "新居民"),
            &catalogue(),
            "2026-11-03T09:00:00Z",
            &limits,
        )
        .await
        .unwrap();
    assert_eq!(next.number.unwrap().sequence, 21);

    let before = wiped.events().await.unwrap();
    assert!(matches!(
        wiped.restore(&file[..file.len() - 10]).await,
        Err(RestoreError::Backup(BackupError::Malformed(_)))
    ));
    let foreign = String::from_utf8(file.clone())
        .unwrap()
        .replace("140105001", "999999999");
    assert!(matches!(
        wiped.restore(foreign.as_bytes()).await,
        Err(RestoreError::Backup(_))
    ));
    assert!(matches!(
        wiped.restore(&file).await,
        Err(RestoreError::Backup(BackupError::Diverges))
    ));
    assert_eq!(wiped.events().await.unwrap(), before, "nothing changed");
    source.close();
    wiped.close();
}

#[wasm_bindgen_test]
async fn sync_state_survives_a_reopen_and_a_new_enrolment_sends_everything_again() {
    use jianzheng_app::storage::{Identity, SyncState};
    use jianzheng_core::catalogue::{Catalogue, ListsFile};
    let storage = fresh("test-sync-state").await;
    assert!(storage.identity().await.unwrap().is_none());
    assert_eq!(storage.next_incarnation().await.unwrap(), 1);
    storage
        .record(
            request(Outcome::Issued, "A02", "张三"),
            &catalogue(),
            "2026-10-05T09:00:00Z",
            &Limits::default(),
        )
        .await
        .unwrap();
    let identity = Identity {
        secret: [7; 32],
        incarnation: 1,
        village: "140105001".into(),
    };
    storage.set_identity(&identity).await.unwrap();
    let october = Period {
        year: 2026,
        month: 10,
    };
    let september = Period {
        year: 2026,
        month: 9,
    };
    storage.close_period(september, october).await.unwrap();
    let counters = storage.counters().await.unwrap();
    let closed = storage.closed_periods().await.unwrap();
    let mut acked = storage.acknowledged().await.unwrap();
    let open = acked.open_periods(&counters, &closed);
    assert_eq!(open, vec![(september, true), (october, false)]);
    acked.acknowledge(&counters, &open);
    storage
        .mark_synced(&acked, storage.head_seq().await.unwrap())
        .await
        .unwrap();
    let state = SyncState {
        last_success: Some("2026-10-06T08:00:00Z".into()),
        last_failure: None,
    };
    storage.set_sync_state(&state).await.unwrap();
    let lists = ListsFile::of(&Catalogue::default_lists());
    storage.set_kept_lists(&lists).await.unwrap();
    storage.close();

    let storage = Storage::open("test-sync-state").await.unwrap();
    assert_eq!(storage.identity().await.unwrap().unwrap().secret, [7; 32]);
    assert_eq!(storage.unsynced().await.unwrap(), 0);
    assert_eq!(storage.sync_state().await.unwrap(), state);
    assert_eq!(storage.kept_lists().await.unwrap(), lists);
    let acked = storage.acknowledged().await.unwrap();
    let counters = storage.counters().await.unwrap();
    let closed = storage.closed_periods().await.unwrap();
    assert!(acked.open_periods(&counters, &closed).is_empty());

    // Enrolled again (revoked, or the key was lost): the next incarnation,
    // and every month goes up again under it.
    assert_eq!(storage.next_incarnation().await.unwrap(), 2);
    storage
        .set_identity(&Identity {
            incarnation: 2,
            ..identity
        })
        .await
        .unwrap();
    assert_eq!(storage.next_incarnation().await.unwrap(), 3);
    let acked = storage.acknowledged().await.unwrap();
    assert_eq!(acked.open_periods(&counters, &closed).len(), 2);
    storage.close();
}

#[wasm_bindgen_test]
async fn a_kept_enrolment_survives_a_closed_tab_and_is_cleared_once_confirmed() {
    use jianzheng_app::storage::Identity;
    let storage = fresh("test-pending-enrolment").await;
    let pending = Identity {
        secret: [9; 32],
        incarnation: storage.next_incarnation().await.unwrap(),
        village: "140105001".into(),
    };
    storage.set_pending_enrolment(&pending).await.unwrap();
    // The tab dies while the server answers: the key is still there, and
    // its incarnation is not handed out again.
    storage.close();
    let storage = Storage::open("test-pending-enrolment").await.unwrap();
    let kept = storage.pending_enrolment().await.unwrap().expect("kept");
    assert_eq!(kept.secret, [9; 32]);
    assert_eq!(
        storage.next_incarnation().await.unwrap(),
        pending.incarnation + 1
    );
    assert!(storage.identity().await.unwrap().is_none());
    // Confirmed: it is the identity, and no longer pending.
    storage.set_identity(&kept).await.unwrap();
    assert!(storage.pending_enrolment().await.unwrap().is_none());
    assert_eq!(storage.identity().await.unwrap().unwrap().secret, [9; 32]);
    // A refused one is forgotten and changes nothing else.
    let refused = Identity {
        secret: [3; 32],
        incarnation: storage.next_incarnation().await.unwrap(),
        ..kept
    };
    storage.set_pending_enrolment(&refused).await.unwrap();
    storage.clear_pending_enrolment().await.unwrap();
    assert!(storage.pending_enrolment().await.unwrap().is_none());
    assert_eq!(storage.identity().await.unwrap().unwrap().secret, [9; 32]);
    storage.close();
}

#[wasm_bindgen_test]
async fn months_closed_at_once_are_all_kept() {
    let storage = fresh("test-close-at-once").await;
    let month = |m| Period {
        year: 2026,
        month: m,
    };
    // Three clicks in flight at once.
    let (a, b, c) = futures::join!(
        storage.close_period(month(1), month(4)),
        storage.close_period(month(2), month(4)),
        storage.close_period(month(3), month(4)),
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    let closed = storage.closed_periods().await.unwrap();
    assert_eq!(
        closed.into_iter().collect::<Vec<_>>(),
        vec![month(1), month(2), month(3)]
    );
    storage.close();
}

#[wasm_bindgen_test]
async fn a_month_not_over_is_not_closed() {
    let storage = fresh("test-close-not-over").await;
    let month = |m| Period {
        year: 2026,
        month: m,
    };
    for period in [month(11), month(12)] {
        let refused = storage.close_period(period, month(11)).await;
        assert!(
            matches!(refused, Err(CloseError::NotOver(p)) if p == period),
            "{period}"
        );
    }
    assert!(storage.closed_periods().await.unwrap().is_empty());
    storage.close_period(month(10), month(11)).await.unwrap();
    assert_eq!(
        storage
            .closed_periods()
            .await
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        vec![month(10)]
    );
    storage.close();
}

#[wasm_bindgen_test]
async fn an_outcome_the_lists_do_not_permit_is_refused_and_writes_nothing() {
    let storage = fresh("test-not-permitted").await;
    let limits = Limits::default();
    let catalogue = catalogue();
    let refused = storage
        .record(
            request(Outcome::Issued, "N05", "张三"),
            &catalogue,
            "2026-11-02T09:00:00Z",
            &limits,
        )
        .await;
    assert!(matches!(
        refused,
        Err(RecordError::Invalid(ValidationError::NotPermitted {
            decision: Decision::MustNotIssue,
            outcome: Outcome::Issued,
        }))
    ));
    let free_issue = Request {
        item: ItemRef::FreeText {
            text: "收入证明".into(),
        },
        ..request(Outcome::Issued, "", "李四")
    };
    assert!(matches!(
        storage
            .record(free_issue, &catalogue, "2026-11-02T09:00:00Z", &limits)
            .await,
        Err(RecordError::Invalid(ValidationError::NotPermitted {
            decision: Decision::Unknown,
            ..
        }))
    ));
    assert_eq!(storage.event_count().await.unwrap(), 0);
    assert_eq!(storage.counters().await.unwrap(), Counters::default());
    assert_eq!(storage.head_seq().await.unwrap(), 0);
    // The same tablet goes on with the first number: nothing was used up.
    let issued = storage
        .record(
            request(Outcome::Issued, "A02", "张三"),
            &catalogue,
            "2026-11-02T10:00:00Z",
            &limits,
        )
        .await
        .unwrap();
    assert_eq!((issued.seq, issued.number.unwrap().sequence), (1, 1));
    storage.close();
}

#[wasm_bindgen_test]
async fn every_list_version_taken_is_kept_so_an_old_record_prints_as_recorded() {
    let storage = fresh("test-kept-lists").await;
    assert_eq!(storage.kept_lists().await.unwrap(), ListsFile::default());
    let shipped = catalogue();
    let version = |version: &str, published: &str, alias: &str| {
        let mut list: List = shipped.lists()[1].clone();
        list.version = version.into();
        list.published = published.into();
        list.entries[0].aliases = vec![alias.into()];
        ListsFile {
            format: LISTS_FILE_FORMAT,
            lists: vec![list],
        }
    };
    let mut kept = storage.kept_lists().await.unwrap();
    for file in [
        version("2027.1", "2027-01-15", "旧说法"),
        version("2027.2", "2027-03-01", "新说法"),
    ] {
        assert_eq!(kept.keep(&file).unwrap().changed.len(), 1);
        storage.set_kept_lists(&kept).await.unwrap();
    }
    storage.close();

    let storage = Storage::open("test-kept-lists").await.unwrap();
    let kept = storage.kept_lists().await.unwrap();
    let in_force = Catalogue::in_force(&kept.lists).unwrap();
    let list = &in_force.lists()[1];
    assert_eq!(list.version, "2027.2");
    let code = &list.entries[0].code;
    match in_force.as_recorded(&kept.lists, code, &list.id, "2027.1") {
        Some(Recorded::AsRecorded(entry)) => assert_eq!(entry.aliases, ["旧说法"]),
        other => panic!("the old version is kept: {other:?}"),
    }
    // The shipped version it replaced is kept too.
    let shipped_version = &shipped.lists()[1].version;
    assert!(matches!(
        in_force.as_recorded(&kept.lists, code, &list.id, shipped_version),
        Some(Recorded::AsRecorded(_))
    ));
    // A version this tablet never had prints from today's, marked as such.
    assert!(matches!(
        in_force.as_recorded(&kept.lists, code, &list.id, "2026.9"),
        Some(Recorded::Today(_))
    ));

    // Stored lists that do not read back are an error, never the shipped
    // lists in silence.
    let broken = ListsFile {
        format: LISTS_FILE_FORMAT + 8,
        lists: vec![],
    };
    storage.set_kept_lists(&broken).await.unwrap();
    assert!(matches!(
        storage.kept_lists().await,
        Err(StorageError::Unreadable("lists", _))
    ));
    storage.close();
}

/// A ledger of `n` entries over several months and items, built by core
/// as a tablet would have written it.
fn backup_of(n: usize) -> Backup {
    let writer = Writer {
        village: "140105001".into(),
        device: "T1".into(),
    };
    let codes = ["A01", "A02", "A03", "N05"];
    let mut head = Head::empty();
    let mut events = Vec::with_capacity(n);
    for i in 0..n {
        let code = codes[i % codes.len()];
        let outcome = if code == "N05" {
            Outcome::RefusedRedirected
        } else {
            Outcome::Issued
        };
        let month = 1 + (i / 300) % 12;
        let (event, next) = Ledger::append(
            &head,
            &writer,
            request(outcome, code, &format!("居民{i}")),
            &catalogue(),
            None,
            &format!("2025-{month:02}-15T09:00:00Z"),
            &Limits::default(),
        )
        .unwrap();
        events.push(event);
        head = next;
    }
    Backup {
        format: BACKUP_FORMAT,
        village: writer.village,
        device: writer.device,
        exported_at: "2026-11-27T00:00:00Z".into(),
        events,
    }
}

/// The ledger tab's page, found in the search index kept beside the store,
/// is what a search over the whole ledger finds: after a restore, after a
/// record made once the index was built, and after another ledger took
/// this one's place in the store. Its months, items and voided entries
/// come from the store's indices.
#[wasm_bindgen_test]
async fn a_ledger_page_found_in_the_search_index_is_the_head_of_the_whole_search() {
    let name = "test-ledger-pages";
    let storage = fresh(name).await;
    // An empty ledger is an empty page, whatever is asked.
    for filter in [
        Filter::default(),
        Filter {
            text: "张".into(),
            ..Filter::default()
        },
    ] {
        assert_eq!(
            storage.ledger_page(&filter, 50).await.unwrap(),
            Page::default()
        );
    }
    assert_eq!(
        storage.restore(&backup_of(1_200).to_json()).await.unwrap(),
        1_200
    );
    // The index is built now, before the void below is recorded.
    let first = storage.ledger_page(&Filter::default(), 1).await.unwrap();
    assert_eq!(first.events[0].seq, 1_200);
    let voided = storage.event(7).await.unwrap().unwrap();
    storage
        .record(
            Request::void_of(&voided, "填错了身份证号"),
            &catalogue(),
            "2026-11-03T09:00:00Z",
            &Limits::default(),
        )
        .await
        .unwrap();
    let all = storage.events().await.unwrap();
    let filters = [
        Filter::default(),
        // Matches in every batch.
        Filter {
            text: "居民3".into(),
            ..Filter::default()
        },
        // Rare: the one match is the oldest entry, in the last batch read.
        Filter {
            text: "居民0".into(),
            ..Filter::default()
        },
        Filter {
            period: Period::parse("2025-03"),
            item: Some("A02".into()),
            ..Filter::default()
        },
        Filter {
            item: Some("N05".into()),
            outcome: Some(Outcome::RefusedRedirected),
            ..Filter::default()
        },
        Filter {
            outcome: Some(Outcome::Void),
            ..Filter::default()
        },
        Filter {
            text: "nobody".into(),
            ..Filter::default()
        },
    ];
    for filter in filters {
        for size in [1, 60] {
            let page = storage.ledger_page(&filter, size).await.unwrap();
            let whole = filter.apply(&all);
            let seqs: Vec<u64> = page.events.iter().map(|e| e.seq).collect();
            let expected: Vec<u64> = whole.iter().take(size).map(|e| e.seq).collect();
            assert_eq!(seqs, expected, "{filter:?} size {size}");
            assert_eq!(page.more, whole.len() > size, "{filter:?} size {size}");
        }
    }
    let months = storage.ledger_months().await.unwrap();
    // 2025's first four months (300 entries each) and the void's month.
    assert_eq!(months.len(), 4 + 1, "{months:?}");
    assert_eq!(months[0], Period::parse("2026-11").unwrap(), "newest first");
    assert_eq!(
        storage.ledger_items().await.unwrap(),
        ["A01", "A02", "A03", "N05"]
    );
    let voids = storage.voids().await.unwrap();
    assert_eq!(voids.keys().copied().collect::<Vec<_>>(), [7]);
    assert_eq!(voids[&7].reason.as_deref(), Some("填错了身份证号"));
    let void = storage
        .void_of(7)
        .await
        .unwrap()
        .expect("entry 7 is voided");
    assert_eq!(void, voids[&7]);
    assert_eq!(storage.void_of(8).await.unwrap(), None);

    // Another ledger of the same length in the store (another tab wiped
    // and restored it): its newest entry differs, and the index starts
    // again instead of finding the old one's names.
    replace_newest_entry(name, "替换后的居民").await;
    let found = |text: &str| Filter {
        text: text.into(),
        ..Filter::default()
    };
    let page = storage
        .ledger_page(&found("替换后的居民"), 5)
        .await
        .unwrap();
    assert_eq!(
        page.events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1_201]
    );
    let all = storage.events().await.unwrap();
    let page = storage.ledger_page(&found("居民11"), 500).await.unwrap();
    assert_eq!(page.events.len(), found("居民11").apply(&all).len());
    storage.close();
}

/// Rewrites the newest entry of the store `name` as another ledger's:
/// another resident's name, another hash.
async fn replace_newest_entry(name: &str, resident: &str) {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    use wasm_bindgen::JsValue;
    let db = Database::open(name).await.expect("opens raw");
    let tx = db
        .transaction(EVENTS_STORE)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    let store = tx.object_store(EVENTS_STORE).unwrap();
    let newest: JsValue = store
        .get_all::<JsValue>()
        .await
        .unwrap()
        .map(Result::unwrap)
        .last()
        .expect("an entry");
    let mut entry: serde_json::Value = serde_wasm_bindgen::from_value(newest).unwrap();
    entry["resident"] = serde_json::json!({ "姓名": resident });
    entry["hash"] = serde_json::json!("another-ledger");
    let json = serde_json::to_string(&entry).unwrap();
    store
        .put(js_sys::JSON::parse(&json).unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    db.close();
}

/// Rewrites every value of `name` as the builds before JSON storage wrote
/// it: through serde-wasm-bindgen with maps as objects, which leaves an
/// absent option `undefined` where JSON writes `null`.
async fn rewrite_as_earlier_builds(name: &str) {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    use jianzheng_app::storage::META_STORE;
    use serde::Serialize;
    use wasm_bindgen::JsValue;
    let db = Database::open(name).await.expect("opens raw");
    let earlier = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    for store_name in STORES {
        let tx = db
            .transaction(*store_name)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .unwrap();
        let store = tx.object_store(store_name).unwrap();
        let keys: Vec<JsValue> = store
            .get_all_keys::<JsValue>()
            .await
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let values: Vec<JsValue> = store
            .get_all::<JsValue>()
            .await
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(!values.is_empty(), "{store_name} holds values to rewrite");
        for (key, value) in keys.into_iter().zip(values) {
            let plain: serde_json::Value = serde_wasm_bindgen::from_value(value).unwrap();
            let written = plain.serialize(&earlier).unwrap();
            if *store_name == META_STORE {
                store
                    .put(written)
                    .with_key(key)
                    .without_key_type()
                    .await
                    .unwrap();
            } else {
                store.put(written).await.unwrap();
            }
        }
        tx.commit().await.unwrap();
    }
    db.close();
}

#[wasm_bindgen_test]
async fn what_earlier_builds_stored_reads_back_the_same_and_the_ledger_goes_on() {
    use jianzheng_app::storage::{Identity, SyncState};
    let name = "test-earlier-builds";
    let storage = fresh(name).await;
    let catalogue = catalogue();
    let limits = Limits::default();
    let issued = storage
        .record(
            request(Outcome::Issued, "A02", "张三"),
            &catalogue,
            "2026-09-05T09:00:00Z",
            &limits,
        )
        .await
        .unwrap();
    storage
        .record(
            request(Outcome::RefusedRedirected, "N05", "李四"),
            &catalogue,
            "2026-10-05T09:00:00Z",
            &limits,
        )
        .await
        .unwrap();
    let void = Request::void_of(&issued, "身份证号填错");
    storage
        .record(void, &catalogue, "2026-10-06T09:00:00Z", &limits)
        .await
        .unwrap();
    let october = Period {
        year: 2026,
        month: 10,
    };
    storage
        .close_period(
            Period {
                year: 2026,
                month: 9,
            },
            october,
        )
        .await
        .unwrap();
    storage
        .set_identity(&Identity {
            secret: [7; 32],
            incarnation: 1,
            village: "140105001".into(),
        })
        .await
        .unwrap();
    let state = SyncState {
        last_success: None,
        last_failure: Some(("2026-10-06T10:00:00Z".into(), "offline".into())),
    };
    storage.set_sync_state(&state).await.unwrap();
    let events = storage.events().await.unwrap();
    let counters = storage.counters().await.unwrap();
    let page = storage.ledger_page(&Filter::default(), 10).await.unwrap();
    storage.close();

    rewrite_as_earlier_builds(name).await;

    let storage = Storage::open(name).await.expect("reopens");
    assert_eq!(storage.events().await.unwrap(), events);
    assert!(events
        .iter()
        .any(|e| e.number.is_none() && e.voids.is_none()));
    assert_eq!(storage.counters().await.unwrap(), counters);
    assert_eq!(
        storage.ledger_page(&Filter::default(), 10).await.unwrap(),
        page
    );
    assert_eq!(
        storage
            .voids()
            .await
            .unwrap()
            .into_keys()
            .collect::<Vec<_>>(),
        [issued.seq]
    );
    assert_eq!(
        storage.voided_numbers().await.unwrap(),
        vec![issued.number.clone().unwrap()]
    );
    assert_eq!(
        storage.closed_periods().await.unwrap(),
        [Period {
            year: 2026,
            month: 9
        }]
        .into()
    );
    assert_eq!(storage.sync_state().await.unwrap(), state);
    assert_eq!(
        storage.identity().await.unwrap().map(|i| i.secret),
        Some([7; 32])
    );
    assert_eq!(storage.head_seq().await.unwrap(), 3);
    // The chain goes on from the head the earlier build stored.
    storage
        .record(
            request(Outcome::Issued, "A01", "王五"),
            &catalogue,
            "2026-10-07T09:00:00Z",
            &limits,
        )
        .await
        .unwrap();
    let events = storage.events().await.unwrap();
    assert_eq!(events.len(), 4);
    assert_eq!(verify_chain(&events), Ok(()));
    assert_eq!(
        storage.counters().await.unwrap(),
        Counters::recompute(&events)
    );
    storage.close();
}

#[wasm_bindgen_test]
async fn a_record_saved_during_an_upload_is_still_to_be_sent_after_it() {
    let storage = fresh("test-record-during-upload").await;
    let record = |name: &'static str| {
        let storage = &storage;
        async move {
            storage
                .record(
                    request(Outcome::Issued, "A02", name),
                    &catalogue(),
                    "2026-10-05T09:00:00Z",
                    &Limits::default(),
                )
                .await
                .unwrap();
        }
    };
    record("张三").await;
    // A sync takes its snapshot: the head and the counters of one moment.
    let (seq, sent) = storage.counters_at_head().await.unwrap();
    assert_eq!(seq, 1);
    let closed = storage.closed_periods().await.unwrap();
    let mut acked = storage.acknowledged().await.unwrap();
    let open = acked.open_periods(&sent, &closed);
    assert_eq!(open.len(), 1);
    // While the upload is on its way, the clerk records another.
    record("李四").await;
    // The server's answer acknowledges what was sent, not what is there now.
    acked.acknowledge(&sent, &open);
    storage.mark_synced(&acked, seq).await.unwrap();
    assert_eq!(storage.unsynced().await.unwrap(), 1, "one still to send");
    let (_, now) = storage.counters_at_head().await.unwrap();
    let acked = storage.acknowledged().await.unwrap();
    let october = Period {
        year: 2026,
        month: 10,
    };
    assert_eq!(acked.open_periods(&now, &closed), vec![(october, false)]);
    assert_eq!(
        now.cells().map(|(_, n)| n).sum::<u64>(),
        2,
        "the next sync carries both"
    );
    storage.close();
}
