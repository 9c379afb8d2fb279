//! The town's report upward for an area and a range of months: the
//! headline sentence, the child areas sorted by rate with their
//! completeness, the months for the chart, the agencies that still demand
//! certificates villages must not issue, the unlisted items issued most
//! (candidates for the list), the signs that a figure may not be real, and
//! a note on method. The server lays it out as `.docx`, the app as A4; both
//! take every figure and sentence from here.

use super::headline::{headline, span};
use super::letters::{item_name, letters, Letter};
use super::quality::VillageSigns;
use super::{AreaSummary, Comparison, CountOverflow, Dashboard, DashboardInput, Rate, VillageRow};
use crate::catalogue::{Catalogue, Text};
use crate::i18n::{Lang, Msg};
use crate::ledger::Period;
use crate::values::ItemKey;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Village names a list of the method note shows before "and n more".
const NAMES_SHOWN: usize = 20;
/// Unlisted items the report shows.
const UNLISTED_SHOWN: usize = 10;
/// Villages with signs the report shows (the rest are counted).
const SIGNS_SHOWN: usize = 30;

/// Some village names, and how many there are in all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    /// The first names, by village code.
    pub shown: Vec<String>,
    /// How many villages in all.
    pub total: u32,
}

impl Names {
    fn of<'a>(names: impl Iterator<Item = &'a str>) -> Names {
        let mut list = Names::default();
        for name in names {
            list.total = list.total.saturating_add(1);
            if list.shown.len() < NAMES_SHOWN {
                list.shown.push(name.to_owned());
            }
        }
        list
    }

    /// The names as a sentence's list in `lang`, with how many are left out.
    pub fn text(&self, lang: Lang) -> String {
        let more = self.total as usize - self.shown.len().min(self.total as usize);
        match lang {
            Lang::Zh if more > 0 => format!("{}等{}个村", self.shown.join("、"), self.total),
            Lang::Zh => self.shown.join("、"),
            Lang::En if more > 0 => format!("{} and {more} more", self.shown.join(", ")),
            Lang::En => self.shown.join(", "),
        }
    }
}

/// A certificate issued outside the list, with how often.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlistedItem {
    /// What was issued.
    pub item: ItemKey,
    /// Its name (the clerk's words for one on no list).
    pub name: Text,
    /// How many were issued outside the list.
    pub issued: u64,
}

/// The report of an area over a range of months.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The figures; its rows (the child areas) sorted by rate, the largest
    /// reduction first, those with no rate last.
    pub dashboard: Dashboard,
    /// One letter's worth of demands per agency category, most first.
    pub agencies: Vec<Letter>,
    /// The items issued outside the list most often.
    pub unlisted: Vec<UnlistedItem>,
    /// The first villages with signs that a figure may not be real.
    pub signs: Vec<VillageSigns>,
    /// How many villages have signs.
    pub signs_total: u32,
    /// Villages with nothing to compare with in any month of the range.
    pub lacking_baseline: Names,
    /// Villages with an ended month of the range not reported.
    pub lacking_report: Names,
    /// Village months of the range that ended (of villages that existed).
    pub months_ended: u32,
    /// Of those, the ones a tablet reported.
    #[serde(default)]
    pub months_reported: u32,
    /// Of those, the ones an officer approved (locked).
    pub months_approved: u32,
}

impl Report {
    /// The report of `input` over `first..=last` as of `current` (the month
    /// in progress), with the signs of its villages and the names, bases
    /// and routes of `catalogue`.
    pub fn build(
        input: &DashboardInput,
        first: Period,
        last: Period,
        current: Period,
        catalogue: &Catalogue,
        mut signs: Vec<VillageSigns>,
    ) -> Result<Report, CountOverflow> {
        let mut dashboard = Dashboard::build(input, first, last, current)?;
        dashboard.rows.sort_by(by_rate);
        let rows = Dashboard::village_rows(input, first, last, current);
        let lacking_baseline = Names::of(
            rows.iter()
                .filter(|r| {
                    // Of the villages that existed in the range.
                    let mut existed = r.months.iter().filter(|m| m.exists).peekable();
                    existed.peek().is_some() && existed.all(|m| m.baseline.is_none())
                })
                .map(|r| r.name.as_str()),
        );
        let lacking_report = Names::of(
            rows.iter()
                .filter(|r| missed_a_month(r, current))
                .map(|r| r.name.as_str()),
        );
        let ended = rows
            .iter()
            .flat_map(|r| &r.months)
            .filter(|m| m.exists && m.period < current);
        let (mut months_ended, mut months_reported, mut months_approved) = (0u32, 0u32, 0u32);
        for m in ended {
            months_ended = months_ended.saturating_add(1);
            months_reported = months_reported.saturating_add(u32::from(m.reported));
            months_approved = months_approved.saturating_add(u32::from(m.approved));
        }
        let mut unlisted: Vec<UnlistedItem> = dashboard
            .by_item
            .iter()
            .filter(|f| f.unlisted > 0)
            .map(|f| UnlistedItem {
                name: item_name(&f.key, catalogue),
                item: f.key.clone(),
                issued: f.unlisted,
            })
            .collect();
        unlisted.sort_by(|a, b| b.issued.cmp(&a.issued).then_with(|| a.item.cmp(&b.item)));
        unlisted.truncate(UNLISTED_SHOWN);
        let signs_total = u32::try_from(signs.len()).unwrap_or(u32::MAX);
        signs.truncate(SIGNS_SHOWN);
        Ok(Report {
            agencies: letters(&input.flagged, catalogue),
            dashboard,
            unlisted,
            signs,
            signs_total,
            lacking_baseline,
            lacking_report,
            months_ended,
            months_reported,
            months_approved,
        })
    }

