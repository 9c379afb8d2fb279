//! The reduction rate (DESIGN.md, "Reduction rate") and what a town's
//! dashboard shows beside it.
//!
//! For a village and a month, rate = (baseline − issued net) / baseline,
//! where the baseline is the count for the same month of the baseline year.
//! A town's month, and any range, compares only the village months that
//! reported and have a baseline: a month with no report is left out of both
//! sides (it is missing, not zero), and how many village months that leaves
//! out is said beside the rate. A month that has not ended has no rate, nor
//! has one that no village with a baseline reported. Every sum is checked:
//! a sum that would overflow is an error, never a wrapped figure.

use crate::certificate::IssueDate;
use crate::i18n::{Lang, Msg};
use crate::ledger::{AgencyCategory, Outcome, Period};
use crate::values::ItemKey;
use on_time::{OnTime, Timeliness, Timing};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod approval;
pub mod areas;
pub mod chart;
pub mod headline;
pub mod letters;
pub mod on_time;
pub mod packed;
pub mod quality;
pub mod report;
pub mod span;

pub use areas::{AreaGroup, AreaPlace, AreaStep, AreaSummary};
pub use span::{SpanRefused, VillageEntry, VillageSpan};

/// A sum of counts that does not fit in 64 bits: the figures are refused
/// rather than shown wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a sum of counts is too large to be shown / 计数之和过大，无法显示")]
pub struct CountOverflow;

fn add(a: u64, b: u64) -> Result<u64, CountOverflow> {
    a.checked_add(b).ok_or(CountOverflow)
}

/// What one village's tablets reported for one month, summed over ledgers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCounts {
    /// Listed certificates issued.
    pub issued: u64,
    /// Requests refused and redirected.
    pub refused: u64,
    /// Certificates issued outside the list.
    pub unlisted: u64,
    /// Certificates voided.
    pub voided: u64,
}

impl MonthCounts {
    /// The counts as figures, or none where no one reported and nothing
    /// was counted: missing is not zero.
    pub fn known(self, reported: bool) -> Option<MonthCounts> {
        (reported || self != MonthCounts::default()).then_some(self)
    }

    /// The field that counts `outcome`: the one place that says which
    /// outcome feeds which column (the database's `village_months` columns
    /// and the packed figures carry the same names, see [`packed`]).
    fn slot(&mut self, outcome: Outcome) -> &mut u64 {
        match outcome {
            Outcome::Issued => &mut self.issued,
            Outcome::RefusedRedirected => &mut self.refused,
            Outcome::IssuedUnlisted => &mut self.unlisted,
            Outcome::Void => &mut self.voided,
        }
    }

    /// The count of `outcome`.
    pub fn get(mut self, outcome: Outcome) -> u64 {
        *self.slot(outcome)
    }

    /// Adds `count` of `outcome`.
    pub fn add(&mut self, outcome: Outcome, count: u64) -> Result<(), CountOverflow> {
        let slot = self.slot(outcome);
        *slot = add(*slot, count)?;
        Ok(())
    }

    /// Certificates issued, listed or not, less those voided.
    pub fn issued_net(&self) -> u64 {
        self.issued
            .saturating_add(self.unlisted)
            .saturating_sub(self.voided)
    }

    /// The sum of two months' counts.
    pub fn plus(self, other: MonthCounts) -> Result<MonthCounts, CountOverflow> {
        Ok(MonthCounts {
            issued: add(self.issued, other.issued)?,
            refused: add(self.refused, other.refused)?,
            unlisted: add(self.unlisted, other.unlisted)?,
            voided: add(self.voided, other.voided)?,
        })
    }
}

/// What a village month's issues are compared with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// The same month of the baseline year, as the town entered it.
    #[default]
    Baseline,
    /// The same month a year before, as the village reported it (a month
    /// not reported then has nothing to compare with).
    YearBefore,
}

impl Comparison {
    /// Both, the default first.
    pub const ALL: [Comparison; 2] = [Comparison::Baseline, Comparison::YearBefore];

