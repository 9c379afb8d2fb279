use super::*;
use crate::ledger::CertificateNumber;
use crate::sync::public_key;
use proptest::prelude::*;

const TABLET: [u8; 32] = [7; 32];
const TOWN: [u8; 32] = [9; 32];

fn day(text: &str) -> IssueDate {
    text.parse().unwrap()
}

fn claims(check: &str) -> CertificateClaims {
    CertificateClaims {
        number: CertificateNumber {
            village: "140105001".into(),
            year: 2026,
            device: "T1".into(),
            sequence: 42,
        },
        item: "HH-001".into(),
        list_version: "2026.2".into(),
        date: day("2026-11-20"),
        holder: holder_hash(check, "张三", "14010519900101123X"),
    }
}

fn trust(revoked: Option<&str>, voided: &[u32]) -> TrustIndex {
    revoked_through(revoked, 42, voided)
}

/// A list where the tablet, if revoked, had synced `through` certificates
/// of 2026.
fn revoked_through(revoked: Option<&str>, through: u32, voided: &[u32]) -> TrustIndex {
    TrustIndex::new(TrustList {
        issued_at: "2026-12-01T08:00:00Z".into(),
        devices: vec![TrustDevice {
            key: public_key(&TABLET),
            village: "140105001".into(),
            ledger: "T1".into(),
            valid_from: day("2026-01-05"),
            revoked_at: revoked.map(day),
            numbered: revoked.map(|_| {
                vec![NumberedYear {
                    year: 2026,
                    through,
                }]
            }),
        }],
        voided: vec![VoidedRun {
            village: "140105001".into(),
            ledger: "T1".into(),
            year: 2026,
            sequences: voided.to_vec(),
        }],
    })
}

fn verdict(code: &str, check: &str, name: &str, id: &str, trust: &TrustIndex) -> Verdict {
    verify(code, check, name, id, trust).unwrap().verdict
}

#[test]
fn a_signed_code_is_genuine_with_what_the_paper_says() {
    let check = check_code(&TABLET, "abc");
    let code = SignedCode::sign(&claims(&check), &TABLET);
    assert!(code.starts_with(CODE_PREFIX));
    let list = trust(None, &[]);
    let answer = verify(&code, &check, "张三", "14010519900101123x", &list).unwrap();
    assert_eq!(answer.verdict, Verdict::Genuine);
    assert_eq!(answer.typed, Some(Typed::Matches));
    assert!(answer.is_genuine());
    assert_eq!(answer.headline(), crate::i18n::Msg::VerdictGenuine);
    assert_eq!(answer.claims, Some(claims(&check)));
    // As people type it from paper: spaces, a dash, lower case, full width.
    let typed = format!(" {} ", crate::sync::display_code(&check).to_lowercase());
    assert_eq!(
        verdict(&code, &typed, "张 三", "１４010519900101123X", &list),
        Verdict::Genuine
    );
}

/// What the verifier typed, answered apart from the code's verdict.
fn typed(
    code: &str,
    check: &str,
    name: &str,
    id: &str,
    trust: &TrustIndex,
) -> (Verdict, Option<Typed>) {
    let answer = verify(code, check, name, id, trust).unwrap();
    (answer.verdict, answer.typed)
}

