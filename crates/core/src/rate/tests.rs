use super::*;
use proptest::prelude::*;

fn month(m: u8) -> Period {
    Period {
        year: 2026,
        month: m,
    }
}

/// The month in progress in these tests: every month of 2026 before it ended.
const NOW: Period = Period {
    year: 2027,
    month: 1,
};

fn counts(issued: u64, unlisted: u64, voided: u64) -> MonthCounts {
    MonthCounts {
        issued,
        refused: 3,
        unlisted,
        voided,
    }
}

#[test]
fn no_baseline_zero_baseline_and_voids() {
    assert_eq!(reduction_rate(None, 5), Rate::NoBaseline);
    assert_eq!(reduction_rate(Some(0), 0), Rate::ZeroBaseline);
    assert_eq!(reduction_rate(Some(0), 4), Rate::ZeroBaseline);
    // 10 before; 8 issued, 1 outside the list, 3 voided: 6 net, 40% fewer.
    let net = counts(8, 1, 3).issued_net();
    assert_eq!(net, 6);
    assert_eq!(reduction_rate(Some(10), net), Rate::Value { rate: 0.4 });
    // More than before is a negative rate.
    assert_eq!(reduction_rate(Some(4), 6), Rate::Value { rate: -0.5 });
    // Voids never make the count negative.
    assert_eq!(counts(1, 0, 5).issued_net(), 0);
}

#[test]
fn the_town_rate_compares_only_villages_that_reported_and_says_what_is_missing() {
    let a = [VillageMonth::new(
        month(3),
        counts(6, 0, 0),
        true,
        Some(10),
        NOW,
    )];
    // Counts without a report (a tablet's open month): not compared.
    let b = [VillageMonth::new(
        month(3),
        counts(2, 0, 0),
        false,
        Some(10),
        NOW,
    )];
    let c = [VillageMonth::new(
        month(3),
        counts(9, 0, 0),
        true,
        None,
        NOW,
    )];
    let town = town_months([&a[..], &b[..], &c[..]], NOW).unwrap();
    assert_eq!(town.len(), 1);
    let t = &town[0];
    assert_eq!(t.counts.issued, 17);
    assert_eq!(
        t.baseline,
        Some(10),
        "b did not report: left out of both sides"
    );
    assert_eq!(t.issued_net_with_baseline, 6);
    assert_eq!(t.rate, Rate::Value { rate: 0.4 });
    assert_eq!((t.villages_reported, t.villages), (2, 3));
    assert_eq!(
        (t.baseline_villages_reported, t.villages_with_baseline),
        (1, 2)
    );
    // No village with a baseline: no town rate.
    let town = town_months([&c[..]], NOW).unwrap();
    assert_eq!(town[0].rate, Rate::NoBaseline);
    // Villages with a baseline, none reported: no rate either, not 100%.
    let town = town_months([&b[..], &c[..]], NOW).unwrap();
    assert_eq!(town[0].rate, Rate::NoReport);
    assert_eq!(town[0].baseline, None);
}

#[test]
fn a_month_that_has_not_ended_has_no_rate() {
    let december = Period {
        year: 2026,
        month: 12,
    };
    let m = VillageMonth::new(december, counts(0, 0, 0), false, Some(10), december);
    assert_eq!(m.rate, Rate::NotEnded);
    // Even when a tablet already reported part of it.
    let m = VillageMonth::new(december, counts(2, 0, 0), true, Some(10), december);
    assert_eq!(m.rate, Rate::NotEnded);
    let town = town_months([&[m.clone()][..]], december).unwrap();
    assert_eq!(town[0].rate, Rate::NotEnded);
    assert_eq!(
        range_rate([&m], december).unwrap().rate,
        Rate::NotEnded,
        "a range of only unfinished months"
    );
}

