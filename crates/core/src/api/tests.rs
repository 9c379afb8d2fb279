//! Every body of the contract, written as it travels and read back: the
//! JSON below is what other clients (a kiosk, a mini-program) rely on, so a
//! renamed field fails here as well as in the build.

use super::check::*;
use super::health::Health;
use super::lists::EditedList;
use super::sync::{Accepted, EnrolRequest, Enrolled};
use super::town::*;
use crate::catalogue::{Catalogue, EntryChange};
use crate::ledger::Period;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

/// `value` is written as `json` and `json` reads back as `value`.
fn travels_as<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T, json: &str) {
    let written: serde_json::Value = serde_json::to_value(&value).unwrap();
    let expected: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(written, expected, "{value:?} is written as expected");
    assert_eq!(
        serde_json::from_str::<T>(json).unwrap(),
        value,
        "{json} reads back"
    );
}

const KEY: &str = "0101010101010101010101010101010101010101010101010101010101010101";
const SIGNATURE: &str = "02020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202";

#[test]
fn tablet_bodies() {
    travels_as(
        EnrolRequest {
            code: "ABCD2345".into(),
            public_key: KEY.parse().unwrap(),
            incarnation: 2,
            village: "V1".parse().unwrap(),
            ledger: "T1".parse().unwrap(),
            proof: SIGNATURE.parse().unwrap(),
        },
        &format!(
            r#"{{"code":"ABCD2345","public_key":"{KEY}","incarnation":2,"village":"V1","ledger":"T1","proof":"{SIGNATURE}"}}"#
        ),
    );
    let signed = EnrolRequest::signed(
        "abcd-2345",
        &[3; 32],
        1,
        "V1".parse().unwrap(),
        "T1".parse().unwrap(),
    );
    assert!(signed.proof_holds());
    let moved = EnrolRequest {
        village: "V2".parse().unwrap(),
        ..signed.clone()
    };
    assert!(!moved.proof_holds(), "a proof names its village");
    let borrowed = EnrolRequest {
        public_key: KEY.parse().unwrap(),
        ..signed
    };
    assert!(!borrowed.proof_holds(), "a proof is the key holder's");
    travels_as(
        Enrolled {
            village: "V1".parse().unwrap(),
            ledger: "T1".parse().unwrap(),
        },
        r#"{"village":"V1","ledger":"T1"}"#,
    );
    travels_as(
        Accepted {
            raised: 3,
            went_down: 1,
            future_periods: 0,
            replayed: false,
            voided_refused: 2,
            village: None,
            months: Vec::new(),
        },
        r#"{"raised":3,"went_down":1,"future_periods":0,"replayed":false,"voided_refused":2}"#,
    );
    travels_as(
        Accepted {
            raised: 1,
            village: Some("V1".parse().unwrap()),
            months: vec![Period::parse("2026-03").unwrap()],
            ..Accepted::default()
        },
        r#"{"raised":1,"went_down":0,"future_periods":0,"replayed":false,"voided_refused":0,
            "village":"V1","months":[{"year":2026,"month":3}]}"#,
    );
    // What a server before the ceiling answered still reads.
    let older: Accepted =
        serde_json::from_str(r#"{"raised":3,"went_down":1,"future_periods":0,"replayed":false}"#)
            .unwrap();
    assert_eq!(older.voided_refused, 0);
    travels_as(
        Health {
            status: "ok".into(),
            version: "0.1.0".into(),
            database: "sqlite".into(),
            schema_version: 7,
            csp_violations: 0,
        },
        r#"{"status":"ok","version":"0.1.0","database":"sqlite","schema_version":7,"csp_violations":0}"#,
    );
}

#[test]
fn session_bodies() {
    travels_as(
        Login {
            name: "admin".into(),
            password: "pw".into(),
        },
        r#"{"name":"admin","password":"pw"}"#,
    );
    travels_as(
        Me {
            name: "admin".into(),
            must_change: true,
            role: crate::org::roles::Role::Officer,
            area: Some(crate::rate::AreaPlace {
                area: crate::rate::AreaStep {
                    code: "T1".into(),
                    name: "东镇".into(),
                    level: crate::org::Level::Town,
                },
                above: vec![],
            }),
        },
        r#"{"name":"admin","must_change":true,"role":"officer","area":{"area":{"code":"T1","name":"东镇","level":"town"},"above":[]}}"#,
    );
    travels_as(
        PasswordChange {
            current: "a".into(),
            new: "b".into(),
        },
        r#"{"current":"a","new":"b"}"#,
    );
}

