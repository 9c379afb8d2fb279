//! Headless Chromium loads the release app from the real server.

use fantoccini::Locator;
use jianzheng_e2e::{dist_dir, Browser, ServerProcess};

#[tokio::test]
async fn each_area_renders_in_chinese_and_english_is_remembered() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;

    c.goto(&server.url).await.unwrap();
    browser.wait_for_text(".doors", "证明查询").await;
    assert_eq!(browser.eval("document.documentElement.lang").await, "zh-CN");
    browser.screenshot("home-zh").await;

    // Within an area the router changes the page; into another area the
    // browser loads that area's bundle (the page's state is gone).
    browser.eval("(window.__samePage = true)").await;
    browser.click(".doors a[href='/check']").await;
    browser.wait_for_text("main h1", "这个证明要村里开吗").await;
    assert_eq!(browser.eval("window.__samePage === true").await, true);
    browser.click(".nav a[href='/town']").await;
    browser.wait_for_text("main h1", "乡镇证明减负看板").await;
    assert_eq!(browser.eval("window.__samePage === undefined").await, true);
    let scripts = browser
        .eval("[...document.scripts].map(s => s.textContent).join(' ')")
        .await;
    assert!(
        scripts.as_str().unwrap().contains("jianzheng-town-"),
        "{scripts}"
    );

    // Deep links are served their area's shell by the server and routed by the app.
    for (path, title) in [
        ("/town", "乡镇证明减负看板"),
        ("/check", "这个证明要村里开吗"),
        ("/no-such-page", "页面不存在"),
    ] {
        c.goto(&format!("{}{path}", server.url)).await.unwrap();
        browser.wait_for_text("main h1", title).await;
    }

    // The clerk's view opens the device database and asks to set the tablet up.
    // (Left before its database is open, a page can hold the database in the
    // back-forward cache mid-upgrade: visited once, to the end.)
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    browser.wait_for_text("main h1", "村务证明台账").await;
    browser.wait_for_text(".setup h2", "设置本平板").await;

    c.find(Locator::Id("lang-switch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_text("main h1", "Village certificate ledger")
        .await;
    assert_eq!(browser.eval("document.documentElement.lang").await, "en");
    browser.screenshot("clerk-en").await;

    c.refresh().await.unwrap();
    browser
        .wait_for_text("main h1", "Village certificate ledger")
        .await;
    browser.wait_for_text("#lang-switch", "中文").await;

    browser.close().await;
    server.kill().await;
}

/// The page is controlled by a service worker whose one cache holds the
/// shell of every area in `shells`.
async fn wait_for_offline_ready(browser: &Browser, shells: &[&str]) {
    browser
        .wait_until("navigator.serviceWorker.controller")
        .await;
    browser
        .wait_until(&format!(
            "caches.keys().then(async keys => keys.length === 1 && keys[0].startsWith('jianzheng-shell-')
                && (await Promise.all({shells:?}.map(s => caches.open(keys[0]).then(c => c.match(s))))).every(Boolean))"
        ))
        .await;
}

/// The paths in the one cache of the app.
async fn cached_paths(browser: &Browser) -> Vec<String> {
    let paths = browser
        .eval(
            "caches.keys().then(k => caches.open(k[0])).then(c => c.keys())
                .then(rs => rs.map(r => new URL(r.url).pathname))",
        )
        .await;
    serde_json::from_value(paths).unwrap()
}

