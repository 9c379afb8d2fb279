//! A record the clerk saw as saved survives the browser being killed in the
//! middle of a burst of writes.

use fantoccini::Locator;
use jianzheng_e2e::{dist_dir, Browser, ServerProcess};

#[tokio::test]
async fn every_acknowledged_record_survives_a_killed_browser() {
    let server = ServerProcess::start(&dist_dir()).await;
    let profile = tempfile::TempDir::new().unwrap();
    let browser = Browser::start_in(profile.path()).await;
    browser
        .client
        .goto(&format!("{}/clerk", server.url))
        .await
        .unwrap();
    browser.fill("setup-village", "140105001").await;
    browser.click("#setup-save").await;
    browser.wait_for_text("#unsynced", "0").await;

    let mut acknowledged = Vec::new();
    for i in 0..12 {
        browser.fill("record-item", "入党政审").await;
        browser.click(".pick[data-code='A02']").await;
        browser.fill("record-agency", "县委组织部").await;
        browser.fill("resident-name", &format!("居民{i}")).await;
        browser.click("#action-issue").await;
        if i == 11 {
            break; // this one is in flight when the power goes
        }
        let saved = browser.wait_for_text("#saved .number", "140105001-").await;
        acknowledged.push(saved.split_whitespace().last().unwrap().to_owned());
        browser.click("#record-another").await;
    }
    browser.kill_hard().await;

    let browser = Browser::start_in(profile.path()).await;
    browser
        .client
        .goto(&format!("{}/clerk", server.url))
        .await
        .unwrap();
    browser.click("#tab-ledger").await;
    browser.wait_for_text("#ledger-count", "条记录").await;
    let listed = browser
        .client
        .find(Locator::Id("ledger-list"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for number in &acknowledged {
        assert!(
            listed.contains(number.as_str()),
            "acknowledged {number} was lost:\n{listed}"
        );
    }
    // The in-flight record is either wholly there or wholly absent, and the
    // not-synced count agrees with the ledger either way.
    let count: usize = browser
        .client
        .find(Locator::Id("ledger-count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        count == acknowledged.len() || count == acknowledged.len() + 1,
        "{count} entries"
    );
    browser.wait_for_text("#unsynced", &count.to_string()).await;
    browser.close().await;
    server.kill().await;
}
