//! A month, the period every count is kept in.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    /// The year.
    pub year: i32,
    /// The month, 1..=12.
    pub month: u8,
}

impl Period {
    /// The month of an ISO 8601 date or date-time (`2026-11-27T…`).
    pub fn from_iso(time: &str) -> Option<Period> {
        let year: i32 = time.get(0..4)?.parse().ok()?;
        let month: u8 = time.get(5..7)?.parse().ok()?;
        (time.as_bytes().get(4) == Some(&b'-') && (1..=12).contains(&month) && year >= 2000)
            .then_some(Period { year, month })
    }

    /// The month after this one.
    pub fn next(self) -> Period {
        match self.month {
            12 => Period {
                year: self.year + 1,
                month: 1,
            },
            m => Period {
                year: self.year,
                month: m + 1,
            },
        }
    }

    /// The month before this one.
    pub fn previous(self) -> Period {
        match self.month {
            1 => Period {
                year: self.year - 1,
                month: 12,
            },
            m => Period {
                year: self.year,
                month: m - 1,
            },
        }
    }

    /// The month (UTC) of a Unix time, for a clock the server trusts.
    pub fn from_unix_seconds(seconds: i64) -> Period {
        // Civil-from-days (Howard Hinnant's algorithm), days since 1970-01-01.
        let days = seconds.div_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Period {
            year: year as i32,
            month: month as u8,
        }
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Period> {
        if text.len() != 7 {
            return None;
        }
        Period::from_iso(text)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_time_picks_its_month() {
        assert_eq!(
            Period::from_iso("2026-11-27T21:00:00.000Z"),
            Some(Period {
                year: 2026,
                month: 11
            })
        );
        assert_eq!(
            Period::parse("2026-01"),
            Some(Period {
                year: 2026,
                month: 1
            })
        );
        assert_eq!(
            Period {
                year: 2026,
                month: 3
            }
            .to_string(),
            "2026-03"
        );
    }

    #[test]
    fn a_unix_time_falls_in_its_utc_month() {
        assert_eq!(
            Period::from_unix_seconds(0),
            Period {
                year: 1970,
                month: 1
            }
        );
        assert_eq!(
            Period::from_unix_seconds(1_795_900_000),
            Period {
                year: 2026,
                month: 11
            }
        );
        assert_eq!(
            Period::from_unix_seconds(951_782_400),
            Period {
                year: 2000,
                month: 2
            }
        ); // 2000-02-29
        assert_eq!(
            Period::from_unix_seconds(951_868_800),
            Period {
                year: 2000,
                month: 3
            }
        );
    }

    #[test]
    fn nonsense_times_are_refused() {
        for bad in [
            "",
            "2026",
            "2026-13-01",
            "2026/11/01",
            "1970-01-01",
            "20261101",
        ] {
            assert_eq!(Period::from_iso(bad), None, "{bad}");
        }
        assert_eq!(Period::parse("2026-11-01"), None);
    }
}
