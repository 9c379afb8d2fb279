use super::*;
use proptest::prelude::*;

fn month(m: u8) -> Period {
    Period {
        year: 2026,
        month: m,
    }
}

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
fn the_town_rate_uses_sums_over_villages_with_a_baseline_and_says_what_is_missing() {
    let a = [VillageMonth::new(month(3), counts(6, 0, 0), true, Some(10))];
    let b = [VillageMonth::new(
        month(3),
        counts(2, 0, 0),
        false,
        Some(10),
    )];
    let c = [VillageMonth::new(month(3), counts(9, 0, 0), true, None)];
    let town = town_months([&a[..], &b[..], &c[..]]);
    assert_eq!(town.len(), 1);
    let t = &town[0];
    assert_eq!(t.counts.issued, 17);
    assert_eq!(t.baseline, Some(20));
    assert_eq!(t.issued_net_with_baseline, 8);
    assert_eq!(t.rate, Rate::Value { rate: 0.6 });
    assert_eq!((t.villages_reported, t.villages), (2, 3));
    assert_eq!(
        (t.baseline_villages_reported, t.villages_with_baseline),
        (1, 2)
    );
    // No village with a baseline: no town rate.
    let town = town_months([&c[..]]);
    assert_eq!(town[0].rate, Rate::NoBaseline);
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
            villages: (0..4).map(|v| (code(v), format!("村{v}"))).collect(),
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
        for row in Dashboard::village_rows(&input, first, last) {
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
            .map(|&(i, v, b, r)| [VillageMonth::new(month(1), counts(i, 0, v), r, b)])
            .collect();
        let forward = town_months(months.iter().map(|m| &m[..]));
        let backward = town_months(months.iter().rev().map(|m| &m[..]));
        prop_assert_eq!(&forward, &backward);
        let t = &forward[0];
        prop_assert!(t.baseline_villages_reported <= t.villages_with_baseline);
        prop_assert!(t.villages_with_baseline <= t.villages);
        prop_assert!(t.villages_reported <= t.villages);
    }
}

#[test]
fn the_dashboard_fills_every_month_and_groups_flagged_requests() {
    use crate::ledger::AgencyCategory;
    let mut input = DashboardInput {
        villages: vec![
            ("V1".into(), "东关村".into()),
            ("V2".into(), "西关村".into()),
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
    input.flagged = vec![
        (
            AgencyCategory::Bank,
            "N05".into(),
            Outcome::RefusedRedirected,
            3,
        ),
        (
            AgencyCategory::Bank,
            "free:收入证明".into(),
            Outcome::IssuedUnlisted,
            2,
        ),
        (
            AgencyCategory::School,
            "N05".into(),
            Outcome::RefusedRedirected,
            4,
        ),
    ];
    let d = Dashboard::build(&input, month(1), month(3));
    assert_eq!(d.months.len(), 3);
    let rows = Dashboard::village_rows(&input, month(1), month(3));
    assert!(rows.iter().all(|v| v.months.len() == 3));
    let v1_feb = &rows[0].months[1];
    assert_eq!(v1_feb.rate, Rate::Value { rate: 0.5 });
    assert!(v1_feb.reported);
    assert_eq!(rows[1].months[1].rate, Rate::ZeroBaseline);
    assert!(!rows[1].months[1].reported, "no report is not a zero");
    assert_eq!(rows[0].months[0].rate, Rate::NoBaseline);
    // The village's line over the range: its months with a baseline only.
    assert_eq!(d.villages[0].rate, Rate::Value { rate: 0.5 });
    assert_eq!(
        (d.villages[0].months_reported, d.villages[0].months),
        (1, 3)
    );
    assert_eq!(d.town[1].baseline, Some(8));
    assert_eq!(
        d.by_item[0],
        Flagged {
            key: "N05".into(),
            refused: 7,
            unlisted: 0
        }
    );
    assert_eq!(
        d.by_agency[0],
        Flagged {
            key: "bank".into(),
            refused: 3,
            unlisted: 2
        }
    );
}
