//! Every page of the app's areas, checked as the people who use them would
//! need: axe-core (the npm package `scripts/setup` installs, injected through
//! WebDriver) finds no serious or critical violation of WCAG 2.1 A/AA; on a
//! 360 px wide phone every control of the resident's and the clerk's pages
//! is at least 44×44 CSS px; the large-text switch scales every text, and
//! the check works with the person's text size at 200%.

use jianzheng_e2e::{dist_dir, workspace_root, Browser, Options, ServerProcess, ADMIN_PASSWORD};

/// axe-core's browser build, installed by `scripts/setup`.
fn axe_source() -> String {
    let path = workspace_root().join("target/npm/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup)", path.display()))
}

/// The strings of a JSON list.
fn strings(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The serious and critical violations axe finds on the page shown, one
/// line each: rule, impact, and the first offending element.
async fn serious_violations(browser: &Browser, axe: &str) -> Vec<String> {
    browser
        .client
        .execute(axe, vec![])
        .await
        .expect("inject axe-core");
    let found = browser
        .eval(
            "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                .then(r => r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ' (' + v.impact + ', ' + v.nodes.length + '): ' + v.nodes[0].target.join(' ') + ' — ' + v.help))",
        )
        .await;
    strings(&found)
}

/// Controls smaller than 44×44 CSS px on the page shown (links inside a
/// sentence are exempt, as WCAG 2.5.8 allows).
async fn small_targets(browser: &Browser) -> Vec<String> {
    let found = browser
        .eval(
            "[...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [role=button]')]
                .filter(e => e.offsetParent !== null && !e.closest('p, dd'))
                .map(e => [e, e.getBoundingClientRect()])
                .filter(([e, r]) => r.width < 44 || r.height < 44)
                .map(([e, r]) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                    + ' ' + Math.round(r.width) + 'x' + Math.round(r.height) + ' ' + (e.textContent || e.value || '').trim().slice(0, 20))",
        )
        .await;
    strings(&found)
}

/// Adds what was `found` on `page` to `out`.
fn note(page: String, found: Vec<String>, out: &mut Vec<String>) {
    out.extend(found.into_iter().map(|v| format!("{page}: {v}")));
}

#[tokio::test]
async fn every_page_passes_axe_and_phone_controls_are_large_enough() {
    let server = ServerProcess::start(&dist_dir()).await;
    let axe = axe_source();
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(360, 640).await.unwrap();
    let mut violations = Vec::new();
    let mut small = Vec::new();

    // The resident's pages, and the clerk's, on a phone.
    let pages = [
        ("/", ".doors"),
        ("/check", "#check-query"),
        (
            "/check?q=%E6%97%A0%E7%8A%AF%E7%BD%AA%E8%AE%B0%E5%BD%95%E8%AF%81%E6%98%8E",
            ".entry-card",
        ),
        ("/check?q=dszm", ".entry-card"),
        ("/check?q=%E4%BB%8A%E5%A4%A9%E5%A4%A9%E6%B0%94", "#decision"),
        ("/check/N05", ".entry-card"),
        ("/poster", "main h1"),
        ("/check/N08/declaration", "#declaration"),
        ("/verify", "#trust-status"),
        ("/clerk", ".setup h2"),
    ];
    // The measure finds a small control when there is one.
    c.goto(&server.url).await.unwrap();
    browser.wait_for_text(".doors", "").await;
    browser
        .eval(
            "(() => { const b = document.createElement('button'); b.id = 'probe-small'; b.textContent = 'x';
                b.style.cssText = 'min-width: 0; min-height: 0; padding: 0; width: 20px; height: 20px'; document.querySelector('main').append(b); return true; })()",
        )
        .await;
    let probe = small_targets(&browser).await;
    assert!(
        probe.iter().any(|t| t.contains("#probe-small")),
        "{probe:?}"
    );
    for (path, ready) in pages {
        c.goto(&format!("{}{path}", server.url)).await.unwrap();
        browser.wait_for_text(ready, "").await;
        note(
            path.into(),
            serious_violations(&browser, &axe).await,
            &mut violations,
        );
        note(path.into(), small_targets(&browser).await, &mut small);
    }
    // The tablet once set up: every tab.
    browser.fill("setup-village", "140105001").await;
    browser.fill("setup-device", "T1").await;
    browser.click("#setup-save").await;
    browser.wait_for_text("#unsynced", "0").await;
    for tab in ["record", "ledger", "sync", "backup"] {
        browser.eval("window.scrollTo(0, 0)").await; // the tabs sit under the sticky bar
        browser.click(&format!("#tab-{tab}")).await;
        browser.wait_for_text("main", "").await;
        let page = format!("/clerk#{tab}");
        note(
            page.clone(),
            serious_violations(&browser, &axe).await,
            &mut violations,
        );
        note(page, small_targets(&browser).await, &mut small);
    }

    // The town's pages, on an office screen (axe only: a mouse, not a thumb).
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&format!("{}/town", server.url)).await.unwrap();
    browser.wait_for_text("#login-submit", "").await;
    note(
        "/town login".into(),
        serious_violations(&browser, &axe).await,
        &mut violations,
    );
    browser.fill("login-name", "admin").await;
    browser.fill("login-password", ADMIN_PASSWORD).await;
    browser.click("#login-submit").await;
    browser.wait_for_text("#password-submit", "").await;
    note(
        "/town password".into(),
        serious_violations(&browser, &axe).await,
        &mut violations,
    );
    browser.fill("password-current", ADMIN_PASSWORD).await;
    browser.fill("password-new", "town-office-2026").await;
    browser.fill("password-again", "town-office-2026").await;
    browser.click("#password-submit").await;
    for tab in ["dashboard", "villages", "baselines", "lists"] {
        browser.click(&format!("#tab-{tab}")).await;
        browser.wait_for_text("main", "").await;
        note(
            format!("/town#{tab}"),
            serious_violations(&browser, &axe).await,
            &mut violations,
        );
    }

    println!("axe_serious_violations: {}", violations.len());
    println!("small_tap_targets: {}", small.len());
    assert!(
        violations.is_empty(),
        "serious or critical:\n{}",
        violations.join("\n")
    );
    assert!(
        small.is_empty(),
        "smaller than 44x44 at 360 px:\n{}",
        small.join("\n")
    );
    browser.close().await;
    server.kill().await;
}

