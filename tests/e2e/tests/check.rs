//! The resident check page, driven as a resident would in headless Chromium
//! against the real server.

use fantoccini::Locator;
use jianzheng_e2e::{dist_dir, Browser, Network, ServerProcess};

async fn type_query(browser: &Browser, text: &str) {
    let input = browser
        .client
        .wait()
        .for_element(Locator::Id("check-query"))
        .await
        .unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

#[tokio::test]
async fn a_resident_finds_out_where_to_go_in_their_own_words() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(390, 844).await.unwrap(); // a small phone
    c.goto(&format!("{}/check", server.url)).await.unwrap();

    type_query(&browser, "开个无犯罪记录的证明").await;
    browser.wait_for_text("#decision", "村里不开").await;
    let first = c.find(Locator::Css(".entry-card")).await.unwrap();
    assert_eq!(
        first.attr("data-code").await.unwrap().as_deref(),
        Some("N05")
    );
    assert!(first.text().await.unwrap().contains("派出所"));
    // The search is in the address, so it can be shared.
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/check?q="));
    let overflow = browser
        .eval("document.documentElement.scrollWidth > window.innerWidth")
        .await;
    assert_eq!(
        overflow, false,
        "the page must not scroll sideways on a phone"
    );
    browser.screenshot("check-phone-n05").await;

    type_query(&browser, "wfzjl").await;
    browser.wait_for_text("#decision", "村里不开").await;
    type_query(&browser, "單身證明").await;
    browser.wait_for_text("#decision", "不用开证明了").await;
    type_query(&browser, "应征公民政治考核").await;
    browser.wait_for_text("#decision", "村里可以开").await;
    type_query(&browser, "今天天气怎么样").await;
    browser.wait_for_text("#decision", "没有找到这个证明").await;

    // The link of an item opens its own page, which also works as a deep link.
    type_query(&browser, "死亡证明").await;
    browser.wait_for_text("#decision", "村里不开").await;
    c.find(Locator::Css(".entry-card .share"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text(".entry-card h3", "死亡证明").await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/check/N11"));
    c.goto(&format!("{}/check/N11", server.url)).await.unwrap();
    browser.wait_for_text(".entry-card", "医疗").await;
    c.goto(&format!("{}/check/NOPE", server.url)).await.unwrap();
    browser.wait_for_text("main", "没有这个编号").await;

    browser.close().await;
    server.kill().await;
}

#[tokio::test]
async fn a_dictated_sentence_is_answered_and_an_even_match_shows_both_entries() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(360, 640).await.unwrap();
    c.goto(&format!("{}/check", server.url)).await.unwrap();
    browser
        .wait_until("document.getElementById('check-query')")
        .await;
    // A phone's dictation puts the whole sentence in at once, with one
    // input event and no key presses.
    browser
        .eval(
            "(() => { const f = document.getElementById('check-query');
                f.value = '保险公司让我证明我妈是我妈，村里能给开吗';
                f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: f.value }));
                return true; })()",
        )
        .await;
    browser.wait_for_text("#decision", "不用开证明了").await;
    let first = c.find(Locator::Css(".entry-card")).await.unwrap();
    assert_eq!(
        first.attr("data-code").await.unwrap().as_deref(),
        Some("N01")
    );

    // 单身证明 and 丢失证明 share their initials: both are shown, neither guessed.
    type_query(&browser, "dszm").await;
    browser
        .wait_for_text("#decision", "可能是以下两项之一")
        .await;
    let codes = browser
        .eval("[...document.querySelectorAll('.entry-card')].map(e => e.dataset.code).sort().join(',')")
        .await;
    assert_eq!(codes, "N08,N20");
    browser.screenshot("check-unsure-both").await;
    browser.close().await;
    server.kill().await;
}

/// The user agent of WeChat's built-in browser on an Android phone.
const WECHAT_UA: &str = "Mozilla/5.0 (Linux; Android 10; V2036A Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230303 MMWEBID/1234 MicroMessenger/8.0.34.2340(0x2800225D) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64";

#[tokio::test]
async fn the_check_answers_in_wechats_browser_on_a_slow_phone() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(360, 640).await.unwrap();
    browser
        .devtools(
            "Emulation.setUserAgentOverride",
            serde_json::json!({ "userAgent": WECHAT_UA }),
        )
        .await;
    browser
        .devtools(
            "Emulation.setCPUThrottlingRate",
            serde_json::json!({ "rate": 4 }),
        )
        .await;
    c.goto(&format!("{}/check", server.url)).await.unwrap();
    assert!(browser
        .eval("navigator.userAgent")
        .await
        .as_str()
        .unwrap()
        .contains("MicroMessenger"));
    type_query(&browser, "厂里招工让村里证明我没有违法犯罪").await;
    browser.wait_for_text("#decision", "村里不开").await;
    let overflow = browser
        .eval("document.documentElement.scrollWidth > window.innerWidth")
        .await;
    assert_eq!(overflow, false);
    browser.screenshot("check-wechat-360").await;
    browser.close().await;
    server.kill().await;
}

