//! The trust list and the verify endpoint over real HTTP, on SQLite and
//! (with `JIANZHENG_TEST_POSTGRES`) PostgreSQL: a certificate a tablet
//! signs is genuine; altered, voided once the tablet sends the void up,
//! revoked once the town revokes the tablet; the list is signed by one
//! town key that stays the same; bad queries are refused with 400.

mod support;

use jianzheng_core::api::verify::{VerifyAnswer, VerifyRequest};
use jianzheng_core::certificate::{
    check_code, holder_hash, CertificateClaims, IssueDate, SignedCode, TrustIndex, TrustList,
    Typed, Verdict,
};
use jianzheng_core::ledger::{CertificateNumber, Period};
use jianzheng_core::sync::{encode, public_key, CountsPayload, PeriodReport, VoidedNumber};
use jianzheng_server::storage::{DeviceId, Enrol, LedgerIntent};

const SECRET: [u8; 32] = [21; 32];
const VILLAGE: &str = "140105001";
const NAME: &str = "王五";
const ID: &str = "140105198807070011";

async fn enrolled() -> support::Running {
    let srv = support::start().await;
    srv.storage.upsert_village(VILLAGE, "东村").await.unwrap();
    let code = srv
        .storage
        .create_enrolment_code(VILLAGE, 7, &LedgerIntent::New)
        .await
        .unwrap();
    let device = DeviceId {
        key: &public_key(&SECRET),
        incarnation: 1,
        village: VILLAGE,
        ledger: "T1",
    };
    assert!(matches!(
        srv.storage.enrol(&code, &device, None).await.unwrap(),
        Enrol::Enrolled
    ));
    srv
}

/// A code for certificate `sequence`, issued today, and its check code.
fn certificate(sequence: u32) -> (String, String) {
    certificate_of(sequence, time::OffsetDateTime::now_utc().date())
}

/// A code for certificate `sequence`, dated `today`, and its check code.
fn certificate_of(sequence: u32, today: time::Date) -> (String, String) {
    let check = check_code(&SECRET, &format!("event {sequence}"));
    let claims = CertificateClaims {
        number: CertificateNumber {
            village: VILLAGE.into(),
            year: today.year(),
            device: "T1".into(),
            sequence,
        },
        item: "HH-001".into(),
        list_version: "1".into(),
        date: IssueDate {
            year: today.year(),
            month: today.month() as u8,
            day: today.day(),
        },
        holder: holder_hash(&check, NAME, ID),
    };
    (SignedCode::sign(&claims, &SECRET), check)
}

async fn verdict(srv: &support::Running, code: &str, check: &str, name: &str) -> Verdict {
    answer(srv, code, check, name).await.verdict
}

