//! The reduction rate (DESIGN.md, "Reduction rate") and what a town's
//! dashboard shows beside it.
//!
//! For a village and a month, rate = (baseline − issued net) / baseline,
//! where the baseline is the count for the same month of the baseline year.
//! The town's rate uses the sums over the villages that have a baseline.
//! There is no rate without a baseline or with a zero one, and every rate
//! comes with how complete the reports behind it are.

use crate::ledger::{Outcome, Period};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// Adds `count` of `outcome`.
    pub fn add(&mut self, outcome: Outcome, count: u64) {
        let slot = match outcome {
            Outcome::Issued => &mut self.issued,
            Outcome::RefusedRedirected => &mut self.refused,
            Outcome::IssuedUnlisted => &mut self.unlisted,
            Outcome::Void => &mut self.voided,
        };
        *slot += count;
    }

    /// Certificates issued, listed or not, less those voided.
    pub fn issued_net(&self) -> u64 {
        (self.issued + self.unlisted).saturating_sub(self.voided)
    }

    /// The sum of two months' counts.
    pub fn plus(self, other: MonthCounts) -> MonthCounts {
        MonthCounts {
            issued: self.issued + other.issued,
            refused: self.refused + other.refused,
            unlisted: self.unlisted + other.unlisted,
            voided: self.voided + other.voided,
        }
    }
}

/// A reduction rate, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rate {
    /// No baseline was set for the month.
    NoBaseline,
    /// The baseline is zero: any issue is an increase, a fraction means nothing.
    ZeroBaseline,
    /// (baseline − issued net) / baseline; negative when more were issued.
    Value {
        /// The fraction, 0.25 for a quarter fewer.
        rate: f64,
    },
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
}

impl VillageMonth {
    /// A village's month from its counts, report and baseline.
    pub fn new(period: Period, counts: MonthCounts, reported: bool, baseline: Option<u64>) -> Self {
        VillageMonth {
            period,
            counts,
            reported,
            baseline,
            rate: reduction_rate(baseline, counts.issued_net()),
        }
    }
}

/// The town's month: sums over villages, the rate over those with a
/// baseline, and how complete the reports are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TownMonth {
    /// The month.
    pub period: Period,
    /// Counts summed over every village.
    pub counts: MonthCounts,
    /// Baselines summed over the villages that have one.
    pub baseline: Option<u64>,
    /// Issued net summed over the villages that have a baseline.
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
    /// Villages in the town.
    pub villages: u32,
}

/// The town's months from every village's months (villages × months).
pub fn town_months<'a>(villages: impl IntoIterator<Item = &'a [VillageMonth]>) -> Vec<TownMonth> {
    let mut by_month: BTreeMap<Period, TownMonth> = BTreeMap::new();
    let mut village_count = 0u32;
    for months in villages {
        village_count += 1;
        for m in months {
            let town = by_month.entry(m.period).or_insert_with(|| TownMonth {
                period: m.period,
                counts: MonthCounts::default(),
                baseline: None,
                issued_net_with_baseline: 0,
                rate: Rate::NoBaseline,
                villages_reported: 0,
                baseline_villages_reported: 0,
                villages_with_baseline: 0,
                villages: 0,
            });
            town.counts = town.counts.plus(m.counts);
            town.villages_reported += u32::from(m.reported);
            if let Some(b) = m.baseline {
                town.baseline = Some(town.baseline.unwrap_or(0) + b);
                town.issued_net_with_baseline += m.counts.issued_net();
                town.villages_with_baseline += 1;
                town.baseline_villages_reported += u32::from(m.reported);
            }
        }
    }
    by_month
        .into_values()
        .map(|mut t| {
            t.villages = village_count;
            t.rate = reduction_rate(t.baseline, t.issued_net_with_baseline);
            t
        })
        .collect()
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

/// Requests a village should not have had to handle, summed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flagged {
    /// What is counted: an agency category or an item code.
    pub key: String,
    /// Refused and redirected (certificates the village must not issue).
    pub refused: u64,
    /// Issued outside the list.
    pub unlisted: u64,
}

/// A village over the whole range, for the town's table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VillageSummary {
    /// The village code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Counts summed over the range.
    pub counts: MonthCounts,
    /// Baselines summed over the months that have one.
    pub baseline: Option<u64>,
    /// The rate of the months that have a baseline, from their sums.
    pub rate: Rate,
    /// Months of the range the village reported.
    pub months_reported: u32,
    /// Months in the range.
    pub months: u32,
}

