//! The clerk's working day on the tablet view, in headless Chromium against
//! the real server: set up, record, print, refuse, issue unlisted, search,
//! void, reload.

use fantoccini::Locator;
use jianzheng_core::ledger::{AgencyCategory, Backup, ItemRef, Outcome, Request};
use jianzheng_e2e::{backup_of, dist_dir, Browser, ServerProcess};
use std::collections::BTreeMap;

/// Searches the record form for `query` and picks the entry `code`.
async fn pick(browser: &Browser, query: &str, code: &str) {
    browser.fill("record-item", query).await;
    browser.click(&format!(".pick[data-code='{code}']")).await;
}

#[tokio::test]
async fn a_refusal_of_an_item_a_declaration_replaces_hands_over_the_form() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    browser.client.set_window_size(1280, 800).await.unwrap();
    browser
        .client
        .goto(&format!("{}/clerk", server.url))
        .await
        .unwrap();
    browser.fill("setup-village", "140105001").await;
    browser.fill("setup-device", "T1").await;
    browser.click("#setup-save").await;
    pick(&browser, "单身证明", "N08").await;
    browser.fill("record-agency", "农业银行城关支行").await;
    browser.click("#action-refuse").await;
    browser.wait_for_text("#saved", "已保存").await;
    browser.click("#declaration-link").await;
    browser
        .wait_for_text("#declaration", "婚姻状况证明事项告知承诺书")
        .await;
    browser.close().await;
    server.kill().await;
}

