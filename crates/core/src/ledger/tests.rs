use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The shipped lists: A.. and R.. may be issued, N05 must not, N08 is abolished.
fn catalogue() -> Catalogue {
    Catalogue::default_lists()
}

fn writer() -> Writer {
    Writer {
        village: "140105001".into(),
        device: "T1".into(),
    }
}

fn request(outcome: Outcome, code: &str) -> Request {
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
        resident: BTreeMap::from([("姓名".to_owned(), "张三".to_owned())]),
        reason: None,
        voids: None,
    }
}

/// A void of event `seq`, as the clerk's ledger builds it.
fn void_of(seq: u64) -> Request {
    let mut target = sample_target();
    target.seq = seq;
    Request::void_of(&target, "填错了身份证号")
}

/// An issued event to point a void at (the ledger looks the real one up).
fn sample_target() -> Event {
    let (event, _) = Ledger::append(
        &Head::empty(),
        &writer(),
        request(Outcome::Issued, "A02"),
        &catalogue(),
        None,
        "2026-10-01T10:00:00Z",
        &Limits::default(),
    )
    .unwrap();
    event
}

/// Appends requests in order (voids target the event they name).
fn ledger(requests: Vec<(Request, &str)>) -> Result<Vec<Event>, ValidationError> {
    let mut events: Vec<Event> = Vec::new();
    let mut head = Head::empty();
    let catalogue = catalogue();
    for (req, time) in requests {
        let target = req
            .voids
            .and_then(|seq| events.iter().find(|e| e.seq == seq))
            .map(|event| VoidTarget {
                event,
                already_voided: events.iter().any(|e| e.voids == Some(event.seq)),
            });
        let (event, next) = Ledger::append(
            &head,
            &writer(),
            req,
            &catalogue,
            target,
            time,
            &Limits::default(),
        )?;
        events.push(event);
        head = next;
    }
    Ok(events)
}

#[test]
fn issued_certificates_are_numbered_per_device_and_year_and_refusals_are_not() {
    let events = ledger(vec![
        (request(Outcome::Issued, "A02"), "2026-12-30T10:00:00Z"),
        (
            request(Outcome::RefusedRedirected, "N05"),
            "2026-12-30T11:00:00Z",
        ),
        (request(Outcome::Issued, "A03"), "2026-12-31T10:00:00Z"),
        (request(Outcome::Issued, "A02"), "2027-01-02T10:00:00Z"),
        // The tablet's clock is set back into the old year: no number repeats.
        (request(Outcome::Issued, "A02"), "2026-12-31T23:00:00Z"),
    ])
    .unwrap();
    let numbers: Vec<Option<String>> = events
        .iter()
        .map(|e| e.number.as_ref().map(|n| n.to_string()))
        .collect();
    assert_eq!(
        numbers,
        [
            Some("140105001-2026-T1-0001".to_owned()),
            None,
            Some("140105001-2026-T1-0002".to_owned()),
            Some("140105001-2027-T1-0001".to_owned()),
            Some("140105001-2026-T1-0003".to_owned()),
        ]
    );
    assert_eq!(Head::after(&events).issued.get(&2027), Some(&1));
}

#[test]
fn the_chain_shows_an_edit_a_gap_and_a_reordering() {
    let events = ledger(vec![
        (request(Outcome::Issued, "A02"), "2026-11-01T10:00:00Z"),
        (
            request(Outcome::RefusedRedirected, "N05"),
            "2026-11-02T10:00:00Z",
        ),
        (request(Outcome::Issued, "A03"), "2026-11-03T10:00:00Z"),
    ])
    .unwrap();
    assert_eq!(verify_chain(&events), Ok(()));

    let mut edited = events.clone();
    edited[1].agency = "别的单位".into();
    assert_eq!(verify_chain(&edited), Err(ChainError::Altered(2)));

    let gap = vec![events[0].clone(), events[2].clone()];
    assert_eq!(
        verify_chain(&gap),
        Err(ChainError::Gap {
            previous: 1,
            found: 3
        })
    );

    let mut relinked = events.clone();
    relinked[2].prev_hash = events[0].hash.clone();
    assert_eq!(verify_chain(&relinked), Err(ChainError::Unlinked(3)));
}