    /// Its name in a query string (`compare=…`), as serde writes it.
    pub fn key(self) -> &'static str {
        match self {
            Comparison::Baseline => "baseline",
            Comparison::YearBefore => "year_before",
        }
    }

    /// The comparison named `key`.
    pub fn from_key(key: &str) -> Option<Comparison> {
        Comparison::ALL.into_iter().find(|c| c.key() == key)
    }

    /// What it is called in a choice of the interface.
    pub fn label(self) -> Msg {
        match self {
            Comparison::Baseline => Msg::CompareBaseline,
            Comparison::YearBefore => Msg::CompareYearBefore,
        }
    }
}

/// A reduction rate, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rate {
    /// No baseline was set for the month (or for any month of the range).
    NoBaseline,
    /// The baseline is zero: any issue is an increase, a fraction means nothing.
    ZeroBaseline,
    /// The month has not ended yet (or no month of the range has).
    NotEnded,
    /// No village month with a baseline was reported: nothing to compare.
    NoReport,
    /// The village did not exist in the month (or in any month of the
    /// range): added later, or retired before.
    NotApplicable,
    /// (baseline − issued net) / baseline; negative when more were issued.
    Value {
        /// The fraction, 0.25 for a quarter fewer.
        rate: f64,
    },
}

impl Rate {
    /// Why there is no rate, as a message of the interface; `None` for a value.
    pub fn reason(self) -> Option<Msg> {
        match self {
            Rate::NoBaseline => Some(Msg::RateNoBaseline),
            Rate::ZeroBaseline => Some(Msg::RateZeroBaseline),
            Rate::NotEnded => Some(Msg::RateNotEnded),
            Rate::NoReport => Some(Msg::RateNoReport),
            Rate::NotApplicable => Some(Msg::RateNotApplicable),
            Rate::Value { .. } => None,
        }
    }

    /// The rate as a person reads it in `lang`: `21.4%`, or why there is none.
    pub fn text(self, lang: Lang) -> String {
        match self {
            Rate::Value { rate } => format!("{}%", crate::decimal::Fixed(rate * 100.0, 1)),
            other => other.reason().map_or("", |m| m.text(lang)).to_owned(),
        }
    }
}

/// The rate for `issued_net` against `baseline`.
pub fn reduction_rate(baseline: Option<u64>, issued_net: u64) -> Rate {
    match baseline {
        None => Rate::NoBaseline,
        Some(0) => Rate::ZeroBaseline,
        Some(b) => Rate::Value {
            rate: (b as f64 - issued_net as f64) / b as f64,
        },
    }
}

/// The rate of a set of village months: the sums over those that have a
/// baseline, ended before `current` and were reported; the others are
/// counted for completeness only.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RangeRate {
    /// Baselines summed over the village months the rate compares.
    pub baseline: Option<u64>,
    /// Issued net summed over the same village months.
    pub issued_net: u64,
    /// The rate of those sums, or why there is none.
    pub rate: Rate,
    /// Village months compared: ended, with a baseline, reported.
    pub compared: u32,
    /// Village months that ended and have a baseline: the rate is complete
    /// when `compared` equals this.
    pub with_baseline: u32,
}

impl Default for RangeRate {
    fn default() -> Self {
        RangeRate {
            baseline: None,
            issued_net: 0,
            rate: Rate::NoBaseline,
            compared: 0,
            with_baseline: 0,
        }
    }
}

/// Sums village months into a [`RangeRate`].
#[derive(Clone, Copy, Debug, Default)]
struct RangeSum {
    baseline: u64,
    issued_net: u64,
    compared: u32,
    with_baseline: u32,
    any_baseline: bool,
    any_ended: bool,
    any_month: bool,
    any_exists: bool,
}

impl RangeSum {
    fn add(&mut self, m: &VillageMonth, current: Period) -> Result<(), CountOverflow> {
        self.any_month = true;
        // A month the village did not exist in is out of every figure.
        if !m.exists {
            return Ok(());
        }
        self.any_exists = true;
        let ended = m.period < current;
        self.any_ended |= ended;
        let Some(b) = m.baseline else {
            return Ok(());
        };
        self.any_baseline = true;
        if !ended {
            return Ok(());
        }
        self.with_baseline += 1;
        if m.reported {
            self.compared += 1;
            self.baseline = add(self.baseline, b)?;
            self.issued_net = add(self.issued_net, m.counts.issued_net())?;
        }
        Ok(())
    }

