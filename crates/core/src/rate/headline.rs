//! The sentence a town writes in its summary to the county ("村级开具证明
//! 数量下降 x%"), made from an area's range total, in both languages.
//!
//! It never states a rate the figures do not support: when some village
//! months with a baseline did not report, it says how many and that the
//! figure is incomplete; when fewer than half reported, it gives no rate at
//! all (a rate over a minority of villages says more about who reported
//! than about what was issued); when there is no rate, it says why.

use super::{Comparison, RangeRate, Rate};
use crate::decimal::Fixed;
use crate::i18n::Lang;
use crate::ledger::Period;

/// Below this share of village months with a baseline reporting, no rate
/// is stated.
const LEAST_SHARE: f64 = 0.5;

/// The headline of `area` over `first..=last`, compared as `comparison`
/// says, in `lang`. The months it names end with the last one that ended
/// before `current` (the month in progress has no figures to compare).
pub fn headline(
    area: &str,
    first: Period,
    last: Period,
    current: Period,
    total: &RangeRate,
    comparison: Comparison,
    lang: Lang,
) -> String {
    let last = if last >= current {
        current.previous().max(first)
    } else {
        last
    };
    let span = span(first, last, lang);
    let (compared, expected) = (total.compared, total.with_baseline);
    let missing = expected.saturating_sub(compared);
    let rate = match total.rate {
        Rate::Value { rate } if f64::from(compared) >= LEAST_SHARE * f64::from(expected) => rate,
        Rate::Value { .. } => {
            return match lang {
                Lang::Zh => format!(
                    "{area}{span}：有基准的{expected}个村月中只有{compared}个已上报，不足一半，暂不给出下降比例。"
                ),
                Lang::En => format!(
                    "{area}, {span}: only {compared} of {expected} village months with a baseline reported, fewer than half; no reduction rate is given."
                ),
            }
        }
        other => {
            let why = other.text(lang);
            return match lang {
                Lang::Zh => format!("{area}{span}：暂无下降比例（{why}）。"),
                Lang::En => format!("{area}, {span}: no reduction rate ({why})."),
            };
        }
    };
    let issued = total.issued_net;
    let baseline = total.baseline.unwrap_or_default();
    let percent = format!("{}%", Fixed(rate.abs() * 100.0, 1));
    let then = match (lang, comparison) {
        (Lang::Zh, Comparison::Baseline) => "基准期同期",
        (Lang::Zh, Comparison::YearBefore) => "上年同期",
        (Lang::En, Comparison::Baseline) => "the same months of the baseline year",
        (Lang::En, Comparison::YearBefore) => "the same months a year before",
    };
    let mut sentence = match (lang, rate >= 0.0) {
        (Lang::Zh, true) => {
            format!("{area}{span}村级开具证明{issued}件，比{then}的{baseline}件下降{percent}。")
        }
        (Lang::Zh, false) => {
            format!("{area}{span}村级开具证明{issued}件，比{then}的{baseline}件上升{percent}。")
        }
        (Lang::En, true) => format!(
            "{area}, {span}: villages issued {issued} certificates, {percent} fewer than the {baseline} of {then}."
        ),
        (Lang::En, false) => format!(
            "{area}, {span}: villages issued {issued} certificates, {percent} more than the {baseline} of {then}."
        ),
    };
    if missing > 0 {
        sentence.push_str(&match lang {
            Lang::Zh => format!(
                "（仅比较已上报的{compared}个村月；有基准的{expected}个村月中{missing}个未上报，数字不完整。）"
            ),
            Lang::En => format!(
                " (Only the {compared} village months that reported are compared; {missing} of the {expected} with a baseline did not report: the figure is incomplete.)"
            ),
        });
    }
    sentence
}

/// The months `first..=last` as a sentence names them: 2026年1月至2026年10月,
/// or 2026-01 to 2026-10; one month alone.
pub(super) fn span(first: Period, last: Period, lang: Lang) -> String {
    match lang {
        Lang::Zh if first == last => format!("{}年{}月", first.year, first.month),
        Lang::Zh => format!(
            "{}年{}月至{}年{}月",
            first.year, first.month, last.year, last.month
        ),
        Lang::En if first == last => first.to_string(),
        Lang::En => format!("{first} to {last}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OCT: Period = Period {
        year: 2026,
        month: 10,
    };
    const JAN: Period = Period {
        year: 2026,
        month: 1,
    };
    const DEC: Period = Period {
        year: 2026,
        month: 12,
    };

    fn total(issued_net: u64, baseline: u64, compared: u32, with_baseline: u32) -> RangeRate {
        RangeRate {
            baseline: Some(baseline),
            issued_net,
            rate: super::super::reduction_rate(Some(baseline), issued_net),
            compared,
            with_baseline,
        }
    }

    #[test]
    fn a_complete_fall_is_stated_with_the_counts_behind_it() {
        let zh = headline(
            "东关镇",
            JAN,
            OCT,
            DEC,
            &total(750, 1000, 120, 120),
            Comparison::Baseline,
            Lang::Zh,
        );
        assert_eq!(
            zh,
            "东关镇2026年1月至2026年10月村级开具证明750件，比基准期同期的1000件下降25.0%。"
        );
        // A range reaching into the month in progress names the months compared.
        let zh = headline(
            "东关镇",
            JAN,
            DEC,
            DEC,
            &total(750, 1000, 120, 120),
            Comparison::Baseline,
            Lang::Zh,
        );
        assert!(zh.contains("至2026年11月村级"), "{zh}");
        let en = headline(
            "Dongguan",
            OCT,
            OCT,
            DEC,
            &total(1100, 1000, 12, 12),
            Comparison::YearBefore,
            Lang::En,
        );
        assert!(
            en.contains("10.0% more") && en.contains("a year before"),
            "{en}"
        );
        assert!(en.starts_with("Dongguan, 2026-10:"), "{en}");
    }

    #[test]
    fn missing_reports_are_said_and_a_minority_gives_no_rate() {
        let zh = headline(
            "东关镇",
            JAN,
            OCT,
            DEC,
            &total(700, 1000, 100, 120),
            Comparison::Baseline,
            Lang::Zh,
        );
        assert!(
            zh.contains("下降30.0%") && zh.contains("20个未上报") && zh.contains("不完整"),
            "{zh}"
        );
        let en = headline(
            "Dongguan",
            JAN,
            OCT,
            DEC,
            &total(100, 1000, 59, 120),
            Comparison::Baseline,
            Lang::En,
        );
        assert!(en.contains("only 59 of 120") && !en.contains('%'), "{en}");
        let none = RangeRate::default();
        let zh = headline(
            "东关镇",
            JAN,
            OCT,
            DEC,
            &none,
            Comparison::Baseline,
            Lang::Zh,
        );
        assert!(zh.contains("暂无下降比例") && !zh.contains('%'), "{zh}");
    }
}