impl VillageSummary {
    /// The summary of a village's months.
    pub fn of(row: &VillageRow) -> VillageSummary {
        let mut counts = MonthCounts::default();
        let mut baseline = None;
        let mut net_with_baseline = 0;
        for m in &row.months {
            counts = counts.plus(m.counts);
            if let Some(b) = m.baseline {
                baseline = Some(baseline.unwrap_or(0) + b);
                net_with_baseline += m.counts.issued_net();
            }
        }
        VillageSummary {
            code: row.code.clone(),
            name: row.name.clone(),
            counts,
            baseline,
            rate: reduction_rate(baseline, net_with_baseline),
            months_reported: row.months.iter().filter(|m| m.reported).count() as u32,
            months: row.months.len() as u32,
        }
    }
}

/// The town's dashboard for a range of months.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The months, oldest first.
    pub months: Vec<Period>,
    /// The baseline year the rates compare with, if set.
    pub baseline_year: Option<i32>,
    /// The town's months.
    pub town: Vec<TownMonth>,
    /// Every village over the range (its months: [`Dashboard::village_rows`]).
    pub villages: Vec<VillageSummary>,
    /// Flagged requests by agency category, most first.
    pub by_agency: Vec<Flagged>,
    /// Flagged requests by item, most first.
    pub by_item: Vec<Flagged>,
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
    /// Villages: code and name.
    pub villages: Vec<(String, String)>,
    /// Per village, its stored months in order of month; a month with
    /// neither counts nor a report may be missing.
    pub months: BTreeMap<String, Vec<StoredMonth>>,
    /// The baseline year, if the town set one.
    pub baseline_year: Option<i32>,
    /// Per village, the baseline of each month of the baseline year
    /// (January first).
    pub baselines: BTreeMap<String, [Option<u64>; 12]>,
    /// Refused and unlisted requests: agency category, item, outcome, count.
    pub flagged: Vec<(crate::ledger::AgencyCategory, String, Outcome, u64)>,
}

impl Dashboard {
    /// Every village's months in `first..=last` (for a village's page and
    /// the exports).
    pub fn village_rows(input: &DashboardInput, first: Period, last: Period) -> Vec<VillageRow> {
        let months = months_between(first, last);
        input
            .villages
            .iter()
            .map(|(code, name)| {
                // The village's stored months, walked beside the range.
                let stored = input.months.get(code).map_or(&[][..], Vec::as_slice);
                let mut stored = stored.iter().skip_while(|m| m.period < first).peekable();
                let baselines = match input.baseline_year {
                    Some(_) => input.baselines.get(code).copied().unwrap_or_default(),
                    None => [None; 12],
                };
                VillageRow {
                    code: code.clone(),
                    name: name.clone(),
                    months: months
                        .iter()
                        .map(|&p| {
                            let month = stored.next_if(|m| m.period == p).copied();
                            let month = month.unwrap_or(StoredMonth {
                                period: p,
                                counts: MonthCounts::default(),
                                reported: false,
                            });
                            let baseline = baselines[usize::from(p.month) - 1];
                            VillageMonth::new(p, month.counts, month.reported, baseline)
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// The dashboard for the months `first..=last`.
    pub fn build(input: &DashboardInput, first: Period, last: Period) -> Dashboard {
        let months = months_between(first, last);
        let rows = Dashboard::village_rows(input, first, last);
        let town = town_months(rows.iter().map(|v| &v.months[..]));
        let villages = rows.iter().map(VillageSummary::of).collect();
        let mut by_agency: BTreeMap<String, Flagged> = BTreeMap::new();
        let mut by_item: BTreeMap<String, Flagged> = BTreeMap::new();
        for (agency, item, outcome, count) in &input.flagged {
            let agency_key = serde_json::to_value(agency)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            for (map, key) in [(&mut by_agency, agency_key), (&mut by_item, item.clone())] {
                let slot = map.entry(key.clone()).or_insert_with(|| Flagged {
                    key,
                    ..Flagged::default()
                });
                match outcome {
                    Outcome::RefusedRedirected => slot.refused += count,
                    Outcome::IssuedUnlisted => slot.unlisted += count,
                    _ => {}
                }
            }
        }
        let most_first = |map: BTreeMap<String, Flagged>| {
            let mut list: Vec<Flagged> = map.into_values().collect();
            list.sort_by(|a, b| {
                (b.refused + b.unlisted)
                    .cmp(&(a.refused + a.unlisted))
                    .then(a.key.cmp(&b.key))
            });
            list
        };
        Dashboard {
            months,
            baseline_year: input.baseline_year,
            town,
            villages,
            by_agency: most_first(by_agency),
            by_item: most_first(by_item),
        }
    }
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
