//! A load test of the sync endpoint: many simulated tablets, each with its
//! own Ed25519 key and ledger, enrolled through the town's API and pushing
//! signed uploads of their open months over HTTP, concurrently, for a
//! bounded time. Each tablet keeps what it sent, so the server's totals can
//! be checked against the sum afterwards.

use jianzheng_core::api::sync::EnrolRequest;
use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::sync::{encode, public_key, Cell, CountsPayload, PeriodReport};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// How big a run is.
#[derive(Clone, Copy, Debug)]
pub struct LoadConfig {
    /// Simulated tablets, each with its own key.
    pub devices: usize,
    /// Tablets per village.
    pub per_village: usize,
    /// How long the tablets keep pushing.
    pub duration: Duration,
}

/// Per village, month and outcome, the sum of the counts the tablets sent.
pub type Totals = BTreeMap<(String, Period, Outcome), u64>;

/// What a run did.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Uploads the server accepted.
    pub uploads: u64,
    /// Every failed request, as `status: body`.
    pub errors: Vec<String>,
    /// Accepted uploads per second of the pushing phase.
    pub per_s: f64,
    /// Median and 99th percentile latency of one upload, in milliseconds.
    pub p50_ms: f64,
    /// See `p50_ms`.
    pub p99_ms: f64,
    /// What the tablets sent, summed.
    pub sent: Totals,
}

/// The cells a tablet draws from: listed, refused and unlisted requests.
const CELLS: [(&str, Outcome, AgencyCategory); 8] = [
    ("A01", Outcome::Issued, AgencyCategory::Bank),
    ("A02", Outcome::Issued, AgencyCategory::School),
    ("A03", Outcome::Issued, AgencyCategory::Employer),
    ("A05", Outcome::Issued, AgencyCategory::Hospital),
    ("N05", Outcome::RefusedRedirected, AgencyCategory::Employer),
    ("N02", Outcome::RefusedRedirected, AgencyCategory::Bank),
    ("N11", Outcome::RefusedRedirected, AgencyCategory::Police),
    (
        "free:收入证明",
        Outcome::IssuedUnlisted,
        AgencyCategory::Bank,
    ),
];

/// A tablet of the run: its key, where it records, and its counters.
struct Tablet {
    /// The tablet's own connection, from its own loopback address (a
    /// tablet on the road has an address of its own, and the server limits
    /// requests per address).
    client: reqwest::Client,
    secret: [u8; 32],
    village: String,
    ledger: String,
    /// Per open month, the count of each of `CELLS`.
    counts: BTreeMap<Period, [u64; CELLS.len()]>,
    /// The counts of the last upload the server accepted.
    acked: BTreeMap<Period, [u64; CELLS.len()]>,
    /// The counts of the last upload sent.
    sent: BTreeMap<Period, [u64; CELLS.len()]>,
    /// The whole fleet's sums, as they stand.
    progress: Arc<Progress>,
    dice: u64,
}

/// The whole fleet's sums of what it has sent and what the server has
/// acknowledged so far, read while the tablets push (to know what a backup
/// taken now must hold).
#[derive(Debug, Default)]
pub struct Progress {
    sent: Mutex<Totals>,
    acked: Mutex<Totals>,
}

impl Progress {
    /// Every upload sent so far, summed (answered or not).
    pub fn sent(&self) -> Totals {
        self.sent.lock().unwrap().clone()
    }

    /// Every upload answered `200` so far, summed.
    pub fn acknowledged(&self) -> Totals {
        self.acked.lock().unwrap().clone()
    }
}

/// Adds to `totals` how far `now` has risen over `before` for `village`.
fn add_rise(
    totals: &Mutex<Totals>,
    village: &str,
    now: &BTreeMap<Period, [u64; CELLS.len()]>,
    before: &BTreeMap<Period, [u64; CELLS.len()]>,
) {
    let mut totals = totals.lock().unwrap();
    for (period, counts) in now {
        let old = before.get(period).copied().unwrap_or_default();
        for (((_, outcome, _), count), old) in CELLS.iter().zip(counts).zip(old) {
            if count > &old {
                *totals
                    .entry((village.to_owned(), *period, *outcome))
                    .or_default() += count - old;
            }
        }
    }
}

impl Tablet {
    fn new(index: usize, per_village: usize, progress: Arc<Progress>) -> Tablet {
        let mut secret = [0x5a; 32];
        secret[..8].copy_from_slice(&(index as u64).to_le_bytes());
        let n = index % 62_500;
        let address = std::net::Ipv4Addr::new(127, 4, (n / 250) as u8 + 1, (n % 250) as u8 + 1);
        Tablet {
            client: reqwest::Client::builder()
                .local_address(std::net::IpAddr::V4(address))
                .build()
                .unwrap(),
            secret,
            village: village_code(index / per_village),
            ledger: format!("T{}", index % per_village + 1),
            counts: BTreeMap::new(),
            acked: BTreeMap::new(),
            sent: BTreeMap::new(),
            progress,
            dice: index as u64 * 2_654_435_761 + 1,
        }
    }