#[test]
fn a_void_counts_in_the_month_of_the_certificate_it_voids() {
    let events = ledger(vec![
        (request(Outcome::Issued, "A02"), "2026-10-31T10:00:00Z"),
        (void_of(1), "2026-11-02T10:00:00Z"),
    ])
    .unwrap();
    let counters = Counters::recompute(&events);
    let october = Period {
        year: 2026,
        month: 10,
    };
    assert_eq!(counters.total(october, Outcome::Issued), 1);
    assert_eq!(counters.total(october, Outcome::Void), 1);
    assert_eq!(
        counters.total(
            Period {
                year: 2026,
                month: 11
            },
            Outcome::Void
        ),
        0
    );
}

#[test]
fn bad_records_are_refused_with_a_reason_in_both_languages() {
    let limits = Limits::default();
    let mut no_agency = request(Outcome::Issued, "A02");
    no_agency.agency = "  ".into();
    let mut huge = request(Outcome::Issued, "A02");
    huge.purpose = "很".repeat(10_000);
    let unlisted = Request {
        item: ItemRef::FreeText {
            text: "收入证明".into(),
        },
        ..request(Outcome::IssuedUnlisted, "")
    };
    let mut empty_text = unlisted.clone();
    empty_text.item = ItemRef::FreeText { text: " ".into() };
    for (req, expected) in [
        (no_agency, ValidationError::Missing("agency")),
        (
            huge,
            ValidationError::TooLong {
                field: "purpose".into(),
                max: 200,
            },
        ),
        (unlisted, ValidationError::ReasonRequired(4)),
        (empty_text, ValidationError::Missing("item")),
    ] {
        let decision = Decision::of_item(&req.item, &catalogue());
        let err = validate(&req, decision, None, &limits).unwrap_err();
        assert_eq!(err, expected);
        assert!(
            !err.message(crate::i18n::Lang::Zh).is_empty()
                && !err.message(crate::i18n::Lang::En).is_empty()
        );
    }
    let err = ledger(vec![(request(Outcome::Issued, "A02"), "garbage")]).unwrap_err();
    assert_eq!(err, ValidationError::BadTime);
}

#[test]
fn only_an_issued_certificate_can_be_voided_and_only_once() {
    let refusal_void = ledger(vec![
        (
            request(Outcome::RefusedRedirected, "N05"),
            "2026-11-01T10:00:00Z",
        ),
        (void_of(1), "2026-11-01T11:00:00Z"),
    ]);
    assert_eq!(refusal_void.unwrap_err(), ValidationError::BadVoid);
    let twice = ledger(vec![
        (request(Outcome::Issued, "A02"), "2026-11-01T10:00:00Z"),
        (void_of(1), "2026-11-01T11:00:00Z"),
        (void_of(1), "2026-11-01T12:00:00Z"),
    ]);
    assert_eq!(twice.unwrap_err(), ValidationError::BadVoid);
    let missing = ledger(vec![(void_of(7), "2026-11-01T11:00:00Z")]);
    assert_eq!(missing.unwrap_err(), ValidationError::BadVoid);
}

#[test]
fn an_outcome_the_items_decision_does_not_permit_is_refused() {
    let free = |outcome| Request {
        item: ItemRef::FreeText {
            text: "收入证明".into(),
        },
        reason: Some("银行坚持要".into()),
        ..request(outcome, "")
    };
    let unlisted = |code| Request {
        reason: Some("银行坚持要".into()),
        ..request(Outcome::IssuedUnlisted, code)
    };
    let refused = |decision, outcome| ValidationError::NotPermitted { decision, outcome };
    for (req, expected) in [
        (
            request(Outcome::Issued, "N05"),
            refused(Decision::MustNotIssue, Outcome::Issued),
        ),
        (
            request(Outcome::Issued, "N08"),
            refused(Decision::Abolished, Outcome::Issued),
        ),
        (
            request(Outcome::Issued, "Z99"),
            refused(Decision::Unknown, Outcome::Issued),
        ),
        (
            free(Outcome::Issued),
            refused(Decision::Unknown, Outcome::Issued),
        ),
        (
            unlisted("A02"),
            refused(Decision::MayIssue, Outcome::IssuedUnlisted),
        ),
    ] {
        let err = ledger(vec![(req, "2026-11-01T10:00:00Z")]).unwrap_err();
        assert_eq!(err, expected);
        let (zh, en) = (
            err.message(crate::i18n::Lang::Zh),
            err.message(crate::i18n::Lang::En),
        );
        assert!(zh != en && !zh.is_empty() && !en.is_empty(), "{err:?}");
    }
    // What each decision permits is written.
    let events = ledger(vec![
        (request(Outcome::Issued, "A02"), "2026-11-01T10:00:00Z"),
        (unlisted("N05"), "2026-11-01T11:00:00Z"),
        (unlisted("N08"), "2026-11-01T12:00:00Z"),
        (free(Outcome::IssuedUnlisted), "2026-11-01T13:00:00Z"),
        (
            request(Outcome::RefusedRedirected, "A02"),
            "2026-11-01T14:00:00Z",
        ),
        (void_of(2), "2026-11-01T15:00:00Z"),
    ])
    .unwrap();
    assert_eq!(events.len(), 6);
}

