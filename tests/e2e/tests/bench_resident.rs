//! The resident's first answer on a slow line, run by `scripts/bench`
//! (ignored in the test run): `/check?q=无犯罪记录证明` opened in headless
//! Chromium with chromedriver emulating a rural mobile line (150 ms, 1.6
//! Mbit/s down, 750 kbit/s up), timed in the page from the start of the
//! navigation until the decision is shown.
//!
//! Prints `resident_first_answer_slow_ms` (median of 5 cold loads, each in a
//! fresh profile), `resident_repeat_answer_ms` (the same page again, from
//! the service worker's cache, on the same line), `resident_offline_answer_ms`
//! (again with no network), and, as the same run's baseline,
//! `resident_first_answer_fast_ms` (a cold load on loopback with no emulation).

use jianzheng_e2e::{dist_dir, Browser, Network, ServerProcess};

const QUERY: &str = "/check?q=%E6%97%A0%E7%8A%AF%E7%BD%AA%E8%AE%B0%E5%BD%95%E8%AF%81%E6%98%8E";

/// A phone-sized fresh browser on `network`.
async fn phone(network: Option<&Network>) -> Browser {
    let browser = Browser::start().await;
    browser.client.set_window_size(360, 640).await.unwrap();
    if let Some(network) = network {
        browser.emulate_network(network).await;
    }
    browser
}

fn median(mut ms: Vec<f64>) -> f64 {
    ms.sort_by(f64::total_cmp);
    ms[ms.len() / 2]
}

#[tokio::test]
#[ignore = "a benchmark: scripts/bench runs it"]
async fn resident_check_on_a_slow_line() {
    let server = ServerProcess::start(&dist_dir()).await;
    let url = format!("{}{QUERY}", server.url);

    let mut fast = Vec::new();
    for _ in 0..3 {
        let browser = phone(None).await;
        browser.client.goto(&url).await.unwrap();
        fast.push(browser.ms_until("#decision").await);
        browser.close().await;
    }
    let mut cold = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let browser = phone(Some(&Network::RURAL_MOBILE)).await;
        browser.client.goto(&url).await.unwrap();
        cold.push(browser.ms_until("#decision").await);
        last = Some(browser);
    }
    let browser = last.expect("five loads");
    browser
        .wait_until("navigator.serviceWorker.controller")
        .await;
    browser.client.goto(&url).await.unwrap();
    let repeat = browser.ms_until("#decision").await;
    browser.emulate_network(&Network::OFFLINE).await;
    browser.client.goto(&url).await.unwrap();
    let offline = browser.ms_until("#decision").await;

    println!("resident_first_answer_fast_ms: {:.0} ms", median(fast));
    println!("resident_first_answer_slow_ms: {:.0} ms", median(cold));
    println!("resident_repeat_answer_ms: {repeat:.0} ms");
    println!("resident_offline_answer_ms: {offline:.0} ms");
    browser.emulate_network(&Network::RURAL_MOBILE).await;
    browser.close().await;
    server.kill().await;
}