async fn answer(srv: &support::Running, code: &str, check: &str, name: &str) -> VerifyAnswer {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/verify", srv.base))
        .json(&VerifyRequest {
            code: code.into(),
            check_code: check.into(),
            name: name.into(),
            id_number: ID.into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json::<VerifyAnswer>().await.unwrap()
}

async fn trust_list(srv: &support::Running) -> (TrustList, [u8; 32]) {
    let res = reqwest::get(format!("{}/api/v1/trust", srv.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    TrustList::open(&res.bytes().await.unwrap(), None).unwrap()
}

#[tokio::test]
async fn a_signed_certificate_is_genuine_until_voided_and_its_tablet_revoked() {
    let srv = enrolled().await;
    let (code, check) = certificate(7);
    let genuine = answer(&srv, &code, &check, NAME).await;
    assert_eq!(
        (genuine.genuine, genuine.verdict, genuine.typed),
        (true, Verdict::Genuine, Some(Typed::Matches))
    );
    // Another name sent: the code is genuine, what was sent is not what it
    // signed, and the answer to act on is "not genuine".
    let typo = answer(&srv, &code, &check, "王六").await;
    assert_eq!(
        (typo.genuine, typo.verdict, typo.typed),
        (false, Verdict::Genuine, Some(Typed::Differs))
    );
    // The code alone, nothing typed: not genuine either.
    let bare = answer(&srv, &code, "", "").await;
    assert_eq!((bare.genuine, bare.typed), (false, Some(Typed::Missing)));
    let (other, other_check) = certificate(8);

    // The list names the tablet, and a verifier offline reads the same.
    let (list, town_key) = trust_list(&srv).await;
    assert_eq!(list.devices.len(), 1);
    assert_eq!(list.devices[0].ledger, "T1");
    let offline = TrustIndex::new(list);
    let answer = jianzheng_core::certificate::verify(&code, &check, NAME, ID, &offline).unwrap();
    assert_eq!(answer.verdict, Verdict::Genuine);

    // The tablet voids number 7 and syncs: 7 is voided, 8 is not.
    let today = time::OffsetDateTime::now_utc().date();
    let payload = CountsPayload {
        village: VILLAGE.into(),
        device_key: public_key(&SECRET),
        incarnation: 1,
        ledger: "T1".into(),
        created_at: "2026-12-01T10:00:00Z".into(),
        periods: vec![PeriodReport {
            period: Period {
                year: today.year(),
                month: today.month() as u8,
            },
            closed: false,
            cells: vec![],
        }],
        voided: vec![VoidedNumber {
            year: today.year(),
            sequence: 7,
        }],
    };
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/counts", srv.base))
        .header("content-type", "application/octet-stream")
        .body(encode(&payload, &SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(verdict(&srv, &code, &check, NAME).await, Verdict::Voided);
    assert_eq!(
        verdict(&srv, &other, &other_check, NAME).await,
        Verdict::Genuine
    );
    let (list, same_key) = trust_list(&srv).await;
    assert_eq!(same_key, town_key, "one town key signs every list");
    assert_eq!(list.voided.len(), 1);
    assert_eq!(list.voided[0].sequences, vec![7]);

    // The town revokes the tablet today: what it dates today is revoked.
    srv.storage
        .revoke(&public_key(&SECRET), 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        verdict(&srv, &other, &other_check, NAME).await,
        Verdict::Revoked
    );
    let (list, _) = trust_list(&srv).await;
    assert!(list.devices[0].revoked_at.is_some());
}

#[tokio::test]
async fn a_code_of_no_known_tablet_or_no_code_at_all_or_a_huge_field() {
    let srv = enrolled().await;
    let (code, check) = certificate(1);
    // The same claims signed by a key the town never enrolled.
    let read = SignedCode::read(&code).unwrap();
    let stranger = SignedCode::sign(&read.claims, &[22; 32]);
    assert_eq!(
        verdict(&srv, &stranger, &check, NAME).await,
        Verdict::UnknownTablet
    );
    let client = reqwest::Client::new();
    for (code, name) in [
        ("https://example.cn/check".to_owned(), NAME.to_owned()),
        (code.clone(), "名".repeat(65)),
        (format!("JZC1:{}", "A".repeat(700)), NAME.to_owned()),
    ] {
        let res = client
            .post(format!("{}/api/v1/verify", srv.base))
            .json(&VerifyRequest {
                code,
                check_code: check.clone(),
                name,
                id_number: String::new(),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "bad_request");
    }
}

#[tokio::test]
async fn a_stolen_key_cannot_backdate_a_paper_past_its_last_sync() {
    let srv = enrolled().await;
    // The tablet was enrolled at new year.
    let moved = "UPDATE devices SET enrolled_at = '2026-01-01T00:00:00Z'";
    assert_eq!(support::run_beside(&srv, moved, moved).await, [true]);
    let today = time::OffsetDateTime::now_utc().date();
    // The tablet printed three certificates this month and synced them.
    let payload = CountsPayload {
        village: VILLAGE.into(),
        device_key: public_key(&SECRET),
        incarnation: 1,
        ledger: "T1".into(),
        created_at: "2026-12-01T10:00:00Z".into(),
        periods: vec![PeriodReport {
            period: Period {
                year: today.year(),
                month: today.month() as u8,
            },
            closed: false,
            cells: vec![jianzheng_core::sync::Cell {
                item: "HH-001".into(),
                outcome: jianzheng_core::ledger::Outcome::Issued,
                agency: jianzheng_core::ledger::AgencyCategory::Bank,
                count: 3,
            }],
        }],
        voided: vec![],
    };
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/counts", srv.base))
        .header("content-type", "application/octet-stream")
        .body(encode(&payload, &SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // The tablet is stolen and revoked today; the thief signs number 4
    // and dates it yesterday.
    srv.storage
        .revoke(&public_key(&SECRET), 1)
        .await
        .unwrap()
        .unwrap();
    let yesterday = today.previous_day().unwrap();
    let (forged, check) = certificate_of(4, yesterday);
    assert_eq!(verdict(&srv, &forged, &check, NAME).await, Verdict::Revoked);
    // Number 3, printed before the theft and synced, stays genuine.
    let (synced, check) = certificate_of(3, yesterday);
    assert_eq!(verdict(&srv, &synced, &check, NAME).await, Verdict::Genuine);
    // The offline list says the same.
    let (list, _) = trust_list(&srv).await;
    assert_eq!(
        list.devices[0].numbered,
        Some(vec![jianzheng_core::certificate::NumberedYear {
            year: today.year(),
            through: 3
        }])
    );
    let offline = TrustIndex::new(list);
    let answer = jianzheng_core::certificate::verify(
        &forged,
        &check_code(&SECRET, "event 4"),
        NAME,
        ID,
        &offline,
    )
    .unwrap();
    assert_eq!(answer.verdict, Verdict::Revoked);
}

#[tokio::test]
async fn a_name_and_id_never_travel_in_the_address() {
    let srv = enrolled().await;
    let (code, check) = certificate(1);
    let res = reqwest::Client::new()
        .get(format!("{}/api/v1/verify", srv.base))
        .query(&[
            ("code", code.as_str()),
            ("check_code", &check),
            ("name", NAME),
            ("id_number", ID),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}