#[test]
fn a_typo_is_not_a_forgery_and_a_changed_code_is() {
    use crate::i18n::Msg;
    let check = check_code(&TABLET, "abc");
    let code = SignedCode::sign(&claims(&check), &TABLET);
    let list = trust(None, &[]);
    let id = "14010519900101123X";
    // A genuine code with a name, an ID number or a check code typed
    // wrong: the code is genuine, what was typed differs, and the page
    // does not call the paper genuine.
    let differs = (Verdict::Genuine, Some(Typed::Differs));
    assert_eq!(typed(&code, &check, "张三国", id, &list), differs);
    assert_eq!(
        typed(&code, &check, "张三", "140105199001011231", &list),
        differs
    );
    assert_eq!(typed(&code, "2345-6789", "张三", id, &list), differs);
    let answer = verify(&code, &check, "李四", id, &list).unwrap();
    assert!(!answer.is_genuine());
    assert_eq!(answer.headline(), Msg::VerdictTypedDiffers);
    assert_eq!(
        answer.claims,
        Some(claims(&check)),
        "the signed contents, to compare"
    );
    // A paper printed with no ID number matches with none typed.
    let no_id = CertificateClaims {
        holder: holder_hash(&check, "张三", ""),
        ..claims(&check)
    };
    let printed_without_id = SignedCode::sign(&no_id, &TABLET);
    let answer = verify(&printed_without_id, &check, "张三", "", &list).unwrap();
    assert_eq!(answer.typed, Some(Typed::Matches));
    assert!(answer.is_genuine());
    // Nothing typed: the paper is not checked against the code.
    let answer = verify(&code, &check, " ", id, &list).unwrap();
    assert_eq!(answer.typed, Some(Typed::Missing));
    assert_eq!(answer.headline(), Msg::VerdictTypedMissing);
    assert!(!answer.is_genuine());
    // A cut code is ours, and altered: nothing it says is shown.
    let cut = verify(&code[..code.len() - 3], &check, "张三", id, &list).unwrap();
    assert_eq!(cut.verdict, Verdict::Altered);
    assert_eq!(cut.headline(), Msg::VerdictAltered);
    assert_eq!((cut.typed, cut.claims, cut.device), (None, None, None));
    // Another QR code is not ours at all.
    assert_eq!(
        verify("https://example.cn/check?area=1", &check, "张三", id, &list),
        Err(CodeError::Foreign)
    );
}

#[test]
fn claims_re_signed_by_another_key_are_unknown_and_a_foreign_village_is_altered() {
    let check = check_code(&TABLET, "abc");
    let list = trust(None, &[]);
    let stranger = SignedCode::sign(&claims(&check), &[8; 32]);
    assert_eq!(
        verdict(&stranger, &check, "张三", "14010519900101123X", &list),
        Verdict::UnknownTablet
    );
    // The town's own tablet signing a number of another village.
    let mut other = claims(&check);
    other.number.village = "140105002".into();
    let code = SignedCode::sign(&other, &TABLET);
    assert_eq!(
        verdict(&code, &check, "张三", "14010519900101123X", &list),
        Verdict::Altered
    );
}

#[test]
fn revocation_counts_from_its_day_and_voids_by_number() {
    let check = check_code(&TABLET, "abc");
    let code = SignedCode::sign(&claims(&check), &TABLET);
    let id = "14010519900101123X";
    assert_eq!(
        verdict(&code, &check, "张三", id, &trust(Some("2026-11-21"), &[])),
        Verdict::Genuine
    );
    assert_eq!(
        verdict(&code, &check, "张三", id, &trust(Some("2026-11-20"), &[])),
        Verdict::Revoked
    );
    assert_eq!(
        verdict(&code, &check, "张三", id, &trust(None, &[41, 42])),
        Verdict::Voided
    );
    assert_eq!(
        verdict(&code, &check, "张三", id, &trust(None, &[41, 43])),
        Verdict::Genuine
    );
}

#[test]
fn a_stolen_key_cannot_backdate_a_paper_past_what_its_tablet_had_synced() {
    let check = check_code(&TABLET, "abc");
    let id = "14010519900101123X";
    // Revoked on 21 November, when the town had counted 41 certificates of
    // 2026: number 42 dated the day before was printed after the last
    // sync, by the thief.
    let code = SignedCode::sign(&claims(&check), &TABLET);
    let list = revoked_through(Some("2026-11-21"), 41, &[]);
    assert_eq!(verdict(&code, &check, "张三", id, &list), Verdict::Revoked);
    // Number 41 of the same day was synced before: still genuine.
    let mut synced = claims(&check);
    synced.number.sequence = 41;
    let code = SignedCode::sign(&synced, &TABLET);
    assert_eq!(verdict(&code, &check, "张三", id, &list), Verdict::Genuine);
    // A year the town saw nothing of is not vouched for at all.
    let mut next_year = claims(&check);
    next_year.number.year = 2027;
    next_year.number.sequence = 1;
    let code = SignedCode::sign(&next_year, &TABLET);
    assert_eq!(verdict(&code, &check, "张三", id, &list), Verdict::Revoked);
    // A live tablet's numbers are not bounded by what it synced.
    assert_eq!(
        verdict(&code, &check, "张三", id, &trust(None, &[])),
        Verdict::Genuine
    );
}

