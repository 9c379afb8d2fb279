//! Harness for the end-to-end tests: the real `jianzheng-server` binary on a
//! free loopback port, and headless Chromium driven over WebDriver.
//!
//! Needs the release app in `dist/` (`scripts/build-app`), the
//! server binary (`JIANZHENG_SERVER_BIN`, else `target/{release,debug}/`),
//! and `chromium` with `chromedriver` (`CHROMEDRIVER`, else on PATH).

pub mod load;

use fantoccini::{Client, ClientBuilder, Locator};
use jianzheng_core::area::Area;
use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::ledger::{Backup, Head, Ledger, Limits, Request, Writer, BACKUP_FORMAT};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The built app; panics with the command to run if it is missing.
pub fn dist_dir() -> PathBuf {
    let dist = workspace_root().join("dist");
    assert!(
        Area::ALL
            .iter()
            .all(|area| dist.join(area.shell()).is_file())
            && dist.join("sw.js").is_file(),
        "no built app at {}: run `scripts/build-app` first",
        dist.display()
    );
    dist
}

/// An app of bare shells, one per area, for tests of the server alone.
pub fn bare_app() -> TempDir {
    let dist = TempDir::new().expect("temp app dir");
    for area in Area::ALL {
        std::fs::write(dist.path().join(area.shell()), "<!doctype html>").expect("bare shell");
    }
    dist
}

fn server_binary() -> PathBuf {
    if let Ok(bin) = std::env::var("JIANZHENG_SERVER_BIN") {
        return PathBuf::from(bin);
    }
    let target = workspace_root().join("target");
    ["release", "debug"]
        .iter()
        .map(|profile| target.join(profile).join("jianzheng-server"))
        .find(|bin| bin.is_file())
        .expect("no jianzheng-server binary: run `cargo build --release -p jianzheng-server` first")
}

/// The first administrator's one-time password in every test server.
pub const ADMIN_PASSWORD: &str = "first-start-password";

/// A running `jianzheng-server` process with its own data directory.
pub struct ServerProcess {
    child: Child,
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    _data: TempDir,
}

impl ServerProcess {
    /// Starts the server binary on a free port serving `dist`.
    pub async fn start(dist: &Path) -> ServerProcess {
        ServerProcess::start_with_data(dist, TempDir::new().expect("temp data dir")).await
    }

    /// Starts the server on the data directory a killed one left behind.
    pub async fn start_with_data(dist: &Path, data: TempDir) -> ServerProcess {
        ServerProcess::start_on(dist, data, None).await
    }

    /// Starts the server with its data in `data`, or in the PostgreSQL
    /// database at `database_url`.
    pub async fn start_on(dist: &Path, data: TempDir, database_url: Option<&str>) -> ServerProcess {
        ServerProcess::start_with_args(dist, data, database_url, &[]).await
    }

    /// [`ServerProcess::start_on`], with more arguments for the server.
    pub async fn start_with_args(
        dist: &Path,
        data: TempDir,
        database_url: Option<&str>,
        args: &[&str],
    ) -> ServerProcess {
        let mut command = Command::new(server_binary());
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        command.arg("--dist").arg(dist).args(args);
        ServerProcess::spawn(command, data).await
    }

    /// Starts `binary` alone, as deployed: the app it serves is the one
    /// built into it (no `--dist`), its working directory `data`.
    pub async fn start_deployed(binary: &Path, data: TempDir) -> ServerProcess {
        let mut command = Command::new(binary);
        command.current_dir(data.path()).env_remove("DATABASE_URL");
        ServerProcess::spawn(command, data).await
    }

    async fn spawn(mut command: Command, data: TempDir) -> ServerProcess {
        let mut child = command
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data.path())
            .env("JIANZHENG_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .stdout(Stdio::piped())
            // The server's log, when asked for: JIANZHENG_E2E_SERVER_LOG=1.
            .stderr(match std::env::var_os("JIANZHENG_E2E_SERVER_LOG") {
                Some(_) => Stdio::inherit(),
                None => Stdio::null(),
            })
            .kill_on_drop(true)
            .spawn()
            .expect("start jianzheng-server");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        tokio::time::timeout(Duration::from_secs(30), stdout.read_line(&mut line))
            .await
            .expect("server printed its URL in time")
            .expect("read server stdout");
        // Keep reading what it prints after (the first-start password), so
        // its writes never meet a closed pipe.
        tokio::spawn(async move {
            let mut rest = String::new();
            while matches!(stdout.read_line(&mut rest).await, Ok(n) if n > 0) {
                rest.clear();
            }
        });
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in server output: {line:?}"))
            .trim_end_matches('/')
            .to_string();
        ServerProcess {
            child,
            url,
            _data: data,
        }
    }

