//! The month figures as the server's database packs them: one text per
//! village (or village year) holding all its months, so that a county's
//! 360,000 village months cross from the database in a few thousand rows.
//!
//! The format: the months in order of month, each once, separated by `;`.
//! A month is six fields separated by one space:
//!
//! ```text
//! period issued refused unlisted voided reported
//! ```
//!
//! `period` is `YYYY-MM`; then the four fields of [`MonthCounts`] in that
//! order, as decimal integers (which outcome each counts is
//! [`MonthCounts::add`]'s to say; the database's `village_months` columns
//! carry the same names); `reported` is `1` if a tablet of the village
//! reported the month (an explicit zero included) and `0` if not. No months
//! is the empty text.
//!
//! The database writes it (SQLite in the server's figures query, PostgreSQL
//! in the `village_years` its triggers keep); [`write`] writes the same text
//! and is what [`parse`] is tested against.
//!
//! ```
//! use jianzheng_core::ledger::Period;
//! use jianzheng_core::rate::{packed, MonthCounts, StoredMonth};
//!
//! let months = packed::parse("2026-03 6 4 1 1 1;2026-05 0 0 0 0 1").unwrap();
//! assert_eq!(
//!     months[0],
//!     StoredMonth {
//!         period: Period { year: 2026, month: 3 },
//!         counts: MonthCounts { issued: 6, refused: 4, unlisted: 1, voided: 1 },
//!         reported: true,
//!     }
//! );
//! assert_eq!(packed::write(&months), "2026-03 6 4 1 1 1;2026-05 0 0 0 0 1");
//! ```

use super::{MonthCounts, StoredMonth};
use crate::ledger::Period;
use std::fmt::Write;

/// Separates the months of a packed text.
pub const MONTH_SEPARATOR: char = ';';

/// Separates the fields of a month.
pub const FIELD_SEPARATOR: char = ' ';

/// A packed text that does not follow the format: the month that does not
/// (or that is out of order), as stored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("存储的月度数字无法读取 / stored month figures unreadable: {0:?}")]
pub struct PackedError(pub String);

/// `months`, in the order given, as one packed text.
pub fn write<'a>(months: impl IntoIterator<Item = &'a StoredMonth>) -> String {
    let mut text = String::new();
    for m in months {
        if !text.is_empty() {
            text.push(MONTH_SEPARATOR);
        }
        let c = m.counts;
        let f = FIELD_SEPARATOR;
        write!(
            text,
            "{}{f}{}{f}{}{f}{}{f}{}{f}{}",
            m.period,
            c.issued,
            c.refused,
            c.unlisted,
            c.voided,
            u8::from(m.reported)
        )
        .expect("writes to a string");
    }
    text
}

/// The months of a packed text, in order of month; an error names the
/// first month that does not follow the format or comes out of order.
pub fn parse(text: &str) -> Result<Vec<StoredMonth>, PackedError> {
    let mut months: Vec<StoredMonth> = Vec::new();
    if text.is_empty() {
        return Ok(months);
    }
    for month in text.split(MONTH_SEPARATOR) {
        let parsed = parse_month(month)
            .filter(|m| months.last().is_none_or(|last| last.period < m.period))
            .ok_or_else(|| PackedError(month.to_owned()))?;
        months.push(parsed);
    }
    Ok(months)
}

/// One month, `period issued refused unlisted voided reported`.
fn parse_month(month: &str) -> Option<StoredMonth> {
    let mut fields = month.split(FIELD_SEPARATOR);
    let period = Period::parse(fields.next()?)?;
    let mut count = || fields.next()?.parse::<u64>().ok();
    let counts = MonthCounts {
        issued: count()?,
        refused: count()?,
        unlisted: count()?,
        voided: count()?,
    };
    let reported = match fields.next()? {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    fields.next().is_none().then_some(StoredMonth {
        period,
        counts,
        reported,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn no_months_is_the_empty_text() {
        assert_eq!(write(&[]), "");
        assert_eq!(parse(""), Ok(vec![]));
    }

    #[test]
    fn the_fields_are_in_the_order_of_the_counts() {
        let months = parse("2026-11 1 2 3 4 0").unwrap();
        assert_eq!(
            months,
            [StoredMonth {
                period: Period {
                    year: 2026,
                    month: 11
                },
                counts: MonthCounts {
                    issued: 1,
                    refused: 2,
                    unlisted: 3,
                    voided: 4
                },
                reported: false,
            }]
        );
    }

    #[test]
    fn a_month_off_the_format_is_an_error_naming_it() {
        for (text, bad) in [
            ("2026-01 1 2 3 4", "2026-01 1 2 3 4"),
            ("2026-01 1 2 3 4 1 5", "2026-01 1 2 3 4 1 5"),
            ("2026-01 1 2 3 4 2", "2026-01 1 2 3 4 2"),
            ("2026-01 1 -2 3 4 1", "2026-01 1 -2 3 4 1"),
            ("2026-01 1 2 x 4 1", "2026-01 1 2 x 4 1"),
            ("2026-1 1 2 3 4 1", "2026-1 1 2 3 4 1"),
            ("2026-13 1 2 3 4 1", "2026-13 1 2 3 4 1"),
            ("2026-01  1 2 3 4 1", "2026-01  1 2 3 4 1"),
            ("2026-01 1 2 3 4 1;", ""),
            ("2026-02 0 0 0 0 1;2026-01 0 0 0 0 1", "2026-01 0 0 0 0 1"),
            ("2026-02 0 0 0 0 1;2026-02 1 0 0 0 1", "2026-02 1 0 0 0 1"),
        ] {
            assert_eq!(parse(text), Err(PackedError(bad.into())), "{text}");
        }
    }

    fn stored_months() -> impl Strategy<Value = Vec<StoredMonth>> {
        let month = (
            any::<u64>(),
            any::<u64>(),
            any::<u64>(),
            any::<u64>(),
            any::<bool>(),
        );
        // A set of months keeps them in order, each once.
        proptest::collection::btree_map((2000i32..=9999, 1u8..=12), month, 0..40).prop_map(|m| {
            m.into_iter()
                .map(
                    |((year, month), (issued, refused, unlisted, voided, reported))| StoredMonth {
                        period: Period { year, month },
                        counts: MonthCounts {
                            issued,
                            refused,
                            unlisted,
                            voided,
                        },
                        reported,
                    },
                )
                .collect()
        })
    }

    proptest! {
        #[test]
        fn what_is_written_parses_back(months in stored_months()) {
            prop_assert_eq!(parse(&write(&months)), Ok(months));
        }
    }
}
