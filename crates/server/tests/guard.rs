//! What the internet-facing server refuses, over real HTTP: sessions that
//! outlive a password change, cross-site requests, floods from one
//! address; and the headers every response carries.

mod support;

use jianzheng_server::auth::hash_password;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};

const PASSWORD: &str = "one-time-pass";
const NEW_PASSWORD: &str = "a-much-better-password";

async fn start() -> support::Running {
    let server = support::start().await;
    server
        .storage
        .create_user("admin", &hash_password(PASSWORD), true)
        .await
        .unwrap();
    server
}

fn browser() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

async fn login(base: &str, password: &str) -> (Client, StatusCode) {
    let c = browser();
    let res = c
        .post(format!("{base}/api/v1/town/login"))
        .json(&json!({"name": "admin", "password": password}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (c, status)
}

async fn me(c: &Client, base: &str) -> StatusCode {
    c.get(format!("{base}/api/v1/town/me"))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_password_change_ends_every_other_session_of_the_account() {
    let srv = start().await;
    // Two sessions on the one-time password (the officer, and whoever else
    // read it off the terminal).
    let (officer, status) = login(&srv.base, PASSWORD).await;
    assert_eq!(status, 200);
    let (other, _) = login(&srv.base, PASSWORD).await;
    assert_eq!(me(&other, &srv.base).await, 200);
    let res = officer
        .post(format!("{}/api/v1/town/password", srv.base))
        .json(&json!({"current": PASSWORD, "new": NEW_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(me(&officer, &srv.base).await, 200, "the changer stays in");
    assert_eq!(me(&other, &srv.base).await, 401, "the other session ended");
    // And again with a changed password: a second device logged in with it
    // is logged out by the next change.
    let (second, status) = login(&srv.base, NEW_PASSWORD).await;
    assert_eq!(status, 200);
    let res = officer
        .post(format!("{}/api/v1/town/password", srv.base))
        .json(&json!({"current": NEW_PASSWORD, "new": "yet-another-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(me(&second, &srv.base).await, 401);
    assert_eq!(me(&officer, &srv.base).await, 200);
}

#[tokio::test]
async fn a_changing_request_from_another_site_is_refused() {
    let srv = start().await;
    let (c, _) = login(&srv.base, PASSWORD).await;
    let host = srv.base.trim_start_matches("http://").to_owned();
    let try_change = |headers: Vec<(&'static str, String)>| {
        let mut req = c
            .post(format!("{}/api/v1/town/password", srv.base))
            .json(&json!({"current": PASSWORD, "new": NEW_PASSWORD}));
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.send()
    };
    for headers in [
        vec![("sec-fetch-site", "cross-site".to_owned())],
        vec![("origin", "https://evil.example".to_owned())],
        vec![("origin", "null".to_owned())],
    ] {
        let res = try_change(headers.clone()).await.unwrap();
        assert_eq!(res.status(), 403, "{headers:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "cross_origin");
    }
    // The password was not changed by any of them.
    assert_eq!(login(&srv.base, PASSWORD).await.1, 200);
    // A reading request from anywhere is answered; the app's own page
    // (same origin) may change things.
    let res = c
        .get(format!("{}/api/v1/health", srv.base))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = try_change(vec![
        ("sec-fetch-site", "same-origin".to_owned()),
        ("origin", format!("http://{host}")),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let srv = start().await;
    let c = Client::new();
    for path in [
        "/",
        "/check?q=%E6%97%A0%E7%8A%AF%E7%BD%AA",
        "/api/v1/health",
        "/api/v1/nope",
    ] {
        let res = c.get(format!("{}{path}", srv.base)).send().await.unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        for directive in [
            "script-src 'self' 'wasm-unsafe-eval'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
    }
}

#[tokio::test]
async fn secure_cookies_are_secure_and_host_prefixed() {
    let server = support::start_with(|config| config.secure_cookies = true).await;
    server
        .storage
        .create_user("admin", &hash_password(PASSWORD), true)
        .await
        .unwrap();
    let res = Client::new()
        .post(format!("{}/api/v1/town/login", server.base))
        .json(&json!({"name": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-jz_session="), "{cookie}");
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
}

/// A client whose requests leave from `ip` (any address of 127.0.0.0/8).
fn client_from(ip: Ipv4Addr) -> Client {
    Client::builder()
        .local_address(IpAddr::V4(ip))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_flood_of_checks_from_one_address_is_limited_while_others_are_served() {
    let srv = start().await;
    let url = format!("{}/api/v1/check?q=wfzjl", srv.base);
    let flooder = client_from(Ipv4Addr::new(127, 0, 0, 1));
    let neighbour = client_from(Ipv4Addr::new(127, 0, 0, 2));
    let mut limited = None;
    let mut served = 0;
    for _ in 0..400 {
        let res = flooder.get(&url).send().await.unwrap();
        if res.status() == 429 {
            limited = Some(res);
            break;
        }
        assert_eq!(res.status(), 200);
        served += 1;
    }
    let res = limited.expect("a flood is limited");
    assert!(served >= 50, "a burst is allowed first: {served}");
    assert!(res.headers().contains_key("retry-after"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(body["error"]["message_zh"]
        .as_str()
        .unwrap()
        .contains("频繁"));
    // Another address is still answered at once.
    let res = neighbour.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert!(body["results"].is_array() || body.is_object());
}