#[tokio::test]
async fn large_text_and_english_are_remembered_and_the_check_works_offline() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/check?q=wfzjl", server.url))
        .await
        .unwrap();
    browser.wait_for_text("#decision", "村里不开").await;

    c.find(Locator::Id("text-size"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_until("document.documentElement.classList.contains('large-text')")
        .await;
    let size = browser
        .eval("getComputedStyle(document.documentElement).fontSize")
        .await;
    assert_eq!(size, "24px");
    c.find(Locator::Id("lang-switch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_text("#decision", "The village does not issue this")
        .await;
    browser
        .wait_for_text(".entry-card h3", "no criminal record")
        .await;
    browser.screenshot("check-large-english").await;

    browser
        .wait_until("navigator.serviceWorker.controller")
        .await;
    let url = server.url.clone();
    server.kill().await;
    c.goto(&format!("{url}/check?q=%E7%8B%97%E8%AF%81"))
        .await
        .unwrap(); // 狗证
    browser
        .wait_for_text("#decision", "The village does not issue this")
        .await;
    browser
        .wait_until("document.documentElement.classList.contains('large-text')")
        .await;
    // The English texts came down with the lists and stayed.
    browser
        .wait_for_text(".entry-card h3", "Dog-keeping certificate")
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('english-pending') === null")
            .await,
        true
    );
    browser.close().await;
}

#[tokio::test]
async fn english_chosen_offline_reads_in_chinese_until_the_phone_is_online_again() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/check?q=wfzjl", server.url))
        .await
        .unwrap();
    browser
        .wait_for_text(".entry-card h3", "无犯罪记录证明")
        .await;
    browser
        .wait_until("navigator.serviceWorker.controller")
        .await;
    // The bundle ships its lists in Chinese only: English needs the town.
    let offline = Network {
        offline: true,
        ..Network::UNTHROTTLED
    };
    browser.emulate_network(&offline).await;
    browser.click("#lang-switch").await;
    browser
        .wait_for_text("#decision", "The village does not issue this")
        .await;
    browser
        .wait_for_text("#english-pending", "not on this phone yet")
        .await;
    browser
        .wait_for_text(".entry-card h3", "无犯罪记录证明")
        .await;
    browser.screenshot("check-english-pending").await;

    // Online again, the next visit fetches them whole and keeps them.
    browser.emulate_network(&Network::UNTHROTTLED).await;
    c.refresh().await.unwrap();
    browser
        .wait_for_text(".entry-card h3", "no criminal record")
        .await;
    browser
        .wait_until("document.getElementById('english-pending') === null")
        .await;
    let url = server.url.clone();
    server.kill().await;
    c.goto(&format!("{url}/check?q=%E7%8B%97%E8%AF%81"))
        .await
        .unwrap(); // 狗证
    browser
        .wait_for_text(".entry-card h3", "Dog-keeping certificate")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn the_notice_board_poster_prints_the_lists_and_a_qr_code_to_the_check_page() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(1000, 1600).await.unwrap();
    c.goto(&format!("{}/poster", server.url)).await.unwrap();
    browser.wait_for_text(".poster-title", "证明事项公开").await;
    let input = c
        .wait()
        .for_element(Locator::Id("poster-village"))
        .await
        .unwrap();
    input.send_keys("石桥村").await.unwrap();
    browser.wait_for_text(".poster-title", "石桥村").await;
    let rows = c.find_all(Locator::Css(".poster-not tr")).await.unwrap();
    assert_eq!(rows.len(), 20, "the twenty nationally abolished items");
    let allowed = c.find_all(Locator::Css(".poster-may li")).await.unwrap();
    assert!(allowed.len() >= 5);

    // The QR code, read back from the rendered page, opens the check page.
    let qr = c.find(Locator::Css(".poster-qr .qr")).await.unwrap();
    let png = qr.screenshot().await.unwrap();
    assert_eq!(decode_qr(&png), format!("{}/check", server.url));
    browser.screenshot("poster").await;

    // On paper: exactly one A4 page.
    let pdf = browser.print_a4_pdf().await;
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Count 1"), "the poster must fit on one page");
    let media = text
        .split("/MediaBox [")
        .nth(1)
        .expect("a page size")
        .split(']')
        .next()
        .unwrap();
    let size: Vec<f64> = media
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(
        (size[2] - 595.0).abs() < 2.0 && (size[3] - 842.0).abs() < 2.0,
        "A4, got {media}"
    );
    std::fs::write(
        jianzheng_e2e::workspace_root().join("target/e2e-screenshots/poster.pdf"),
        &pdf,
    )
    .unwrap();

    // The name is remembered for the next print.
    c.refresh().await.unwrap();
    browser.wait_for_text(".poster-title", "石桥村").await;
    browser.close().await;
    server.kill().await;
}

#[tokio::test]
async fn an_abolished_item_gives_the_resident_a_declaration_form_that_prints_on_one_a4_page() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(1000, 1400).await.unwrap();
    c.goto(&format!("{}/check?q=单身证明", server.url))
        .await
        .unwrap();
    browser.wait_for_text("#decision", "不用开证明了").await;
    browser
        .click(".entry-card[data-code='N08'] .declaration-link")
        .await;
    let form = browser
        .wait_for_text("#declaration", "婚姻状况证明事项告知承诺书")
        .await;
    for part in [
        "婚姻状况：□未婚",
        "办事单位可以核查",
        "承诺不实的",
        "承诺人（签名）",
        "年",
    ] {
        assert!(form.contains(part), "{part} in the form: {form}");
    }
    browser.screenshot("declaration-n08").await;
    let pdf = browser.print_a4_pdf().await;
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("/Count 1"),
        "the declaration must fit on one page"
    );
    std::fs::write(
        jianzheng_e2e::workspace_root().join("target/e2e-screenshots/declaration-n08.pdf"),
        &pdf,
    )
    .unwrap();

    // In English too; an item the village issues has no such form.
    browser.click("#lang-switch").await;
    browser
        .wait_for_text("#declaration", "Declaration in place of a certificate")
        .await;
    let pdf = browser.print_a4_pdf().await;
    assert!(
        String::from_utf8_lossy(&pdf).contains("/Count 1"),
        "English, one page"
    );
    c.goto(&format!("{}/check/A01/declaration", server.url))
        .await
        .unwrap();
    browser
        .wait_for_text("#declaration-none", "certificate")
        .await;
    browser.close().await;
    server.kill().await;
}

