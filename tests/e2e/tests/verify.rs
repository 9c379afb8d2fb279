//! A certificate a bank can trust, in headless Chromium against the real
//! server binary: an enrolled tablet prints a certificate with its signed
//! QR code; the code is read back from a screenshot; a second browser (the
//! bank's phone) opens `/verify` once, goes offline, and answers genuine;
//! one character of the code changed, or another name typed: altered. The
//! clerk voids it and syncs, the bank refreshes: voided. The town revokes
//! the tablet: its other certificate of today is revoked.

use jianzheng_e2e::{dist_dir, enrolling_tablet, grey, scan_qr, Browser, Network, ServerProcess};
use jianzheng_server::storage::Storage;

const NAME: &str = "张三";
const ID: &str = "140105199001011238";

/// A tablet set up as T1 of 140105001, with the committee's phone, and
/// enrolled with the town.
async fn enrolled_tablet(server: &ServerProcess) -> Browser {
    let code = server.enrolment_code("140105001");
    let tablet = enrolling_tablet(server, "140105001", "T1", Some("0351-6012345"), &code).await;
    tablet.wait_for_text("#enrol-message", "已登记").await;
    tablet.client.set_window_size(1280, 900).await.unwrap();
    tablet
}

/// Issues an A02 certificate to `name` and opens its print page; returns
/// the code read from the screenshot and the printed check code.
async fn issue_and_print(server: &ServerProcess, tablet: &Browser, name: &str) -> (String, String) {
    let c = &tablet.client;
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#tab-record").await;
    tablet.fill("record-item", "入党政审").await;
    tablet.click(".pick[data-code='A02']").await;
    tablet.fill("record-agency", "县委组织部").await;
    tablet.fill("record-purpose", "发展党员政审").await;
    tablet.fill("resident-name", name).await;
    tablet.fill("resident-id_number", ID).await;
    tablet.click("#action-issue").await;
    tablet.wait_for_text("#saved", "已保存").await;
    tablet.click("#print-link").await;
    tablet.wait_for_text("#cert-code", "校验码").await;
    let raw = tablet
        .eval("document.getElementById('cert-code-raw').textContent")
        .await;
    let check = tablet
        .eval("document.getElementById('cert-check-code').textContent")
        .await;
    // The QR code as a camera would see the page: a screenshot, decoded.
    tablet
        .eval("document.getElementById('cert-code').scrollIntoView()")
        .await;
    let shot = tablet.client.screenshot().await.unwrap();
    let (w, h, luma) = grey(&shot);
    let read = scan_qr(w, h, &luma);
    let code = read
        .into_iter()
        .find(|t| t.starts_with(jianzheng_core::certificate::CODE_PREFIX))
        .expect("the certificate's QR code reads from a screenshot");
    assert_eq!(
        Some(code.as_str()),
        raw.as_str(),
        "the QR code holds the printed text"
    );
    (code, check.as_str().unwrap().to_owned())
}

async fn verdict(agency: &Browser, code: &str, check: &str, name: &str, expected: &str) {
    agency.fill("verify-code", code).await;
    agency.fill("verify-check", check).await;
    agency.fill("verify-name", name).await;
    agency.fill("verify-id", ID).await;
    agency.click("#verify-now").await;
    agency.wait_for_text("#verdict", expected).await;
}

#[tokio::test]
async fn a_printed_certificate_verifies_offline_then_voided_then_revoked() {
    let server = ServerProcess::start(&dist_dir()).await;
    let tablet = enrolled_tablet(&server).await;
    let (code, check) = issue_and_print(&server, &tablet, NAME).await;
    tablet.wait_for_text("#cert-phone", "0351-6012345").await;
    tablet.screenshot("certificate-signed").await;
    tablet
        .prints_on_one_a4_page_in_both_languages("#cert-code", "Check code")
        .await;

    // The bank's phone: a browser of its own, 360 px wide, opens /verify
    // once online, then loses its line.
    let agency = Browser::start().await;
    let a = &agency.client;
    a.set_window_size(360, 740).await.unwrap();
    a.goto(&format!("{}/verify", server.url)).await.unwrap();
    agency.wait_for_text("#trust-status", "1台平板").await;
    agency
        .wait_until("navigator.serviceWorker.controller")
        .await;
    agency.emulate_network(&Network::OFFLINE).await;
    a.goto(&format!("{}/verify", server.url)).await.unwrap();
    agency.wait_for_text("#trust-status", "1台平板").await;
    agency.wait_for_text("#trust-error", "未能更新").await;
    verdict(&agency, &code, &check, NAME, "真实有效").await;
    agency.wait_for_text("#verify-claims", "140105001-").await;
    agency.screenshot("verify-genuine").await;

    // One character of the code's text changed; another name typed.
    let at = code.len() / 2;
    let swapped = if &code[at..=at] == "A" { "B" } else { "A" };
    let mut altered = code.clone();
    altered.replace_range(at..=at, swapped);
    verdict(&agency, &altered, &check, NAME, "已被改动或伪造").await;
    // What a forged code says is not shown as a certificate's.
    assert_eq!(
        agency
            .eval("!!document.getElementById('verify-claims')")
            .await,
        serde_json::json!(false),
        "an altered code's contents are not listed"
    );
    agency.screenshot("verify-altered").await;
    // A typo in the name is a typo: check what you typed, not "forged".
    verdict(&agency, &code, &check, "张四", "输入与证明不符").await;
    agency.wait_for_text("#verify-typed", "逐字核对").await;
    agency.wait_for_text("#verify-claims", "140105001-").await;
    agency.screenshot("verify-typo").await;
    verdict(&agency, &code, &check, NAME, "真实有效").await;

    // A second certificate of today, then the first voided and synced.
    let (second, second_check) = issue_and_print(&server, &tablet, "李四").await;
    let c = &tablet.client;
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    tablet.click("#tab-ledger").await;
    tablet.fill("ledger-search", NAME).await;
    tablet.wait_for_text("#ledger-count", "1").await;
    tablet.click(".ledger-row .void").await;
    tablet.fill("dialog-reason", "身份证号填错").await;
    tablet.click("#dialog-confirm").await;
    tablet.wait_for_text(".ledger-row", "已作废").await;
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#tab-sync").await;
    tablet.click("#sync-now").await;
    tablet.wait_for_text("#unsynced", "0").await;

    agency.emulate_network(&Network::UNTHROTTLED).await;
    agency.click("#trust-refresh").await;
    agency
        .wait_until("!document.getElementById('trust-error')")
        .await;
    verdict(&agency, &code, &check, NAME, "此证明已作废").await;
    verdict(&agency, &second, &second_check, "李四", "真实有效").await;

    // The town revokes the tablet (from another process, as an operator
    // would): what it dated today is no longer vouched for.
    let storage = Storage::open_in(server.data_dir()).await.unwrap();
    let devices = storage.devices("140105001", 14).await.unwrap();
    storage
        .revoke(&devices[0].key.0, devices[0].incarnation)
        .await
        .unwrap()
        .unwrap();
    agency.click("#trust-refresh").await;
    agency.wait_for_text("#trust-status", "1台平板").await;
    verdict(&agency, &second, &second_check, "李四", "已被停用").await; // 当天或之前
    agency.screenshot("verify-revoked").await;
    agency.close().await;
    tablet.close().await;
    server.kill().await;
}