fn sample() -> Vec<Event> {
    ledger(vec![
        (request(Outcome::Issued, "A02"), "2026-11-01T10:00:00Z"),
        (
            request(Outcome::RefusedRedirected, "N05"),
            "2026-11-02T10:00:00Z",
        ),
    ])
    .unwrap()
}

fn backup(events: Vec<Event>) -> Backup {
    Backup {
        format: BACKUP_FORMAT,
        village: "140105001".into(),
        device: "T1".into(),
        exported_at: "2026-11-27T10:00:00Z".into(),
        events,
    }
}

#[test]
fn a_backup_restores_what_the_tablet_lacks() {
    let events = sample();
    let file = backup(events.clone()).to_json();
    let parsed = Backup::parse(&file, "140105001").unwrap();
    assert_eq!(parsed.missing_from(&[]).unwrap(), events.as_slice());
    assert_eq!(parsed.missing_from(&events[..1]).unwrap(), &events[1..]);
    assert!(parsed.missing_from(&events).unwrap().is_empty());
}

#[test]
fn a_corrupt_foreign_or_diverging_backup_is_refused() {
    let events = sample();
    let file = backup(events.clone()).to_json();
    assert!(matches!(
        Backup::parse(&file, "999999999"),
        Err(BackupError::WrongVillage { .. })
    ));
    assert!(matches!(
        Backup::parse(&file[..file.len() / 2], "140105001"),
        Err(BackupError::Malformed(_))
    ));
    let tampered = String::from_utf8(file.clone())
        .unwrap()
        .replace("农业银行", "建设银行");
    assert!(matches!(
        Backup::parse(tampered.as_bytes(), "140105001"),
        Err(BackupError::Broken(_))
    ));
    let newer = String::from_utf8(file)
        .unwrap()
        .replacen("\"format\":1", "\"format\":9", 1);
    assert_eq!(
        Backup::parse(newer.as_bytes(), "140105001"),
        Err(BackupError::UnsupportedFormat(9))
    );

    // The tablet wrote something after the backup was taken elsewhere.
    let other = ledger(vec![(
        request(Outcome::Issued, "A04"),
        "2026-11-05T10:00:00Z",
    )])
    .unwrap();
    let parsed = Backup::parse(&backup(events).to_json(), "140105001").unwrap();
    assert_eq!(parsed.missing_from(&other), Err(BackupError::Diverges));
}

#[derive(Clone, Debug)]
enum Step {
    Issue(u8, u8),
    Refuse(u8, u8),
    Unlisted(u8),
    Void(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u8..5, 1u8..13).prop_map(|(i, m)| Step::Issue(i, m)),
        (0u8..5, 1u8..13).prop_map(|(i, m)| Step::Refuse(i, m)),
        (1u8..13).prop_map(Step::Unlisted),
        any::<usize>().prop_map(Step::Void),
    ]
}

