//! A demonstration town: villages with tablets that synced months of
//! counts through the same ingest as real uploads, and baselines taken from
//! the first year, so the dashboard shows something real at once. Also the
//! data the dashboard benchmark runs on.

use crate::storage::{DeviceId, Enrol, Ingest, LedgerIntent, Storage, StorageError};
use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::sync::{public_key, Cell, CountsPayload, PeriodReport, SignedPayload};

/// Village names for the demo, in the order they are created.
const NAMES: [&str; 12] = [
    "东关村",
    "西关村",
    "南庄村",
    "北堡村",
    "柳树沟村",
    "杏花村",
    "石桥村",
    "王家庄村",
    "李家峪村",
    "河湾村",
    "新民村",
    "红旗村",
];

const ITEMS: [(&str, Outcome); 8] = [
    ("A01", Outcome::Issued),
    ("A02", Outcome::Issued),
    ("A03", Outcome::Issued),
    ("A05", Outcome::Issued),
    ("N05", Outcome::RefusedRedirected),
    ("N02", Outcome::RefusedRedirected),
    ("N11", Outcome::RefusedRedirected),
    ("free:收入证明", Outcome::IssuedUnlisted),
];

const AGENCIES: [AgencyCategory; 4] = [
    AgencyCategory::Bank,
    AgencyCategory::School,
    AgencyCategory::Employer,
    AgencyCategory::Police,
];

/// A small deterministic generator (xorshift), so a demo is the same every time.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

/// What to seed.
#[derive(Clone, Copy, Debug)]
pub struct DemoSize {
    /// How many villages.
    pub villages: usize,
    /// How many months, ending with `last`.
    pub months: usize,
    /// The newest month.
    pub last: Period,
}

/// The code of demo village `i`.
pub fn village_code(i: usize) -> String {
    format!("1401050{:05}", i + 1)
}

fn month_list(size: DemoSize) -> Vec<Period> {
    let mut months: Vec<Period> = std::iter::successors(Some(size.last), |p| Some(p.previous()))
        .take(size.months)
        .collect();
    months.reverse();
    months
}

/// The demo villages that show each sign that a figure is not real
/// (`jianzheng_core::rate::quality`), so a newcomer sees them.
const STOPPED_RECORDING: usize = 1;
/// Its last month's issues recorded as refusals.
const RECLASSIFIED: usize = 2;
/// Its tablet silent for 60 days.
const SILENT: usize = 3;
/// Its reports come two weeks after each month's end: late, where the
/// others come within the week.
const LATE_REPORTS: usize = 4;

/// One village tablet's counts for every month: issued falling by about
/// 2% a month from the village's own level, refusals and unlisted few;
/// in the last month, the village that stopped recording shows almost
/// nothing and the one that reclassified shows refusals for its issues.
fn village_payload(i: usize, secret: &[u8; 32], months: &[Period]) -> CountsPayload {
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1).wrapping_mul(0x2545_F491));
    let level = 20 + dice.roll(30);
    let periods = months
        .iter()
        .enumerate()
        .map(|(m, &period)| {
            let trend = (level as f64 * 0.98f64.powi(m as i32)).round() as u64;
            let voided = dice.roll(4) == 0;
            let cells = ITEMS
                .iter()
                .enumerate()
                .flat_map(|(k, &(item, outcome))| {
                    let base = match outcome {
                        Outcome::Issued => trend / 4,
                        Outcome::RefusedRedirected => 1 + trend / 10,
                        _ => u64::from(k % 2 == 0),
                    };
                    let agency = AGENCIES[(k + m) % AGENCIES.len()];
                    let mut count = base + dice.roll(3);
                    if m + 1 == months.len() {
                        count = match (i, outcome) {
                            (STOPPED_RECORDING, Outcome::RefusedRedirected) => u64::from(k == 5),
                            (STOPPED_RECORDING, _) => 0,
                            (RECLASSIFIED, Outcome::Issued) => u64::from(k == 0),
                            (RECLASSIFIED, Outcome::RefusedRedirected) => count + trend,
                            _ => count,
                        };
                    }
                    (count > 0).then(|| Cell {
                        item: item.to_owned(),
                        outcome,
                        agency,
                        count,
                    })
                })
                .chain(voided.then(|| Cell {
                    item: "A02".into(),
                    outcome: Outcome::Void,
                    agency: AgencyCategory::Bank,
                    count: 1,
                }))
                .collect();
            PeriodReport {
                period,
                closed: true,
                cells,
            }
        })
        .collect();
    CountsPayload {
        village: village_code(i),
        device_key: public_key(secret),
        incarnation: 1,
        ledger: "T1".into(),
        created_at: format!(
            "{}-28T12:00:00Z",
            months.last().map(ToString::to_string).unwrap_or_default()
        ),
        periods,
        voided: Vec::new(),
    }
}

/// The signing secret of demo village `i`'s tablet (a demo's, known to
/// all: never a real tablet's).
pub fn tablet_secret(i: usize) -> [u8; 32] {
    let mut secret = [7u8; 32];
    secret[..8].copy_from_slice(&(i as u64).to_le_bytes());
    secret
}

/// Seeds villages, one enrolled tablet each, every month's counts through
/// `ingest`, and the first full calendar year of data as the baseline. Returns how many
/// villages were made.
pub async fn seed(storage: &Storage, size: DemoSize) -> Result<usize, StorageError> {
    let months = month_list(size);
    for i in 0..size.villages {
        let code = village_code(i);
        let name = NAMES
            .get(i)
            .map_or_else(|| format!("示范{}村", i + 1), |n| (*n).to_owned());
        storage.upsert_village(&code, &name).await?;
        // The demo's villages existed from the first month of its data.
        storage
            .set_village_span(&code, |span| span.starting(months[0]))
            .await?;
        let secret = tablet_secret(i);
        let key = public_key(&secret);
        let enrolment = storage
            .create_enrolment_code(&code, 7, &LedgerIntent::New)
            .await?;
        let device = DeviceId {
            key: &key,
            incarnation: 1,
            village: &code,
            ledger: "T1",
        };
        if storage.enrol(&enrolment, &device, None).await? != Enrol::Enrolled {
            continue;
        }
        let payload = village_payload(i, &secret, &months);
        let signed = SignedPayload::sign(payload, &secret);
        let accepted = storage.ingest(&signed, size.last).await?;
        let payload = signed.payload;
        debug_assert!(matches!(accepted, Ingest::Accepted { .. }));
        // The first full calendar year of data is the baseline, as a town
        // would take it from the registry.
        let first_year = months
            .iter()
            .find(|p| p.month == 1)
            .map_or(months[0].year, |p| p.year);
        let baselines: Vec<(String, Period, u64)> = payload
            .periods
            .iter()
            .filter(|r| r.period.year == first_year)
            .map(|r| {
                let mut counts = jianzheng_core::rate::MonthCounts::default();
                for c in &r.cells {
                    counts
                        .add(c.outcome, c.count)
                        .expect("demo counts are small");
                }
                (code.clone(), r.period, counts.issued_net())
            })
            .collect();
        storage
            .set_baselines(first_year, &baselines, "registry")
            .await?;
        if i == SILENT {
            storage.mark_silent(&code, 60).await?;
        }
        let arrived: Vec<(Period, u32)> = months
            .iter()
            .map(|&p| {
                let days = if i == LATE_REPORTS {
                    14
                } else {
                    (i as u32 + u32::from(p.month)) % 7
                };
                (p, days)
            })
            .collect();
        storage.backdate_arrivals(&code, &arrived).await?;
    }
    Ok(size.villages)
}