    /// The area's name, or "this area" on a server with no area tree.
    pub fn area_name(&self, lang: Lang) -> String {
        self.dashboard.place.as_ref().map_or_else(
            || Msg::HeadlineThisArea.text(lang).to_owned(),
            |p| p.area.name.clone(),
        )
    }

    fn range(&self) -> (Period, Period) {
        let months = &self.dashboard.months;
        let first = months.first().copied().unwrap_or(self.dashboard.current);
        (first, months.last().copied().unwrap_or(first))
    }

    /// The title and the line under it (the months covered), in `lang`.
    pub fn title(&self, lang: Lang) -> [String; 2] {
        let area = self.area_name(lang);
        let (first, last) = self.range();
        let months = span(first, last, lang);
        match lang {
            Lang::Zh => [
                format!("{area}村级证明减量情况报告"),
                format!("（{months}）"),
            ],
            Lang::En => [
                format!("{area}: certificates issued by villages"),
                format!("({months})"),
            ],
        }
    }

    /// The headline sentence for the summary upward.
    pub fn headline(&self, lang: Lang) -> String {
        let (first, last) = self.range();
        let d = &self.dashboard;
        headline(
            &self.area_name(lang),
            first,
            last,
            d.current,
            &d.total,
            d.comparison,
            lang,
        )
    }

