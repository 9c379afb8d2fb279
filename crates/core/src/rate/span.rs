//! Which village months exist. A village counts from its first month (the
//! month it was added, or an earlier one the town gave a village that moved
//! in with history) to its last (the month it was retired, if it was). A
//! month outside that span is not applicable: not missing, not zero, and
//! out of every figure that counts village months (completeness, on-time
//! rate, approvals, quality signs, the rate). A month in which the village
//! nevertheless reported or counted something stays in: a figure that
//! exists is never hidden.

use crate::ledger::Period;
use serde::{Deserialize, Serialize};

/// The months a village exists in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageSpan {
    /// Its first month.
    pub first: Period,
    /// Its last month, once retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Period>,
}

/// A span refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpanRefused {
    /// Its last month would be before its first.
    #[error("a village's last month is before its first")]
    Backwards,
    /// A month that is no calendar month (`2026-13`, a year before 2000).
    #[error("a month is written YYYY-MM")]
    NotAMonth,
    /// A first month after the month in progress: a village does not
    /// count from the future.
    #[error("a village's first month is not after the month in progress")]
    Future,
}

impl VillageSpan {
    /// A village that exists from `first` on.
    pub fn from(first: Period) -> VillageSpan {
        VillageSpan { first, last: None }
    }

    /// Whether the village exists in `period`.
    pub fn covers(&self, period: Period) -> bool {
        period >= self.first && self.last.is_none_or(|last| period <= last)
    }

    /// The span with its first month moved to `first`: refused when that
    /// is no month or after the last month.
    pub fn starting(self, first: Period) -> Result<VillageSpan, SpanRefused> {
        month(first)?;
        match self.last {
            Some(last) if last < first => Err(SpanRefused::Backwards),
            _ => Ok(VillageSpan { first, ..self }),
        }
    }

    /// [`VillageSpan::starting`] as a town asks it while `current` is the
    /// month in progress: never from a later month than that.
    pub fn starting_by(self, first: Period, current: Period) -> Result<VillageSpan, SpanRefused> {
        if first > current {
            return Err(SpanRefused::Future);
        }
        self.starting(first)
    }

    /// The span of a village retired in `last` (its last month): refused
    /// when that is no month or before the first month.
    pub fn retired(self, last: Period) -> Result<VillageSpan, SpanRefused> {
        month(last)?;
        if last < self.first {
            Err(SpanRefused::Backwards)
        } else {
            Ok(VillageSpan {
                last: Some(last),
                ..self
            })
        }
    }
}

/// `period` if it is a calendar month a span may hold (as `YYYY-MM`
/// reads it back): a body's month is a pair of numbers until checked.
fn month(period: Period) -> Result<Period, SpanRefused> {
    Period::parse(&period.to_string())
        .filter(|p| *p == period)
        .ok_or(SpanRefused::NotAMonth)
}

/// A village as the figures see it: its code, name and span.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageEntry {
    /// The code.
    pub code: String,
    /// The name.
    pub name: String,
    /// The months it exists in.
    pub span: VillageSpan,
}

#[cfg(test)]
impl VillageEntry {
    /// A village of the tests that has existed since 2000.
    pub(crate) fn always(code: impl Into<String>, name: impl Into<String>) -> VillageEntry {
        VillageEntry {
            code: code.into(),
            name: name.into(),
            span: VillageSpan::from(Period {
                year: 2000,
                month: 1,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn month(n: u32) -> Period {
        Period {
            year: 2020 + (n / 12) as i32,
            month: (n % 12) as u8 + 1,
        }
    }

    #[test]
    fn a_village_added_in_june_does_not_exist_in_may() {
        let span = VillageSpan::from(month(5));
        assert!(!span.covers(month(4)));
        assert!(span.covers(month(5)));
        assert!(span.covers(month(500)));
    }

    #[test]
    fn a_retired_village_exists_through_its_last_month_only() {
        let span = VillageSpan::from(month(5)).retired(month(9)).unwrap();
        assert!(span.covers(month(9)));
        assert!(!span.covers(month(10)));
        assert_eq!(
            VillageSpan::from(month(5)).retired(month(4)),
            Err(SpanRefused::Backwards)
        );
        assert_eq!(span.starting(month(10)), Err(SpanRefused::Backwards));
        assert!(span.starting(month(1)).unwrap().covers(month(1)));
    }

    #[test]
    fn a_span_holds_only_calendar_months_and_never_starts_in_the_future() {
        let span = VillageSpan::from(month(5));
        let bad = [
            Period {
                year: 2026,
                month: 13,
            },
            Period {
                year: 2026,
                month: 0,
            },
            Period {
                year: 1999,
                month: 1,
            },
            Period {
                year: 100_000,
                month: 1,
            },
        ];
        for p in bad {
            assert_eq!(span.starting(p), Err(SpanRefused::NotAMonth), "{p:?}");
            assert_eq!(span.retired(p), Err(SpanRefused::NotAMonth), "{p:?}");
        }
        assert_eq!(
            span.starting_by(month(30), month(20)),
            Err(SpanRefused::Future)
        );
        assert!(span.starting_by(month(20), month(20)).is_ok());
    }

    proptest! {
        /// A span covers exactly the months between its ends.
        #[test]
        fn covers_exactly_the_months_between_its_ends(
            first in 0u32..400, len in proptest::option::of(0u32..400), p in 0u32..900
        ) {
            let mut span = VillageSpan::from(month(first));
            if let Some(len) = len {
                span = span.retired(month(first + len)).unwrap();
            }
            let inside = p >= first && len.is_none_or(|l| p <= first + l);
            prop_assert_eq!(span.covers(month(p)), inside);
        }
    }
}
