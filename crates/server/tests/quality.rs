//! Signs that a figure is not real over real HTTP, on SQLite and (with
//! `JIANZHENG_TEST_POSTGRES`) PostgreSQL: the demo's village that stopped
//! recording, its village whose issues turned into refusals and its silent
//! tablet are each listed with their reason, and no other village is.

mod support;

use jianzheng_core::ledger::Period;
use jianzheng_core::rate::quality::{QualitySign, VillageSigns};
use jianzheng_server::auth::hash_password;
use jianzheng_server::demo::{seed, village_code, DemoSize};

const PASSWORD: &str = "a-quality-password-1";

#[tokio::test]
async fn the_demo_shows_one_village_of_each_sign_and_no_other() {
    let srv = support::start().await;
    srv.storage
        .create_user("admin", &hash_password(PASSWORD), false)
        .await
        .unwrap();
    let last = Period {
        year: 2026,
        month: 10,
    };
    seed(
        &srv.storage,
        DemoSize {
            villages: 12,
            months: 24,
            last,
        },
    )
    .await
    .unwrap();
    let client = support::town_client(&srv.base, PASSWORD).await;
    let signs: Vec<VillageSigns> = client
        .get(format!(
            "{}/api/v1/town/quality?from=2025-11&to=2026-10",
            srv.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