#[tokio::test]
async fn a_clerk_records_prints_refuses_searches_and_voids() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(1280, 800).await.unwrap(); // a 10-inch tablet, landscape
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();

    browser.fill("setup-village", "140105001").await;
    browser.fill("setup-device", "T1").await;
    browser.click("#setup-save").await;
    browser.wait_for_text("#unsynced", "0").await;

    // A listed certificate: the decision at once, then issue and print.
    pick(&browser, "入党政审", "A02").await;
    browser
        .wait_for_text("#record-decision", "村里可以开")
        .await;
    browser.fill("record-agency", "县委组织部").await;
    browser.fill("record-purpose", "发展党员政审").await;
    browser.fill("resident-name", "张三").await;
    // A number with a wrong check digit is said as it is typed and asked
    // about before saving; cancelled, it is corrected.
    browser
        .fill("resident-id_number", "140105199001011234")
        .await;
    browser.wait_for_text("#id-warning", "最后一位应是8").await;
    browser
        .fill("resident-statement", "系本村村民，表现良好")
        .await;
    browser.click("#action-issue").await;
    browser
        .wait_for_text("#dialog-title", "身份证号可能输错了")
        .await;
    browser.wait_for_text(".dialog", "护照").await;
    browser.screenshot("clerk-id-check").await;
    browser.click("#dialog-cancel").await;
    browser
        .wait_until("!document.querySelector('.dialog')")
        .await;
    browser
        .fill("resident-id_number", "140105199001011238")
        .await;
    browser
        .wait_until("!document.getElementById('id-warning')")
        .await;
    browser.screenshot("clerk-record").await;
    // The same form in portrait: nothing runs off the side of the screen.
    c.set_window_size(800, 1280).await.unwrap();
    let overflow = browser
        .eval("document.documentElement.scrollWidth > window.innerWidth")
        .await;
    assert_eq!(overflow, false, "the form must fit a portrait tablet");
    browser.screenshot("clerk-record-portrait").await;
    c.set_window_size(1280, 800).await.unwrap();
    browser.click("#action-issue").await;
    let year = browser.eval("new Date().getFullYear()").await;
    browser
        .wait_for_text("#saved", &format!("140105001-{year}-T1-0001"))
        .await;
    browser.wait_for_text("#unsynced", "1").await;
    browser.click("#print-link").await;
    browser.wait_for_text("#certificate", "张三").await;
    browser
        .wait_for_text("#certificate", "140105199001011238")
        .await;
    browser.screenshot("clerk-certificate").await;
    let pdf = browser.print_a4_pdf().await;
    assert!(
        String::from_utf8_lossy(&pdf).contains("/Count 1"),
        "the certificate is one A4 page"
    );

    // A certificate the village must not issue: refuse and print the slip.
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    pick(&browser, "wfzjl", "N05").await;
    browser.wait_for_text("#record-decision", "派出所").await;
    browser.fill("record-agency", "农业银行城关支行").await;
    browser.fill("resident-name", "李四").await;
    browser.click("#action-refuse").await;
    browser.wait_for_text("#saved", "已保存").await;
    browser.click("#print-link").await;
    browser.wait_for_text("#slip", "派出所").await;
    browser.screenshot("clerk-slip").await;
    browser
        .prints_on_one_a4_page_in_both_languages("#slip", "Where to go")
        .await;

    // Two entries that fit about equally: the form says so and offers both.
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    browser.fill("record-item", "dszm").await;
    browser.wait_for_text("#record-unsure", "确认").await;
    let offered = browser
        .eval("[...document.querySelectorAll('.pick[data-code]')].slice(0, 2).map(b => b.dataset.code).sort().join(',')")
        .await;
    assert_eq!(offered, "N08,N20");
    // A clear match needs no confirming.
    browser.fill("record-item", "单身证明").await;
    browser
        .wait_until("document.getElementById('record-unsure') === null")
        .await;
    browser
        .wait_for_text(".pick[data-code='N08']", "婚姻状况")
        .await;

    // Not on any list: a reason is required, then it is recorded and flagged.
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    browser.fill("record-item", "收入证明").await;
    browser.click("#pick-free").await;
    browser.fill("record-agency", "信用社").await;
    browser.fill("resident-name", "王五").await;
    browser.click("#action-unlisted").await;
    browser.wait_for_text("#record-error", "理由").await;
    // An oversized field is refused too, and nothing is written.
    browser.fill("record-reason", &"很".repeat(250)).await;
    browser.click("#action-unlisted").await;
    browser.wait_for_text("#record-error", "太长").await;
    browser
        .fill("record-reason", "信用社坚持要求，已报乡镇")
        .await;
    browser.click("#action-unlisted").await;
    browser.wait_for_text("#saved", "已保存").await;
    browser.wait_for_text("#unsynced", "3").await;
    // Its certificate, on the default template, gives the reason.
    browser.click("#print-link").await;
    browser
        .wait_for_text("#cert-reason", "信用社坚持要求")
        .await;
    browser
        .prints_on_one_a4_page_in_both_languages("#certificate", "To")
        .await;
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();

    // The ledger: search by name, void with a reason.
    browser.click("#tab-ledger").await;
    browser.wait_for_text("#ledger-count", "3").await;
    browser.fill("ledger-search", "张三").await;
    browser.wait_for_text("#ledger-count", "1").await;
    // The refusal's paper is a slip, not a certificate.
    browser.fill("ledger-search", "李四").await;
    browser.wait_for_text("#ledger-count", "1").await;
    browser
        .wait_for_text(".ledger-row .row-actions", "打印告知单")
        .await;
    browser.fill("ledger-search", "张三").await;
    browser.wait_for_text("#ledger-count", "1").await;
    // Voiding asks in the app's dialog what it does; a reason too short is
    // refused there and voids nothing.
    browser.click(".ledger-row .void").await;
    browser.wait_for_text("#dialog-title", "作废这张证明").await;
    browser.wait_for_text(".dialog", "作废不能撤销").await;
    browser.fill("dialog-reason", "错").await;
    browser.click("#dialog-confirm").await;
    browser.wait_for_text("#dialog-error", "至少4个字").await;
    browser.screenshot("clerk-void-dialog").await;
    browser.fill("dialog-reason", "身份证号填错").await;
    browser.click("#dialog-confirm").await;
    browser
        .wait_until("!document.querySelector('.dialog')")
        .await;
    browser.wait_for_text(".ledger-row", "已作废").await;
    browser
        .wait_for_text(".ledger-row .void-reason", "作废理由：身份证号填错")
        .await;
    // Printed again, the certificate says it is void, with the day and the
    // reason, and carries no code to verify.
    browser.click(".ledger-row.voided .row-actions a").await;
    browser.wait_for_text("#cert-void", "身份证号填错").await;
    browser.wait_for_text(".void-stamp", "作废").await;
    assert_eq!(
        browser
            .eval("!!document.getElementById('cert-code') || !!document.getElementById('cert-no-code')")
            .await,
        serde_json::json!(false),
        "a voided certificate prints no code"
    );
    browser.screenshot("clerk-voided-certificate").await;
    browser
        .prints_on_one_a4_page_in_both_languages("#certificate", "Voided on")
        .await;
    // The void's own row (the fourth entry) has no paper: its page says
    // what it is.
    c.goto(&format!("{}/clerk/print/4", server.url))
        .await
        .unwrap();
    browser
        .wait_for_text("#void-row", "作废记录，不是证明")
        .await;
    browser.wait_for_text("#void-row", "身份证号填错").await;
    assert_eq!(
        browser
            .eval("!!document.getElementById('certificate') || !!document.getElementById('slip')")
            .await,
        serde_json::json!(false),
        "a void prints neither a certificate nor a slip"
    );
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    browser.click("#tab-ledger").await;
    browser.wait_for_text("#ledger-count", "4").await;
    // Filter by item and by outcome.
    c.find(Locator::Css("#ledger-item option[value='N05']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text("#ledger-count", "1").await;
    browser.wait_for_text("#ledger-list", "李四").await;
    c.find(Locator::Css("#ledger-item option[value='']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text("#ledger-count", "4").await;
    browser.screenshot("clerk-ledger").await;

    // Backups: a damaged file and another village's are refused, a good one
    // adds nothing to the tablet that made it.
    browser.click("#tab-backup").await;
    let dir = tempfile::TempDir::new().unwrap();
    let damaged = dir.path().join("damaged.json");
    std::fs::write(
        &damaged,
        b"{\"format\":1,\"village\":\"140105001\",\"events\":[{\"seq\":",
    )
    .unwrap();
    let input = c
        .wait()
        .for_element(Locator::Id("backup-restore"))
        .await
        .unwrap();
    input
        .send_keys(&damaged.display().to_string())
        .await
        .unwrap();
    browser
        .wait_for_text("#backup-message", "不是减证的备份文件")
        .await;
    let foreign = dir.path().join("foreign.json");
    let other = r#"{"format":1,"village":"999999999","device":"T9","exported_at":"2026-01-01","events":[]}"#;
    std::fs::write(&foreign, other).unwrap();
    let input = c.find(Locator::Id("backup-restore")).await.unwrap();
    input
        .send_keys(&foreign.display().to_string())
        .await
        .unwrap();
    browser.wait_for_text("#backup-message", "999999999").await;
    browser.wait_for_text("#unsynced", "4").await;

    // Everything the clerk saw as saved is there after a reload.
    c.refresh().await.unwrap();
    browser.click("#tab-ledger").await;
    browser.wait_for_text("#ledger-count", "4").await;
    browser.wait_for_text("#unsynced", "4").await;

    browser.close().await;
    server.kill().await;
}

/// A backup holding a certificate (A02) for each of `names`, recorded under
/// `list_version` of the allowed list.
fn certificates_for(names: &[String], list_version: &str) -> Backup {
    backup_of(names.iter().map(|name| {
        let request = Request {
            outcome: Outcome::Issued,
            item: ItemRef::Listed {
                code: "A02".into(),
                list_id: "example-shanxi-2023-may-issue".into(),
                list_version: list_version.into(),
            },
            agency: "县委组织部".into(),
            agency_category: AgencyCategory::Other,
            purpose: "发展党员政审".into(),
            resident: BTreeMap::from([
                ("name".to_owned(), name.clone()),
                ("id_number".to_owned(), "140105199001011234".to_owned()),
            ]),
            reason: None,
            voids: None,
        };
        (request, "2026-11-02T09:00:00Z".to_owned())
    }))
}

/// A set-up tablet with `backup` restored through the backup tab.
async fn tablet_restored_from(server: &ServerProcess, backup: &Backup) -> Browser {
    let file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::fs::write(file.path(), backup.to_json()).unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    browser.fill("setup-village", "140105001").await;
    browser.fill("setup-device", "T1").await;
    browser.click("#setup-save").await;
    browser.wait_for_text("#unsynced", "0").await;
    browser.click("#tab-backup").await;
    c.wait()
        .for_element(Locator::Id("backup-restore"))
        .await
        .unwrap()
        .send_keys(&file.path().display().to_string())
        .await
        .unwrap();
    browser
        .wait_for_text("#backup-message", &backup.events.len().to_string())
        .await;
    browser
}

#[tokio::test]
async fn the_ledger_shows_fifty_entries_at_a_time_newest_first() {
    let server = ServerProcess::start(&dist_dir()).await;
    let names: Vec<String> = (1..=60).map(|i| format!("居民{i:02}")).collect();
    let browser = tablet_restored_from(&server, &certificates_for(&names, "2023.1")).await;
    browser.click("#tab-ledger").await;
    browser.wait_for_text("#ledger-more", "显示更多").await;
    let rows = "document.querySelectorAll('#ledger-list > li').length";
    assert_eq!(browser.eval(rows).await, 50);
    browser.wait_for_text("#ledger-list", "居民60").await;
    // With no filter the count is the whole ledger's.
    browser.wait_for_text("#ledger-count", "60").await;
    browser.click("#ledger-more").await;
    browser
        .wait_until("document.getElementById('ledger-more') === null")
        .await;
    assert_eq!(browser.eval(rows).await, 60);
    browser.wait_for_text("#ledger-count", "60").await;
    let oldest = browser
        .eval("document.querySelector('#ledger-list > li:last-child').textContent")
        .await;
    assert!(oldest.as_str().unwrap().contains("居民01"), "{oldest}");
    browser.close().await;
    server.kill().await;
}

#[tokio::test]
async fn a_certificate_recorded_under_a_list_version_not_on_the_tablet_prints_with_a_note() {
    let server = ServerProcess::start(&dist_dir()).await;
    // 2099.1: a version of the allowed list this tablet never held.
    let browser =
        tablet_restored_from(&server, &certificates_for(&["赵六".into()], "2099.1")).await;
    let c = &browser.client;

    c.goto(&format!("{}/clerk/print/1", server.url))
        .await
        .unwrap();
    browser.wait_for_text("#certificate", "赵六").await;
    browser.wait_for_text("#list-version-note", "2099.1").await;
    // The note is for the clerk on screen, not for the paper.
    let printed = browser
        .eval("[...document.styleSheets].some(s => [...s.cssRules].some(r => r.media && r.media.mediaText.includes('print') && r.cssText.includes('.no-print')))")
        .await;
    assert_eq!(printed, true, "a print rule hides .no-print");
    browser.screenshot("clerk-print-version-note").await;

    // Recorded under the version the tablet holds, the page has no note.
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    pick(&browser, "入党政审", "A02").await;
    browser.fill("record-agency", "县委组织部").await;
    browser.fill("resident-name", "钱七").await;
    browser.click("#action-issue").await;
    browser.wait_for_text("#saved", "已保存").await;
    browser.click("#print-link").await;
    browser.wait_for_text("#certificate", "钱七").await;
    assert_eq!(
        browser
            .eval("document.getElementById('list-version-note') === null")
            .await,
        true
    );
    browser.close().await;
    server.kill().await;
}