/// The font size of every element that holds text of its own, in page order.
async fn text_sizes(browser: &Browser) -> Vec<(String, f64)> {
    let found = browser
        .eval(
            "[...document.querySelectorAll('main *, header *')]
                .filter(e => e.offsetParent !== null && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
                .map(e => [e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + e.textContent.trim().slice(0, 12), parseFloat(getComputedStyle(e).fontSize)])",
        )
        .await;
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap_or_default().to_owned(),
                pair[1].as_f64().expect("a size"),
            )
        })
        .collect()
}

#[tokio::test]
async fn large_text_scales_every_text_and_a_200_percent_system_size_works() {
    let server = ServerProcess::start(&dist_dir()).await;
    let answer = format!(
        "{}/check?q=%E6%97%A0%E7%8A%AF%E7%BD%AA%E8%AE%B0%E5%BD%95%E8%AF%81%E6%98%8E",
        server.url
    );

    // The switch: every text of the answer grows by a third (18 to 24 px).
    let browser = Browser::start().await;
    browser.client.set_window_size(360, 640).await.unwrap();
    for url in [answer.clone(), format!("{}/check/N05", server.url)] {
        browser.client.goto(&url).await.unwrap();
        browser.wait_for_text(".entry-card", "").await;
        let before = text_sizes(&browser).await;
        browser.click("#text-size").await;
        browser
            .wait_until("document.documentElement.classList.contains('large-text')")
            .await;
        let after = text_sizes(&browser).await;
        assert!(before.len() > 10, "{before:?}");
        assert_eq!(before.len(), after.len());
        for ((what, was), (_, is)) in before.iter().zip(&after) {
            assert!(is / was > 1.3, "{url}: {what} {was}px became {is}px");
        }
        browser.click("#text-size").await;
    }
    browser.close().await;

    // The person's own text size at 200%: the page follows it and still fits.
    let browser = Browser::start_with_options(&Options {
        default_font_px: Some(32),
        ..Options::default()
    })
    .await;
    let c = &browser.client;
    c.set_window_size(360, 640).await.unwrap();
    c.goto(&answer).await.unwrap();
    browser.wait_for_text("#decision", "村里不开").await;
    let root = browser
        .eval("getComputedStyle(document.documentElement).fontSize")
        .await;
    assert_eq!(root, "36px");
    let overflow = browser
        .eval("document.documentElement.scrollWidth > window.innerWidth")
        .await;
    assert_eq!(overflow, false, "the page must not scroll sideways at 200%");
    browser.screenshot("check-200-percent").await;
    browser.close().await;
    server.kill().await;
}
