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

/// A span whose last month is before its first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a village's last month is before its first / 撤销月份早于设立月份")]
pub struct SpanBackwards;

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
    /// is after the last month.
    pub fn starting(self, first: Period) -> Result<VillageSpan, SpanBackwards> {
        match self.last {
            Some(last) if last < first => Err(SpanBackwards),
            _ => Ok(VillageSpan { first, ..self }),
        }
    }

    /// The span of a village retired in `last` (its last month): refused
    /// when that is before the first month.
    pub fn retired(self, last: Period) -> Result<VillageSpan, SpanBackwards> {
        if last < self.first {
            Err(SpanBackwards)
        } else {
            Ok(VillageSpan {
                last: Some(last),
                ..self
            })
        }
    }
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
            Err(SpanBackwards)
        );
        assert_eq!(span.starting(month(10)), Err(SpanBackwards));
        assert!(span.starting(month(1)).unwrap().covers(month(1)));
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
