//! Browser timings of the clerk's view with 50,000 entries stored, run by
//! `scripts/bench` (ignored in the test run). The ledger is loaded the way a
//! clerk would restore a tablet: a backup file picked in the backup tab.
//!
//! Prints `startup_50k_ms`, `ledger_search_50k_ms`,
//! `ledger_search_first_50k_ms`, `ledger_open_50k_ms` and
//! `idb_bytes_per_entry`.

use fantoccini::Locator;
use jianzheng_core::ledger::{AgencyCategory, Backup, ItemRef, Outcome, Request};
use jianzheng_e2e::{backup_of, dist_dir, Browser, ServerProcess};
use std::collections::BTreeMap;
use std::time::Duration;

const ENTRIES: usize = 50_000;

/// A realistic ledger: a few years of a busy village, mixed outcomes.
fn busy_ledger(n: usize) -> Backup {
    let codes = [
        "A01", "A02", "A03", "A04", "R01", "R02", "N05", "N08", "N10", "N20",
    ];
    backup_of((0..n).map(|i| {
        let code = codes[i % codes.len()];
        let outcome = if code.starts_with('N') {
            Outcome::RefusedRedirected
        } else {
            Outcome::Issued
        };
        let request = Request {
            outcome,
            item: ItemRef::Listed {
                code: code.into(),
                list_id: "l".into(),
                list_version: "2020.1".into(),
            },
            agency: "农业银行城关支行".into(),
            agency_category: AgencyCategory::Bank,
            purpose: "办理贷款".into(),
            resident: BTreeMap::from([
                ("name".to_owned(), format!("居民{i}")),
                ("id_number".to_owned(), format!("1401051990{:08}", i)),
            ]),
            reason: None,
            voids: None,
        };
        let month = 1 + (i / 2000) % 12;
        let year = 2024 + (i / 24_000) as i32;
        (request, format!("{year}-{month:02}-15T09:00:00Z"))
    }))
}

/// One search typed into the ledger: the time from the input until the
/// list shows its answer (its count or its first entry changed), by the
/// page's own clock. Every query below changes one or the other.
async fn keystroke(browser: &Browser, text: &str) -> f64 {
    browser
        .eval(&format!(
            "new Promise(done => {{
                const shown = () => (document.getElementById('ledger-count') || {{}}).textContent + '|'
                    + ((document.querySelector('#ledger-list .ledger-row') || {{ dataset: {{}} }}).dataset.seq);
                const before = shown();
                const input = document.getElementById('ledger-search');
                const t0 = performance.now();
                new MutationObserver((_, obs) => {{ if (shown() !== before) {{ obs.disconnect(); done(performance.now() - t0); }} }})
                    .observe(document.body, {{ childList: true, subtree: true, characterData: true }});
                input.value = '{text}';
                input.dispatchEvent(new Event('input', {{ bubbles: true }}));
            }})"
        ))
        .await
        .as_f64()
        .unwrap()
}

async fn usage(browser: &Browser) -> f64 {
    browser
        .eval("navigator.storage.estimate().then(e => e.usage)")
        .await
        .as_f64()
        .unwrap()
}

#[tokio::test]
#[ignore = "a benchmark: scripts/bench runs it"]
async fn clerk_view_with_fifty_thousand_entries() {
    let file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::fs::write(file.path(), busy_ledger(ENTRIES).to_json()).unwrap();

    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(1280, 800).await.unwrap();
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    c.wait()
        .for_element(Locator::Id("setup-village"))
        .await
        .unwrap()
        .send_keys("140105001")
        .await
        .unwrap();
    c.find(Locator::Id("setup-save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text("#unsynced", "0").await;
    let before = usage(&browser).await;

    c.find(Locator::Id("tab-backup"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let input = c
        .wait()
        .for_element(Locator::Id("backup-restore"))
        .await
        .unwrap();
    input
        .send_keys(&file.path().display().to_string())
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(300))
        .for_element(Locator::XPath(&format!(
            "//*[@id='backup-message'][contains(., '{ENTRIES}')]"
        )))
        .await
        .unwrap();
    let after = usage(&browser).await;
    println!(
        "idb_bytes_per_entry: {:.0} B",
        (after - before) / ENTRIES as f64
    );

    // App start to interactive: a fresh load of the clerk's view until the
    // record form answers, measured by the page's own clock.
    let mut starts = Vec::new();
    for _ in 0..5 {
        c.goto(&format!("{}/clerk", server.url)).await.unwrap();
        browser
            .wait_for_text("#unsynced", &ENTRIES.to_string())
            .await;
        c.wait()
            .for_element(Locator::Id("record-item"))
            .await
            .unwrap();
        starts.push(browser.eval("performance.now()").await.as_f64().unwrap());
    }
    starts.sort_by(f64::total_cmp);
    println!("startup_50k_ms: {:.0} ms", starts[starts.len() / 2]);

    // Opening the ledger reads its newest page; each search keystroke reads
    // back from the newest entry until a page is full or the ledger ends.
    // Timed in the page, from the tap to the count on screen (no polling
    // of the harness in the figure).
    let open_ms = browser
        .eval(&format!(
            "new Promise(done => {{
                const t0 = performance.now();
                const shown = () => (document.getElementById('ledger-count') || {{}}).textContent?.includes('{ENTRIES}');
                new MutationObserver((_, obs) => {{ if (shown()) {{ obs.disconnect(); done(performance.now() - t0); }} }})
                    .observe(document.body, {{ childList: true, subtree: true, characterData: true }});
                document.getElementById('tab-ledger').click();
            }})"
        ))
        .await
        .as_f64()
        .unwrap();
    println!("ledger_open_50k_ms: {open_ms:.0} ms");
    // The first keystroke may wait for the search index the tablet builds
    // after the view opens (measured apart below); the figure is the
    // keystrokes after it.
    keystroke(&browser, "居民4").await;
    let mut searches = Vec::new();
    for name in ["居民49999", "居民123", "1401051990000077", "居民7"] {
        searches.push(keystroke(&browser, name).await);
    }
    searches.sort_by(f64::total_cmp);
    println!(
        "ledger_search_50k_ms: {:.0} ms",
        searches[searches.len() / 2]
    );

    // The first keystroke as soon as the ledger shows after a fresh load:
    // it waits for the search index the tablet builds as the view opens.
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    c.wait()
        .for_element(Locator::Id("record-item"))
        .await
        .unwrap();
    c.find(Locator::Id("tab-ledger"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_text("#ledger-count", &ENTRIES.to_string())
        .await;
    println!(
        "ledger_search_first_50k_ms: {:.0} ms",
        keystroke(&browser, "居民123").await
    );
    browser.close().await;
    server.kill().await;
}
