//! Signs that a figure is not real: a falling count is the goal, but a
//! village that stops recording looks the same.
//!
//! Method. A village month is judged against the same village's own
//! reported months among the twelve before it (at least six are needed;
//! a month with no report is missing, never a zero). Request counts are
//! counts of rare events, so the scale of a village's usual month is the
//! larger of two spreads: the median absolute deviation scaled to a
//! standard deviation (1.4826 × MAD, robust to the odd busy or quiet month
//! that would inflate a standard deviation), and the Poisson spread
//! √median that even a perfectly steady village shows. A month whose total
//! of requests (issued, refused and unlisted) lies more than three such
//! spreads below the median is flagged as *fell below its history*: under
//! a Poisson model that happens by chance in under 0.5% of months, and a
//! village whose median is nine requests or fewer is never flagged, since
//! even a month of none is within its noise. A month whose issued
//! certificates fall more than two spreads below their median while its
//! refusals rise more than two spreads above theirs is flagged as a
//! *possible reclassification* (issues recorded as refusals): each move
//! alone happens in about 2% of months, both at once in the same month far
//! more rarely. Tablets silent past the area's limit are listed too.

use super::{DashboardInput, StoredMonth};
use crate::decimal::Fixed;
use crate::i18n::Lang;
use crate::ledger::Period;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The reported months before a month that are needed to judge it.
pub const MIN_HISTORY: usize = 6;

/// How many months back the history reaches.
pub const HISTORY_MONTHS: usize = 12;

/// How many spreads below its median a month's requests must fall.
const FELL_SPREADS: f64 = 3.0;

/// How many spreads each of issued and refused must move for a
/// reclassification.
const RECLASSIFIED_SPREADS: f64 = 2.0;

/// One sign, with the figures that raised it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QualitySign {
    /// The month's requests fell far below the village's history.
    FellBelowHistory {
        /// The month.
        period: Period,
        /// Its requests: issued, refused and unlisted.
        requests: u64,
        /// The median of the history.
        usual: f64,
        /// Below this the month is flagged.
        threshold: f64,
    },
    /// Issues fell while refusals rose: issues may be recorded as refusals.
    PossibleReclassification {
        /// The month.
        period: Period,
        /// Issued (listed and unlisted) that month.
        issued: u64,
        /// The median of issued in the history.
        usual_issued: f64,
        /// Refused that month.
        refused: u64,
        /// The median of refused in the history.
        usual_refused: f64,
    },
    /// A live tablet has not been heard from past the limit.
    SilentTablet {
        /// Its ledger.
        ledger: String,
        /// Its last upload (server time), if it ever sent one.
        last_seen_at: Option<String>,
    },
}

impl QualitySign {
    /// The sign and its figures in words, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (QualitySign::FellBelowHistory { period, requests, usual, threshold }, Lang::Zh) => format!(
                "{period}：请求 {requests} 件，远低于本村此前通常的 {f_usual} 件（低于 {f_threshold} 件即提示），可能停止了登记",
                f_usual = Fixed(*usual, 0),
                f_threshold = Fixed(*threshold, 0),
            ),
            (QualitySign::FellBelowHistory { period, requests, usual, threshold }, Lang::En) => format!(
                "{period}: {requests} requests, far below this village's usual {f_usual} (flagged below {f_threshold}); it may have stopped recording",
                f_usual = Fixed(*usual, 0),
                f_threshold = Fixed(*threshold, 0),
            ),
            (
                QualitySign::PossibleReclassification { period, issued, usual_issued, refused, usual_refused },
                Lang::Zh,
            ) => format!(
                "{period}：开具 {issued} 件（通常 {f_usual_issued} 件），拒开 {refused} 件（通常 {f_usual_refused} 件），开具可能被登记成了拒开",
                f_usual_issued = Fixed(*usual_issued, 0),
                f_usual_refused = Fixed(*usual_refused, 0),
            ),
            (
                QualitySign::PossibleReclassification { period, issued, usual_issued, refused, usual_refused },
                Lang::En,
            ) => format!(
                "{period}: {issued} issued (usually {f_usual_issued}), {refused} refused (usually {f_usual_refused}); issues may be recorded as refusals",
                f_usual_issued = Fixed(*usual_issued, 0),
                f_usual_refused = Fixed(*usual_refused, 0),
            ),
            (QualitySign::SilentTablet { ledger, last_seen_at }, Lang::Zh) => format!(
                "平板 {ledger} 超过静默天数未上报（最后上报：{}）",
                last_seen_at.as_deref().and_then(|t| t.get(..10)).unwrap_or("从未")
            ),
            (QualitySign::SilentTablet { ledger, last_seen_at }, Lang::En) => format!(
                "Tablet {ledger} silent past the limit (last upload: {})",
                last_seen_at.as_deref().and_then(|t| t.get(..10)).unwrap_or("never")
            ),
        }
    }
}