    /// Stops the server as systemd does (SIGTERM) and waits for it to
    /// exit; returns its exit status and its data directory.
    pub async fn terminate(mut self) -> (std::process::ExitStatus, TempDir) {
        let pid = self.child.id().expect("a running server has a pid");
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM sent");
        let status = tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("the server exits after SIGTERM")
            .expect("wait for the server");
        (status, self._data)
    }

    /// Kills the server, as a power cut or a lost network would; returns
    /// its data directory, for a server started later.
    pub async fn kill(mut self) -> TempDir {
        self.child.kill().await.expect("kill server");
        self._data
    }

    /// The server's data directory.
    pub fn data_dir(&self) -> &Path {
        self._data.path()
    }

    /// Runs `jianzheng-server --data-dir DATA ARGS…` beside the running
    /// server (as the town's IT officer would, e.g. `backup --to FILE`);
    /// panics with its error unless it succeeds; returns its stdout.
    pub fn command(&self, args: &[&str]) -> Vec<u8> {
        command_on(self.data_dir(), args)
    }

    /// A one-time enrolment code for a new tablet of `village`, made as the
    /// town makes it: `jianzheng-server enrolment-code` on the same data
    /// directory.
    pub fn enrolment_code(&self, village: &str) -> String {
        self.code_with(&["--village", village])
    }

    /// A code for a tablet that continues `ledger` of `village` (it
    /// replaces the tablet that wrote it).
    pub fn enrolment_code_continuing(&self, village: &str, ledger: &str) -> String {
        self.code_with(&["--village", village, "--continue-ledger", ledger])
    }

    fn code_with(&self, args: &[&str]) -> String {
        let mut command = vec!["enrolment-code"];
        command.extend(args);
        String::from_utf8(self.command(&command))
            .expect("UTF-8")
            .lines()
            .next()
            .expect("the code on the first line")
            .trim()
            .to_owned()
    }
}