#[test]
fn a_date_long_before_the_ledger_existed_is_no_tablets() {
    let check = check_code(&TABLET, "abc");
    let id = "14010519900101123X";
    // The ledger's first tablet was enrolled on 5 January 2026: a paper of
    // the year before may be a reprint of what it recorded then...
    let mut early = claims(&check);
    early.date = day("2025-01-05");
    let code = SignedCode::sign(&early, &TABLET);
    assert_eq!(
        verdict(&code, &check, "张三", id, &trust(None, &[])),
        Verdict::Genuine
    );
    // ...one of before that is no tablet's.
    early.date = day("2025-01-04");
    let code = SignedCode::sign(&early, &TABLET);
    assert_eq!(
        verdict(&code, &check, "张三", id, &trust(None, &[])),
        Verdict::Altered
    );
}

#[test]
fn a_revocation_the_town_recorded_no_numbers_of_goes_by_its_date() {
    let check = check_code(&TABLET, "abc");
    let code = SignedCode::sign(&claims(&check), &TABLET);
    let mut list = TrustList::default();
    list.devices.push(TrustDevice {
        key: public_key(&TABLET),
        village: "140105001".into(),
        ledger: "T1".into(),
        valid_from: day("2026-01-05"),
        revoked_at: Some(day("2026-11-21")),
        numbered: None,
    });
    let index = TrustIndex::new(list);
    assert_eq!(
        verdict(&code, &check, "张三", "14010519900101123X", &index),
        Verdict::Genuine
    );
}

#[test]
fn a_certificate_code_fits_a_version_10_qr_code_at_level_m() {
    // Long fields at their bounds of use: a 12-digit village, a long code.
    let mut long = claims("ABCD2345");
    long.number.village = "140105001001".into();
    long.number.device = "T12".into();
    long.number.sequence = 99_999;
    long.item = "HH-SOCIAL-0012".into();
    long.list_version = "2026-11-20.3".into();
    let code = SignedCode::sign(&long, &TABLET);
    let qr =
        qrcode::QrCode::with_error_correction_level(code.as_bytes(), qrcode::EcLevel::M).unwrap();
    let qrcode::Version::Normal(version) = qr.version() else {
        panic!("micro QR")
    };
    assert!(
        version <= 10,
        "version {version} for {} characters",
        code.len()
    );
}

#[test]
fn the_trust_list_opens_only_with_its_signature_and_pinned_key() {
    let list = TrustList {
        issued_at: "2026-12-01T08:00:00Z".into(),
        ..TrustList::default()
    };
    let sealed = list.seal(&TOWN);
    let (opened, key) = TrustList::open(&sealed, None).unwrap();
    assert_eq!((opened, key), (list.clone(), public_key(&TOWN)));
    assert!(TrustList::open(&sealed, Some(&public_key(&TOWN))).is_ok());
    assert_eq!(
        TrustList::open(&list.seal(&[1; 32]), Some(&public_key(&TOWN))),
        Err(TrustError::OtherTown)
    );
    let mut tampered = sealed.clone();
    let at = tampered.len() - 70;
    tampered[at] ^= 1;
    assert!(TrustList::open(&tampered, None).is_err());
    assert!(matches!(
        TrustList::open(&vec![0; MAX_TRUST_BYTES + 1], None),
        Err(TrustError::TooLarge(_))
    ));
}

#[test]
fn check_codes_are_fixed_per_event_and_differ_between_events() {
    assert_eq!(check_code(&TABLET, "a"), check_code(&TABLET, "a"));
    assert_ne!(check_code(&TABLET, "a"), check_code(&TABLET, "b"));
    assert_ne!(check_code(&TABLET, "a"), check_code(&[8; 32], "a"));
    assert!(crate::sync::normalize_code(&check_code(&TABLET, "a")).is_some());
}

