//! What a tablet still has to send: the periods whose counts the server has
//! not acknowledged in their present state. Counters only grow, so a
//! period's sum changes whenever any of its cells does.

use crate::ledger::{Counters, Period};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A period as the server last acknowledged it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckedPeriod {
    /// The month.
    pub period: Period,
    /// The sum of its counts then.
    pub sum: u64,
    /// Whether it was sent closed.
    pub closed: bool,
}

/// Every period the server has acknowledged (kept on the tablet, not in
/// backups: a restored tablet sends everything again, which the server's
/// maximum absorbs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledged {
    periods: Vec<AckedPeriod>,
}

fn sums(counters: &Counters) -> BTreeMap<Period, u64> {
    let mut sums = BTreeMap::new();
    for (key, count) in counters.cells() {
        *sums.entry(key.period).or_default() += count;
    }
    sums
}

impl Acknowledged {
    /// The periods to send, oldest first, each with whether it is closed:
    /// those with counts or closed whose state differs from the one last
    /// acknowledged.
    pub fn open_periods(
        &self,
        counters: &Counters,
        closed: &BTreeSet<Period>,
    ) -> Vec<(Period, bool)> {
        let sums = sums(counters);
        let mut periods = closed.clone();
        periods.extend(sums.keys().copied());
        periods
            .into_iter()
            .map(|period| AckedPeriod {
                period,
                sum: sums.get(&period).copied().unwrap_or(0),
                closed: closed.contains(&period),
            })
            .filter(|now| !self.periods.contains(now))
            .map(|now| (now.period, now.closed))
            .collect()
    }

    /// Notes that the server stored `periods` as they are in `counters`.
    pub fn acknowledge(&mut self, counters: &Counters, periods: &[(Period, bool)]) {
        let sums = sums(counters);
        for &(period, closed) in periods {
            let acked = AckedPeriod {
                period,
                sum: sums.get(&period).copied().unwrap_or(0),
                closed,
            };
            match self.periods.iter_mut().find(|p| p.period == period) {
                Some(slot) => *slot = acked,
                None => self.periods.push(acked),
            }
        }
        // Each period is in the list once: the order is total.
        self.periods.sort_unstable_by_key(|p| p.period);
    }
}

/// Whether the clerk may close `period` as finished when the device clock
/// says `now`: only months that are over.
pub fn can_close(period: Period, now: Period) -> bool {
    period < now
}

/// The `count` months before `now`, newest first: those the clerk is
/// offered to close.
pub fn months_to_close(now: Period, count: usize) -> Vec<Period> {
    std::iter::successors(Some(now.previous()), |p| Some(p.previous()))
        .take(count)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{AgencyCategory, CounterKey, Outcome};

    fn month(m: u8) -> Period {
        Period {
            year: 2026,
            month: m,
        }
    }

    fn counters(cells: &[(u8, u64)]) -> Counters {
        Counters::from_cells(cells.iter().map(|&(m, n)| {
            (
                CounterKey {
                    period: month(m),
                    item: "A02".into(),
                    outcome: Outcome::Issued,
                    agency: AgencyCategory::Bank,
                },
                n,
            )
        }))
    }

    #[test]
    fn only_changed_periods_are_sent_again() {
        let mut acked = Acknowledged::default();
        let none = BTreeSet::new();
        let before = counters(&[(9, 3), (10, 5)]);
        let open = acked.open_periods(&before, &none);
        assert_eq!(open, vec![(month(9), false), (month(10), false)]);
        acked.acknowledge(&before, &open);
        assert!(acked.open_periods(&before, &none).is_empty());
        // One more certificate in October: only October goes again.
        let after = counters(&[(9, 3), (10, 6)]);
        assert_eq!(acked.open_periods(&after, &none), vec![(month(10), false)]);
    }

    #[test]
    fn closing_an_empty_month_sends_an_explicit_zero_once() {
        let mut acked = Acknowledged::default();
        let counts = counters(&[(10, 5)]);
        acked.acknowledge(&counts, &acked.open_periods(&counts, &BTreeSet::new()));
        let closed = BTreeSet::from([month(8), month(10)]);
        let open = acked.open_periods(&counts, &closed);
        assert_eq!(open, vec![(month(8), true), (month(10), true)]);
        acked.acknowledge(&counts, &open);
        assert!(acked.open_periods(&counts, &closed).is_empty());
        assert!(can_close(month(10), month(11)));
        assert!(!can_close(month(11), month(11)));
        let january = Period {
            year: 2027,
            month: 1,
        };
        assert_eq!(months_to_close(january, 2), vec![month(12), month(11)]);
        assert!(months_to_close(january, 3)
            .iter()
            .all(|&p| can_close(p, january)));
    }
}