    /// The note on method, one paragraph each: how the rate is computed,
    /// what it compares with, how complete the reports are, which villages
    /// lack something to compare with or a report, and how signs are found.
    pub fn method(&self, lang: Lang) -> Vec<String> {
        let d = &self.dashboard;
        let mut notes = vec![match (lang, d.comparison, d.baseline_year) {
            (Lang::Zh, Comparison::Baseline, Some(year)) => format!(
                "下降比例 =（对比数 − 本期净开具数）÷ 对比数。净开具数 = 清单内开具 + 清单外开具 − 作废。对比数为各村{year}年（基准年）同月的基准数。"
            ),
            (Lang::Zh, Comparison::Baseline, None) => {
                "下降比例 =（对比数 − 本期净开具数）÷ 对比数。尚未设定基准年，因此没有对比数。".to_owned()
            }
            (Lang::Zh, Comparison::YearBefore, _) => {
                "下降比例 =（对比数 − 本期净开具数）÷ 对比数。净开具数 = 清单内开具 + 清单外开具 − 作废。对比数为各村上年同月上报的净开具数；上年同月未上报的村月没有对比数。".to_owned()
            }
            (Lang::En, Comparison::Baseline, Some(year)) => format!(
                "Reduction = (comparison − issued net) ÷ comparison, where issued net is listed plus unlisted issues less voided, and the comparison is each village's baseline for the same month of {year}, the baseline year."
            ),
            (Lang::En, Comparison::Baseline, None) => {
                "Reduction = (comparison − issued net) ÷ comparison. No baseline year is set, so there is nothing to compare with.".to_owned()
            }
            (Lang::En, Comparison::YearBefore, _) => {
                "Reduction = (comparison − issued net) ÷ comparison, where issued net is listed plus unlisted issues less voided, and the comparison is what each village reported for the same month a year before; a village month whose month a year before was not reported has nothing to compare with.".to_owned()
            }
        }];
        let (compared, expected) = (d.total.compared, d.total.with_baseline);
        notes.push(match lang {
            Lang::Zh => format!(
                "只比较已经结束、已上报且有对比数的村月。未上报的月份不算作零，既不计入本期，也不计入对比数。本期有对比数的已结束村月{expected}个，其中已上报{compared}个。"
            ),
            Lang::En => format!(
                "Only village months that ended, reported and have a comparison are compared. A month not reported is not counted as zero: it is left out of both sides. Of the {expected} ended village months with a comparison, {compared} reported."
            ),
        });
        if let Some(days) = d.report_days {
            let rate = d.on_time.text(lang);
            let pending = d.on_time.pending;
            notes.push(match lang {
                Lang::Zh => format!(
                    "按时上报：某月结束后收到的第一次上报在月末后{days}天内到达的为按时；超过期限才到或期限已过仍未到的为不按时；期限未到且尚未收到的（{pending}个村月）暂不计入。本期按时上报率{rate}。"
                ),
                Lang::En => format!(
                    "On time: a month's report is on time when the first upload after the month's end arrived within {days} days of it; late when it came later, or not at all once the days passed; the {pending} village months still within their days are not counted yet. On-time rate: {rate}."
                ),
            });
        }
        let (approved, reported, ended) = (
            self.months_approved,
            self.months_reported,
            self.months_ended,
        );
        notes.push(match lang {
            Lang::Zh => format!(
                "已结束的{ended}个村月中，已上报{reported}个，经审核锁定{approved}个；未上报的仍为缺报，不能审核；未审核的数字在村里补录后仍可能变化。"
            ),
            Lang::En => format!(
                "Of the {ended} village months that ended, {reported} were reported and {approved} approved and locked; those not reported stay missing and cannot be approved; figures not approved may still change as villages catch up."
            ),
        });
        if d.months.last().is_some_and(|&last| last >= d.current) {
            notes.push(match lang {
                Lang::Zh => format!("{}尚未结束，不计算比例。", span(d.current, d.current, lang)),
                Lang::En => format!("{} has not ended and has no rate.", d.current),
            });
        }
        let lists = [
            (
                &self.lacking_baseline,
                ["没有对比数的村", "Villages with nothing to compare with"],
            ),
            (
                &self.lacking_report,
                [
                    "有已结束月份未上报的村",
                    "Villages with an ended month not reported",
                ],
            ),
        ];
        for (names, [zh, en]) in lists {
            if names.total == 0 {
                continue;
            }
            notes.push(match lang {
                Lang::Zh => format!("{zh}（{}个）：{}。", names.total, names.text(lang)),
                Lang::En => format!("{en} ({}): {}.", names.total, names.text(lang)),
            });
        }
        notes.push(Msg::QualityMethod.text(lang).to_owned());
        notes
    }

    /// The line under the signs when more villages have signs than are shown.
    pub fn signs_more(&self, lang: Lang) -> Option<String> {
        let more = (self.signs_total as usize).checked_sub(self.signs.len())?;
        (more > 0).then(|| match lang {
            Lang::Zh => format!("另有{more}个村有提示，见系统概览页。"),
            Lang::En => format!("{more} more villages have signs: see the overview."),
        })
    }
}

/// Child areas by rate, the largest reduction first; those with no rate
/// after, by code.
fn by_rate(a: &AreaSummary, b: &AreaSummary) -> Ordering {
    match (a.rate.rate, b.rate.rate) {
        (Rate::Value { rate: x }, Rate::Value { rate: y }) => y.total_cmp(&x),
        (Rate::Value { .. }, _) => Ordering::Less,
        (_, Rate::Value { .. }) => Ordering::Greater,
        _ => Ordering::Equal,
    }
    .then_with(|| a.code.cmp(&b.code))
}