    fn finish(self) -> RangeRate {
        let baseline = (self.compared > 0).then_some(self.baseline);
        let rate = if self.any_month && !self.any_exists {
            Rate::NotApplicable
        } else if !self.any_baseline {
            Rate::NoBaseline
        } else if !self.any_ended {
            Rate::NotEnded
        } else if self.compared == 0 {
            Rate::NoReport
        } else {
            reduction_rate(baseline, self.issued_net)
        };
        RangeRate {
            baseline,
            issued_net: self.issued_net,
            rate,
            compared: self.compared,
            with_baseline: self.with_baseline,
        }
    }
}

/// The rate of `months` (any villages, any months) as of `current`, the
/// month in progress.
pub fn range_rate<'a>(
    months: impl IntoIterator<Item = &'a VillageMonth>,
    current: Period,
) -> Result<RangeRate, CountOverflow> {
    let mut sum = RangeSum::default();
    for m in months {
        sum.add(m, current)?;
    }
    Ok(sum.finish())
}

/// One village's month on the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VillageMonth {
    /// The month.
    pub period: Period,
    /// What was reported (zero if nothing).
    pub counts: MonthCounts,
    /// Whether any tablet of the village reported the month (an explicit
    /// zero counts as a report).
    pub reported: bool,
    /// The baseline for the month, if set.
    pub baseline: Option<u64>,
    /// The reduction rate.
    pub rate: Rate,
    /// Whether its report came on time; `None` for a month not ended, or
    /// figures made without timing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeliness: Option<Timeliness>,
    /// An officer approved (locked) the month.
    #[serde(default)]
    pub approved: bool,
    /// The village existed in the month ([`span`]); a month it did not is
    /// out of every figure.
    #[serde(default = "exists_by_default")]
    pub exists: bool,
}

fn exists_by_default() -> bool {
    true
}

impl VillageMonth {
    /// A village's month from its counts, report and baseline, as of
    /// `current` (the month in progress, which has no rate yet).
    pub fn new(
        period: Period,
        counts: MonthCounts,
        reported: bool,
        baseline: Option<u64>,
        current: Period,
    ) -> Self {
        let mut month = VillageMonth {
            period,
            counts,
            reported,
            baseline,
            rate: Rate::NoBaseline,
            timeliness: None,
            approved: false,
            exists: true,
        };
        // The same rule as any range's, over this one month.
        let mut sum = RangeSum::default();
        sum.add(&month, current)
            .expect("one month's counts and baseline fit in 64 bits");
        month.rate = sum.finish().rate;
        month
    }

    /// A month the village did not exist in, and reported nothing for.
    pub fn absent(period: Period) -> Self {
        VillageMonth {
            period,
            counts: MonthCounts::default(),
            reported: false,
            baseline: None,
            rate: Rate::NotApplicable,
            timeliness: None,
            approved: false,
            exists: false,
        }
    }

    /// Whether an officer may approve the month now: it ended before
    /// `current`, the village existed and reported it, and it is not
    /// approved yet. A month not reported stays missing until it reports.
    pub fn approvable(&self, current: Period) -> bool {
        self.exists && self.reported && !self.approved && self.period < current
    }
}

/// The town's month: sums over villages, the rate over those that have a
/// baseline and reported, and how complete the reports are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TownMonth {
    /// The month.
    pub period: Period,
    /// Counts summed over every village.
    pub counts: MonthCounts,
    /// Baselines summed over the villages the rate compares (with a
    /// baseline and a report).
    pub baseline: Option<u64>,
    /// Issued net summed over the same villages.
    pub issued_net_with_baseline: u64,
    /// The rate of those sums.
    pub rate: Rate,
    /// Villages that reported the month.
    pub villages_reported: u32,
    /// Villages with a baseline that reported the month: the rate is
    /// complete when this equals `villages_with_baseline`.
    pub baseline_villages_reported: u32,
    /// Villages with a baseline for the month.
    pub villages_with_baseline: u32,
    /// Villages that existed in the month ([`span`]): the denominator of
    /// reported and approved.
    pub villages: u32,
    /// Villages whose month an officer approved.
    #[serde(default)]
    pub villages_approved: u32,
}

