use super::*;
use crate::ledger::{AgencyCategory, Outcome, Period};
use proptest::prelude::*;

const SECRET: [u8; 32] = [7; 32];

fn payload_with(cells: Vec<(u8, u8, u64)>, incarnation: u32) -> CountsPayload {
    let mut periods: Vec<PeriodReport> = (1..=12)
        .map(|m| PeriodReport {
            period: Period {
                year: 2026,
                month: m,
            },
            closed: false,
            cells: vec![],
        })
        .collect();
    for (month, item, count) in cells {
        periods[usize::from(month % 12)].cells.push(Cell {
            item: format!("A0{}", item % 5),
            outcome: if item % 2 == 0 {
                Outcome::Issued
            } else {
                Outcome::RefusedRedirected
            },
            agency: AgencyCategory::Bank,
            count,
        });
    }
    periods.retain(|p| !p.cells.is_empty());
    CountsPayload {
        village: "140105001".into(),
        device_key: public_key(&SECRET),
        incarnation,
        ledger: "T1".into(),
        created_at: "2026-11-27T10:00:00Z".into(),
        periods,
        voided: Vec::new(),
    }
}

fn cells() -> impl Strategy<Value = Vec<(u8, u8, u64)>> {
    proptest::collection::vec((0u8..12, 0u8..10, 0u64..50), 0..30)
}

fn town(cells: Vec<(u8, u8, u64)>, incarnation: u32) -> TownCells {
    TownCells::from_payload(&payload_with(cells, incarnation))
}