/// Whether `row` has a month that ended before `current` and was not
/// reported.
fn missed_a_month(row: &VillageRow, current: Period) -> bool {
    row.months
        .iter()
        .any(|m| m.exists && m.period < current && !m.reported)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{AgencyCategory, Outcome};
    use crate::rate::{FlaggedCount, MonthCounts, StoredMonth, VillageEntry};
    use std::collections::BTreeMap;

    fn p(year: i32, month: u8) -> Period {
        Period { year, month }
    }

    fn month(period: Period, issued: u64) -> StoredMonth {
        StoredMonth {
            period,
            counts: MonthCounts {
                issued,
                ..MonthCounts::default()
            },
            reported: true,
        }
    }

    /// Three villages over 2026-01..=2026-03 as of 2026-04: 东村 fell by
    /// half, 西村 did not change, 南村 reported nothing and has no baseline.
    fn input() -> DashboardInput {
        let months = [("V1", [5, 5, 5]), ("V2", [10, 10, 10])]
            .into_iter()
            .map(|(v, issued)| {
                (
                    v.to_owned(),
                    (1..=3)
                        .map(|m| month(p(2026, m), issued[usize::from(m) - 1]))
                        .collect(),
                )
            })
            .collect();
        DashboardInput {
            villages: vec![
                VillageEntry::always("V1", "东村"),
                VillageEntry::always("V2", "西村"),
                VillageEntry::always("V3", "南村"),
            ],
            months,
            baseline_year: Some(2024),
            baselines: [
                ("V1".to_owned(), [Some(10); 12]),
                ("V2".to_owned(), [Some(10); 12]),
            ]
            .into(),
            flagged: vec![
                FlaggedCount {
                    agency: AgencyCategory::Bank,
                    item: "free:收入证明".parse().unwrap(),
                    outcome: Outcome::IssuedUnlisted,
                    count: 4,
                },
                FlaggedCount {
                    agency: AgencyCategory::School,
                    item: "free:房产证明".parse().unwrap(),
                    outcome: Outcome::IssuedUnlisted,
                    count: 7,
                },
            ],
            ..DashboardInput::default()
        }
    }

    fn report(input: &DashboardInput, current: Period) -> Report {
        Report::build(
            input,
            p(2026, 1),
            p(2026, 3),
            current,
            &Catalogue::default_lists(),
            Vec::new(),
        )
        .unwrap()
    }

    #[test]
    fn rows_run_from_the_largest_reduction_to_those_with_no_rate() {
        let r = report(&input(), p(2026, 4));
        let order: Vec<&str> = r.dashboard.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(order, ["东村", "西村", "南村"]);
        assert_eq!(r.dashboard.total.rate, Rate::Value { rate: 0.25 });
        let zh = r.headline(Lang::Zh);
        assert!(
            zh.contains("45件") && zh.contains("60件") && zh.contains("下降25.0%"),
            "{zh}"
        );
    }

    #[test]
    fn unlisted_items_are_the_most_issued_first() {
        let r = report(&input(), p(2026, 4));
        let names: Vec<(&str, u64)> = r
            .unlisted
            .iter()
            .map(|u| (u.name.zh.as_str(), u.issued))
            .collect();
        assert_eq!(names, [("房产证明", 7), ("收入证明", 4)]);
        let agencies: Vec<AgencyCategory> = r.agencies.iter().map(|l| l.agency).collect();
        assert_eq!(agencies, [AgencyCategory::School, AgencyCategory::Bank]);
    }

    #[test]
    fn the_method_names_who_lacks_a_baseline_or_a_report_and_the_month_in_progress() {
        let r = report(&input(), p(2026, 3));
        assert_eq!(r.lacking_baseline.shown, ["南村"]);
        // 2026-03 is in progress: only 南村 missed an ended month.
        assert_eq!(r.lacking_report.shown, ["南村"]);
        let zh = r.method(Lang::Zh).join("\n");
        assert!(zh.contains("2024年（基准年）"), "{zh}");
        assert!(zh.contains("没有对比数的村（1个）：南村。"), "{zh}");
        assert!(zh.contains("2026年3月尚未结束"), "{zh}");
        assert!(zh.contains("已结束村月4个，其中已上报4个"), "{zh}");
        let en = r.method(Lang::En).join("\n");
        assert!(en.contains("2026-03 has not ended"), "{en}");
    }

    #[test]
    fn the_year_before_compares_with_what_was_reported_then_and_missing_stays_missing() {
        let mut input = input();
        input.baseline_year = None;
        input.baselines.clear();
        // 东村 reported 2025-01 and 2025-02 (8 each), not 2025-03; 西村 nothing.
        let prior: BTreeMap<String, Vec<StoredMonth>> = [(
            "V1".to_owned(),
            vec![month(p(2025, 1), 8), month(p(2025, 2), 8)],
        )]
        .into();
        input.prior = Some(prior);
        let r = report(&input, p(2026, 4));
        assert_eq!(r.dashboard.comparison, Comparison::YearBefore);
        let t = r.dashboard.total;
        assert_eq!((t.compared, t.with_baseline), (2, 2));
        assert_eq!(t.baseline, Some(16));
        assert_eq!(t.issued_net, 10);
        assert!(r.headline(Lang::Zh).contains("上年同期的16件"));
        assert_eq!(r.lacking_baseline.shown, ["西村", "南村"]);
        assert!(r.method(Lang::En).join(" ").contains("a year before"));
    }

    #[test]
    fn each_ended_month_is_judged_on_time_from_its_first_upload_after_the_end() {
        use crate::certificate::IssueDate;
        use crate::rate::on_time::Timing;
        let mut input = input();
        let day = |month: u8, day: u8| IssueDate {
            year: 2026,
            month,
            day,
        };
        // 东村: January on time, February late, March nothing yet.
        input.arrivals = [(
            "V1".to_owned(),
            vec![(p(2026, 1), day(2, 3)), (p(2026, 2), day(3, 20))],
        )]
        .into();
        input.timing = Some(Timing {
            days: "10".parse().unwrap(),
            today: day(4, 5),
        });
        let r = report(&input, p(2026, 4));
        let east = r.dashboard.rows.iter().find(|r| r.code == "V1").unwrap();
        assert_eq!(r.months_approved, 0);
        assert_eq!(
            (
                east.on_time.on_time,
                east.on_time.late,
                east.on_time.pending
            ),
            (1, 1, 1)
        );
        // 西村 and 南村 sent nothing after January or February ended: late.
        let all = r.dashboard.on_time;
        assert_eq!((all.on_time, all.late, all.pending), (1, 5, 3));
        assert_eq!(r.dashboard.report_days, Some(10));
        let zh = r.method(Lang::Zh).join("\n");
        assert!(
            zh.contains("月末后10天内") && zh.contains("16.7%（1/6）"),
            "{zh}"
        );
        // Without timing, no on-time figures and no note.
        let plain = report(&super::tests::input(), p(2026, 4));
        assert_eq!(plain.dashboard.on_time, Default::default());
        assert!(!plain.method(Lang::Zh).join("").contains("按时上报"));
    }

    #[test]
    fn the_report_says_how_many_ended_months_were_approved() {
        let mut input = input();
        input.approved = [("V1".to_owned(), vec![p(2026, 1), p(2026, 2)])].into();
        let r = report(&input, p(2026, 3));
        assert_eq!((r.months_approved, r.months_ended), (2, 6));
        let east = r.dashboard.rows.iter().find(|r| r.code == "V1").unwrap();
        assert_eq!(east.months_approved, 2);
        assert_eq!(east.approved_text(Lang::Zh), "2026年1月至2026年2月");
        // A town of 东村 and 西村: January is approved for both, March for
        // 东村 alone.
        let mut town = input.clone();
        town.approved = [
            ("V1".to_owned(), vec![p(2026, 1), p(2026, 3)]),
            ("V2".to_owned(), vec![p(2026, 1)]),
        ]
        .into();
        town.groups = Some(vec![crate::rate::AreaGroup {
            area: crate::rate::AreaStep {
                code: "T".into(),
                name: "东镇".into(),
                level: crate::org::Level::Town,
            },
            villages: vec!["V1".into(), "V2".into()],
        }]);
        let t = report(&town, p(2026, 4));
        assert_eq!(t.dashboard.rows[0].approved_for_all, [p(2026, 1)]);
        assert_eq!(t.dashboard.rows[0].approved_text(Lang::En), "2026-01");
        let january = &r.dashboard.town[0];
        assert_eq!((january.villages_approved, january.villages), (1, 3));
        let said = r.method(Lang::Zh).join("");
        let reported = r.months_reported;
        assert!(
            said.contains(&format!(
                "已结束的6个村月中，已上报{reported}个，经审核锁定2个"
            )),
            "{said}"
        );
    }

    #[test]
    fn a_comparison_is_named_in_a_query_as_serde_names_it() {
        for c in Comparison::ALL {
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.key())
            );
            assert_eq!(Comparison::from_key(c.key()), Some(c));
        }
        assert_eq!(Comparison::from_key("last_decade"), None);
    }

    #[test]
    fn long_lists_are_cut_and_say_how_many_are_left_out() {
        let names = Names::of((0..25).map(|_| "村"));
        assert_eq!(names.shown.len(), NAMES_SHOWN);
        assert!(names.text(Lang::Zh).ends_with("等25个村"));
        assert!(names.text(Lang::En).ends_with("and 5 more"));
        let signs = (0..40)
            .map(|i| VillageSigns {
                code: format!("V{i}"),
                name: format!("村{i}"),
                signs: Vec::new(),
            })
            .collect();
        let r = Report::build(
            &input(),
            p(2026, 1),
            p(2026, 3),
            p(2026, 4),
            &Catalogue::default_lists(),
            signs,
        )
        .unwrap();
        assert_eq!((r.signs.len(), r.signs_total), (SIGNS_SHOWN, 40));
        assert_eq!(
            r.signs_more(Lang::Zh).unwrap(),
            "另有10个村有提示，见系统概览页。"
        );
        assert_eq!(report(&input(), p(2026, 4)).signs_more(Lang::Zh), None);
    }
}