/// The demo town's case: run on 1 December, December has no report yet.
/// The range's rate is that of the eleven reported months, not one that
/// counts December's baseline against nothing issued.
#[test]
fn an_unreported_month_is_left_out_of_both_sides_of_a_range() {
    let december = Period {
        year: 2026,
        month: 12,
    };
    let months: Vec<VillageMonth> = (1..=12)
        .map(|m| {
            let reported = m < 12;
            let issued = if reported { 11 } else { 0 };
            VillageMonth::new(month(m), counts(issued, 0, 0), reported, Some(14), december)
        })
        .collect();
    let rate = range_rate(&months, december).unwrap();
    assert_eq!((rate.compared, rate.with_baseline), (11, 11));
    assert_eq!(rate.baseline, Some(11 * 14));
    assert_eq!(rate.issued_net, 11 * 11);
    assert_eq!(rate.rate, Rate::Value { rate: 3.0 / 14.0 });
    // The same on 1 January: December ended unreported, still left out,
    // and the summary says one village month is missing.
    let months: Vec<VillageMonth> = months
        .iter()
        .map(|m| VillageMonth::new(m.period, m.counts, m.reported, m.baseline, NOW))
        .collect();
    let later = range_rate(&months, NOW).unwrap();
    assert_eq!(later.rate, rate.rate);
    assert_eq!((later.compared, later.with_baseline), (11, 12));
}

#[test]
fn each_outcome_feeds_its_own_count() {
    let zero = MonthCounts::default();
    for (outcome, expected) in [
        (Outcome::Issued, MonthCounts { issued: 3, ..zero }),
        (
            Outcome::RefusedRedirected,
            MonthCounts { refused: 3, ..zero },
        ),
        (
            Outcome::IssuedUnlisted,
            MonthCounts {
                unlisted: 3,
                ..zero
            },
        ),
        (Outcome::Void, MonthCounts { voided: 3, ..zero }),
    ] {
        let mut counts = zero;
        counts.add(outcome, 3).unwrap();
        assert_eq!(counts, expected, "{outcome:?}");
        for other in Outcome::ALL {
            let want = if other == outcome { 3 } else { 0 };
            assert_eq!(counts.get(other), want, "{outcome:?} read as {other:?}");
        }
    }
}

#[test]
fn a_sum_that_would_overflow_is_an_error_not_a_figure() {
    let huge = MonthCounts {
        issued: u64::MAX / 2 + 1,
        ..MonthCounts::default()
    };
    assert_eq!(huge.plus(huge), Err(CountOverflow));
    let mut m = huge;
    assert_eq!(m.add(Outcome::Issued, u64::MAX / 2 + 1), Err(CountOverflow));
    let a = [VillageMonth::new(month(1), huge, true, Some(u64::MAX), NOW)];
    let b = [VillageMonth::new(month(1), huge, true, Some(u64::MAX), NOW)];
    assert_eq!(town_months([&a[..], &b[..]], NOW), Err(CountOverflow));
    assert_eq!(range_rate(a.iter().chain(&b), NOW), Err(CountOverflow));
    // Voids above issued never go below zero; issued and unlisted near the
    // top do not wrap.
    let top = MonthCounts {
        issued: u64::MAX,
        unlisted: 5,
        ..MonthCounts::default()
    };
    assert_eq!(top.issued_net(), u64::MAX);
}

#[test]
fn months_between_runs_across_a_new_year() {
    let nov = Period {
        year: 2025,
        month: 11,
    };
    let feb = Period {
        year: 2026,
        month: 2,
    };
    let months = months_between(nov, feb);
    assert_eq!(months.len(), 4);
    assert_eq!(months[0], nov);
    assert_eq!(months[3], feb);
    assert!(months_between(feb, nov).is_empty());
}