/// Runs `jianzheng-server --data-dir DATA ARGS…`; panics with its error
/// unless it succeeds; returns its stdout.
pub fn command_on(data: &Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new(server_binary())
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run jianzheng-server");
    assert!(
        out.status.success(),
        "jianzheng-server {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A new, empty database on the PostgreSQL server that
/// `scripts/with-postgres` started (its URL in `JIANZHENG_TEST_POSTGRES`);
/// panics with the way to run it if there is none.
pub async fn fresh_postgres(name: &str) -> String {
    use sqlx::Connection;
    let admin = std::env::var("JIANZHENG_TEST_POSTGRES")
        .expect("no PostgreSQL server: run this under scripts/with-postgres");
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("the test PostgreSQL server answers");
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&sql).execute(&mut conn).await.expect(&sql);
    }
    let mut url = url::Url::parse(&admin).expect("a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// What a browser session needs beyond the defaults.
#[derive(Debug, Default)]
pub struct Options {
    /// Where downloads are saved, without asking.
    pub downloads: Option<PathBuf>,
    /// A Y4M video the browser's camera shows (looped), with permission granted.
    pub camera_video: Option<PathBuf>,
    /// The person's default text size in CSS px (the browser's is 16; 32 is
    /// a system font size of 200%).
    pub default_font_px: Option<u32>,
}

/// A chromedriver process and one headless Chromium session.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    driver: Child,
    profile: PathBuf,
    /// Removed when the browser is dropped, if this session made it.
    owned_profile: Option<TempDir>,
}

async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    listener.local_addr().expect("addr").port()
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium profile.
    pub async fn start() -> Browser {
        let profile = TempDir::new().expect("profile dir");
        let mut browser = Browser::start_in(profile.path()).await;
        browser.owned_profile = Some(profile);
        browser
    }

    /// Starts Chromium on an existing profile directory (to find what a
    /// killed browser left behind).
    pub async fn start_in(profile: &Path) -> Browser {
        Browser::start_with(profile, &Options::default()).await
    }

    /// Starts a fresh profile with `options`.
    pub async fn start_with_options(options: &Options) -> Browser {
        let profile = TempDir::new().expect("profile dir");
        let mut browser = Browser::start_with(profile.path(), options).await;
        browser.owned_profile = Some(profile);
        browser
    }

    async fn start_with(profile: &Path, options: &Options) -> Browser {
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port().await;
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {driver_bin}: {e}"));
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,900",
        ]
        .map(String::from)
        .to_vec();
        args.push(format!("--user-data-dir={}", profile.display()));
        if let Some(video) = &options.camera_video {
            args.push("--use-fake-ui-for-media-stream".into());
            args.push("--use-fake-device-for-media-stream".into());
            args.push(format!(
                "--use-file-for-fake-video-capture={}",
                video.display()
            ));
        }
        let mut prefs = serde_json::Map::new();
        if let Some(dir) = &options.downloads {
            prefs.insert("download.default_directory".into(), serde_json::json!(dir));
            prefs.insert("download.prompt_for_download".into(), false.into());
        }
        if let Some(px) = options.default_font_px {
            prefs.insert("webkit.webprefs.default_font_size".into(), px.into());
        }
        let chrome = serde_json::json!({ "binary": chromium, "args": args, "prefs": prefs });
        let caps = serde_json::json!({ "goog:chromeOptions": chrome });
        let caps = caps.as_object().expect("object").clone();
        let webdriver = format!("http://127.0.0.1:{port}");
        let mut last_err = None;
        for _ in 0..50 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        driver,
                        profile: profile.to_path_buf(),
                        owned_profile: None,
                    };
                }
                Err(err) => {
                    last_err = Some(err);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("could not start a Chromium session: {last_err:?}");
    }

    /// Replaces the text of the input `id` as a person types it (an empty
    /// text still fires the input event the app listens for).
    pub async fn fill(&self, id: &str, text: &str) {
        let input = self
            .client
            .wait()
            .for_element(Locator::Id(id))
            .await
            .expect("input");
        input.clear().await.expect("clear");
        if text.is_empty() {
            // WebDriver's clear fires no input event.
            let arg = serde_json::to_value(&input).expect("element as JSON");
            self.client
                .execute(
                    "arguments[0].dispatchEvent(new Event('input', { bubbles: true }))",
                    vec![arg],
                )
                .await
                .expect("input event");
        } else {
            input.send_keys(text).await.expect("type");
        }
    }

    /// Picks the option `value` of the select `id`, as a person does
    /// (the change event the app listens for fires).
    pub async fn select(&self, id: &str, value: &str) {
        self.client
            .wait()
            .for_element(Locator::Css(&format!("#{id} option[value='{value}']")))
            .await
            .expect("option");
        let set = format!(
            "(() => {{ const s = document.getElementById({id:?}); s.value = {value:?};
                s.dispatchEvent(new Event('change', {{ bubbles: true }})); return s.value; }})()"
        );
        assert_eq!(self.eval(&set).await, value, "#{id} has {value}");
    }

    /// On the clerk's record tab: searches `query`, picks the entry `code`,
    /// names a requesting bank and takes `action` (`issue`, `refuse`), until
    /// the tablet says it is saved.
    pub async fn record(&self, query: &str, code: &str, action: &str) {
        self.eval("window.scrollTo(0, 0)").await; // the tabs sit at the top
        self.click("#tab-record").await;
        self.fill("record-item", query).await;
        self.click(&format!(".pick[data-code='{code}']")).await;
        self.fill("record-agency", "农业银行城关支行").await;
        self.click(&format!("#action-{action}")).await;
        self.wait_for_text("#saved", "已保存").await;
    }

    /// Clicks the element matching `css`, once it is there, brought to the
    /// middle of the window first (as a person scrolls to what they press:
    /// the sticky bar at the top never covers it).
    pub async fn click(&self, css: &str) {
        let el = self
            .client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .expect("element");
        let _ = self
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'})",
                vec![serde_json::to_value(&el).expect("an element is JSON")],
            )
            .await;
        el.click().await.expect("click");
    }

    /// Waits until the element matching `css` has text containing `needle`.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let mut last = String::new();
        while tokio::time::Instant::now() < deadline {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = el.text().await {
                    if text.contains(needle) {
                        return text;
                    }
                    last = text;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} never contained {needle:?}; last text {last:?}");
    }

    /// Waits until the JavaScript expression `expr` is truthy (it may be a promise).
    pub async fn wait_until(&self, expr: &str) {
        let script = format!("return Promise.resolve({expr}).then(v => !!v, () => false);");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while tokio::time::Instant::now() < deadline {
            if let Ok(value) = self.client.execute(&script, vec![]).await {
                if value.as_bool() == Some(true) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("never true: {expr}");
    }

    /// Evaluates `expr` (awaiting a promise) and returns its JSON value.
    pub async fn eval(&self, expr: &str) -> serde_json::Value {
        let script = format!("return Promise.resolve({expr});");
        self.client
            .execute(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    /// Saves a screenshot under `target/e2e-screenshots/` for a person to look at.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = workspace_root().join("target/e2e-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Prints the page as the browser would on A4 paper (WebDriver "print").
    pub async fn print_a4_pdf(&self) -> Vec<u8> {
        use base64::Engine as _;
        let print = SessionPost {
            path: "print",
            body: serde_json::json!({
                "page": { "width": 21.0, "height": 29.7 },
                "margin": { "top": 0, "bottom": 0, "left": 0, "right": 0 },
                "background": true,
                "shrinkToFit": false,
            }),
        };
        let answer = self.client.issue_cmd(print).await.expect("print");
        let encoded = answer.as_str().expect("print answers base64");
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("valid base64")
    }

    /// Prints the page on A4 in Chinese, switches to English and waits for
    /// `css` to hold `english`, prints again, and switches back: each must
    /// be one page.
    pub async fn prints_on_one_a4_page_in_both_languages(&self, css: &str, english: &str) {
        for lang in ["zh", "en"] {
            if lang == "en" {
                self.click("#lang-switch").await;
                self.wait_for_text(css, english).await;
            }
            let pdf = self.print_a4_pdf().await;
            assert!(
                String::from_utf8_lossy(&pdf).contains("/Count 1"),
                "{css} prints on one A4 page ({lang})"
            );
        }
        self.click("#lang-switch").await;
    }

    /// Emulates `network` for the page from now on (chromedriver's network
    /// conditions).
    pub async fn emulate_network(&self, network: &Network) {
        let conditions = SessionPost {
            path: "chromium/network_conditions",
            body: serde_json::json!({ "network_conditions": {
                "offline": network.offline,
                "latency": network.latency_ms,
                "download_throughput": network.down_bytes_per_s,
                "upload_throughput": network.up_bytes_per_s,
            }}),
        };
        self.client
            .issue_cmd(conditions)
            .await
            .expect("network conditions");
    }

    /// Runs a DevTools command on the page (chromedriver's `goog/cdp/execute`).
    pub async fn devtools(&self, cmd: &str, params: serde_json::Value) -> serde_json::Value {
        let command = SessionPost {
            path: "goog/cdp/execute",
            body: serde_json::json!({ "cmd": cmd, "params": params }),
        };
        self.client
            .issue_cmd(command)
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }

    /// Milliseconds from the start of the page's navigation until `css`
    /// matches an element, read in the page (polled every 10 ms).
    pub async fn ms_until(&self, css: &str) -> f64 {
        let probe = format!(
            "return document.querySelector({}) ? performance.now() : null;",
            serde_json::Value::from(css)
        );
        for _ in 0..6000 {
            if let Ok(serde_json::Value::Number(ms)) = self.client.execute(&probe, vec![]).await {
                return ms.as_f64().expect("a number");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{css} never appeared");
    }

    /// Kills Chromium at once (SIGKILL), as a power cut or a killed tab would.
    pub async fn kill_hard(mut self) {
        let _ = std::process::Command::new("pkill")
            .arg("-9")
            .arg("-f")
            .arg(format!("user-data-dir={}", self.profile.display()))
            .status();
        let _ = self.driver.kill().await;
        // Let the dying processes release the profile before it is reused.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    /// Ends the session and the driver, after checking that the server
    /// the page is on heard of no Content-Security-Policy violation (the
    /// policy reports each to `/api/v1/csp-report`; health counts them).
    pub async fn close(mut self) {
        let script = "return new Promise(done => {
            if (!location.protocol.startsWith('http')) { done(-1); return; }
            setTimeout(() => fetch('/api/v1/health').then(r => r.json())
                .then(h => done(h.csp_violations)).catch(() => done(-1)), 300);
        });";
        let violations = self.client.execute(script, vec![]).await.ok();
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
        let violations = violations.and_then(|v| v.as_i64()).unwrap_or(-1);
        assert!(
            violations <= 0,
            "the server heard of {violations} Content-Security-Policy violations (its log names them)"
        );
    }
}

/// The backup a clerk would restore: tablet T1 of village 140105001 holding
/// `requests` in order, each recorded at its time (RFC 3339) under the
/// shipped lists.
pub fn backup_of(requests: impl IntoIterator<Item = (Request, String)>) -> Backup {
    let writer = Writer {
        village: "140105001".into(),
        device: "T1".into(),
    };
    let catalogue = Catalogue::default_lists();
    let mut head = Head::empty();
    let mut events = Vec::new();
    for (request, time) in requests {
        let (event, next) = Ledger::append(
            &head,
            &writer,
            request,
            &catalogue,
            None,
            &time,
            &Limits::default(),
        )
        .expect("a valid request");
        events.push(event);
        head = next;
    }
    Backup {
        format: BACKUP_FORMAT,
        village: writer.village,
        device: writer.device,
        exported_at: "2026-11-27T00:00:00Z".into(),
        events,
    }
}

/// A network as chromedriver emulates it for the page.
#[derive(Clone, Copy, Debug)]
pub struct Network {
    /// Added to every request's round trip.
    pub latency_ms: u32,
    /// Download throughput.
    pub down_bytes_per_s: u32,
    /// Upload throughput.
    pub up_bytes_per_s: u32,
    /// No network at all.
    pub offline: bool,
}

impl Network {
    /// A typical rural 3G or weak 4G line: 150 ms, 1.6 Mbit/s down, 750 kbit/s up.
    pub const RURAL_MOBILE: Network = Network {
        latency_ms: 150,
        down_bytes_per_s: 1_600_000 / 8,
        up_bytes_per_s: 750_000 / 8,
        offline: false,
    };
    /// The loopback as it is: no delay, no limit worth the name.
    pub const UNTHROTTLED: Network = Network {
        latency_ms: 0,
        down_bytes_per_s: 1_000_000_000,
        up_bytes_per_s: 1_000_000_000,
        offline: false,
    };
    /// No connection.
    pub const OFFLINE: Network = Network {
        latency_ms: 0,
        down_bytes_per_s: 0,
        up_bytes_per_s: 0,
        offline: true,
    };
}

/// A tablet in a browser of its own: set up as `label` of `village` (with
/// the committee's `phone`, if given), its enrolment form sent with `code`.
pub async fn enrolling_tablet(
    server: &ServerProcess,
    village: &str,
    label: &str,
    phone: Option<&str>,
    code: &str,
) -> Browser {
    let tablet = Browser::start().await;
    tablet
        .client
        .goto(&format!("{}/clerk", server.url))
        .await
        .unwrap();
    tablet.fill("setup-village", village).await;
    tablet.fill("setup-device", label).await;
    if let Some(phone) = phone {
        tablet.fill("setup-phone", phone).await;
    }
    tablet.click("#setup-save").await;
    tablet.eval("window.scrollTo(0, 0)").await; // the tabs sit under the sticky bar
    tablet.click("#tab-sync").await;
    tablet.fill("enrol-code", code).await;
    tablet.click("#enrol-submit").await;
    tablet
}

/// A PNG screenshot as grey levels.
pub fn grey(png_bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(png_bytes);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let luma = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| {
            if channels >= 3 {
                ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8
            } else {
                p[0]
            }
        })
        .collect();
    (info.width as usize, info.height as usize, luma)
}

/// The texts of the QR codes in a grey image.
pub fn scan_qr(w: usize, h: usize, luma: &[u8]) -> Vec<String> {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    image
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

/// A WebDriver command of the session, posted to `session/{id}/{path}`
/// with a JSON body (print, chromedriver's extensions).
#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/{}",
            session.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

impl Drop for Browser {
    /// A failed test never leaves Chromium running: its processes are found by
    /// the profile directory that only this session uses.
    fn drop(&mut self) {
        let _ = std::process::Command::new("pkill")
            .arg("-f")
            .arg(format!("user-data-dir={}", self.profile.display()))
            .status();
    }
}