    fn roll(&mut self, below: u64) -> u64 {
        self.dice ^= self.dice << 13;
        self.dice ^= self.dice >> 7;
        self.dice ^= self.dice << 17;
        self.dice % below
    }

    /// A day's work: one to three requests recorded in one of the months.
    fn record(&mut self, months: [Period; 2]) {
        for _ in 0..=self.roll(3) {
            let month = months[self.roll(2) as usize];
            let cell = self.roll(CELLS.len() as u64) as usize;
            self.counts.entry(month).or_default()[cell] += 1;
        }
    }

    /// The signed upload of everything counted so far.
    fn upload(&self) -> Vec<u8> {
        let payload = CountsPayload {
            village: self.village.clone(),
            device_key: public_key(&self.secret),
            incarnation: 1,
            ledger: self.ledger.clone(),
            created_at: "2026-11-28T00:00:00Z".into(),
            periods: self
                .counts
                .iter()
                .map(|(period, counts)| PeriodReport {
                    period: *period,
                    closed: false,
                    cells: CELLS
                        .iter()
                        .zip(counts)
                        .filter(|(_, n)| **n > 0)
                        .map(|((item, outcome, agency), count)| Cell {
                            item: (*item).into(),
                            outcome: *outcome,
                            agency: *agency,
                            count: *count,
                        })
                        .collect(),
                })
                .collect(),
            voided: Vec::new(),
        };
        encode(&payload, &self.secret)
    }
}

/// The code of the `n`th village of a run.
pub fn village_code(n: usize) -> String {
    // The 12-digit division code a new village is given.
    format!("1401{:05}{:03}", n / 999, n % 999 + 1)
}