proptest! {
    #[test]
    fn a_rate_is_never_above_one_and_is_zero_when_nothing_changed(b in 1u64..10_000, n in 0u64..20_000) {
        match reduction_rate(Some(b), n) {
            Rate::Value { rate } => {
                prop_assert!(rate <= 1.0);
                prop_assert_eq!(rate == 0.0, n == b);
                prop_assert_eq!(rate == 1.0, n == 0);
            }
            other => prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn village_rows_hold_each_month_as_stored_and_nothing_outside_the_range(
        entries in proptest::collection::vec((0usize..3, 0u8..30, 0u64..40, any::<bool>()), 0..60),
        baselines in proptest::collection::vec((0usize..3, 1u8..=12, 0u64..50), 0..20),
        with_year in any::<bool>(),
        (first, len) in (0u8..30, 1u8..20),
    ) {
        // Months numbered from 2025-01; villages "v0".."v2" (and "v3", never stored).
        let at = |n: u8| Period { year: 2025 + i32::from(n / 12), month: n % 12 + 1 };
        let code = |v: usize| format!("v{v}");
        let mut input = DashboardInput {
            villages: (0..4).map(|v| VillageEntry::always(code(v), format!("村{v}"))).collect(),
            baseline_year: with_year.then_some(2024),
            ..DashboardInput::default()
        };
        // The oracle: one entry per village month (the last one drawn).
        let mut oracle = BTreeMap::new();
        for &(v, n, issued, reported) in &entries {
            oracle.insert((code(v), at(n)), (counts(issued, 0, 0), reported));
        }
        for ((village, period), (counts, reported)) in &oracle {
            input.months.entry(village.clone()).or_default().push(StoredMonth {
                period: *period,
                counts: *counts,
                reported: *reported,
            });
        }
        for &(v, m, b) in &baselines {
            input.baselines.entry(code(v)).or_default()[usize::from(m) - 1] = Some(b);
        }
        let (first, last) = (at(first), at(first + len));
        for row in Dashboard::village_rows(&input, first, last, NOW) {
            prop_assert_eq!(row.months.len(), months_between(first, last).len());
            for m in &row.months {
                let (counts, reported) = oracle
                    .get(&(row.code.clone(), m.period))
                    .copied()
                    .unwrap_or_default();
                prop_assert_eq!(m.counts, counts);
                prop_assert_eq!(m.reported, reported);
                let baseline = baselines
                    .iter()
                    .rev()
                    .find(|&&(v, month, _)| code(v) == row.code && month == m.period.month)
                    .map(|&(_, _, b)| b);
                prop_assert_eq!(m.baseline, baseline.filter(|_| with_year));
            }
        }
    }

    #[test]
    fn town_sums_do_not_depend_on_village_order(
        villages in proptest::collection::vec((0u64..50, 0u64..5, proptest::option::of(0u64..60), any::<bool>()), 1..12)
    ) {
        let months: Vec<[VillageMonth; 1]> = villages
            .iter()
            .map(|&(i, v, b, r)| [VillageMonth::new(month(1), counts(i, 0, v), r, b, NOW)])
            .collect();
        let forward = town_months(months.iter().map(|m| &m[..]), NOW).unwrap();
        let backward = town_months(months.iter().rev().map(|m| &m[..]), NOW).unwrap();
        prop_assert_eq!(&forward, &backward);
        let t = &forward[0];
        prop_assert!(t.baseline_villages_reported <= t.villages_with_baseline);
        prop_assert!(t.villages_with_baseline <= t.villages);
        prop_assert!(t.villages_reported <= t.villages);
    }

    /// DESIGN.md: adding a month with no report never changes a rate, of a
    /// village's range or of the town's.
    #[test]
    fn adding_a_month_with_no_report_never_changes_a_range_rate(
        months in proptest::collection::vec(
            (1u8..=12, 0u64..40, 0u64..4, proptest::option::of(0u64..60), any::<bool>()), 0..24),
        added in (1u8..=12, 0u64..40, proptest::option::of(0u64..60)),
        current in 1u8..=13,
    ) {
        let now = Period { year: 2026 + i32::from(current / 13), month: (current - 1) % 12 + 1 };
        let months: Vec<VillageMonth> = months
            .iter()
            .map(|&(m, i, v, b, r)| VillageMonth::new(month(m), counts(i, 0, v), r, b, now))
            .collect();
        let before = range_rate(&months, now).unwrap();
        let (m, issued, baseline) = added;
        let unreported = VillageMonth::new(month(m), counts(issued, 0, 0), false, baseline, now);
        let after = range_rate(months.iter().chain([&unreported]), now).unwrap();
        prop_assert_eq!(after.baseline, before.baseline);
        prop_assert_eq!(after.issued_net, before.issued_net);
        prop_assert_eq!(after.compared, before.compared);
        if before.compared > 0 {
            prop_assert_eq!(after.rate, before.rate);
        }
        // The town's month the same way: a village that did not report
        // changes nothing but completeness.
        let village: Vec<[VillageMonth; 1]> = months.iter().map(|m| [m.clone()]).collect();
        let rows = village.iter().map(|m| &m[..]);
        let town = town_months(rows.clone(), now).unwrap();
        let extra = [unreported.clone()];
        let town_after = town_months(rows.chain([&extra[..]]), now).unwrap();
        for t in &town {
            let a = town_after.iter().find(|a| a.period == t.period).unwrap();
            prop_assert_eq!(a.baseline, t.baseline);
            prop_assert_eq!(a.issued_net_with_baseline, t.issued_net_with_baseline);
            if t.baseline_villages_reported > 0 {
                prop_assert_eq!(a.rate, t.rate);
            }
        }
    }
}

#[test]
fn the_dashboard_fills_every_month_and_groups_flagged_requests() {
    use crate::ledger::AgencyCategory;
    let mut input = DashboardInput {
        villages: vec![
            VillageEntry::always("V1", "东关村"),
            VillageEntry::always("V2", "西关村"),
        ],
        baseline_year: Some(2025),
        ..DashboardInput::default()
    };
    input.months.insert(
        "V1".into(),
        vec![StoredMonth {
            period: month(2),
            counts: counts(4, 0, 0),
            reported: true,
        }],
    );
    input.baselines.entry("V1".into()).or_default()[1] = Some(8);
    input.baselines.entry("V2".into()).or_default()[1] = Some(0);
    let flagged = |agency, item: &str, outcome, count| FlaggedCount {
        agency,
        item: item.parse().unwrap(),
        outcome,
        count,
    };
    input.flagged = vec![
        flagged(AgencyCategory::Bank, "N05", Outcome::RefusedRedirected, 3),
        flagged(
            AgencyCategory::Bank,
            "free:收入证明",
            Outcome::IssuedUnlisted,
            2,
        ),
        flagged(AgencyCategory::School, "N05", Outcome::RefusedRedirected, 4),
    ];
    let d = Dashboard::build(&input, month(1), month(3), NOW).unwrap();
    assert_eq!(d.months.len(), 3);
    let rows = Dashboard::village_rows(&input, month(1), month(3), NOW);
    assert!(rows.iter().all(|v| v.months.len() == 3));
    let v1_feb = &rows[0].months[1];
    assert_eq!(v1_feb.rate, Rate::Value { rate: 0.5 });
    assert!(v1_feb.reported);
    assert_eq!(rows[1].months[1].rate, Rate::NoReport);
    assert!(!rows[1].months[1].reported, "no report is not a zero");
    assert_eq!(rows[0].months[0].rate, Rate::NoBaseline);
    // The village's line over the range: its reported months with a baseline only.
    assert_eq!(d.rows[0].rate.rate, Rate::Value { rate: 0.5 });
    assert_eq!(d.rows[1].rate.rate, Rate::NoReport);
    assert_eq!(d.total.rate, Rate::Value { rate: 0.5 });
    assert_eq!((d.total.compared, d.total.with_baseline), (1, 2));
    assert_eq!((d.rows[0].months_reported, d.rows[0].months), (1, 3));
    assert_eq!(d.town[1].baseline, Some(8));
    assert_eq!(
        d.by_item[0],
        Flagged {
            key: ItemKey::Listed("N05".into()),
            refused: 7,
            unlisted: 0
        }
    );
    assert_eq!(
        d.by_agency[0],
        Flagged {
            key: AgencyCategory::Bank,
            refused: 3,
            unlisted: 2
        }
    );
}

/// A county (C) with two towns (T1: V11, V12; T2: V21) and a village
/// directly below it (V0).
fn county_tree() -> crate::org::AreaTree {
    use crate::org::{Area, AreaTree, Level};
    let area = |c: &str, level, parent: Option<&str>| Area {
        code: c.parse().unwrap(),
        name: format!("区{c}").parse().unwrap(),
        level,
        parent: parent.map(|p| p.parse().unwrap()),
    };
    AreaTree::new([
        area("C", Level::County, None),
        area("T1", Level::Town, Some("C")),
        area("T2", Level::Town, Some("C")),
        area("V11", Level::Village, Some("T1")),
        area("V12", Level::Village, Some("T1")),
        area("V21", Level::Village, Some("T2")),
        area("V0", Level::Village, Some("C")),
    ])
    .unwrap()
}

#[test]
fn a_county_dashboard_has_its_towns_as_rows_each_summing_its_villages() {
    use crate::org::Level;
    let tree = county_tree();
    let county: crate::values::AreaCode = "C".parse().unwrap();
    let villages = ["V0", "V11", "V12", "V21"];
    let mut input = DashboardInput {
        villages: villages
            .iter()
            .map(|v| VillageEntry::always(*v, format!("区{v}")))
            .collect(),
        place: AreaPlace::of(&tree, &county),
        groups: Some(AreaGroup::children_of(&tree, &county)),
        baseline_year: Some(2025),
        ..DashboardInput::default()
    };
    // February: V11 issued 2 of a baseline of 4, V12 did not report (a
    // baseline of 6), V21 issued 5 of 5, V0 issued 1 with no baseline.
    for (v, issued) in [("V11", 2), ("V21", 5), ("V0", 1)] {
        input.months.insert(
            v.into(),
            vec![StoredMonth {
                period: month(2),
                counts: counts(issued, 0, 0),
                reported: true,
            }],
        );
    }
    for (v, b) in [("V11", 4), ("V12", 6), ("V21", 5)] {
        input.baselines.entry(v.into()).or_default()[1] = Some(b);
    }
    let d = Dashboard::build(&input, month(1), month(3), NOW).unwrap();
    let place = d.place.as_ref().unwrap();
    assert_eq!(
        (place.area.code.as_str(), place.area.level),
        ("C", Level::County)
    );
    assert!(place.above.is_empty(), "the county is the root");
    let rows: Vec<_> = d
        .rows
        .iter()
        .map(|r| (r.code.as_str(), r.level, r.villages))
        .collect();
    assert_eq!(
        rows,
        [
            ("T1", Level::Town, 2),
            ("T2", Level::Town, 1),
            ("V0", Level::Village, 1)
        ]
    );
    let t1 = &d.rows[0];
    assert_eq!(t1.counts.issued, 2);
    assert_eq!(
        (t1.months_reported, t1.months),
        (1, 6),
        "2 villages × 3 months"
    );
    // Only V11's February compares: V12's is missing, not zero.
    assert_eq!(t1.rate.rate, Rate::Value { rate: 0.5 });
    assert_eq!((t1.rate.compared, t1.rate.with_baseline), (1, 2));
    assert_eq!(d.rows[1].rate.rate, Rate::Value { rate: 0.0 });
    assert_eq!(d.rows[2].rate.rate, Rate::NoBaseline);
    // The county: V11 and V21 compared, 7 of 9.
    assert_eq!(d.total.issued_net, 7);
    assert_eq!(d.total.baseline, Some(9));
    assert_eq!(d.total_counts.issued, 8);
}

#[test]
fn a_place_names_the_areas_above_from_the_root_down() {
    let tree = county_tree();
    let place = AreaPlace::of(&tree, &"V12".parse().unwrap()).unwrap();
    let above: Vec<_> = place.above.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(above, ["C", "T1"]);
    assert_eq!(place.path_text(), "区C / 区T1 / 区V12");
    assert!(AreaPlace::of(&tree, &"X".parse().unwrap()).is_none());
    let groups = AreaGroup::children_of(&tree, &"V12".parse().unwrap());
    assert!(groups.is_empty(), "a village has no rows below it");
}

proptest! {
    /// However the villages are grouped, the rows add up to the area:
    /// counts, village months, reported months and the months the rate
    /// compares.
    #[test]
    fn the_rows_of_any_grouping_add_up_to_the_area(
        entries in proptest::collection::vec((0usize..6, 0u8..6, 0u64..40, any::<bool>()), 0..40),
        baselines in proptest::collection::vec((0usize..6, 1u8..=12, 0u64..50), 0..20),
        group_of in proptest::collection::vec(0usize..3, 6),
    ) {
        use crate::org::Level;
        let code = |v: usize| format!("v{v}");
        let mut input = DashboardInput {
            villages: (0..6).map(|v| VillageEntry::always(code(v), format!("村{v}"))).collect(),
            baseline_year: Some(2025),
            groups: Some((0..3).map(|g| AreaGroup {
                area: AreaStep { code: format!("t{g}"), name: format!("镇{g}"), level: Level::Town },
                villages: (0..6).filter(|&v| group_of[v] == g).map(code).collect(),
            }).collect()),
            ..DashboardInput::default()
        };
        let mut stored = BTreeMap::new();
        for &(v, n, issued, reported) in &entries {
            stored.insert((code(v), n), (issued, reported));
        }
        for ((village, n), (issued, reported)) in stored {
            input.months.entry(village).or_default().push(StoredMonth {
                period: month(n + 1),
                counts: counts(issued, 0, 0),
                reported,
            });
        }
        for &(v, m, b) in &baselines {
            input.baselines.entry(code(v)).or_default()[usize::from(m) - 1] = Some(b);
        }
        let d = Dashboard::build(&input, month(1), month(6), NOW).unwrap();
        prop_assert_eq!(d.rows.len(), 3);
        let sum = |f: fn(&AreaSummary) -> u64| d.rows.iter().map(f).sum::<u64>();
        prop_assert_eq!(sum(|r| r.counts.issued), d.total_counts.issued);
        prop_assert_eq!(sum(|r| u64::from(r.villages)), 6);
        prop_assert_eq!(sum(|r| u64::from(r.months)), 36);
        let reported: u64 = d.town.iter().map(|t| u64::from(t.villages_reported)).sum();
        prop_assert_eq!(sum(|r| u64::from(r.months_reported)), reported);
        prop_assert_eq!(sum(|r| u64::from(r.rate.compared)), u64::from(d.total.compared));
        prop_assert_eq!(sum(|r| r.rate.issued_net), d.total.issued_net);
    }
}

/// A town of two villages reporting every month of 2026 on time, and a
/// third added in October.
fn town_with_a_village_added_in_october() -> DashboardInput {
    use crate::certificate::IssueDate;
    let mut input = DashboardInput {
        villages: vec![
            VillageEntry::always("V1", "东村"),
            VillageEntry::always("V2", "西村"),
            VillageEntry {
                code: "V3".into(),
                name: "新村".into(),
                span: VillageSpan::from(month(10)),
            },
        ],
        baseline_year: Some(2025),
        timing: Some(on_time::Timing {
            days: crate::values::ReportDays::new(10).unwrap(),
            today: "2027-01-20".parse().unwrap(),
        }),
        ..DashboardInput::default()
    };
    for v in ["V1", "V2"] {
        input.baselines.insert(v.into(), [Some(10); 12]);
        input.months.insert(
            v.into(),
            (1..=12)
                .map(|m| StoredMonth {
                    period: month(m),
                    counts: counts(8, 0, 0),
                    reported: true,
                })
                .collect(),
        );
        input.arrivals.insert(
            v.into(),
            (1..=12)
                .map(|m| {
                    let next = month(m).next();
                    let day = format!("{:04}-{:02}-03", next.year, next.month);
                    (month(m), day.parse::<IssueDate>().unwrap())
                })
                .collect(),
        );
    }
    input
}

#[test]
fn a_village_added_mid_year_is_not_missing_in_the_months_before_it_existed() {
    let input = town_with_a_village_added_in_october();
    let d = Dashboard::build(&input, month(1), month(12), NOW).unwrap();
    // January to September: two villages existed, both reported.
    for t in d.town.iter().filter(|t| t.period < month(10)) {
        assert_eq!((t.villages_reported, t.villages), (2, 2), "{}", t.period);
    }
    // October on: the new one exists and has not reported.
    let october = &d.town[9];
    assert_eq!((october.villages_reported, october.villages), (2, 3));
    // The rate compares only what existed; the on-time rate counts the new
    // village's three missed months, not the nine before it existed.
    assert_eq!(d.total.compared, 24);
    assert_eq!(d.total.with_baseline, 24);
    assert_eq!((d.on_time.on_time, d.on_time.late), (24, 3));
    let new = d.rows.iter().find(|r| r.code == "V3").unwrap();
    assert_eq!((new.months_reported, new.months), (0, 3));
    assert_eq!((new.on_time.on_time, new.on_time.late), (0, 3));
    // A range wholly before it existed: not applicable, not "no report".
    let before = Dashboard::build(&input, month(1), month(6), NOW).unwrap();
    let new = before.rows.iter().find(|r| r.code == "V3").unwrap();
    assert_eq!(new.rate.rate, Rate::NotApplicable);
    assert_eq!((new.months, new.on_time.late, new.villages), (0, 0, 0));
    let rows = Dashboard::village_rows(&input, month(1), month(12), NOW);
    let v3 = rows.iter().find(|r| r.code == "V3").unwrap();
    assert!(v3.months[..9]
        .iter()
        .all(|m| !m.exists && m.timeliness.is_none()));
    assert!(v3.months[9..].iter().all(|m| m.exists));
}

#[test]
fn a_retired_village_leaves_the_figures_after_its_last_month_and_keeps_its_history() {
    let mut input = town_with_a_village_added_in_october();
    input.villages[1].span = VillageSpan::from(month(1)).retired(month(6)).unwrap();
    // Its months after June were reported before it was retired: kept.
    let d = Dashboard::build(&input, month(1), month(12), NOW).unwrap();
    assert_eq!(d.town[11].villages, 3);
    // Once nothing stands after its last month, it is out of them.
    input
        .months
        .get_mut("V2")
        .unwrap()
        .retain(|m| m.period <= month(6));
    input
        .arrivals
        .get_mut("V2")
        .unwrap()
        .retain(|(p, _)| *p <= month(6));
    let d = Dashboard::build(&input, month(1), month(12), NOW).unwrap();
    assert_eq!((d.town[5].villages_reported, d.town[5].villages), (2, 2));
    assert_eq!((d.town[6].villages_reported, d.town[6].villages), (1, 1));
    assert_eq!((d.town[11].villages_reported, d.town[11].villages), (1, 2));
    let v2 = d.rows.iter().find(|r| r.code == "V2").unwrap();
    assert_eq!((v2.months_reported, v2.months), (6, 6));
}

#[test]
fn figures_a_village_has_outside_its_span_are_never_hidden() {
    let mut input = town_with_a_village_added_in_october();
    input.months.insert(
        "V3".into(),
        vec![StoredMonth {
            period: month(3),
            counts: counts(2, 0, 0),
            reported: true,
        }],
    );
    let d = Dashboard::build(&input, month(1), month(12), NOW).unwrap();
    assert_eq!((d.town[2].villages_reported, d.town[2].villages), (3, 3));
    assert_eq!(d.town[2].counts.issued, 18);
}

#[test]
fn only_a_reported_ended_month_of_a_village_that_existed_is_approvable() {
    let mut input = town_with_a_village_added_in_october();
    input.approved.insert("V1".into(), vec![month(11)]);
    let rows = Dashboard::village_rows(&input, month(1), month(12), month(12));
    let at = |code: &str, m: u8| {
        rows.iter().find(|r| r.code == code).unwrap().months[usize::from(m) - 1].clone()
    };
    let now = month(12);
    assert!(at("V2", 11).approvable(now));
    assert!(!at("V1", 11).approvable(now), "approved already");
    assert!(!at("V3", 11).approvable(now), "not reported");
    assert!(!at("V3", 5).approvable(now), "did not exist");
    assert!(!at("V2", 12).approvable(now), "not ended");
}

proptest! {
    /// However villages come and go, a town month counts only the villages
    /// that existed in it (or reported), and never more reported or
    /// approved than existed.
    #[test]
    fn a_town_month_counts_only_the_villages_that_existed(
        spans in proptest::collection::vec((1u8..=12, proptest::option::of(0u8..12)), 1..6),
        reports in proptest::collection::vec((0usize..6, 1u8..=12), 0..40),
    ) {
        let mut input = DashboardInput::default();
        for (i, &(first, len)) in spans.iter().enumerate() {
            let mut span = VillageSpan::from(month(first));
            if let Some(len) = len {
                span = span.retired(month((first + len).min(12))).unwrap();
            }
            input.villages.push(VillageEntry { code: format!("v{i}"), name: format!("村{i}"), span });
        }
        let mut reported = BTreeMap::<(String, u8), ()>::new();
        for &(v, m) in reports.iter().filter(|(v, _)| *v < spans.len()) {
            reported.insert((format!("v{v}"), m), ());
        }
        for (v, m) in reported.keys() {
            input.months.entry(v.clone()).or_default().push(StoredMonth {
                period: month(*m), counts: counts(1, 0, 0), reported: true,
            });
        }
        input.approved = input.months.iter()
            .map(|(v, ms)| (v.clone(), ms.iter().map(|m| m.period).collect()))
            .collect();
        let d = Dashboard::build(&input, month(1), month(12), NOW).unwrap();
        for t in &d.town {
            let m = t.period.month;
            let existed = input.villages.iter().filter(|v| {
                v.span.covers(t.period) || reported.contains_key(&(v.code.clone(), m))
            }).count();
            prop_assert_eq!(t.villages as usize, existed);
            prop_assert!(t.villages_reported <= t.villages);
            prop_assert!(t.villages_approved <= t.villages_reported);
        }
    }
}

#[test]
fn an_approval_plan_approves_what_reported_and_leaves_the_missing_missing() {
    use crate::i18n::Lang;
    use approval::{ApprovalPlan, NotEnded};
    let mut input = town_with_a_village_added_in_october();
    // 西村 has not reported November; 东村's November was approved before.
    input
        .months
        .get_mut("V2")
        .unwrap()
        .retain(|m| m.period != month(11));
    input.approved.insert("V1".into(), vec![month(11)]);
    let rows = Dashboard::village_rows(&input, month(11), month(11), NOW);
    let plan = ApprovalPlan::of(&rows, month(11), NOW).unwrap();
    assert!(plan.to_approve.is_empty());
    assert_eq!(plan.already, 1);
    assert_eq!(plan.not_reported, ["西村", "新村"]);
    // A month before the new village existed: it is not named.
    let rows = Dashboard::village_rows(&input, month(3), month(3), NOW);
    let plan = ApprovalPlan::of(&rows, month(3), NOW).unwrap();
    assert_eq!(plan.to_approve, ["V1", "V2"]);
    assert!(plan.not_reported.is_empty());
    assert_eq!(plan.summary(Lang::Zh), "2026-03：2个村已上报，将审核通过。");
    let rows = Dashboard::village_rows(&input, month(10), month(10), NOW);
    let plan = ApprovalPlan::of(&rows, month(10), NOW).unwrap();
    assert_eq!(
        plan.summary(Lang::En),
        "2026-10: 2 reported will be approved; 1 have not reported and stay missing until they do."
    );
    assert_eq!(ApprovalPlan::of(&rows, NOW, NOW), Err(NotEnded(NOW)));
}

#[test]
fn a_withdrawal_needs_a_reason() {
    use approval::WithdrawReason;
    assert!(WithdrawReason::try_from("  ".to_owned()).is_err());
    assert!(WithdrawReason::try_from("x".repeat(201)).is_err());
    assert!(WithdrawReason::try_from("a\u{202e}b".to_owned()).is_err());
    assert_eq!(
        WithdrawReason::try_from(" 西村补报了数据 ".to_owned())
            .unwrap()
            .as_str(),
        "西村补报了数据"
    );
}

/// Counts are figures where someone reported or something was counted;
/// otherwise they are missing, not zero.
#[test]
fn counts_no_one_reported_are_missing_not_zero() {
    let none = MonthCounts::default();
    assert_eq!(none.known(false), None);
    assert_eq!(none.known(true), Some(none));
    let some = MonthCounts {
        issued: 2,
        ..MonthCounts::default()
    };
    assert_eq!(some.known(false), Some(some));
}
