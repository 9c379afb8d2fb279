//! A county in headless Chromium against the real server (issue 14): the
//! county's administrator makes the county, a town and an officer and a
//! viewer for it; the officer, in a browser of its own, sees only that
//! town, adds a village and enrols its tablet, and sees its synced counts;
//! the viewer sees the dashboard with every change control absent and
//! every change request refused; the county sees the town as a row, opens
//! it, and the audit page shows each step.

use jianzheng_e2e::{dist_dir, Browser, Network, ServerProcess, ADMIN_PASSWORD};

/// Logs `name` in with its one-time password `once` and sets `new`.
async fn first_login(browser: &Browser, url: &str, name: &str, once: &str, new: &str) {
    browser.client.goto(&format!("{url}/town")).await.unwrap();
    browser.fill("login-name", name).await;
    browser.fill("login-password", once).await;
    browser.click("#login-submit").await;
    browser.fill("password-current", once).await;
    browser.fill("password-new", new).await;
    browser.fill("password-again", new).await;
    browser.click("#password-submit").await;
    browser.wait_for_text("#town-user", name).await;
}

/// Adds an area through the areas form.
async fn add_area(admin: &Browser, code: &str, name: &str, level: &str, parent: &str) {
    admin.fill("area-code", code).await;
    admin.fill("area-name", name).await;
    admin.select("area-level", level).await;
    if !parent.is_empty() {
        admin.select("area-parent", parent).await;
    }
    admin.click("#area-save").await;
    admin
        .wait_for_text(&format!("#area-table tr[data-code='{code}']"), name)
        .await;
}

/// Creates an account and returns its one-time password.
async fn add_account(admin: &Browser, name: &str, role: &str, area: &str) -> String {
    admin.fill("account-name", name).await;
    admin.select("account-role", role).await;
    admin.select("account-area", area).await;
    admin.click("#account-create").await;
    let shown = admin
        .wait_for_text("#one-time-password .code-text", name)
        .await;
    admin
        .wait_for_text(&format!("#account-table tr[data-name='{name}']"), name)
        .await;
    shown
        .split(" · ")
        .nth(1)
        .expect("name · password")
        .trim()
        .to_owned()
}

