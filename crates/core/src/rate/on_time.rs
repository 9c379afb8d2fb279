//! Whether a village's report of a month came on time. A month's report is
//! on time when the first upload carrying the month that the server
//! received after the month ended (the first that can hold the whole month)
//! arrived within the area's report days of the end; it is late when that
//! upload came later, or when none has come and the days have passed; it
//! is pending while the days run. A month in progress is none of these.
//! Days are counted on the server's clock (UTC).

use crate::certificate::IssueDate;
use crate::decimal::Fixed;
use crate::i18n::{Lang, Msg};
use crate::ledger::Period;
use crate::values::ReportDays;
use serde::{Deserialize, Serialize};

/// How a village's report of an ended month stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// It arrived within the report days.
    OnTime,
    /// It arrived after them, or has not arrived and they have passed.
    Late,
    /// It has not arrived and the report days are still running.
    Pending,
}

/// What timeliness is judged against: the area's report days and today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// Days after a month's end for its report to be on time.
    pub days: ReportDays,
    /// Today, by the server's clock.
    pub today: IssueDate,
}

impl Timing {
    /// How the report of `period` stands, its first upload after the end
    /// having arrived on `arrived`; `None` for a month not ended by today.
    pub fn of(self, period: Period, arrived: Option<IssueDate>) -> Option<Timeliness> {
        let next = period.next();
        let end = day_number(next.year, next.month, 1);
        let today = day_of(self.today);
        if today < end {
            return None;
        }
        let days = i64::from(self.days.get());
        Some(match arrived.map(day_of) {
            Some(day) if day - end < days => Timeliness::OnTime,
            Some(_) => Timeliness::Late,
            None if today - end < days => Timeliness::Pending,
            None => Timeliness::Late,
        })
    }
}

/// Village months on time, late and pending, summed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnTime {
    /// Reports that came within the report days.
    pub on_time: u32,
    /// Reports that came after them, or not at all once they passed.
    pub late: u32,
    /// Reports not come while the days still run (not in the rate).
    pub pending: u32,
}

impl OnTime {
    /// Counts one village month.
    pub fn add(&mut self, timeliness: Option<Timeliness>) {
        let slot = match timeliness {
            Some(Timeliness::OnTime) => &mut self.on_time,
            Some(Timeliness::Late) => &mut self.late,
            Some(Timeliness::Pending) => &mut self.pending,
            None => return,
        };
        *slot = slot.saturating_add(1);
    }

    /// The share on time of the months whose report days have passed or
    /// whose report came; `None` when there are none.
    pub fn rate(&self) -> Option<f64> {
        let due = u64::from(self.on_time) + u64::from(self.late);
        (due > 0).then(|| f64::from(self.on_time) / due as f64)
    }

    /// `92.0%（23/25）`, or a dash when nothing is due yet.
    pub fn text(&self, lang: Lang) -> String {
        let due = u64::from(self.on_time) + u64::from(self.late);
        match (self.rate(), lang) {
            (Some(rate), Lang::Zh) => {
                format!("{}%（{}/{due}）", Fixed(rate * 100.0, 1), self.on_time)
            }
            (Some(rate), Lang::En) => {
                format!("{}% ({}/{due})", Fixed(rate * 100.0, 1), self.on_time)
            }
            (None, _) => "–".to_owned(),
        }
    }
}

impl OnTime {
    /// The rate with its rule: 按时上报率：75.0%（3/4）（月末后10天内；1个村月期限未到）.
    pub fn summary(&self, days: u32, lang: Lang) -> String {
        let (title, rate, pending) = (Msg::OnTimeTitle.text(lang), self.text(lang), self.pending);
        match lang {
            Lang::Zh => format!("{title}：{rate}（月末后{days}天内；{pending}个村月期限未到）"),
            Lang::En => format!(
                "{title}: {rate} (within {days} days of the month's end; {pending} village months still within their days)"
            ),
        }
    }
}

fn day_of(date: IssueDate) -> i64 {
    day_number(date.year, date.month, date.day)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's days-from-civil).
fn day_number(year: i32, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u8, day: u8) -> IssueDate {
        IssueDate { year, month, day }
    }

    fn timing(today: IssueDate) -> Timing {
        Timing {
            days: ReportDays::new(10).unwrap(),
            today,
        }
    }

    const NOV: Period = Period {
        year: 2026,
        month: 11,
    };

    #[test]
    fn days_are_counted_across_months_years_and_leap_days() {
        assert_eq!(day_number(1970, 1, 1), 0);
        assert_eq!(day_number(2000, 3, 1) - day_number(2000, 2, 28), 2);
        assert_eq!(day_number(2027, 1, 1) - day_number(2026, 12, 31), 1);
        // The same count as the month of a Unix time.
        let day = day_number(2026, 12, 3);
        assert_eq!(
            Period::from_unix_seconds(day * 86_400),
            Period {
                year: 2026,
                month: 12
            }
        );
    }

    #[test]
    fn a_report_is_on_time_within_the_days_after_the_end_and_late_after() {
        let t = timing(date(2027, 1, 20));
        // November ends with 30 November; ten days: 1 to 10 December.
        assert_eq!(t.of(NOV, Some(date(2026, 12, 1))), Some(Timeliness::OnTime));
        assert_eq!(
            t.of(NOV, Some(date(2026, 12, 10))),
            Some(Timeliness::OnTime)
        );
        assert_eq!(t.of(NOV, Some(date(2026, 12, 11))), Some(Timeliness::Late));
        // Nothing came and the days have passed: late, not forgotten.
        assert_eq!(t.of(NOV, None), Some(Timeliness::Late));
        // A December report over the year's end.
        let dec = Period {
            year: 2026,
            month: 12,
        };
        assert_eq!(t.of(dec, Some(date(2027, 1, 10))), Some(Timeliness::OnTime));
    }

    #[test]
    fn nothing_yet_is_pending_while_the_days_run_and_a_month_in_progress_is_not_judged() {
        assert_eq!(
            timing(date(2026, 12, 5)).of(NOV, None),
            Some(Timeliness::Pending)
        );
        assert_eq!(
            timing(date(2026, 12, 10)).of(NOV, None),
            Some(Timeliness::Pending)
        );
        assert_eq!(
            timing(date(2026, 12, 11)).of(NOV, None),
            Some(Timeliness::Late)
        );
        assert_eq!(timing(date(2026, 11, 30)).of(NOV, None), None);
    }

    #[test]
    fn the_rate_leaves_pending_months_out_and_none_due_is_no_rate() {
        let mut sum = OnTime::default();
        for t in [
            Some(Timeliness::OnTime),
            Some(Timeliness::OnTime),
            Some(Timeliness::OnTime),
            Some(Timeliness::Late),
            Some(Timeliness::Pending),
            None,
        ] {
            sum.add(t);
        }
        assert_eq!((sum.on_time, sum.late, sum.pending), (3, 1, 1));
        assert_eq!(sum.rate(), Some(0.75));
        assert_eq!(sum.text(Lang::Zh), "75.0%（3/4）");
        assert_eq!(
            sum.summary(10, Lang::Zh),
            "按时上报率：75.0%（3/4）（月末后10天内；1个村月期限未到）"
        );
        let pending = OnTime {
            pending: 4,
            ..OnTime::default()
        };
        assert_eq!(
            (pending.rate(), pending.text(Lang::En)),
            (None, "–".to_owned())
        );
    }
}
