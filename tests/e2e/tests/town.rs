//! The town office's day, in headless Chromium against the real server:
//! log in with the printed one-time password and replace it, add a
//! village, make an enrolment code that a tablet (a second browser) uses,
//! record and sync there, set a baseline, and read the numbers, the rate
//! and the XLSX export back. Without a session nothing opens.

use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::sync::{encode, public_key, Cell, CountsPayload, PeriodReport};
use jianzheng_e2e::{dist_dir, Browser, ServerProcess, ADMIN_PASSWORD};
use jianzheng_server::demo::{tablet_secret, village_code};

/// A second tablet of 140105001201 (ledger T2), enrolled and pushing over
/// HTTP as a tablet does: `month` closed with two certificates issued.
async fn last_month_from_a_second_tablet(server: &ServerProcess, month: Period) {
    let secret = [8u8; 32];
    let c = reqwest::Client::new();
    let res = c
        .post(format!("{}/api/v1/enrol", server.url))
        .json(&jianzheng_core::api::sync::EnrolRequest::signed(
            &server.enrolment_code("140105001201"),
            &secret,
            1,
            "140105001201".parse().unwrap(),
            "T2".parse().unwrap(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let payload = CountsPayload {
        village: "140105001201".into(),
        device_key: public_key(&secret),
        incarnation: 1,
        ledger: "T2".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
        periods: vec![PeriodReport {
            period: month,
            closed: true,
            cells: vec![Cell {
                item: "A02".into(),
                outcome: Outcome::Issued,
                agency: AgencyCategory::Bank,
                count: 2,
            }],
        }],
        voided: Vec::new(),
    };
    let res = c
        .post(format!("{}/api/v1/counts", server.url))
        .header("content-type", "application/octet-stream")
        .body(encode(&payload, &secret))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// The id of the shipped allowed list.
const ALLOWED: &str = "example-shanxi-2023-may-issue";

/// The first administrator's first login on an office screen (a wrong
/// password first, if `mistyped`), with the one-time password changed.
async fn first_login(server: &ServerProcess, mistyped: bool) -> Browser {
    let town = Browser::start().await;
    let t = &town.client;
    t.set_window_size(1280, 900).await.unwrap();
    t.goto(&format!("{}/town", server.url)).await.unwrap();
    town.fill("login-name", "admin").await;
    if mistyped {
        town.fill("login-password", "wrong password").await;
        town.click("#login-submit").await;
        town.wait_for_text("#login-error", "不正确").await;
    }
    town.fill("login-password", ADMIN_PASSWORD).await;
    town.click("#login-submit").await;
    town.fill("password-current", ADMIN_PASSWORD).await;
    town.fill("password-new", "town-office-2026").await;
    town.fill("password-again", "town-office-2026").await;
    town.click("#password-submit").await;
    town.wait_for_text("#town-user", "admin").await;
    town
}

/// The demo town's overview says its headline sentence, and lists its
/// signs that a figure is not real, each village with its reason (a click
/// opens the village's months); an approved month holds a tablet's later
/// upload as a correction until it is accepted; its letters to agencies
/// print one A4 page each.
#[tokio::test]
async fn the_demo_town_shows_each_sign_that_a_figure_is_not_real() {
    let server = ServerProcess::start(&dist_dir()).await;
    server.command(&["demo"]);
    let town = first_login(&server, false).await;
    // The demo's town is called by a placeholder: no paper prints it.
    town.wait_for_text("#name-area h2", "命名").await;
    town.eval("window.scrollTo(0, 0)").await;
    town.screenshot("town-name-first").await;
    let letters = town
        .eval("fetch('/api/v1/town/letters.docx?from=2025-01&to=2025-12').then(r => r.json()).then(b => b.error.code)")
        .await;
    assert_eq!(letters, "area_unnamed");
    town.fill("name-area-name", "本镇").await;
    town.click("#name-area-save").await;
    town.wait_for_text("#name-area-message", "区划名称").await;
    town.fill("name-area-name", "东关镇").await;
    town.click("#name-area-save").await;
    town.wait_until("document.getElementById('name-area') === null")
        .await;

    // A village added today is not missing in the months before it.
    town.click("#tab-villages").await;
    town.fill("village-code", "13").await;
    town.fill("village-name", "新建村").await;
    town.click("#village-add").await;
    town.wait_for_text("#village-message", "12位").await;
    town.fill("village-code", "140105000099").await;
    town.fill("village-name", "东关村").await;
    town.click("#village-add").await;
    town.wait_for_text("#village-message", "同名").await;
    town.fill("village-name", "新建村").await;
    town.click("#village-add").await;
    town.wait_for_text(
        ".village[data-code='140105000099'] .village-span",
        "计入月份",
    )
    .await;
    town.eval("window.scrollTo(0, 0)").await;
    town.click("#tab-dashboard").await;
    // The summary sentence, with the counts behind its rate.
    town.wait_for_text("#range-headline", "村级开具证明").await;
    town.wait_for_text("#range-headline", "下降").await;
    // The month in progress is not among the months the sentence names.
    let headline = town.wait_for_text("#range-headline", "至").await;
    let this_month = town
        .eval("(d => `至${d.getFullYear()}年${d.getMonth() + 1}月`)(new Date())")
        .await;
    assert!(
        !headline.contains(this_month.as_str().unwrap()),
        "{headline}"
    );
    // The last month that ended is approved for the whole town at once;
    // nothing waits to be corrected.
    let last = town
        .eval("(d => { d.setDate(1); d.setMonth(d.getMonth() - 1); return d.toISOString().slice(0, 7); })(new Date())")
        .await;
    let last = last.as_str().unwrap().to_owned();
    let period = Period::parse(&last).unwrap();
    let approve = format!("#town-months .approve[data-period='{last}']");
    town.wait_for_text(&approve, "审核通过").await;
    town.wait_for_text("#corrections-none", "没有待处理的更正")
        .await;
    // Every month of the range counts twelve villages: the one added today
    // did not exist in them.
    let months = town
        .eval("[...document.querySelectorAll('#town-months tbody tr')].slice(1).every(r => r.cells[6].textContent.startsWith('12/12'))")
        .await;
    assert_eq!(months, true, "no month counts the new village as missing");
    // Approving says first what it will do, in the app's own dialog.
    town.click(&approve).await;
    let said = town
        .wait_for_text(".dialog", "12个村已上报，将审核通过")
        .await;
    assert!(said.contains("管理员可以撤回"), "{said}");
    town.screenshot("town-approve-dialog").await;
    town.click("#dialog-confirm").await;
    town.wait_until(&format!("document.querySelector(\"{approve}\") === null"))
        .await;
    town.wait_until(&format!(
        "[...document.querySelectorAll('#town-months tbody tr')].some(r => r.cells[0].textContent === '{last}' && r.querySelector('td.approved').textContent.startsWith('12/12'))"
    ))
    .await;
    // 东关村's tablet then sends five more for that month: they wait as a
    // correction, and count once accepted.
    let issued = format!(
        "fetch('/api/v1/town/villages/{}/months?from={last}&to={last}').then(r => r.json()).then(v => v.months[0].counts.issued)",
        village_code(0)
    );
    let before = town.eval(&issued).await.as_u64().unwrap();
    let payload = CountsPayload {
        village: village_code(0),
        device_key: public_key(&tablet_secret(0)),
        incarnation: 1,
        ledger: "T1".into(),
        created_at: format!("{last}-28T12:00:00Z"),
        periods: vec![PeriodReport {
            period,
            closed: true,
            cells: vec![Cell {
                item: "A01".into(),
                outcome: Outcome::Issued,
                agency: AgencyCategory::Hospital,
                count: 5,
            }],
        }],
        voided: Vec::new(),
    };
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/counts", server.url))
        .header("content-type", "application/octet-stream")
        .body(encode(&payload, &tablet_secret(0)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(town.eval(&issued).await.as_u64(), Some(before), "locked");
    town.eval("location.reload()").await;
    town.wait_for_text("#corrections .correction h3", "东关村")
        .await;
    town.wait_for_text("#corrections .correction", "0 → 5")
        .await;
    town.eval("document.getElementById('corrections').scrollIntoView()")
        .await;
    town.screenshot("town-corrections").await;
    town.click("#corrections .correction .accept").await;
    town.wait_for_text("#corrections-none", "没有待处理的更正")
        .await;
    assert_eq!(
        town.eval(&issued).await.as_u64(),
        Some(before + 5),
        "accepted"
    );
    town.eval("window.scrollTo(0, 0)").await;
    // Each village's row says which months are approved for it.
    let (year, month) = (period.year, period.month);
    town.wait_for_text(
        "#village-table .approved-months",
        &format!("{year}年{month}月"),
    )
    .await;
    town.eval("document.getElementById('town-months').scrollIntoView()")
        .await;
    town.screenshot("town-approved").await;
    // Beside completeness, the on-time rate: the demo's 柳树沟村 reports
    // two weeks late.
    town.wait_for_text("#range-on-time", "按时上报率").await;
    town.wait_for_text("#range-on-time", "月末后10天内").await;
    town.eval("document.getElementById('range-total').scrollIntoView()")
        .await;
    town.screenshot("town-headline").await;
    town.wait_for_text("#quality-signs", "可能停止了登记").await;
    town.wait_for_text("#quality-signs", "开具可能被登记成了拒开")
        .await;
    town.wait_for_text("#quality-signs", "超过静默天数").await;
    let listed = town
        .eval("document.querySelectorAll('#quality-signs .quality-village').length")
        .await;
    assert_eq!(listed, 3, "one village of each kind, no other");
    town.click("#quality-signs .quality-village button").await;
    town.wait_for_text("#village-months", "-").await;
    town.eval("document.getElementById('quality-signs').scrollIntoView()")
        .await;
    town.screenshot("town-quality-signs").await;

    // The letters to the agencies that still sent residents to the
    // villages: one A4 page each, in both languages.
    town.eval("window.scrollTo(0, 0)").await;
    town.click("#letters-link").await;
    town.wait_for_text(".letter h1", "不再要求").await;
    let letters = town
        .eval("document.querySelectorAll('.letter').length")
        .await
        .as_u64()
        .unwrap();
    assert!(letters >= 2, "{letters} letters");
    town.wait_for_text(".letter", "特此函告").await;
    town.screenshot("town-letters").await;
    for lang in ["zh", "en"] {
        if lang == "en" {
            town.click("#lang-switch").await;
            town.wait_for_text(".letter", "Yours faithfully").await;
        }
        let pdf = town.print_a4_pdf().await;
        let pdf = String::from_utf8_lossy(&pdf);
        assert!(
            pdf.contains(&format!("/Count {letters}")),
            "one A4 page per letter ({lang}): {letters} letters, {:?}",
            pdf.match_indices("/Count ")
                .map(|(i, _)| pdf[i..].chars().take(10).collect::<String>())
                .collect::<Vec<_>>()
        );
    }

    // The report upward: the overview's sentence, the villages by rate,
    // the agencies, the signs and the method, on as few A4 pages as its
    // tables need, in both languages.
    town.click("#lang-switch").await;
    town.wait_for_text(".letter", "特此函告").await;
    town.click("a[href='/town']").await;
    let overview = town.wait_for_text("#range-headline", "村级开具证明").await;
    town.eval("window.scrollTo(0, 0)").await;
    town.click("#report-link").await;
    let headline = town.wait_for_text("#report-headline", "村级开具证明").await;
    assert_eq!(headline.trim(), overview.trim());
    let rows = town
        .eval("document.querySelectorAll('#report-rows tbody tr').length")
        .await;
    assert_eq!(rows, 13, "every village of the demo town, and the new one");
    let new = town
        .eval("[...document.querySelectorAll('#report-rows tbody tr')].find(r => r.textContent.includes('新建村')).textContent")
        .await;
    // It counts only in this month, the one it was added in.
    assert!(
        new.as_str().unwrap().contains("0/1"),
        "the village added today counts no month before it: {new}"
    );
    town.wait_for_text("#report-signs", "可能停止了登记").await;
    town.wait_for_text("#report-method", "未上报的月份不算作零")
        .await;
    town.wait_for_text("#report-agencies", "派出所").await;
    let docx = town
        .eval("document.getElementById('report-docx').getAttribute('href')")
        .await;
    let status = town
        .eval(&format!("fetch({docx}).then(r => r.status)"))
        .await;
    assert_eq!(status, 200, "the Word download answers: {docx}");
    town.screenshot("town-report").await;
    for lang in ["zh", "en"] {
        if lang == "en" {
            town.click("#lang-switch").await;
            town.wait_for_text("#report-headline", "villages issued")
                .await;
        }
        let printed = town.print_a4_pdf().await;
        // The printed text holds the page's headline (the PDF's text,
        // spaces and line breaks aside).
        let text: String = pdf_extract::extract_text_from_mem(&printed)
            .expect("the PDF's text")
            .split_whitespace()
            .collect();
        let headline = town.wait_for_text("#report-headline", "").await;
        let headline: String = headline.split_whitespace().collect();
        assert!(
            text.contains(&headline),
            "the printed report ({lang}) says {headline:?}: {text:?}"
        );
        let pdf = String::from_utf8_lossy(&printed);
        let pages: Vec<u32> = pdf
            .match_indices("/Count ")
            .filter_map(|(i, _)| {
                pdf[i + 7..]
                    .split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse()
                    .ok()
            })
            .collect();
        assert!(
            pages.iter().any(|&n| (2..=3).contains(&n)),
            "the demo's report prints on two or three A4 pages ({lang}): {pages:?}"
        );
    }
    // Compared with the year before: the sentence says so.
    town.click("#lang-switch").await;
    town.select("report-compare", "year_before").await;
    town.wait_for_text("#report-headline", "上年同期").await;
    town.close().await;
    server.kill().await;
}

#[tokio::test]
async fn a_town_officer_sets_up_a_village_and_sees_its_tablet_reduce_certificates() {
    let server = ServerProcess::start(&dist_dir()).await;

    // Nobody without a session gets the figures.
    let stranger = Browser::start().await;
    stranger
        .client
        .goto(&format!("{}/town", server.url))
        .await
        .unwrap();
    stranger.wait_for_text("#login-submit", "登录").await;
    let status = stranger
        .eval("fetch('/api/v1/town/dashboard?from=2026-01&to=2026-02').then(r => r.status)")
        .await;
    assert_eq!(status, 401);
    stranger.close().await;

    let town = first_login(&server, true).await;
    let t = &town.client;
    // At the first login the town is named, with its division code.
    town.fill("name-area-code", "140105001").await;
    town.fill("name-area-name", "东关镇").await;
    town.click("#name-area-save").await;
    town.wait_until("document.getElementById('name-area') === null")
        .await;

    town.click("#tab-villages").await;
    town.fill("village-code", "140105001201").await;
    town.fill("village-name", "东关村").await;
    town.click("#village-add").await;
    town.wait_for_text(".village[data-code='140105001201'] h2", "东关村")
        .await;
    town.click(".village[data-code='140105001201'] .new-code")
        .await;
    let code = town
        .wait_for_text(".village[data-code='140105001201'] .code-text", "-")
        .await;
    town.screenshot("town-villages").await;

    // The village's tablet, in a browser of its own.
    let tablet = Browser::start().await;
    tablet
        .client
        .goto(&format!("{}/clerk", server.url))
        .await
        .unwrap();
    tablet.fill("setup-village", "140105001201").await;
    tablet.fill("setup-device", "T1").await;
    tablet.click("#setup-save").await;
    tablet.record("入党政审", "A02", "issue").await;
    tablet.record("入党政审", "A02", "issue").await;
    tablet.record("wfzjl", "N05", "refuse").await;
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#tab-sync").await;
    tablet.fill("enrol-code", code.trim()).await;
    tablet.click("#enrol-submit").await;
    tablet.wait_for_text("#sync-last", "上次成功同步").await;
    let now = tablet.eval("new Date().toISOString()").await;
    let period = Period::from_iso(now.as_str().unwrap()).unwrap();
    tablet.close().await;

    // The month in progress has no rate yet. A second tablet of the
    // village (T2) closed last month with two issued: that month has one.
    let previous = period.previous();
    last_month_from_a_second_tablet(&server, previous).await;

    // A baseline of 4 for last month, a year before: 2 issued is 50% fewer.
    town.click("#tab-baselines").await;
    // A year mistyped is said beside the year's field.
    town.fill("baseline-year", "20x5").await;
    town.fill("baseline-village", "140105001201").await;
    town.fill("baseline-month", &previous.month.to_string())
        .await;
    town.fill("baseline-count", "4").await;
    town.click("#baseline-save").await;
    town.wait_for_text("#baseline-year-error", "年份").await;
    town.fill("baseline-year", &(previous.year - 1).to_string())
        .await;
    town.fill("baseline-village", "140105001201").await;
    town.fill("baseline-month", &previous.month.to_string())
        .await;
    town.fill("baseline-count", "4").await;
    town.click("#baseline-save").await;
    town.wait_for_text("#baseline-message", "基线已保存").await;
    town.wait_for_text("#baseline-table", "140105001201").await;

    town.click("#tab-dashboard").await;
    let earlier = town
        .wait_for_text("#town-months tbody tr:nth-child(2)", "50.0%")
        .await;
    assert!(earlier.starts_with(&previous.to_string()), "{earlier}");
    assert!(earlier.contains("1/1"), "reporting completeness: {earlier}");
    let latest = town
        .wait_for_text("#town-months tbody tr:first-child", &period.to_string())
        .await;
    assert!(
        !latest.contains('%'),
        "the month in progress has no rate: {latest}"
    );
    // Over the range: the one village month that ended, reported and has a
    // baseline; months with no report are left out, not counted as zero.
    let total = town.wait_for_text("#range-total", "50.0%").await;
    assert!(total.contains("1/1"), "{total}");
    town.wait_for_text("#village-table", "东关村").await;
    town.click(".village-row[data-code='140105001201'] button")
        .await;
    let months = town.wait_for_text("#village-months", "50.0%").await;
    assert!(
        !months.contains("未上报"),
        "no month before the village existed is called missing: {months}"
    );
    town.wait_for_text("#flagged-item", "无犯罪记录").await;
    town.wait_for_text("#flagged-agency", "银行").await;
    town.screenshot("town-dashboard").await;

    // The XLSX export, fetched with the officer's session and read back.
    let range = format!("from={previous}&to={previous}");
    let b64 = town
        .eval(&format!(
            "fetch('/api/v1/town/export.xlsx?{range}').then(r => r.arrayBuffer()).then(b => {{
                let s = ''; new Uint8Array(b).forEach(x => s += String.fromCharCode(x)); return btoa(s); }})"
        ))
        .await;
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.as_str().unwrap())
        .unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("减证 Jianzheng").unwrap();
    let village = sheet
        .rows()
        .find(|r| r[0] == "140105001201")
        .expect("the village's row");
    assert_eq!(village[6].to_string(), "2", "issued net");
    assert_eq!(village[7].to_string(), "0", "refused");
    assert_eq!(village[8].to_string(), "4", "baseline");
    assert_eq!(village[9].to_string(), "0.5", "rate");

    // The allowed list gets a synonym and a phrase of its own residents
    // (鹊桥会, which no shipped list knows); the change shows before
    // publishing, and the published version is what tablets fetch and what
    // residents' phones check against.
    let url = server.url.clone();
    t.goto(&format!("{url}/check?q=%E9%B9%8A%E6%A1%A5%E4%BC%9A"))
        .await
        .unwrap(); // 鹊桥会
    town.wait_for_text("#decision", "没有找到这个证明").await;
    t.goto(&format!("{url}/town")).await.unwrap();
    town.wait_for_text("#tab-lists", "").await;
    town.eval("window.scrollTo(0, 0)").await;
    town.click("#tab-lists").await;
    town.click(&format!("#list-{ALLOWED}")).await;
    town.click("#list-editor tr.entry[data-code='A02'] .edit-entry")
        .await;
    // The entry's form opens right under its own row.
    let beside = town
        .eval("document.querySelector(\"tr.entry[data-code='A02'] + tr.entry-edit #entry-aliases\") !== null")
        .await;
    assert_eq!(beside, true, "the form opens beside the row clicked");
    let aliases = town
        .eval("document.getElementById('entry-aliases').value")
        .await;
    town.fill(
        "entry-aliases",
        &format!("{}、政审证明材料", aliases.as_str().unwrap()),
    )
    .await;
    // What the item proves, in residents' words, is edited the same way.
    let proves = town
        .eval("document.getElementById('entry-proves').value")
        .await;
    town.fill(
        "entry-proves",
        &format!("{}、鹊桥会", proves.as_str().unwrap()),
    )
    .await;
    town.click("#entry-save").await;
    town.click("#list-save").await;
    town.wait_for_text("#list-changes", "A02: 同义词、证明的事实")
        .await;
    town.screenshot("town-lists").await;
    town.click("#list-publish").await;
    town.wait_for_text(".dialog", "修改 1").await;
    town.click("#dialog-confirm").await;
    town.wait_for_text("#list-message", "已发布").await;
    let fetched = town
        .eval(&format!(
            "fetch('/api/v1/lists').then(r => r.json()).then(f => f.lists.find(l => l.id == '{ALLOWED}').entries.find(e => e.code == 'A02')).then(e => e.aliases.join('|') + '#' + e.proves.join('|'))"
        ))
        .await;
    let (aliases, proves) = fetched.as_str().unwrap().split_once('#').unwrap();
    assert!(aliases.contains("政审证明材料"), "{aliases}");
    assert!(proves.contains("鹊桥会"), "{proves}");
    t.goto(&format!("{url}/check?q=%E9%B9%8A%E6%A1%A5%E4%BC%9A"))
        .await
        .unwrap();
    town.wait_for_text("#decision", "村里可以开").await;
    town.wait_for_text(".entry-card h3", "入党").await;
    t.goto(&format!("{url}/town")).await.unwrap();

    // Logged out, the session is gone.
    town.click("#logout").await;
    town.wait_for_text("#login-submit", "登录").await;
    let status = town
        .eval("fetch('/api/v1/town/villages').then(r => r.status)")
        .await;
    assert_eq!(status, 401);
    town.close().await;
    server.kill().await;
}