/// A village's signs, for the dashboard and the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VillageSigns {
    /// Village code.
    pub code: String,
    /// Village name.
    pub name: String,
    /// Its signs: month signs oldest first, then silent tablets.
    pub signs: Vec<QualitySign>,
}

/// The median and the spread of `values` (not empty).
fn centre_and_spread(values: &mut [f64]) -> (f64, f64) {
    let centre = median(values);
    let mut deviations: Vec<f64> = values.iter().map(|v| (v - centre).abs()).collect();
    let mad = median(&mut deviations);
    (centre, (1.4826 * mad).max(centre.sqrt()).max(1.0))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The signs of the reported months of `months` (one village's, in order
/// of month) that lie in `first..=last`.
pub fn month_signs(months: &[StoredMonth], first: Period, last: Period) -> Vec<QualitySign> {
    let mut signs = Vec::new();
    for (i, month) in months.iter().enumerate() {
        if month.period < first || month.period > last || !month.reported {
            continue;
        }
        let earliest = history_from(month.period);
        let history: Vec<&StoredMonth> = months[..i]
            .iter()
            .filter(|m| m.reported && m.period >= earliest)
            .collect();
        if history.len() < MIN_HISTORY {
            continue;
        }
        let requests = |m: &StoredMonth| {
            m.counts
                .issued
                .saturating_add(m.counts.refused)
                .saturating_add(m.counts.unlisted)
        };
        let issued = |m: &StoredMonth| m.counts.issued.saturating_add(m.counts.unlisted);
        let series = |f: &dyn Fn(&StoredMonth) -> u64| -> Vec<f64> {
            history.iter().map(|m| f(m) as f64).collect()
        };
        let (usual, spread) = centre_and_spread(&mut series(&requests));
        let threshold = usual - FELL_SPREADS * spread;
        if (requests(month) as f64) < threshold {
            signs.push(QualitySign::FellBelowHistory {
                period: month.period,
                requests: requests(month),
                usual,
                threshold,
            });
        }
        let (usual_issued, issued_spread) = centre_and_spread(&mut series(&issued));
        let (usual_refused, refused_spread) = centre_and_spread(&mut series(&|m| m.counts.refused));
        let fell = (issued(month) as f64) < usual_issued - RECLASSIFIED_SPREADS * issued_spread;
        let rose =
            (month.counts.refused as f64) > usual_refused + RECLASSIFIED_SPREADS * refused_spread;
        if fell && rose {
            signs.push(QualitySign::PossibleReclassification {
                period: month.period,
                issued: issued(month),
                usual_issued,
                refused: month.counts.refused,
                usual_refused,
            });
        }
    }
    signs
}

/// A live tablet past the silent limit: its ledger and last upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SilentTablet {
    /// Its ledger.
    pub ledger: String,
    /// Its last upload (server time), if any.
    pub last_seen_at: Option<String>,
}

/// The villages of `input` with signs in `first..=last` (its months must
/// reach back to [`history_from`]`(first)`), by code; `silent` holds each
/// village's tablets past the limit.
pub fn area_signs(
    input: &DashboardInput,
    first: Period,
    last: Period,
    silent: &BTreeMap<String, Vec<SilentTablet>>,
) -> Vec<VillageSigns> {
    input
        .villages
        .iter()
        .filter_map(|village| {
            let (code, name) = (&village.code, &village.name);
            let months = input.months.get(code).map_or(&[][..], Vec::as_slice);
            let mut signs = month_signs(months, first, last);
            // A retired village's tablets are not expected to report.
            let expected = village.span.last.is_none();
            let silent = silent.get(code).filter(|_| expected);
            signs.extend(
                silent
                    .into_iter()
                    .flatten()
                    .map(|t| QualitySign::SilentTablet {
                        ledger: t.ledger.clone(),
                        last_seen_at: t.last_seen_at.clone(),
                    }),
            );
            (!signs.is_empty()).then(|| VillageSigns {
                code: code.clone(),
                name: name.clone(),
                signs,
            })
        })
        .collect()
}

/// The earliest month whose figures the signs of `first..` read.
pub fn history_from(first: Period) -> Period {
    (0..HISTORY_MONTHS).fold(first, |p, _| p.previous())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate::{MonthCounts, VillageEntry};

    /// The `i`-th month from January 2025.
    fn month(i: usize) -> Period {
        Period {
            year: 2025 + (i / 12) as i32,
            month: 1 + (i % 12) as u8,
        }
    }

    fn series(counts: &[(u64, u64)]) -> Vec<StoredMonth> {
        counts
            .iter()
            .enumerate()
            .map(|(i, &(issued, refused))| StoredMonth {
                period: month(i),
                counts: MonthCounts {
                    issued,
                    refused,
                    unlisted: 0,
                    voided: 0,
                },
                reported: true,
            })
            .collect()
    }

    fn all(months: &[StoredMonth]) -> Vec<QualitySign> {
        month_signs(months, months[0].period, months.last().unwrap().period)
    }

    #[test]
    fn a_village_that_stops_recording_is_flagged_and_a_steady_one_is_not() {
        let busy = [
            (30, 10),
            (28, 12),
            (33, 9),
            (31, 11),
            (27, 10),
            (35, 8),
            (29, 12),
            (32, 10),
        ];
        let mut months = busy.to_vec();
        months.push((3, 1));
        let signs = all(&series(&months));
        assert_eq!(signs.len(), 1, "{signs:?}");
        assert!(matches!(
            signs[0],
            QualitySign::FellBelowHistory { requests: 4, .. }
        ));
        // A slow decline, the goal, is not a sign.
        let declining: Vec<(u64, u64)> = (0..18).map(|i| (40 - i, 10)).collect();
        assert_eq!(all(&series(&declining)), vec![]);
        // One busy month in the history does not make an ordinary one look low.
        let mut spiky = busy.to_vec();
        spiky[3] = (300, 10);
        spiky.push((29, 11));
        assert_eq!(all(&series(&spiky)), vec![]);
    }

    #[test]
    fn a_small_village_is_never_flagged_for_a_quiet_month() {
        let small = [(4, 1), (3, 2), (5, 0), (2, 1), (4, 1), (3, 1), (0, 0)];
        assert_eq!(all(&series(&small)), vec![]);
    }

    #[test]
    fn refusals_jumping_while_issues_fall_is_a_possible_reclassification() {
        let mut months = vec![
            (30, 5),
            (32, 6),
            (29, 4),
            (31, 5),
            (30, 6),
            (33, 5),
            (28, 5),
        ];
        months.push((8, 27));
        let signs = all(&series(&months));
        assert_eq!(signs.len(), 1, "{signs:?}");
        assert!(matches!(
            signs[0],
            QualitySign::PossibleReclassification {
                issued: 8,
                refused: 27,
                ..
            }
        ));
    }

    #[test]
    fn too_little_history_or_a_missing_month_judges_nothing() {
        // Five months of history: not enough.
        let short = series(&[(30, 10), (31, 10), (29, 10), (30, 10), (32, 10), (0, 0)]);
        assert_eq!(all(&short), vec![]);
        // A month without a report is missing, not a fall to zero.
        let mut months = series(&[(30, 10); 9]);
        let last = months.last_mut().unwrap();
        last.counts = MonthCounts::default();
        last.reported = false;
        assert_eq!(all(&months), vec![]);
        // Unreported months do not count as history either.
        let mut months = series(&[(30, 10); 8]);
        for m in &mut months[..3] {
            m.reported = false;
        }
        months.push(series(&[(1, 0)])[0]);
        months.last_mut().unwrap().period = Period {
            year: 2025,
            month: 9,
        };
        assert_eq!(all(&months), vec![]);
    }

    #[test]
    fn an_area_lists_only_its_villages_with_signs() {
        let steady = series(&[(30, 10); 9]);
        let mut stopped = steady.clone();
        stopped.last_mut().unwrap().counts = MonthCounts::default();
        let input = DashboardInput {
            villages: vec![
                VillageEntry::always("V1", "东村"),
                VillageEntry::always("V2", "西村"),
                VillageEntry::always("V3", "南村"),
            ],
            months: [("V1".to_owned(), steady), ("V2".to_owned(), stopped)].into(),
            ..DashboardInput::default()
        };
        let silent = [(
            "V3".to_owned(),
            vec![SilentTablet {
                ledger: "T1".into(),
                last_seen_at: None,
            }],
        )]
        .into();
        let signs = area_signs(&input, month(0), month(8), &silent);
        assert!(signs[0].signs[0].message(Lang::Zh).contains("停止了登记"));
        assert!(signs[1].signs[0].message(Lang::En).contains("never"));
        let codes: Vec<&str> = signs.iter().map(|v| v.code.as_str()).collect();
        assert_eq!(codes, ["V2", "V3"]);
        assert!(matches!(
            signs[1].signs[0],
            QualitySign::SilentTablet { .. }
        ));
        // Once 南村 is retired, its silent tablet is no sign.
        let mut retired = input.clone();
        retired.villages[2].span = retired.villages[2].span.retired(month(8)).unwrap();
        let codes: Vec<String> = area_signs(&retired, month(0), month(8), &silent)
            .into_iter()
            .map(|v| v.code)
            .collect();
        assert_eq!(codes, ["V2"]);
    }

    #[test]
    fn only_months_in_the_range_are_judged() {
        let months = series(&[
            (30, 10),
            (31, 10),
            (29, 10),
            (30, 10),
            (32, 10),
            (30, 10),
            (2, 0),
            (30, 10),
        ]);
        let seventh = months[6].period;
        assert_eq!(month_signs(&months, month(7), month(7)), vec![]);
        assert_eq!(month_signs(&months, seventh, seventh).len(), 1);
        assert_eq!(
            history_from(seventh),
            Period {
                year: 2024,
                month: 7
            }
        );
    }
}
