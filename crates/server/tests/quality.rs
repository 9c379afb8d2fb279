//! What the town reads from its figures, over real HTTP on SQLite and (with
//! `JIANZHENG_TEST_POSTGRES`) PostgreSQL: the signs that a figure is not
//! real (the demo's village that stopped recording, its village whose
//! issues turned into refusals and its silent tablet are each listed with
//! their reason, and no other village is), and the letters to agencies.

mod support;

use jianzheng_core::ledger::Period;
use jianzheng_core::rate::letters::Letter;
use jianzheng_core::rate::quality::{QualitySign, VillageSigns};
use jianzheng_server::auth::hash_password;
use jianzheng_server::demo::{seed, village_code, DemoSize};

const PASSWORD: &str = "a-quality-password-1";

/// The demo's newest month.
const LAST: Period = Period {
    year: 2026,
    month: 10,
};

/// A server with the demo town of 12 villages up to October 2026, and a
/// client logged in as its administrator.
async fn demo_town() -> (support::Running, reqwest::Client) {
    let srv = support::start().await;
    srv.storage
        .create_user("admin", &hash_password(PASSWORD), false)
        .await
        .unwrap();
    seed(
        &srv.storage,
        DemoSize {
            villages: 12,
            months: 24,
            last: LAST,
        },
    )
    .await
    .unwrap();
    let client = support::town_client(&srv.base, PASSWORD).await;
    (srv, client)
}

/// `GET /api/v1/town/{path}` as `client`, read as JSON.
async fn town_get<T: serde::de::DeserializeOwned>(
    srv: &support::Running,
    client: &reqwest::Client,
    path: &str,
) -> T {
    let res = client
        .get(format!("{}/api/v1/town/{path}", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_demo_shows_one_village_of_each_sign_and_no_other() {
    let (srv, client) = demo_town().await;
    let last = LAST;
    let signs: Vec<VillageSigns> = town_get(&srv, &client, "quality?from=2025-11&to=2026-10").await;
    let kinds: Vec<(String, Vec<&str>)> = signs
        .iter()
        .map(|v| {
            let kinds = v
                .signs
                .iter()
                .map(|s| match s {
                    QualitySign::FellBelowHistory { period, .. } => {
                        assert_eq!(*period, last);
                        "fell"
                    }
                    QualitySign::PossibleReclassification { period, .. } => {
                        assert_eq!(*period, last);
                        "reclassified"
                    }
                    QualitySign::SilentTablet { ledger, .. } => {
                        assert_eq!(ledger, "T1");
                        "silent"
                    }
                })
                .collect();
            (v.code.clone(), kinds)
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (village_code(1), vec!["fell"]),
            (village_code(2), vec!["reclassified"]),
            (village_code(3), vec!["silent"]),
        ]
    );
    // Without a session, nothing.
    let res = reqwest::get(format!(
        "{}/api/v1/town/quality?from=2025-11&to=2026-10",
        srv.base
    ))
    .await
    .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn each_agency_that_asked_for_certificates_gets_a_letter_with_the_basis_and_the_way() {
    let (srv, client) = demo_town().await;
    let letters: Vec<Letter> = town_get(&srv, &client, "letters?from=2026-01&to=2026-10").await;
    // The demo's refusals and unlisted issues rotate over four categories.
    assert_eq!(letters.len(), 4, "{letters:?}");
    for letter in &letters {
        assert!(letter.total() > 0);
        let refused = letter
            .lines
            .iter()
            .find(|l| l.refused > 0)
            .expect("a refused item");
        assert!(!refused.basis.zh.is_empty(), "{refused:?}");
        assert!(refused.instead.is_some(), "{refused:?}");
    }
    let totals: Vec<u64> = letters.iter().map(Letter::total).collect();
    assert!(
        totals.windows(2).all(|w| w[0] >= w[1]),
        "most first: {totals:?}"
    );
    let res = reqwest::get(format!(
        "{}/api/v1/town/letters?from=2026-01&to=2026-10",
        srv.base
    ))
    .await
    .unwrap();
    assert_eq!(res.status(), 401);
}