proptest! {
    #[test]
    fn counters_kept_as_events_are_written_equal_a_recomputation(steps in proptest::collection::vec(step(), 0..120)) {
        let mut events: Vec<Event> = Vec::new();
        let mut head = Head::empty();
        let mut counters = Counters::default();
        let catalogue = catalogue();
        for step in steps {
            let codes = ["A01", "A02", "N05", "N08", "R01"];
            let (req, month) = match step {
                Step::Issue(i, m) => (request(Outcome::Issued, codes[usize::from(i)]), m),
                Step::Refuse(i, m) => (request(Outcome::RefusedRedirected, codes[usize::from(i)]), m),
                Step::Unlisted(m) => (Request {
                    item: ItemRef::FreeText { text: "收入证明".into() },
                    reason: Some("银行坚持要".into()),
                    ..request(Outcome::IssuedUnlisted, "")
                }, m),
                Step::Void(k) => {
                    let issued: Vec<&Event> = events.iter().filter(|e| e.number.is_some()).collect();
                    if issued.is_empty() { continue; }
                    (void_of(issued[k % issued.len()].seq), 12)
                }
            };
            let target = req.voids.and_then(|seq| events.iter().find(|e| e.seq == seq)).map(|event| VoidTarget {
                event,
                already_voided: events.iter().any(|e| e.voids == Some(event.seq)),
            });
            let time = format!("2026-{month:02}-15T09:00:00Z");
            let Ok((event, next)) = Ledger::append(&head, &writer(), req, &catalogue, target, &time, &Limits::default()) else {
                continue; // an issue of N05 or N08, or a second void of the same certificate, is refused
            };
            let voided = event.voids.and_then(|seq| events.iter().find(|e| e.seq == seq));
            counters.apply(&event, voided);
            events.push(event);
            head = next;
        }
        prop_assert_eq!(&counters, &Counters::recompute(&events));
        prop_assert_eq!(verify_chain(&events), Ok(()));
        let numbers: std::collections::HashSet<_> = events.iter().filter_map(|e| e.number.clone()).collect();
        prop_assert_eq!(numbers.len(), events.iter().filter(|e| e.number.is_some()).count());
    }

    #[test]
    fn certificate_numbers_round_trip_through_text(
        village in "[0-9A-Za-z-]{1,12}", year in 2000i32..2100, device in "[0-9A-Za-z]{1,6}", sequence in 1u32..100_000
    ) {
        let number = CertificateNumber { village, year, device, sequence };
        prop_assert_eq!(number.to_string().parse::<CertificateNumber>(), Ok(number));
    }

    #[test]
    fn restoring_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Backup::parse(&bytes, "140105001");
    }
}

#[test]
fn the_ledger_is_searched_by_name_number_month_item_and_outcome() {
    let mut events = sample();
    let mut li_si = request(Outcome::Issued, "A03");
    li_si.resident = BTreeMap::from([("姓名".to_owned(), "李四".to_owned())]);
    let (third, _) = Ledger::append(
        &Head::after(&events),
        &writer(),
        li_si,
        &catalogue(),
        None,
        "2026-12-01T10:00:00Z",
        &Limits::default(),
    )
    .unwrap();
    events.push(third);
    let seqs = |f: &Filter| f.apply(&events).iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(&Filter::default()), [3, 2, 1], "newest first");
    assert_eq!(
        seqs(&Filter {
            text: "李四".into(),
            ..Filter::default()
        }),
        [3]
    );
    assert_eq!(
        seqs(&Filter {
            text: "2026-T1-0002".into(),
            ..Filter::default()
        }),
        [3]
    );
    assert_eq!(
        seqs(&Filter {
            period: Period::parse("2026-11"),
            ..Filter::default()
        }),
        [2, 1]
    );
    assert_eq!(
        seqs(&Filter {
            item: Some("N05".into()),
            ..Filter::default()
        }),
        [2]
    );
    assert_eq!(
        seqs(&Filter {
            outcome: Some(Outcome::Issued),
            text: "张三".into(),
            ..Filter::default()
        }),
        [1]
    );
}