proptest! {
    /// Any change to one character of a code's text is never genuine.
    #[test]
    fn no_one_character_change_is_genuine(at in any::<prop::sample::Index>(), with in 0u8..45) {
        let check = check_code(&TABLET, "abc");
        let code = SignedCode::sign(&claims(&check), &TABLET);
        let list = trust(None, &[]);
        let body = CODE_PREFIX.len();
        let i = body + at.index(code.len() - body);
        let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        let replacement = char::from(alphabet[usize::from(with)]);
        prop_assume!(code.as_bytes()[i] != replacement as u8);
        let mut changed = code.clone();
        changed.replace_range(i..=i, &replacement.to_string());
        let answer = verify(&changed, &check, "张三", "14010519900101123X", &list);
        prop_assert!(answer.map_or(true, |a| a.verdict != Verdict::Genuine && !a.is_genuine()));
    }

    /// A one-character slip in the typed name or ID number leaves the code
    /// genuine and says that what was typed differs.
    #[test]
    fn a_slip_in_what_was_typed_is_answered_as_a_slip(at in any::<prop::sample::Index>(), digit in 0u8..10, in_name in any::<bool>()) {
        let check = check_code(&TABLET, "abc");
        let code = SignedCode::sign(&claims(&check), &TABLET);
        let list = trust(None, &[]);
        let (mut name, mut id) = ("张三".to_owned(), "14010519900101123X".to_owned());
        if in_name {
            name.push(char::from(b'0' + digit));
        } else {
            let i = at.index(id.len());
            let replacement = char::from(b'0' + digit);
            prop_assume!(id.as_bytes()[i] != replacement as u8);
            id.replace_range(i..=i, &replacement.to_string());
        }
        let answer = verify(&code, &check, &name, &id, &list).unwrap();
        prop_assert_eq!(answer.verdict, Verdict::Genuine);
        prop_assert_eq!(answer.typed, Some(Typed::Differs));
        prop_assert!(!answer.is_genuine());
    }

    /// Any claims within bounds read back as signed.
    #[test]
    fn claims_read_back(village in "[0-9]{6,12}", seq in 1u32..1_000_000, item in "[A-Z0-9-]{0,20}", y in 2000i32..2200, m in 1u8..=12, d in 1u8..=31) {
        let mut c = claims("ABCD2345");
        c.number.village = village;
        c.number.sequence = seq;
        c.item = item;
        c.date = IssueDate { year: y, month: m, day: d };
        let read = SignedCode::read(&SignedCode::sign(&c, &TABLET)).unwrap();
        prop_assert!(read.signature_holds);
        prop_assert_eq!(read.claims, c);
    }
}

#[test]
fn an_issued_event_seals_into_a_genuine_code_and_a_refusal_into_none() {
    use crate::ledger::{AgencyCategory, Event, ItemRef, Outcome, Period};
    let mut event = Event {
        seq: 3,
        time: "2026-11-20T09:30:00Z".into(),
        period: Period {
            year: 2026,
            month: 11,
        },
        outcome: Outcome::Issued,
        item: ItemRef::Listed {
            code: "HH-001".into(),
            list_id: "default".into(),
            list_version: "2026.2".into(),
        },
        agency: "银行".into(),
        agency_category: AgencyCategory::Bank,
        purpose: "开户".into(),
        resident: [
            ("name".to_owned(), "张三".to_owned()),
            ("id_number".to_owned(), "14010519900101123X".to_owned()),
        ]
        .into(),
        reason: None,
        voids: None,
        number: Some(claims("x").number),
        prev_hash: "p".into(),
        hash: "h".into(),
    };
    let (code, check) = seal_event(&event, &TABLET).unwrap();
    assert_eq!(
        seal_event(&event, &TABLET),
        Some((code.clone(), check.clone()))
    );
    let answer = verify(
        &code,
        &check,
        "张三",
        "14010519900101123X",
        &trust(None, &[]),
    )
    .unwrap();
    assert_eq!(answer.verdict, Verdict::Genuine);
    assert_eq!(answer.claims.unwrap().list_version, "2026.2");
    event.number = None;
    assert_eq!(seal_event(&event, &TABLET), None);
}

#[test]
fn a_date_is_written_as_a_paper_writes_it() {
    use crate::i18n::Lang;
    let date = day("2026-12-03");
    assert_eq!(date.written(Lang::Zh), "2026年12月3日");
    assert_eq!(date.written(Lang::En), "3 December 2026");
}
