use super::*;
use proptest::prelude::*;

#[test]
fn codes_and_labels_are_one_to_twenty_letters_or_digits() {
    assert_eq!(
        " 140105001 ".parse::<VillageCode>().unwrap().as_str(),
        "140105001"
    );
    assert_eq!("T1".parse::<LedgerLabel>().unwrap().as_str(), "T1");
    let longest = "A".repeat(MAX_CODE_CHARS);
    assert!(longest.parse::<VillageCode>().is_ok());
    for bad in ["", "  ", "T 1", "村1", "T-1", &format!("{longest}1")] {
        assert_eq!(
            bad.parse::<VillageCode>(),
            Err(ValueError::VillageCode),
            "{bad:?}"
        );
        assert_eq!(
            bad.parse::<LedgerLabel>(),
            Err(ValueError::LedgerLabel),
            "{bad:?}"
        );
    }
}

#[test]
fn a_village_name_is_trimmed_and_bounded() {
    assert_eq!(
        " 东关村 ".parse::<VillageName>().unwrap().as_str(),
        "东关村"
    );
    assert!("村".repeat(MAX_NAME_CHARS).parse::<VillageName>().is_ok());
    assert_eq!(
        "村".repeat(MAX_NAME_CHARS + 1).parse::<VillageName>(),
        Err(ValueError::VillageName)
    );
    assert_eq!(" ".parse::<VillageName>(), Err(ValueError::VillageName));
}

#[test]
fn a_name_with_a_control_or_invisible_character_is_refused() {
    // U+0001 makes a .docx invalid XML; U+202E turns what follows around.
    for bad in [
        "桃园\u{1}村",
        "桃园\n村",
        "\u{202e}村园桃",
        "桃\u{200b}园村",
        "\u{7f}",
    ] {
        assert_eq!(
            bad.parse::<VillageName>(),
            Err(ValueError::VillageName),
            "{bad:?}"
        );
        assert_eq!(
            bad.parse::<AreaName>(),
            Err(ValueError::AreaName),
            "{bad:?}"
        );
    }
    // One stored before names were checked reads, what it holds dropped.
    assert_eq!(
        AreaName::stored("桃\u{200b}园\u{1}村").map(|n| n.to_string()),
        Some("桃园村".into())
    );
    assert_eq!(AreaName::stored("\u{1}"), None);
    for also in [
        '\u{ad}', '\u{61c}', '\u{2028}', '\u{2029}', '\u{fffe}', '\u{ffff}',
    ] {
        assert!(!printable(also), "{also:?}");
    }
    // A formula is a name like any other here: exports neutralise it.
    assert!("=HYPERLINK(\"http://x/\",\"点此\")"
        .parse::<VillageName>()
        .is_ok());
    assert!("free:收入\u{1}证明".parse::<ItemKey>().is_err());
    assert!("free:收入证明".parse::<ItemKey>().is_ok());
}

#[test]
fn a_device_key_is_64_hex_digits_either_case() {
    let key = DeviceKey([0xab; 32]);
    assert_eq!(key.to_string(), "ab".repeat(32));
    assert_eq!("AB".repeat(32).parse::<DeviceKey>(), Ok(key));
    for bad in [
        "",
        &"ab".repeat(31),
        &"ab".repeat(33),
        &format!("{}zz", "ab".repeat(31)),
    ] {
        assert_eq!(
            bad.parse::<DeviceKey>(),
            Err(ValueError::DeviceKey),
            "{bad:?}"
        );
    }
}

fn p(year: i32, month: u8) -> Period {
    Period { year, month }
}

#[test]
fn a_range_runs_forward_for_at_most_120_months() {
    let range = MonthRange::parse("2026-01", "2026-12").unwrap();
    assert_eq!((range.first(), range.last()), (p(2026, 1), p(2026, 12)));
    assert!(
        MonthRange::new(p(2017, 1), p(2026, 12)).is_ok(),
        "120 months"
    );
    assert_eq!(
        MonthRange::new(p(2016, 12), p(2026, 12)),
        Err(ValueError::MonthRange)
    );
    assert_eq!(
        MonthRange::new(p(2026, 2), p(2026, 1)),
        Err(ValueError::MonthRange)
    );
    assert_eq!(
        MonthRange::parse("2026-1", "2026-12"),
        Err(ValueError::Month)
    );
}