/// The town's months from every village's months (villages × months), as
/// of `current`, the month in progress.
pub fn town_months<'a>(
    villages: impl IntoIterator<Item = &'a [VillageMonth]>,
    current: Period,
) -> Result<Vec<TownMonth>, CountOverflow> {
    let mut by_month: BTreeMap<Period, (TownMonth, RangeSum)> = BTreeMap::new();
    for months in villages {
        for m in months {
            let (town, sum) = by_month.entry(m.period).or_insert_with(|| {
                let town = TownMonth {
                    period: m.period,
                    counts: MonthCounts::default(),
                    baseline: None,
                    issued_net_with_baseline: 0,
                    rate: Rate::NoBaseline,
                    villages_reported: 0,
                    baseline_villages_reported: 0,
                    villages_with_baseline: 0,
                    villages: 0,
                    villages_approved: 0,
                };
                (town, RangeSum::default())
            });
            sum.add(m, current)?;
            if !m.exists {
                continue;
            }
            town.villages += 1;
            town.counts = town.counts.plus(m.counts)?;
            town.villages_reported += u32::from(m.reported);
            town.villages_approved += u32::from(m.approved);
            if m.baseline.is_some() {
                town.villages_with_baseline += 1;
                town.baseline_villages_reported += u32::from(m.reported);
            }
        }
    }
    Ok(by_month
        .into_values()
        .map(|(mut t, sum)| {
            let range = sum.finish();
            t.baseline = range.baseline;
            t.issued_net_with_baseline = range.issued_net;
            t.rate = range.rate;
            t
        })
        .collect())
}

/// A village on the dashboard: its months in the range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VillageRow {
    /// The village code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// One entry per month of the range, oldest first.
    pub months: Vec<VillageMonth>,
}

/// Requests a village should not have had to handle, summed under `key`:
/// the agency that asked ([`AgencyCategory`]) or what it asked for
/// ([`ItemKey`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flagged<K> {
    /// What is counted.
    pub key: K,
    /// Refused and redirected (certificates the village must not issue).
    pub refused: u64,
    /// Issued outside the list.
    pub unlisted: u64,
}

/// The dashboard of an area (a town, a county, any level) for a range of
/// months: its months summed over every village within it, and a row per
/// area directly below it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The area and the areas above it; `None` on a server with no area
    /// tree (every village, one row each).
    pub place: Option<AreaPlace>,
    /// The months, oldest first.
    pub months: Vec<Period>,
    /// The month in progress when the figures were made: it and any later
    /// month have no rate.
    pub current: Period,
    /// The baseline year the rates compare with, if set.
    pub baseline_year: Option<i32>,
    /// What the rates compare with.
    #[serde(default)]
    pub comparison: Comparison,
    /// The area's months.
    pub town: Vec<TownMonth>,
    /// The area over the whole range: every village month that ended,
    /// reported and has a baseline.
    pub total: RangeRate,
    /// Counts summed over every village and month of the range.
    pub total_counts: MonthCounts,
    /// How many ended village months of the range reported on time.
    #[serde(default)]
    pub on_time: OnTime,
    /// The days after a month's end the on-time figures allow, if made.
    #[serde(default)]
    pub report_days: Option<u32>,
    /// Every area directly below over the range, by code (a village's
    /// months: [`Dashboard::village_rows`]).
    pub rows: Vec<AreaSummary>,
    /// Flagged requests by agency category, most first.
    pub by_agency: Vec<Flagged<AgencyCategory>>,
    /// Flagged requests by item, most first.
    pub by_item: Vec<Flagged<ItemKey>>,
}