/// POSTs `body` (JSON, if any) to `url`; panics naming `what` unless the
/// answer is a success, and returns its JSON.
async fn post_ok(client: &reqwest::Client, url: String, body: Option<&Value>, what: &str) -> Value {
    let mut request = client.post(url);
    if let Some(body) = body {
        request = request.json(body);
    }
    let res = request.send().await.unwrap();
    let status = res.status();
    let body = res.text().await.unwrap_or_default();
    assert!(status.is_success(), "{what}: {status} {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// Logs in as the first administrator (changing the one-time password),
/// creates the villages and enrols every tablet, as the town and the
/// clerks would.
async fn enrol_all(
    base: &str,
    password: &str,
    config: &LoadConfig,
    progress: &Arc<Progress>,
) -> Vec<Tablet> {
    let town = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let api = format!("{base}/api/v1");
    let login = json!({"name": "admin", "password": password});
    post_ok(&town, format!("{api}/town/login"), Some(&login), "login").await;
    let change = json!({"current": password, "new": "load-test-password-2"});
    post_ok(
        &town,
        format!("{api}/town/password"),
        Some(&change),
        "password",
    )
    .await;
    let tablets: Vec<Tablet> = (0..config.devices)
        .map(|i| Tablet::new(i, config.per_village, Arc::clone(progress)))
        .collect();
    let villages = config.devices.div_ceil(config.per_village);
    for n in 0..villages {
        let form = json!({"code": village_code(n), "name": format!("负载村{n}")});
        let res = town
            .post(format!("{api}/town/villages"))
            .json(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "create village {n}");
    }
    for tablet in &tablets {
        let url = format!("{api}/town/villages/{}/enrolment-code", tablet.village);
        let code = post_ok(&town, url, None, "enrolment code").await["code"]
            .as_str()
            .expect("a code")
            .to_owned();
        let enrol = serde_json::to_value(EnrolRequest::signed(
            &code,
            &tablet.secret,
            1,
            tablet.village.parse().expect("a village code"),
            tablet.ledger.parse().expect("a ledger label"),
        ))
        .expect("a request serializes");
        post_ok(
            &tablet.client,
            format!("{api}/enrol"),
            Some(&enrol),
            "enrol",
        )
        .await;
    }
    tablets
}

/// Enrolled tablets, each with what it counted and what the server
/// acknowledged.
pub struct Fleet {
    tablets: Vec<Tablet>,
    progress: Arc<Progress>,
}

/// Sums, per village, month and outcome, of the tablets' counts.
fn sum(
    tablets: &[Tablet],
    of: impl Fn(&Tablet) -> &BTreeMap<Period, [u64; CELLS.len()]>,
) -> Totals {
    let mut totals = Totals::new();
    for tablet in tablets {
        for (period, counts) in of(tablet) {
            for ((_, outcome, _), count) in CELLS.iter().zip(counts) {
                *totals
                    .entry((tablet.village.clone(), *period, *outcome))
                    .or_default() += count;
            }
        }
    }
    totals
}

impl Fleet {
    /// Logs in to the server at `base` (changing the one-time `password`)
    /// and enrols `config.devices` tablets.
    pub async fn enrol(base: &str, password: &str, config: &LoadConfig) -> Fleet {
        let progress = Arc::default();
        Fleet {
            tablets: enrol_all(base, password, config, &progress).await,
            progress,
        }
    }

    /// The fleet's sums as they stand, also while it pushes.
    pub fn progress(&self) -> Arc<Progress> {
        Arc::clone(&self.progress)
    }

    /// What the server acknowledged, summed: every upload answered `200`.
    pub fn acknowledged(&self) -> Totals {
        sum(&self.tablets, |t| &t.acked)
    }

    /// What the tablets counted, summed, acknowledged or not.
    pub fn counted(&self) -> Totals {
        sum(&self.tablets, |t| &t.counts)
    }

    /// Every tablet records and pushes as fast as the server answers until
    /// `deadline`. A tablet stops at its first failed request, which the
    /// report lists.
    pub async fn push_until(
        self,
        base: &str,
        months: [Period; 2],
        deadline: Instant,
    ) -> (Fleet, LoadReport) {
        let url = format!("{base}/api/v1/counts");
        let started = Instant::now();
        let mut tasks = JoinSet::new();
        for mut tablet in self.tablets {
            let url = url.clone();
            tasks.spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = Vec::new();
                while Instant::now() < deadline {
                    tablet.record(months);
                    let sent = Instant::now();
                    match tablet.push(&url).await {
                        Ok(()) => latencies.push(sent.elapsed()),
                        Err(error) => {
                            errors.push(error);
                            break;
                        }
                    }
                }
                (tablet, latencies, errors)
            });
        }
        let mut report = LoadReport::default();
        let mut latencies = Vec::new();
        let mut tablets = Vec::new();
        while let Some(done) = tasks.join_next().await {
            let (tablet, times, errors) = done.expect("a tablet task");
            report.uploads += times.len() as u64;
            latencies.extend(times);
            report.errors.extend(errors);
            tablets.push(tablet);
        }
        let elapsed = started.elapsed().as_secs_f64();
        latencies.sort();
        let ms = |q: f64| {
            latencies
                .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        report.per_s = report.uploads as f64 / elapsed;
        report.p50_ms = ms(0.5);
        report.p99_ms = ms(0.99);
        let fleet = Fleet {
            tablets,
            progress: self.progress,
        };
        report.sent = fleet.acknowledged();
        (fleet, report)
    }

    /// Every tablet syncs once what it counted (as after a restart of the
    /// server); the failed requests.
    pub async fn sync_once(self, base: &str) -> (Fleet, Vec<String>) {
        let url = format!("{base}/api/v1/counts");
        let mut tasks = JoinSet::new();
        for mut tablet in self.tablets {
            let url = url.clone();
            tasks.spawn(async move {
                let result = tablet.push(&url).await;
                (tablet, result)
            });
        }
        let mut tablets = Vec::new();
        let mut errors = Vec::new();
        while let Some(done) = tasks.join_next().await {
            let (tablet, result) = done.expect("a tablet task");
            if let Err(e) = result {
                errors.push(e);
            }
            tablets.push(tablet);
        }
        (
            Fleet {
                tablets,
                progress: self.progress,
            },
            errors,
        )
    }
}

impl Tablet {
    /// Uploads everything counted; on `200` it is acknowledged.
    async fn push(&mut self, url: &str) -> Result<(), String> {
        add_rise(&self.progress.sent, &self.village, &self.counts, &self.sent);
        self.sent = self.counts.clone();
        let res = self
            .client
            .post(url)
            .header("content-type", "application/octet-stream")
            .body(self.upload())
            .send()
            .await
            .map_err(|err| format!("request failed: {err}"))?;
        let status = res.status();
        if status == 200 {
            let _ = res.bytes().await;
            add_rise(
                &self.progress.acked,
                &self.village,
                &self.counts,
                &self.acked,
            );
            self.acked = self.counts.clone();
            Ok(())
        } else {
            Err(format!(
                "{status}: {}",
                res.text().await.unwrap_or_default()
            ))
        }
    }
}

/// Runs the load against the server at `base` whose first administrator
/// has the one-time `password`: every tablet pushes as fast as the server
/// answers until `config.duration` has passed.
pub async fn run(
    base: &str,
    password: &str,
    config: LoadConfig,
    months: [Period; 2],
) -> LoadReport {
    let fleet = Fleet::enrol(base, password, &config).await;
    let deadline = Instant::now() + config.duration;
    fleet.push_until(base, months, deadline).await.1
}