#[test]
fn settings_and_years_keep_their_bounds() {
    assert_eq!(StaleDays::default().get(), 14);
    assert_eq!(CodeDays::default().get(), 7);
    assert_eq!("365".parse::<StaleDays>().map(StaleDays::get), Ok(365));
    for bad in ["0", "366", "-1", "x"] {
        assert_eq!(
            bad.parse::<StaleDays>(),
            Err(ValueError::StaleDays),
            "{bad}"
        );
    }
    assert_eq!(CodeDays::new(91), Err(ValueError::CodeDays));
    assert_eq!(BaselineYear::new(1999), Err(ValueError::Year));
    assert_eq!(BaselineYear::new(2025).unwrap().month(13), None);
}

#[test]
fn serde_refuses_what_parsing_refuses() {
    let err = serde_json::from_str::<VillageCode>("\"a b\"").unwrap_err();
    assert!(err.to_string().contains("village code"), "{err}");
    assert!(serde_json::from_str::<StaleDays>("0").is_err());
    assert!(serde_json::from_str::<MonthRange>(r#"{"from":"2026-05","to":"2026-01"}"#).is_err());
    let range: MonthRange = serde_json::from_str(r#"{"from":"2026-01","to":"2026-05"}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&range).unwrap(),
        r#"{"from":"2026-01","to":"2026-05"}"#
    );
}

#[test]
fn an_item_key_is_a_code_or_free_words() {
    assert_eq!("N05".parse(), Ok(ItemKey::Listed("N05".into())));
    assert_eq!(
        "free:收入证明".parse(),
        Ok(ItemKey::FreeText("收入证明".into()))
    );
    for bad in ["", "free:", "free:  "] {
        assert_eq!(bad.parse::<ItemKey>(), Err(ValueError::ItemKey), "{bad:?}");
    }
    let longest = format!("free:{}", "证".repeat(200));
    assert!(longest.parse::<ItemKey>().is_ok());
    assert!(format!("{longest}证").parse::<ItemKey>().is_err());
    assert_eq!(
        serde_json::to_string(&ItemKey::FreeText("收入".into())).unwrap(),
        r#""free:收入""#
    );
}

#[test]
fn every_refusal_reads_in_both_languages() {
    for error in [
        ValueError::VillageCode,
        ValueError::LedgerLabel,
        ValueError::VillageName,
        ValueError::DeviceKey,
        ValueError::Month,
        ValueError::MonthRange,
        ValueError::StaleDays,
        ValueError::CodeDays,
        ValueError::Year,
        ValueError::ItemKey,
        ValueError::CheckWords,
        ValueError::AreaCode,
        ValueError::AreaName,
        ValueError::AccountName,
    ] {
        let (zh, en) = (error.message(Lang::Zh), error.message(Lang::En));
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{zh}"
        );
        assert!(en.is_ascii() && !en.is_empty(), "{en}");
    }
}

proptest! {
    #[test]
    fn a_written_value_parses_back(key in any::<[u8; 32]>(), code in "[A-Za-z0-9]{1,20}",
                                   y in 2000i32..2100, m in 1u8..=12, len in 1u32..=120) {
        let key = DeviceKey(key);
        prop_assert_eq!(key.to_string().parse::<DeviceKey>(), Ok(key));
        let village: VillageCode = code.parse().unwrap();
        prop_assert_eq!(village.to_string().parse::<VillageCode>(), Ok(village));
        let first = p(y, m);
        let mut last = first;
        for _ in 1..len {
            last = if last.month == 12 { p(last.year + 1, 1) } else { p(last.year, last.month + 1) };
        }
        let range = MonthRange::new(first, last).unwrap();
        let text = RangeText::from(range);
        prop_assert_eq!(MonthRange::try_from(text), Ok(range));
    }

    #[test]
    fn an_item_key_written_parses_back(key in "(free:)?[^\\s\\p{Cc}\\p{Cf}\\u{2060}-\\u{206f}\\u{fff9}-\\u{ffff}\\u{180e}]{1,200}") {
        let parsed: ItemKey = key.parse().unwrap();
        prop_assert_eq!(parsed.to_string(), key);
    }

    #[test]
    fn no_name_or_item_holds_a_control_character(
        before in "[^\\p{Cc}]{0,20}", control in "\\p{Cc}", after in "[^\\p{Cc}]{0,20}"
    ) {
        let text = format!("村{}{}{}村", before, control, after);
        prop_assert!(text.parse::<VillageName>().is_err());
        prop_assert!(text.parse::<AreaName>().is_err());
        let item = ["free:", &text].concat();
        prop_assert!(item.parse::<ItemKey>().is_err());
    }
}

#[test]
fn a_phone_number_is_digits_and_the_marks_printed_between_them() {
    for good in [
        "0351-12345678",
        "12345",
        "+86 351 1234 5678",
        "(0351)1234567",
        " 110 ",
    ] {
        let phone: PhoneNumber = good.parse().unwrap_or_else(|e| panic!("{good}: {e}"));
        assert_eq!(phone.as_str(), good.trim());
    }
    for bad in [
        "",
        "12",
        "--+",
        "0351-1234 ext 5",
        "1234567890123456789012",
        "电话12345",
    ] {
        assert_eq!(
            bad.parse::<PhoneNumber>(),
            Err(ValueError::PhoneNumber),
            "{bad}"
        );
    }
}

#[test]
fn a_key_and_a_signature_are_their_hex_and_nothing_else() {
    let key = "01".repeat(32);
    assert_eq!(key.parse::<DeviceKey>().unwrap().to_string(), key);
    let signature = "ab".repeat(64);
    assert_eq!(
        format!(" {signature} ")
            .parse::<DeviceSignature>()
            .unwrap()
            .to_string(),
        signature
    );
    assert_eq!(key.parse::<DeviceSignature>(), Err(ValueError::Signature));
    assert_eq!(
        "zz".repeat(64).parse::<DeviceSignature>(),
        Err(ValueError::Signature)
    );
    assert_eq!(signature.parse::<DeviceKey>(), Err(ValueError::DeviceKey));
}

#[test]
fn a_new_village_has_its_twelve_digit_division_code_within_its_town() {
    let code = |t: &str| t.parse::<VillageCode>().unwrap();
    let town = |t: &str| t.parse::<AreaCode>().unwrap();
    assert_eq!(code("13").check_new(None), Err(ValueError::DivisionCode));
    assert_eq!(
        code("14010500100A").check_new(None),
        Err(ValueError::DivisionCode)
    );
    assert_eq!(
        code("140105001000").check_new(None),
        Err(ValueError::DivisionCode)
    );
    assert_eq!(code("140105001201").check_new(None), Ok(()));
    // Within a town with a division code, its nine digits come first.
    assert_eq!(
        code("140105001201").check_new(Some(&town("140105001"))),
        Ok(())
    );
    assert_eq!(
        code("140105001201").check_new(Some(&town("140105001000"))),
        Ok(())
    );
    assert_eq!(
        code("140105002201").check_new(Some(&town("140105001"))),
        Err(ValueError::OutsideTown("140105001".into()))
    );
    assert!(ValueError::OutsideTown("140105001".into())
        .message(Lang::Zh)
        .contains("140105001"));
    // A town whose code is no division code checks only the form.
    assert_eq!(code("140105002201").check_new(Some(&town("TOWN"))), Ok(()));
}

#[test]
fn a_placeholder_is_no_name() {
    let name = |t: &str| t.parse::<AreaName>().unwrap();
    assert!(name("本镇").is_placeholder());
    assert!(name(" 本辖区 ").is_placeholder());
    assert!(!name("东关镇").is_placeholder());
    assert!(!name("本镇村").is_placeholder());
    // An area is unnamed with a placeholder or no valid name at all.
    assert!(AreaName::is_unnamed("本镇"));
    assert!(AreaName::is_unnamed(""));
    assert!(!AreaName::is_unnamed("东关镇"));
}
