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
//!
//! And the verifier's answer offline against a county's trust list (1,000
//! tablets, 10,000 voided numbers): `verify_offline_ms`, from pressing
//! "verify" with the decoded text typed in until the verdict is on the
//! page (median of 9), with core's own time in the same presses as the
//! baseline (`verify_core_ms`), and `trust_list_bytes_1k`, what
//! `GET /api/v1/trust` sends gzipped (`trust_list_raw_bytes_1k` unzipped).

use jianzheng_core::certificate::{
    check_code, holder_hash, CertificateClaims, IssueDate, SignedCode,
};
use jianzheng_core::ledger::{CertificateNumber, Period};
use jianzheng_core::sync::{public_key, CountsPayload, SignedPayload, VoidedNumber};
use jianzheng_e2e::{dist_dir, Browser, Network, ServerProcess};
use jianzheng_server::storage::{DeviceId, LedgerIntent, Storage};

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

/// Secret key of tablet `n` of the seeded county.
fn secret(n: u32) -> [u8; 32] {
    let mut secret = [7u8; 32];
    secret[..4].copy_from_slice(&n.to_le_bytes());
    secret
}

/// 100 villages of 10 tablets each, every tablet with 10 voided numbers.
async fn seed_county(data: &std::path::Path) {
    let storage = Storage::open_in(data).await.unwrap();
    let today = time_today();
    for v in 0..100u32 {
        let village = format!("1401050{v:05}");
        storage.upsert_village(&village, &village).await.unwrap();
        for t in 0..10u32 {
            let n = v * 10 + t;
            let ledger = format!("T{t}");
            let code = storage
                .create_enrolment_code(&village, 7, &LedgerIntent::New)
                .await
                .unwrap();
            let key = public_key(&secret(n));
            let device = DeviceId {
                key: &key,
                incarnation: 1,
                village: &village,
                ledger: &ledger,
            };
            storage.enrol(&code, &device, None).await.unwrap();
            let payload = CountsPayload {
                village: village.clone(),
                device_key: key,
                incarnation: 1,
                ledger,
                created_at: "2026-12-01T10:00:00Z".into(),
                periods: vec![],
                voided: (1..=10)
                    .map(|k| VoidedNumber {
                        year: today.year,
                        sequence: k * 13,
                    })
                    .collect(),
            };
            storage
                .ingest(
                    &SignedPayload::sign(payload, &secret(n)),
                    today_period(today),
                )
                .await
                .unwrap();
        }
    }
    storage.close().await;
}

fn time_today() -> IssueDate {
    let today = time::OffsetDateTime::now_utc().date();
    IssueDate {
        year: today.year(),
        month: today.month() as u8,
        day: today.day(),
    }
}

fn today_period(today: IssueDate) -> Period {
    Period {
        year: today.year,
        month: today.month,
    }
}

#[tokio::test]
#[ignore = "a benchmark: scripts/bench runs it"]
async fn verify_offline_against_a_county_trust_list() {
    let data = tempfile::TempDir::new().unwrap();
    seed_county(data.path()).await;
    let server = ServerProcess::start_with_data(&dist_dir(), data).await;

    let sent = reqwest::Client::new()
        .get(format!("{}/api/v1/trust", server.url))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(sent.headers()["content-encoding"], "gzip");
    let gzipped = sent.bytes().await.unwrap().len();
    let raw = reqwest::get(format!("{}/api/v1/trust", server.url))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();
    println!("trust_list_bytes_1k: {:.1} KB", gzipped as f64 / 1024.0);
    println!("trust_list_raw_bytes_1k: {:.1} KB", raw as f64 / 1024.0);

    // A genuine certificate of tablet 507 (village 50, ledger T7).
    let today = time_today();
    let check = check_code(&secret(507), "bench event");
    let claims = CertificateClaims {
        number: CertificateNumber {
            village: "140105000050".into(),
            year: today.year,
            device: "T7".into(),
            sequence: 14,
        },
        item: "A02".into(),
        list_version: "1".into(),
        date: today,
        holder: holder_hash(&check, "张三", "140105199001011234"),
    };
    let code = SignedCode::sign(&claims, &secret(507));

    let browser = phone(None).await;
    browser
        .client
        .goto(&format!("{}/verify", server.url))
        .await
        .unwrap();
    browser.wait_for_text("#trust-status", "1000").await;
    browser.emulate_network(&Network::OFFLINE).await;
    browser.fill("verify-code", &code).await;
    browser.fill("verify-check", &check).await;
    browser.fill("verify-name", "张三").await;
    browser.fill("verify-id", "140105199001011234").await;
    let (mut shown, mut core) = (Vec::new(), Vec::new());
    for _ in 0..9 {
        // Typing again clears the answer; then one press, timed in the page.
        browser.fill("verify-name", "张三").await;
        let ms = browser
            .eval(
                "new Promise(done => { const t0 = performance.now();
                    document.getElementById('verify-now').click();
                    const seen = () => document.getElementById('verdict')
                        ? done(performance.now() - t0) : requestAnimationFrame(seen);
                    seen(); })",
            )
            .await;
        shown.push(ms.as_f64().unwrap());
        browser.wait_for_text("#verdict", "真实有效").await;
        let own = browser
            .eval("Number(document.getElementById('verify-answer').dataset.ms)")
            .await;
        core.push(own.as_f64().unwrap());
    }
    println!("verify_offline_ms: {:.1} ms", median(shown));
    println!("verify_core_ms: {:.2} ms", median(core));
    browser.close().await;
    server.kill().await;
}