#[test]
fn an_item_reads_back_from_the_fields_it_is_written_as_wherever_its_kind_stands() {
    let listed = ItemRef::Listed {
        code: "A02".into(),
        list_id: "l".into(),
        list_version: "1".into(),
    };
    let free = ItemRef::FreeText {
        text: "养殖证明".into(),
    };
    assert_eq!(
        serde_json::to_string(&listed).unwrap(),
        r#"{"kind":"listed","code":"A02","list_id":"l","list_version":"1"}"#
    );
    assert_eq!(
        serde_json::to_string(&free).unwrap(),
        r#"{"kind":"free_text","text":"养殖证明"}"#
    );
    for item in [&listed, &free] {
        let json = serde_json::to_vec(item).unwrap();
        assert_eq!(&serde_json::from_slice::<ItemRef>(&json).unwrap(), item);
    }
    let late_kind: ItemRef =
        serde_json::from_str(r#"{"code":"A02","list_version":"1","list_id":"l","kind":"listed"}"#)
            .unwrap();
    assert_eq!(late_kind, listed);
    for bad in [
        r#"{"kind":"listed","code":"A02","list_id":"l"}"#,
        r#"{"kind":"free_text"}"#,
        r#"{"kind":"other","text":"x"}"#,
        r#"{"text":"x"}"#,
        r#"{"kind":"listed","code":null,"list_id":"l","list_version":"1"}"#,
    ] {
        assert!(serde_json::from_str::<ItemRef>(bad).is_err(), "{bad}");
    }
}

/// A ledger whose resident values, agencies and free-text items are short
/// words of a few characters, so that a search text often runs across two
/// fields of one entry, or across two entries.
fn wordy_ledger() -> impl Strategy<Value = Vec<Event>> {
    let word = |min| proptest::string::string_regex(&format!("[张三居民1-]{{{min},3}}")).unwrap();
    proptest::collection::vec(
        (0u8..3, word(0), word(0), word(1), word(1), 10u8..12),
        0..40,
    )
    .prop_map(|rows| {
        let rows: Vec<(Request, String)> = rows
            .into_iter()
            .map(|(kind, name, id, agency, free, month)| {
                let mut req = match kind {
                    0 => request(Outcome::Issued, "A02"),
                    1 => request(Outcome::RefusedRedirected, "N05"),
                    _ => {
                        let mut req = request(Outcome::IssuedUnlisted, "A02");
                        req.item = ItemRef::FreeText { text: free };
                        req.reason = Some("村里确需出具这一证明".into());
                        req
                    }
                };
                req.resident =
                    BTreeMap::from([("姓名".to_owned(), name), ("身份证号".to_owned(), id)]);
                req.agency = agency;
                (req, format!("2026-{month:02}-05T10:00:00Z"))
            })
            .collect();
        ledger(rows.iter().map(|(r, t)| (r.clone(), t.as_str())).collect()).unwrap()
    })
}

proptest! {
    /// The index finds what a search over the whole ledger finds, newest
    /// first and cut to the page, whatever the text, month, item and
    /// outcome asked.
    #[test]
    fn the_index_finds_what_the_whole_search_finds(
        events in wordy_ledger(),
        text in proptest::string::string_regex("[ 张三居民1-]{0,4}").unwrap(),
        month in proptest::option::of(10u32..12),
        item in proptest::option::of(prop_oneof![Just("A02"), Just("N05"), Just("free:居民")]),
        outcome in proptest::option::of(proptest::sample::select(Outcome::ALL.to_vec())),
        size in 0usize..6,
    ) {
        let filter = Filter {
            text,
            period: month.and_then(|m| Period::parse(&format!("2026-{m:02}"))),
            item: item.map(Into::into),
            outcome,
        };
        let mut index = Index::default();
        for event in &events {
            prop_assert!(index.add(event));
        }
        let whole: Vec<u64> = filter.apply(&events).iter().map(|e| e.seq).collect();
        let hits = index.find(&filter, size);
        prop_assert_eq!(&hits.seqs[..], &whole[..whole.len().min(size)]);
        prop_assert_eq!(hits.more, whole.len() > size);
    }

    /// Each entry goes in once, in order: adding one again or out of turn
    /// changes nothing.
    #[test]
    fn an_entry_goes_into_the_index_once_and_in_order(events in wordy_ledger()) {
        let mut index = Index::default();
        for event in &events {
            prop_assert!(index.add(event));
            prop_assert!(!index.add(event));
        }
        for event in events.iter().rev().skip(1) {
            prop_assert!(!index.add(event));
        }
        let all = index.find(&Filter::default(), usize::MAX);
        let seqs: Vec<u64> = events.iter().rev().map(|e| e.seq).collect();
        prop_assert_eq!(all.seqs, seqs);
        let head = events.last().map_or((0, ""), |e| (e.seq, e.hash.as_str()));
        prop_assert_eq!(index.head(), head);
    }
}

/// A text that spans the end of one field and the start of the next, or
/// of two entries, matches neither; the same text inside a field does.
#[test]
fn a_search_text_matches_inside_one_field_only() {
    let mut a = request(Outcome::Issued, "A02");
    a.resident = BTreeMap::from([("姓名".to_owned(), "张三".to_owned())]);
    a.agency = "居民银行".into();
    let mut b = request(Outcome::Issued, "A02");
    b.resident = BTreeMap::from([("姓名".to_owned(), "三居".to_owned())]);
    b.agency = "银行".into();
    let events = ledger(vec![
        (a, "2026-10-05T10:00:00Z"),
        (b, "2026-10-06T10:00:00Z"),
    ])
    .unwrap();
    let mut index = Index::default();
    for event in &events {
        index.add(event);
    }
    let find = |text: &str| {
        index
            .find(
                &Filter {
                    text: text.into(),
                    ..Filter::default()
                },
                10,
            )
            .seqs
    };
    // "张三" + "居民银行" in entry 1 holds "三居" across two fields: only
    // entry 2's name matches.
    assert_eq!(find("三居"), [2]);
    assert_eq!(find("居民银"), [1]);
    // Entry 1 ends with its item, entry 2 starts with its name.
    assert_eq!(find("A02三"), Vec::<u64>::new());
    assert_eq!(find(" 银行 "), [2, 1]);
}