/// A village month as stored: its counts and whether a tablet reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredMonth {
    /// The month.
    pub period: Period,
    /// Its counts summed over the village's ledgers.
    pub counts: MonthCounts,
    /// A tablet reported it (a closed month with no counts included).
    pub reported: bool,
}

/// What the dashboard is built from, as the server reads it: per village,
/// so that a county's 360,000 village months need no key each.
#[derive(Clone, Debug, Default)]
pub struct DashboardInput {
    /// Villages: code, name and the months they exist in (every one
    /// within the area).
    pub villages: Vec<VillageEntry>,
    /// The area and the areas above it.
    pub place: Option<AreaPlace>,
    /// The areas directly below it, with their villages; `None`: one row
    /// per village.
    pub groups: Option<Vec<AreaGroup>>,
    /// Per village, its stored months in order of month; a month with
    /// neither counts nor a report may be missing.
    pub months: BTreeMap<String, Vec<StoredMonth>>,
    /// The baseline year, if the town set one.
    pub baseline_year: Option<i32>,
    /// Per village, the baseline of each month of the baseline year
    /// (January first).
    pub baselines: BTreeMap<String, [Option<u64>; 12]>,
    /// Per village, its stored months a year before the range, when the
    /// rates compare with them ([`Comparison::YearBefore`]) rather than
    /// with `baselines`.
    pub prior: Option<BTreeMap<String, Vec<StoredMonth>>>,
    /// Per village, in order of month, the day the first upload carrying
    /// each month after its end arrived.
    pub arrivals: BTreeMap<String, Vec<(Period, IssueDate)>>,
    /// What timeliness is judged against; `None`: no on-time figures.
    pub timing: Option<Timing>,
    /// Per village, in order, the months an officer approved.
    pub approved: BTreeMap<String, Vec<Period>>,
    /// Refused and unlisted requests.
    pub flagged: Vec<FlaggedCount>,
}

/// Requests of one agency category, item and outcome (refused or
/// unlisted), summed over the months of a range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlaggedCount {
    /// Who asked for the certificate.
    pub agency: AgencyCategory,
    /// What was asked for.
    pub item: ItemKey,
    /// How the request ended.
    pub outcome: Outcome,
    /// How many.
    pub count: u64,
}