#[tokio::test]
async fn after_one_visit_an_area_reloads_and_routes_with_the_server_gone() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/check", server.url)).await.unwrap();
    browser.wait_for_text("main h1", "这个证明要村里开吗").await;
    wait_for_offline_ready(&browser, &["/index.html"]).await;
    // A resident's phone holds the public area only: nothing of the
    // clerk's or the town's bundle was downloaded or cached.
    let fetched = browser
        .eval("performance.getEntriesByType('resource').map(e => e.name).join(' ')")
        .await;
    let fetched = fetched.as_str().unwrap();
    assert!(fetched.contains("jianzheng-resident-"), "{fetched}");
    assert!(
        !fetched.contains("jianzheng-clerk-") && !fetched.contains("jianzheng-town-"),
        "{fetched}"
    );
    let cached = cached_paths(&browser).await;
    assert!(
        cached
            .iter()
            .any(|p| p.starts_with("/jianzheng-resident-") && p.ends_with(".wasm")),
        "{cached:?}"
    );
    assert!(
        !cached
            .iter()
            .any(|p| p.contains("clerk") || p.contains("town")),
        "{cached:?}"
    );
    // The small icon is part of every first visit; the large ones only an
    // install asks for are kept once fetched, never downloaded up front.
    assert!(
        cached.iter().any(|p| p == "/icons/icon-192.png"),
        "{cached:?}"
    );
    assert!(!cached.iter().any(|p| p.contains("icon-512")), "{cached:?}");
    browser
        .eval("fetch('/icons/icon-512.png').then(r => r.status)")
        .await;
    browser
        .wait_until(
            "caches.keys().then(k => caches.open(k[0])).then(c => c.match('/icons/icon-512.png')).then(Boolean)",
        )
        .await;

    // The clerk's area, visited once while online, is kept too.
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    browser.wait_for_text(".setup h2", "设置本平板").await;
    wait_for_offline_ready(&browser, &["/index.html", "/clerk.html"]).await;
    let url = server.url.clone();
    server.kill().await;

    // The network is really gone for this origin.
    let reachable = browser
        .eval("fetch('/api/v1/health').then(() => true, () => false)")
        .await;
    assert_eq!(reachable, false);
    let icon = browser
        .eval("fetch('/icons/icon-512.png').then(r => r.status, () => 0)")
        .await;
    assert_eq!(icon, 200);

    c.goto(&format!("{url}/check?q=低保")).await.unwrap();
    browser.wait_for_text("main h1", "这个证明要村里开吗").await;
    // A route of a visited area never opened before is served from its cached shell.
    c.goto(&format!("{url}/check/N08/declaration"))
        .await
        .unwrap();
    browser
        .wait_for_text("#declaration", "婚姻状况证明事项告知承诺书")
        .await;
    c.goto(&format!("{url}/clerk")).await.unwrap();
    browser.wait_for_text("main h1", "村务证明台账").await;
    browser.wait_for_text(".setup h2", "设置本平板").await;
    browser.screenshot("clerk-offline").await;
    // An area never opened on this device says so, in both languages.
    c.goto(&format!("{url}/town")).await.unwrap();
    browser.wait_for_text("#not-downloaded", "尚未下载").await;
    browser
        .wait_for_text("body", "Open it once while online")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_new_build_waits_for_the_person_to_accept_the_update() {
    // A copy of the app that we can "rebuild" under the running server.
    let dist = tempfile::TempDir::new().unwrap();
    copy_dir(&dist_dir(), dist.path());
    let server = ServerProcess::start(dist.path()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    // Every area used on this device, so the update must carry all five.
    for (path, title) in [
        ("/check", "这个证明要村里开吗"),
        ("/verify", "核验村级证明"),
        ("/town", "乡镇证明减负看板"),
        ("/poster", "证明事项公开"),
        ("/clerk", "村务证明台账"),
    ] {
        c.goto(&format!("{}{path}", server.url)).await.unwrap();
        browser.wait_for_text("main h1", title).await;
    }
    wait_for_offline_ready(
        &browser,
        &[
            "/index.html",
            "/clerk.html",
            "/town.html",
            "/verify.html",
            "/poster.html",
        ],
    )
    .await;
    let old_cache = browser.eval("caches.keys().then(k => k[0])").await;
    let old_paths = cached_paths(&browser).await;

    // A new build: the service worker's version changes.
    let sw_path = dist.path().join("sw.js");
    let sw = std::fs::read_to_string(&sw_path).unwrap();
    let old_version = old_cache
        .as_str()
        .unwrap()
        .trim_start_matches("jianzheng-shell-")
        .to_string();
    std::fs::write(&sw_path, sw.replace(&old_version, "0000000000000new")).unwrap();

    // Mid-task state that an unasked reload would destroy.
    browser.eval("(window.__midTask = 'typing', true)").await;
    browser
        .eval("window.__jzRegistration.update().then(() => true)")
        .await;
    browser
        .wait_for_text("#update-banner", "新版本已就绪")
        .await;
    browser.screenshot("update-prompt").await;
    // Nothing changed under the person's feet: same page, old cache in force.
    assert_eq!(browser.eval("window.__midTask").await, "typing");
    let controller_cache = browser.eval("caches.keys().then(k => k.sort())").await;
    assert_eq!(
        controller_cache.as_array().unwrap().len(),
        2,
        "old and new caches side by side"
    );

    c.find(Locator::Id("update-now"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_until("window.__midTask === undefined").await;
    browser.wait_for_text("main h1", "村务证明台账").await;
    browser
        .wait_until("caches.keys().then(k => k.length === 1 && k[0] === 'jianzheng-shell-0000000000000new')")
        .await;
    // The new version holds every area the old one held, shell, JS and wasm.
    let mut new_paths = cached_paths(&browser).await;
    let mut old_paths = old_paths;
    new_paths.sort();
    old_paths.sort();
    assert_eq!(new_paths, old_paths);
    for area in ["resident", "clerk", "town", "verify", "poster"] {
        for ext in [".js", "_bg.wasm"] {
            assert!(
                new_paths
                    .iter()
                    .any(|p| p.starts_with(&format!("/jianzheng-{area}-")) && p.ends_with(ext)),
                "{area}{ext} in {new_paths:?}"
            );
        }
    }
    browser.close().await;
    server.kill().await;
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The app starts under the server's Content-Security-Policy (no inline
/// script but the shell's own, by hash), and what the policy blocks is
/// reported: the check `Browser::close` makes can fail.
#[tokio::test]
async fn the_app_runs_under_its_content_security_policy_and_violations_are_reported() {
    let server = ServerProcess::start(&dist_dir()).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/check", server.url)).await.unwrap();
    browser.wait_for_text("main h1", "这个证明要村里开吗").await;
    let health = format!("{}/api/v1/health", server.url);
    let violations = || async {
        let h: serde_json::Value = reqwest::get(&health).await.unwrap().json().await.unwrap();
        h["csp_violations"].as_u64().unwrap()
    };
    assert_eq!(violations().await, 0, "the app itself breaks no rule");
    // Script that the policy forbids: eval, and an injected inline script.
    browser
        .eval(
            "(() => { try { eval('1') } catch (e) {}
                      const s = document.createElement('script');
                      s.textContent = 'window.injected = true';
                      document.body.appendChild(s);
                      return window.injected === undefined; })()",
        )
        .await;
    let mut seen = 0;
    for _ in 0..50 {
        seen = violations().await;
        if seen >= 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Chromium may fold reports of one page together: at least one arrives.
    assert!(seen >= 1, "the blocked scripts were reported: {seen}");
    assert_eq!(browser.eval("window.injected === undefined").await, true);
    let _ = browser.client.clone().close().await;
    server.kill().await;
}