proptest! {
    #[test]
    fn a_payload_round_trips_through_its_signed_encoding(cells in cells(), inc in 0u32..5) {
        let payload = payload_with(cells, inc);
        let bytes = encode(&payload, &SECRET);
        let decoded = decode(&bytes).unwrap();
        prop_assert_eq!(decoded.payload, payload);
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn any_flipped_byte_is_refused(cells in cells(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut bytes = encode(&payload_with(cells, 1), &SECRET);
        let i = at.index(bytes.len());
        bytes[i] ^= 1 << bit;
        prop_assert!(decode(&bytes).is_err());
    }

    #[test]
    fn merge_is_commutative(a in cells(), b in cells()) {
        let (a, b) = (town(a, 1), town(b, 1));
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        prop_assert_eq!(ab, ba);
    }

    #[test]
    fn merge_is_associative(a in cells(), b in cells(), c in cells()) {
        let (a, b, c) = (town(a, 1), town(b, 1), town(c, 2));
        let mut left = a.clone();
        left.merge(&b);
        left.merge(&c);
        let mut bc = b.clone();
        bc.merge(&c);
        let mut right = a.clone();
        right.merge(&bc);
        prop_assert_eq!(left, right);
    }

    #[test]
    fn merge_is_idempotent(a in cells()) {
        let a = town(a, 1);
        let mut twice = a.clone();
        let report = twice.merge(&a);
        prop_assert_eq!(&twice, &a);
        prop_assert_eq!(report.raised, 0);
        prop_assert!(report.went_down.is_empty());
    }

    #[test]
    fn qr_pieces_join_in_any_order_with_repeats(bytes in proptest::collection::vec(any::<u8>(), 0..3000), seed in any::<u64>()) {
        let mut pieces = split_for_qr(&bytes, 500);
        prop_assert!(pieces.iter().all(|p| p.len() <= 500));
        pieces.push(pieces[0].clone());
        let n = pieces.len();
        pieces.rotate_left((seed % n as u64) as usize);
        prop_assert_eq!(join_qr_chunks(&pieces).unwrap(), bytes);
    }
}

#[test]
fn an_old_replayed_upload_changes_nothing_and_a_lower_cell_is_flagged() {
    let mut server = TownCells::default();
    let old = payload_with(vec![(3, 2, 5)], 1);
    let new = payload_with(vec![(3, 2, 9)], 1);
    server.ingest(&old);
    server.ingest(&new);
    let before = server.clone();
    let report = server.ingest(&old);
    assert_eq!(server, before);
    assert_eq!(report.went_down.len(), 1);
    assert_eq!(
        server.total(
            "140105001",
            Period {
                year: 2026,
                month: 4
            },
            Outcome::Issued
        ),
        9
    );
}

#[test]
fn a_restored_tablet_continues_its_ledger_without_double_counting() {
    let april = Period {
        year: 2026,
        month: 4,
    };
    let mut server = TownCells::default();
    server.ingest(&payload_with(vec![(3, 2, 9)], 1));
    // Wiped, restored from a backup holding 7 of the 9, enrolled anew.
    let mut restored = payload_with(vec![(3, 2, 7)], 2);
    restored.device_key = public_key(&[3; 32]);
    let report = server.ingest(&restored);
    assert_eq!(report.went_down.len(), 1, "behind the ledger: flagged");
    assert_eq!(server.total("140105001", april, Outcome::Issued), 9);
    // Four more certificates on the restored tablet: 7 + 4 = 11.
    restored.periods[0].cells[0].count = 11;
    server.ingest(&restored);
    assert_eq!(server.total("140105001", april, Outcome::Issued), 11);
}

#[test]
fn devices_add_up_and_an_explicit_zero_is_a_report() {
    let mut server = TownCells::default();
    server.ingest(&payload_with(vec![(0, 0, 4)], 1));
    let mut other = payload_with(vec![(0, 0, 3)], 1);
    other.device_key = public_key(&[9; 32]);
    other.ledger = "T2".into();
    server.ingest(&other);
    let january = Period {
        year: 2026,
        month: 1,
    };
    assert_eq!(server.total("140105001", january, Outcome::Issued), 7);

    let february = Period {
        year: 2026,
        month: 2,
    };
    assert!(!server.reported("140105001", february));
    let zero = CountsPayload {
        periods: vec![PeriodReport {
            period: february,
            closed: true,
            cells: vec![],
        }],
        ..payload_with(vec![], 1)
    };
    server.ingest(&zero);
    assert!(server.reported("140105001", february));
    assert_eq!(server.total("140105001", february, Outcome::Issued), 0);
}

#[test]
fn a_signature_by_another_key_or_a_truncated_payload_is_refused() {
    let mut payload = payload_with(vec![(1, 1, 1)], 1);
    payload.device_key = public_key(&[1; 32]); // claims another device
    assert_eq!(
        decode(&encode(&payload, &SECRET)),
        Err(DecodeError::BadSignature)
    );
    let bytes = encode(&payload_with(vec![(1, 1, 1)], 1), &SECRET);
    assert!(matches!(
        decode(&bytes[..bytes.len() - 3]),
        Err(DecodeError::Malformed(_))
    ));
    let huge = vec![0u8; MAX_PAYLOAD_BYTES + 1];
    assert_eq!(
        decode(&huge),
        Err(DecodeError::TooLarge(MAX_PAYLOAD_BYTES + 1))
    );
}

#[test]
fn mixed_or_missing_codes_say_so() {
    let a = split_for_qr(&[1; 2000], 500);
    let b = split_for_qr(&[2; 2000], 500);
    assert!(matches!(
        join_qr_chunks(&[a[0].clone(), b[1].clone()]),
        Err(QrError::Missing(_)) | Err(QrError::Mixed)
    ));
    assert_eq!(
        join_qr_chunks(&a[..1]),
        Err(QrError::Missing((2..=a.len()).collect()))
    );
    assert!(matches!(
        join_qr_chunks(&["hello".to_owned()]),
        Err(QrError::Foreign(_))
    ));
}

#[test]
fn a_payload_past_any_bound_is_refused_before_it_is_expanded() {
    let ok = |p: &CountsPayload| decode(&encode(p, &SECRET)).map(|_| ());
    let mut payload = payload_with(vec![(1, 1, MAX_CELL_COUNT)], 1);
    assert_eq!(ok(&payload), Ok(()), "the ceiling itself is a count");
    payload.periods[0].cells[0].count = MAX_CELL_COUNT + 1;
    assert_eq!(
        ok(&payload),
        Err(DecodeError::CountTooLarge(MAX_CELL_COUNT + 1))
    );
    payload.periods[0].cells[0].count = u64::MAX;
    assert_eq!(ok(&payload), Err(DecodeError::CountTooLarge(u64::MAX)));

    // An unlisted item of the ledger's longest text passes; longer does not.
    let mut payload = payload_with(vec![(1, 1, 1)], 1);
    payload.periods[0].cells[0].item = format!("free:{}", "证".repeat(200));
    assert_eq!(ok(&payload), Ok(()));
    payload.periods[0].cells[0].item = format!("free:{}", "证".repeat(201));
    assert!(matches!(ok(&payload), Err(DecodeError::Malformed(_))));
    // A control character in an item or a label would reach the town's
    // papers and exports: refused as a whole.
    payload.periods[0].cells[0].item = "free:收入\u{1}证明".into();
    assert!(matches!(ok(&payload), Err(DecodeError::Malformed(_))));
    let mut payload = payload_with(vec![(1, 1, 1)], 1);
    payload.ledger = "T\u{202e}1".into();
    assert!(matches!(ok(&payload), Err(DecodeError::Malformed(_))));

    let mut payload = payload_with(vec![(1, 1, 1)], 1);
    payload.periods[0].period.year = 1999;
    assert!(matches!(ok(&payload), Err(DecodeError::Malformed(_))));
    payload.periods[0].period.year = 2101;
    assert!(matches!(ok(&payload), Err(DecodeError::Malformed(_))));

    let mut payload = payload_with(vec![], 1);
    payload.periods = (0..=MAX_PERIODS)
        .map(|i| PeriodReport {
            period: Period {
                year: 2000 + (i / 12) as i32,
                month: (i % 12) as u8 + 1,
            },
            closed: true,
            cells: vec![],
        })
        .collect();
    assert!(matches!(ok(&payload), Err(DecodeError::Malformed(_))));
    payload.periods.pop();
    assert_eq!(ok(&payload), Ok(()));

    // Many distinct items, and many cells.
    let mut payload = payload_with(vec![], 1);
    payload.periods = vec![PeriodReport {
        period: Period {
            year: 2026,
            month: 1,
        },
        closed: false,
        cells: (0..=MAX_ITEMS)
            .map(|i| Cell {
                item: format!("F{i}"),
                outcome: Outcome::IssuedUnlisted,
                agency: AgencyCategory::Bank,
                count: 1,
            })
            .collect(),
    }];
    assert!(matches!(ok(&payload), Err(DecodeError::Malformed(_))));
    let agencies = [
        AgencyCategory::Bank,
        AgencyCategory::School,
        AgencyCategory::Other,
    ];
    payload.periods[0].cells = (0..=MAX_CELLS)
        .map(|i| Cell {
            item: format!("F{}", i % 1000),
            outcome: [
                Outcome::Issued,
                Outcome::IssuedUnlisted,
                Outcome::Void,
                Outcome::RefusedRedirected,
            ][i % 4],
            agency: agencies[(i / 4) % 3],
            count: (i / 12) as u64,
        })
        .collect();
    let bytes = encode(&payload, &SECRET);
    assert!(
        bytes.len() <= MAX_PAYLOAD_BYTES,
        "the cell bound is reached first"
    );
    assert!(matches!(
        verify(&bytes).unwrap().expand(),
        Err(DecodeError::Malformed(_))
    ));
    payload.periods[0].cells.pop();
    assert_eq!(ok(&payload), Ok(()));
}

#[test]
fn weak_keys_are_not_device_keys() {
    assert!(usable_device_key(&public_key(&SECRET)));
    // The identity point: of small order, it "verifies" forged signatures
    // under the lax rules.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert!(!usable_device_key(&identity));
    assert!(!usable_device_key(&[0u8; 32]));
}

#[test]
fn a_payload_signed_in_memory_is_the_one_its_bytes_decode_to() {
    let payload = payload_with(vec![(1, 1, 3), (2, 2, 4)], 1);
    let signed = SignedPayload::sign(payload.clone(), &SECRET);
    assert_eq!(decode(&encode(&payload, &SECRET)), Ok(signed));
}

#[test]
fn a_payload_carries_only_its_own_ledgers_voided_numbers_and_the_newest() {
    use crate::ledger::CertificateNumber;
    let number = |village: &str, device: &str, year, sequence| CertificateNumber {
        village: village.into(),
        year,
        device: device.into(),
        sequence,
    };
    let payload = payload_with(vec![], 1).with_voided([
        number("140105001", "T1", 2026, 5),
        number("140105001", "T2", 2026, 6),
        number("140105002", "T1", 2026, 7),
        number("140105001", "T1", 2025, 9),
        number("140105001", "T1", 2026, 5),
    ]);
    assert_eq!(
        payload.voided,
        vec![
            VoidedNumber {
                year: 2025,
                sequence: 9
            },
            VoidedNumber {
                year: 2026,
                sequence: 5
            },
        ]
    );
    // A year keeps its newest numbers within the year's ceiling...
    let many = (0..MAX_VOIDED_PER_YEAR + 10).map(|s| number("140105001", "T1", 2026, s));
    let payload = payload_with(vec![], 1).with_voided(many);
    assert_eq!(payload.voided.len(), MAX_VOIDED_PER_YEAR as usize);
    assert_eq!(payload.voided[0].sequence, 10);
    // ...and the payload its newest overall.
    let years = (2000..2030)
        .flat_map(|year| (0..MAX_VOIDED_PER_YEAR).map(move |s| number("140105001", "T1", year, s)));
    let payload = payload_with(vec![], 1).with_voided(years);
    assert_eq!(payload.voided.len(), MAX_VOIDED);
    assert_eq!(payload.voided.last().map(|v| v.year), Some(2029));
    assert!(decode(&encode(&payload, &SECRET)).is_ok());
    // A payload with more of one year than the ceiling is not a tablet's.
    let mut over = payload_with(vec![], 1);
    over.voided = (0..=MAX_VOIDED_PER_YEAR)
        .map(|sequence| VoidedNumber {
            year: 2026,
            sequence,
        })
        .collect();
    assert!(matches!(
        decode(&encode(&over, &SECRET)),
        Err(DecodeError::Malformed(_))
    ));
}