/// The status of `method` on the town API at `path` from the browser's session.
async fn status(browser: &Browser, method: &str, path: &str, body: &str) -> u64 {
    browser
        .eval(&format!(
            "fetch('/api/v1/town/{path}', {{method: '{method}', headers: {{'content-type': 'application/json'}}, body: {body}}}).then(r => r.status)"
        ))
        .await
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn a_county_makes_a_town_whose_officer_sees_only_it_and_a_viewer_changes_nothing() {
    let server = ServerProcess::start(&dist_dir()).await;
    let url = server.url.clone();

    // The county's administrator: the county, a town, an officer, a viewer.
    let admin = Browser::start().await;
    admin.client.set_window_size(1280, 1000).await.unwrap();
    first_login(&admin, &url, "admin", ADMIN_PASSWORD, "county-office-2026").await;
    admin.click("#tab-accounts").await;
    add_area(&admin, "C1", "示范县", "county", "").await;
    add_area(&admin, "T1", "东关镇", "town", "C1").await;
    add_area(&admin, "T2", "西关镇", "town", "C1").await;
    let officer_once = add_account(&admin, "zhang", "officer", "T1").await;
    let viewer_once = add_account(&admin, "li", "viewer", "T1").await;
    admin.screenshot("county-accounts").await;

    // The officer, in a browser of its own: only its town.
    let officer = Browser::start().await;
    officer.client.set_window_size(1280, 1000).await.unwrap();
    first_login(&officer, &url, "zhang", &officer_once, "town-officer-2026").await;
    officer.wait_for_text("#town-role", "经办员").await;
    let path = officer.wait_for_text("#area-path", "东关镇").await;
    assert!(path.contains("示范县"), "{path}");
    for tab in ["#tab-accounts", "#tab-audit", "#tab-baselines"] {
        let there = officer
            .eval(&format!("!!document.querySelector('{tab}')"))
            .await;
        assert_eq!(there, false, "an officer of a town has no {tab}");
    }
    assert_eq!(
        status(
            &officer,
            "GET",
            "dashboard?from=2026-01&to=2026-02&area=C1",
            "undefined"
        )
        .await,
        403,
        "the county is above the officer"
    );
    assert_eq!(
        status(
            &officer,
            "GET",
            "dashboard?from=2026-01&to=2026-02&area=T2",
            "undefined"
        )
        .await,
        403,
        "the other town is outside"
    );
    officer.click("#tab-villages").await;
    officer.fill("village-code", "140105001201").await;
    officer.fill("village-name", "东关村").await;
    officer.click("#village-add").await;
    officer
        .wait_for_text(".village[data-code='140105001201'] h2", "东关村")
        .await;
    // The town's complaint phone, for its villages' refusal slips.
    officer.fill("complaint-phone", "0351-8888123").await;
    // And its own days for an on-time report.
    officer.fill("report-days", "15").await;
    officer.click("#stale-days-save").await;
    officer.wait_for_text("#village-message", "已保存").await;
    let days = officer
        .eval("fetch('/api/v1/town/settings').then(r => r.json()).then(s => s.report_days)")
        .await;
    assert_eq!(days, 15, "the town's report days");
    officer
        .click(".village[data-code='140105001201'] .new-code")
        .await;
    let code = officer
        .wait_for_text(".village[data-code='140105001201'] .code-text", "-")
        .await;

    // The town's own list, beside the county's: one item its villages issue.
    officer.click("#tab-lists").await;
    officer.fill("list-new-title", "东关镇可开具证明清单").await;
    officer.click("#list-new").await;
    officer.wait_for_text("#list-area", "东关镇").await;
    officer.click("#list-add").await;
    officer.fill("entry-code", "T1A").await;
    officer.fill("entry-name-zh", "养殖户证明").await;
    officer.fill("entry-basis", "东关镇便民服务规定").await;
    // Its certificate body, previewed for a sample resident as it is typed.
    officer
        .fill("entry-template", "兹证明{name}系本村养殖户。特此证明。")
        .await;
    officer
        .wait_for_text("#template-preview", "兹证明张三系本村养殖户。特此证明。")
        .await;
    officer.click("#entry-save").await;
    officer.click("#list-publish").await;
    officer.wait_for_text(".dialog", "新增 1").await;
    officer.click("#dialog-confirm").await;
    officer.wait_for_text("#list-message", "已发布").await;
    officer.screenshot("county-officer-lists").await;

    // The village's tablet records and syncs.
    let tablet = Browser::start().await;
    tablet.client.goto(&format!("{url}/clerk")).await.unwrap();
    tablet.fill("setup-village", "140105001201").await;
    tablet.fill("setup-device", "T1").await;
    tablet.click("#setup-save").await;
    tablet.record("入党政审", "A02", "issue").await;
    tablet.record("入党政审", "A02", "issue").await;
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#tab-sync").await;
    tablet.fill("enrol-code", code.trim()).await;
    tablet.click("#enrol-submit").await;
    tablet.wait_for_text("#sync-last", "上次成功同步").await;
    // It took its town's list with the county's, and records from it.
    tablet.record("养殖户证明", "T1A", "issue").await;
    // Its certificate is the town's template, as the town typed it.
    tablet.click("#print-link").await;
    tablet.wait_for_text("#certificate", "系本村养殖户").await;
    tablet.client.goto(&format!("{url}/clerk")).await.unwrap();
    // The village's poster, printed from the tablet, carries the village.
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#poster-link").await;
    tablet
        .wait_for_text(".qr-url", "/check?area=140105001201")
        .await;
    // A refusal slip gives the town's complaint phone, as the sync brought it.
    tablet.client.goto(&format!("{url}/clerk")).await.unwrap();
    tablet.record("无犯罪记录证明", "N05", "refuse").await;
    tablet.click("#print-link").await;
    tablet
        .wait_for_text("#slip-complaint", "0351-8888123")
        .await;
    tablet.wait_for_text("#slip-agency", "农业银行").await;
    tablet.screenshot("county-tablet-slip").await;
    // A certificate names the village's committee from the county down.
    tablet.client.goto(&format!("{url}/clerk")).await.unwrap();
    tablet.record("入党政审", "A02", "issue").await;
    tablet.click("#print-link").await;
    tablet
        .wait_for_text("#cert-committee", "示范县东关镇东关村村民委员会")
        .await;
    let certificate = tablet.wait_for_text("#certificate", "特此证明").await;
    assert!(certificate.contains("不作他用"), "{certificate}");
    tablet.screenshot("county-tablet-certificate").await;
    tablet.close().await;

    // A resident who scanned the village's poster sees the town's list; one
    // elsewhere in the county does not.
    let resident = Browser::start().await;
    resident
        .client
        .goto(&format!("{url}/check?area=140105001201&q=养殖户证明"))
        .await
        .unwrap();
    resident.wait_for_text("#decision", "村里可以开").await;
    resident.screenshot("county-resident-town-list").await;
    resident.wait_until(&lists_answered(200)).await;
    // Offline, the phone answers from the village's lists it kept (in
    // their compact form) and the check its service worker cached.
    resident
        .wait_until(
            "localStorage.getItem('jianzheng.published-lists:140105001201') !== null \
             && caches.keys().then(async k => k.length === 1 \
               && !!(await (await caches.open(k[0])).match('/index.html')))",
        )
        .await;
    resident.emulate_network(&Network::OFFLINE).await;
    resident
        .client
        .goto(&format!("{url}/check?q=养殖户证明"))
        .await
        .unwrap();
    resident.wait_for_text("#decision", "村里可以开").await;
    resident.emulate_network(&Network::UNTHROTTLED).await;
    // The phone remembers its village: its poster's QR code carries it on.
    resident
        .client
        .goto(&format!("{url}/check/poster"))
        .await
        .unwrap();
    resident
        .wait_for_text(".qr-url", "/check?area=140105001201")
        .await;
    resident.close().await;
    let elsewhere = Browser::start().await;
    elsewhere
        .client
        .goto(&format!("{url}/check?q=养殖户证明"))
        .await
        .unwrap();
    elsewhere.wait_for_text("#decision", "没有找到").await;
    // Nothing is published for it: the lists it ships with are those in
    // force, and the phone downloads none.
    elsewhere.wait_until(&lists_answered(304)).await;
    elsewhere.close().await;

    officer.eval("window.scrollTo(0, 0)").await;
    officer.click("#tab-dashboard").await;
    let row = officer
        .wait_for_text(".village-row[data-code='140105001201']", "东关村")
        .await;
    assert!(row.contains('2'), "the two issued certificates: {row}");
    officer.screenshot("county-officer-dashboard").await;

    // The viewer: the figures, and no way to change anything.
    let viewer = Browser::start().await;
    viewer.client.set_window_size(1280, 1000).await.unwrap();
    first_login(&viewer, &url, "li", &viewer_once, "town-viewer-2026").await;
    viewer
        .wait_for_text(".village-row[data-code='140105001201']", "东关村")
        .await;
    viewer.click("#tab-villages").await;
    viewer
        .wait_for_text(".village[data-code='140105001201'] h2", "东关村")
        .await;
    for control in [
        "#village-add",
        "#stale-days-save",
        ".new-code",
        ".withdraw-codes",
        ".rename-save",
        ".revoke",
        ".replace",
        "#town-import-link",
        "#tab-accounts",
        "#tab-audit",
        "#tab-lists",
        "#tab-baselines",
    ] {
        let there = viewer
            .eval(&format!("!!document.querySelector('{control}')"))
            .await;
        assert_eq!(there, false, "a viewer has no {control}");
    }
    viewer.screenshot("county-viewer-villages").await;
    for (method, path, body) in [
        (
            "POST",
            "villages",
            r#"JSON.stringify({code: "140105002", name: "新村", parent: "T1"})"#,
        ),
        (
            "PUT",
            "villages/140105001201",
            r#"JSON.stringify({name: "改名"})"#,
        ),
        (
            "POST",
            "villages/140105001201/enrolment-code",
            "JSON.stringify({})",
        ),
        (
            "POST",
            "accounts",
            r#"JSON.stringify({name: "x1", role: "viewer", area: "T1"})"#,
        ),
        (
            "PUT",
            "areas/T3",
            r#"JSON.stringify({name: "新镇", level: "town", parent: "C1"})"#,
        ),
    ] {
        assert_eq!(
            status(&viewer, method, path, body).await,
            403,
            "{method} {path}"
        );
    }

    // The county: its towns as rows; T1 opens on its village.
    admin.eval("window.scrollTo(0, 0)").await;
    admin.click("#tab-dashboard").await;
    let t1 = admin
        .wait_for_text(".area-row[data-code='T1']", "东关镇")
        .await;
    // Its one village, added this month: one village month exists, and it
    // reported; the months before it are not counted missing.
    assert!(t1.contains("1/1"), "{t1}");
    admin
        .wait_for_text(".area-row[data-code='T2']", "西关镇")
        .await;
    admin.screenshot("county-dashboard").await;
    admin.click(".area-row[data-code='T1'] button").await;
    admin
        .wait_for_text(".village-row[data-code='140105001201']", "东关村")
        .await;
    admin.wait_for_text("#area-path", "东关镇").await;
    admin.eval("window.scrollTo(0, 0)").await; // below the sticky bar
    admin.click("#area-path .area-up[data-code='C1']").await;
    admin
        .wait_for_text(".area-row[data-code='T2']", "西关镇")
        .await;

    // Each step is in the trail, with who did it.
    admin.eval("window.scrollTo(0, 0)").await;
    admin.click("#tab-audit").await;
    let trail = admin.wait_for_text("#audit-table", "新增村").await;
    for step in ["区划变更", "新建账号", "登录", "生成登记码", "修改密码"] {
        assert!(trail.contains(step), "{step} in the trail: {trail}");
    }
    let village_added = admin
        .wait_for_text(".audit-row[data-kind='village_added']", "140105001201")
        .await;
    assert!(village_added.contains("zhang"), "{village_added}");
    admin.fill("audit-account", "li").await;
    admin.click("#audit-show").await;
    admin
        .wait_until("document.querySelectorAll('.audit-row').length > 0 && [...document.querySelectorAll('.audit-row')].every(r => r.textContent.includes('li'))")
        .await;
    admin.screenshot("county-audit").await;

    admin.close().await;
    officer.close().await;
    viewer.close().await;
}

/// A script that is true once the page's fetch of the lists in force was
/// answered with `status` (by the Resource Timing of the page).
fn lists_answered(status: u16) -> String {
    format!(
        "performance.getEntriesByType('resource').some(e => \
         e.name.includes('/api/v1/lists') && e.responseStatus === {status})"
    )
}