#[test]
fn village_bodies() {
    travels_as(
        Village {
            code: "V1".parse().unwrap(),
            name: "东关村".into(),
            devices: vec![Device {
                key: KEY.parse().unwrap(),
                incarnation: 1,
                ledger: "T1".into(),
                enrolled_at: "2026-11-01T08:00:00Z".into(),
                last_seen_at: None,
                revoked: false,
                retired: false,
                stale: true,
            }],
            span: crate::rate::VillageSpan {
                first: Period::parse("2026-06").unwrap(),
                last: Some(Period::parse("2026-11").unwrap()),
            },
        },
        &format!(
            r#"{{"code":"V1","name":"东关村","devices":[{{"key":"{KEY}","incarnation":1,"ledger":"T1",
              "enrolled_at":"2026-11-01T08:00:00Z","last_seen_at":null,"revoked":false,"retired":false,"stale":true}}],
              "span":{{"first":{{"year":2026,"month":6}},"last":{{"year":2026,"month":11}}}}}}"#
        ),
    );
    travels_as(
        FirstMonth {
            first: Period::parse("2025-01").unwrap(),
        },
        r#"{"first":{"year":2025,"month":1}}"#,
    );
    travels_as(
        Retire {
            last: Period::parse("2026-10").unwrap(),
        },
        r#"{"last":{"year":2026,"month":10}}"#,
    );
    travels_as(
        NewVillage {
            code: "V2".parse().unwrap(),
            name: "西关村".parse().unwrap(),
            parent: None,
        },
        r#"{"code":"V2","name":"西关村"}"#,
    );
    travels_as(
        NewVillage {
            code: "V3".parse().unwrap(),
            name: "南关村".parse().unwrap(),
            parent: Some("140105001000".parse().unwrap()),
        },
        r#"{"code":"V3","name":"南关村","parent":"140105001000"}"#,
    );
    travels_as(
        VillageRename {
            name: "新村".parse().unwrap(),
        },
        r#"{"name":"新村"}"#,
    );
    travels_as(
        Settings {
            stale_days: "30".parse().unwrap(),
            enrolment_code_days: "7".parse().unwrap(),
            report_days: "12".parse().unwrap(),
            baseline_year: Some("2025".parse().unwrap()),
            complaint_phone: Some("0351-12345".parse().unwrap()),
        },
        r#"{"stale_days":30,"enrolment_code_days":7,"report_days":12,"baseline_year":2025,"complaint_phone":"0351-12345"}"#,
    );
    // What an older page sends: the baseline year is left as it is.
    assert_eq!(
        serde_json::from_str::<Settings>(r#"{"stale_days":30}"#)
            .unwrap()
            .baseline_year,
        None
    );
    travels_as(
        CodeFor {
            continue_ledger: Some("T1".parse().unwrap()),
        },
        r#"{"continue_ledger":"T1"}"#,
    );
    assert_eq!(
        serde_json::from_str::<CodeFor>("{}").unwrap(),
        CodeFor::default()
    );
    travels_as(
        NewCode {
            code: "ABCD2345".into(),
            display: "ABCD 2345".into(),
            village: "V1".parse().unwrap(),
            valid_days: "7".parse().unwrap(),
        },
        r#"{"code":"ABCD2345","display":"ABCD 2345","village":"V1","valid_days":7}"#,
    );
    travels_as(Withdrawn { withdrawn: 2 }, r#"{"withdrawn":2}"#);
    travels_as(
        Revoke {
            key: KEY.parse().unwrap(),
            incarnation: 3,
        },
        &format!(r#"{{"key":"{KEY}","incarnation":3}}"#),
    );
}

#[test]
fn baseline_bodies() {
    travels_as(YearQuery { year: None }, r#"{"year":null}"#);
    travels_as(
        BaselineYearOf {
            year: "2025".parse().unwrap(),
        },
        r#"{"year":2025}"#,
    );
    travels_as(
        Baselines {
            year: Some("2025".parse().unwrap()),
            baselines: vec![Baseline {
                village: "V1".parse().unwrap(),
                period: Period {
                    year: 2025,
                    month: 3,
                },
                count: 12,
                source: BaselineSource::Csv,
            }],
        },
        r#"{"year":2025,"baselines":[{"village":"V1","period":{"year":2025,"month":3},"count":12,"source":"csv"}]}"#,
    );
    travels_as(
        BaselineForm {
            year: "2025".parse().unwrap(),
            entries: vec![BaselineEntry {
                village: "V1".parse().unwrap(),
                month: 3,
                count: 12,
            }],
        },
        r#"{"year":2025,"entries":[{"village":"V1","month":3,"count":12}]}"#,
    );
    for source in [
        BaselineSource::Manual,
        BaselineSource::Csv,
        BaselineSource::Registry,
    ] {
        assert_eq!(BaselineSource::parse(source.as_str()), Some(source));
        assert_eq!(serde_json::to_value(source).unwrap(), source.as_str());
    }
}

#[test]
fn list_editing_bodies() {
    let list = Catalogue::default_lists().lists()[0].clone();
    let edited = EditedList {
        published: list.clone(),
        draft: Some(list.clone()),
        changes: vec![EntryChange::Added { code: "x".into() }],
        unreadable: vec!["2".into()],
        area: Some(crate::rate::AreaStep {
            code: "T1".into(),
            name: "东关镇".into(),
            level: crate::org::Level::Town,
        }),
        editable: true,
    };
    let json = serde_json::to_string(&edited).unwrap();
    assert!(
        json.contains(r#""changes":[{"kind":"added","code":"x"}]"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<EditedList>(&json).unwrap(), edited);
}

#[test]
fn a_body_that_breaks_a_value_rule_is_refused_whole() {
    assert!(serde_json::from_str::<NewVillage>(r#"{"code":"V 1","name":"村"}"#).is_err());
    assert!(serde_json::from_str::<Settings>(r#"{"stale_days":0}"#).is_err());
    assert!(serde_json::from_str::<Settings>(r#"{"stale_days":3,"report_days":61}"#).is_err());
    assert!(serde_json::from_str::<Revoke>(r#"{"key":"00","incarnation":1}"#).is_err());
    assert!(serde_json::from_str::<BaselineYearOf>(r#"{"year":1999}"#).is_err());
}

#[test]
fn check_query_holds_its_bounds() {
    let query: CheckQuery = serde_json::from_str(r#"{"q":"开证明","limit":99}"#).unwrap();
    assert_eq!((query.q.as_str(), query.limit()), ("开证明", MAX_LIMIT));
    let query: CheckQuery = serde_json::from_str(r#"{"q":"x"}"#).unwrap();
    assert_eq!(query.limit(), DEFAULT_LIMIT);
    let long = "证".repeat(MAX_QUERY_CHARS + 1);
    let err = serde_json::from_value::<CheckQuery>(serde_json::json!({ "q": long })).unwrap_err();
    assert!(err.to_string().contains("longer than"), "{err}");
    assert!(serde_json::from_str::<CheckQuery>("{}").is_err());
}

#[test]
fn the_pages_offer_what_the_role_permits_and_baselines_only_at_the_root() {
    use crate::org::roles::{Action, Role};
    use crate::org::Level;
    use crate::rate::{AreaPlace, AreaStep};
    let step = |code: &str, level| AreaStep {
        code: code.into(),
        name: code.into(),
        level,
    };
    let me = |role, above: Vec<AreaStep>| Me {
        name: "a".into(),
        must_change: false,
        role,
        area: Some(AreaPlace {
            area: step("T1", Level::Town),
            above,
        }),
    };
    let town = |role| me(role, vec![step("C", Level::County)]);
    let root = |role| me(role, vec![]);
    assert!(town(Role::Viewer).may(Action::Read));
    assert!(town(Role::Viewer).may(Action::Export));
    assert!(!town(Role::Viewer).may(Action::ManageVillages));
    assert!(town(Role::Officer).may(Action::ManageTablets));
    assert!(!town(Role::Officer).may(Action::ManageAccounts));
    assert!(town(Role::Administrator).may(Action::ManageAccounts));
    // A town publishes lists and sets settings of its own.
    for own in [Action::EditLists, Action::EditSettings] {
        assert!(town(Role::Officer).may(own), "{own:?}");
        assert!(!town(Role::Viewer).may(own), "{own:?}");
    }
    // The baselines come with the whole server's baseline year.
    assert!(!town(Role::Administrator).may(Action::EditBaselines));
    assert!(root(Role::Officer).may(Action::EditBaselines));
    assert!(!root(Role::Viewer).may(Action::EditBaselines));
}