fn decode_qr(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        let i = (y * w + x) * channels;
        let px = &buf[i..i + channels.min(3)];
        (px.iter().map(|&v| u32::from(v)).sum::<u32>() / px.len() as u32) as u8
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().unwrap().1
}

#[tokio::test]
async fn links_within_the_check_move_by_the_history_and_back_returns_to_the_answer() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/check?q=单身证明", server.url))
        .await
        .unwrap();
    browser.wait_for_text("#decision", "不用开证明了").await;
    // The page shown is marked in the header; the other areas' links are plain.
    assert_eq!(
        browser
            .eval(
                "document.querySelector('header a[href=\"/check\"]').getAttribute('aria-current')"
            )
            .await,
        "page"
    );
    assert_eq!(
        browser
            .eval("document.querySelector('header a[href=\"/clerk\"]').getAttribute('rel')")
            .await,
        "external"
    );
    // A mark on the window survives only if no page load comes between.
    browser.eval("(window.jzSamePage = true)").await;
    browser
        .click(".entry-card[data-code='N08'] .declaration-link")
        .await;
    browser
        .wait_for_text("#declaration", "婚姻状况证明事项告知承诺书")
        .await;
    assert_eq!(
        browser.eval("location.pathname").await,
        "/check/N08/declaration"
    );
    assert_eq!(browser.eval("window.jzSamePage === true").await, true);

    c.back().await.unwrap();
    browser.wait_for_text("#decision", "不用开证明了").await;
    assert_eq!(
        browser.eval("location.search").await,
        "?q=%E5%8D%95%E8%BA%AB%E8%AF%81%E6%98%8E"
    );
    assert_eq!(browser.eval("window.jzSamePage === true").await, true);
    c.forward().await.unwrap();
    browser
        .wait_for_text("#declaration", "婚姻状况证明事项告知承诺书")
        .await;

    // Into another area is a page load of that area's own bundle.
    browser.click("header a[href='/clerk']").await;
    browser.wait_for_text("main h1", "村务证明台账").await;
    assert_eq!(browser.eval("window.jzSamePage === true").await, false);
    browser.close().await;
    server.kill().await;
}