impl Dashboard {
    /// Every village's months in `first..=last` (for a village's page and
    /// the exports).
    pub fn village_rows(
        input: &DashboardInput,
        first: Period,
        last: Period,
        current: Period,
    ) -> Vec<VillageRow> {
        let months = months_between(first, last);
        input
            .villages
            .iter()
            .map(|village| {
                let code = &village.code;
                // The village's stored months, walked beside the range.
                let stored = input.months.get(code).map_or(&[][..], Vec::as_slice);
                let mut stored = stored.iter().skip_while(|m| m.period < first).peekable();
                let baselines = match input.baseline_year {
                    Some(_) => input.baselines.get(code).copied().unwrap_or_default(),
                    None => [None; 12],
                };
                let prior = input
                    .prior
                    .as_ref()
                    .map(|p| p.get(code).map_or(&[][..], Vec::as_slice));
                let arrivals = input.arrivals.get(code).map_or(&[][..], Vec::as_slice);
                let approved = input.approved.get(code).map_or(&[][..], Vec::as_slice);
                VillageRow {
                    code: code.clone(),
                    name: village.name.clone(),
                    months: months
                        .iter()
                        .map(|&p| {
                            let month = stored.next_if(|m| m.period == p).copied();
                            let month = month.unwrap_or(StoredMonth {
                                period: p,
                                counts: MonthCounts::default(),
                                reported: false,
                            });
                            // Outside its span a village's month is not
                            // applicable, unless it has figures after all.
                            let has_figures = month.counts.known(month.reported).is_some();
                            if !village.span.covers(p) && !has_figures {
                                return VillageMonth::absent(p);
                            }
                            let baseline = match prior {
                                Some(prior) => year_before(prior, p),
                                None => baselines[usize::from(p.month) - 1],
                            };
                            let mut month = VillageMonth::new(
                                p,
                                month.counts,
                                month.reported,
                                baseline,
                                current,
                            );
                            month.timeliness = input.timing.and_then(|t| {
                                let arrived = arrivals
                                    .binary_search_by(|(q, _)| q.cmp(&p))
                                    .ok()
                                    .map(|i| arrivals[i].1);
                                t.of(p, arrived)
                            });
                            month.approved = approved.binary_search(&p).is_ok();
                            month
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// The dashboard for the months `first..=last`, as of `current`, the
    /// month in progress (by the server's clock).
    pub fn build(
        input: &DashboardInput,
        first: Period,
        last: Period,
        current: Period,
    ) -> Result<Dashboard, CountOverflow> {
        let months = months_between(first, last);
        let rows = Dashboard::village_rows(input, first, last, current);
        let town = town_months(rows.iter().map(|v| &v.months[..]), current)?;
        let total = range_rate(rows.iter().flat_map(|v| &v.months), current)?;
        let mut total_counts = MonthCounts::default();
        for t in &town {
            total_counts = total_counts.plus(t.counts)?;
        }
        let summaries = AreaSummary::of_groups(input.groups.as_deref(), &rows, current)?;
        let mut on_time = OnTime::default();
        for m in rows.iter().flat_map(|r| &r.months) {
            on_time.add(m.timeliness);
        }
        let mut by_agency: BTreeMap<AgencyCategory, Flagged<AgencyCategory>> = BTreeMap::new();
        let mut by_item: BTreeMap<ItemKey, Flagged<ItemKey>> = BTreeMap::new();
        // A voided certificate counts nowhere.
        for ((agency, item), counts) in letters::net_of_voids(&input.flagged) {
            count_flagged(&mut by_agency, agency, counts)?;
            count_flagged(&mut by_item, item, counts)?;
        }
        Ok(Dashboard {
            place: input.place.clone(),
            months,
            current,
            baseline_year: input.baseline_year,
            comparison: match input.prior {
                Some(_) => Comparison::YearBefore,
                None => Comparison::Baseline,
            },
            town,
            total,
            total_counts,
            on_time,
            report_days: input.timing.map(|t| t.days.get()),
            rows: summaries,
            by_agency: most_first(by_agency),
            by_item: most_first(by_item),
        })
    }
}

/// The issued net of the month a year before `p` in `prior` (a village's
/// stored months in order), if the village reported it: a month it did not
/// report is missing, not zero.
fn year_before(prior: &[StoredMonth], p: Period) -> Option<u64> {
    let then = Period {
        year: p.year - 1,
        month: p.month,
    };
    let i = prior.binary_search_by(|m| m.period.cmp(&then)).ok()?;
    let month = prior[i];
    month.reported.then(|| month.counts.issued_net())
}

/// Adds one (refused, unlisted) pair to its slot under `key`.
fn count_flagged<K: Ord + Clone>(
    map: &mut BTreeMap<K, Flagged<K>>,
    key: K,
    (refused, unlisted): (u64, u64),
) -> Result<(), CountOverflow> {
    let slot = map.entry(key.clone()).or_insert(Flagged {
        key,
        refused: 0,
        unlisted: 0,
    });
    slot.refused = add(slot.refused, refused)?;
    slot.unlisted = add(slot.unlisted, unlisted)?;
    Ok(())
}

/// The flagged counts, most first, then by key.
fn most_first<K: Ord>(map: BTreeMap<K, Flagged<K>>) -> Vec<Flagged<K>> {
    let mut list: Vec<Flagged<K>> = map.into_values().collect();
    list.sort_by(|a, b| {
        (b.refused.saturating_add(b.unlisted))
            .cmp(&a.refused.saturating_add(a.unlisted))
            .then(a.key.cmp(&b.key))
    });
    list
}

/// The months from `first` to `last`, inclusive.
pub fn months_between(first: Period, last: Period) -> Vec<Period> {
    let mut months = Vec::new();
    let mut p = last;
    while p >= first {
        months.push(p);
        p = p.previous();
    }
    months.reverse();
    months
}

#[cfg(test)]
mod tests;
