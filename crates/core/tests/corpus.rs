//! Accuracy of the checker on residents' own words (tests/corpus/queries.tsv):
//! top-1 (the decision and the first entry are right; for UNKNOWN rows, the
//! decision is unknown) and top-3 (the entry is among the first three).

use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::check::{Checker, Decision};
use std::collections::BTreeMap;

/// Thresholds set from what the matcher reaches, with a little room.
const MIN_TOP1_PCT: f64 = 90.0;
const MIN_TOP3_PCT: f64 = 95.0;

struct Row {
    query: String,
    expected: String,
    note: String,
}

fn corpus() -> Vec<Row> {
    include_str!("corpus/queries.tsv")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut cols = line.split('\t');
            let mut next = || cols.next().expect("three columns").to_owned();
            Row {
                query: next(),
                expected: next(),
                note: next(),
            }
        })
        .collect()
}

#[test]
fn the_corpus_is_large_and_covers_every_entry() {
    let rows = corpus();
    assert!(rows.len() >= 150, "{} rows", rows.len());
    let catalogue = Catalogue::default_lists();
    for found in catalogue.entries() {
        let n = rows
            .iter()
            .filter(|r| r.expected == found.entry.code)
            .count();
        assert!(n >= 5, "{} has {n} queries", found.entry.code);
    }
    for row in &rows {
        assert!(
            row.expected == "UNKNOWN" || catalogue.find(&row.expected).is_some(),
            "{}",
            row.expected
        );
    }
}

#[test]
fn top1_and_top3_accuracy_on_the_corpus() {
    let checker = Checker::new(Catalogue::default_lists());
    let rows = corpus();
    let mut by_note: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let (mut top1, mut top3) = (0usize, 0usize);
    let mut misses = Vec::new();
    for row in &rows {
        let check = checker.check(&row.query, 3);
        let codes: Vec<&str> = check
            .candidates
            .iter()
            .map(|c| c.entry.code.as_str())
            .collect();
        let (hit1, hit3) = if row.expected == "UNKNOWN" {
            let ok = check.decision == Decision::Unknown;
            (ok, ok)
        } else {
            (
                check.decision != Decision::Unknown
                    && codes.first() == Some(&row.expected.as_str()),
                codes.contains(&row.expected.as_str()),
            )
        };
        top1 += usize::from(hit1);
        top3 += usize::from(hit3);
        let slot = by_note.entry(&row.note).or_default();
        slot.0 += 1;
        slot.1 += usize::from(hit1);
        slot.2 += usize::from(hit3);
        if !hit1 {
            let best = check
                .candidates
                .first()
                .map(|c| (c.entry.code.as_str(), c.confidence));
            misses.push(format!(
                "  {:<28} expected {:<7} got {:?} {:?}",
                row.query, row.expected, check.decision, best
            ));
        }
    }
    let pct = |n: usize, d: usize| 100.0 * n as f64 / d as f64;
    println!("queries: {}", rows.len());
    for (note, (n, h1, h3)) in &by_note {
        println!(
            "  {note:<12} {n:>4}  top-1 {:5.1}%  top-3 {:5.1}%",
            pct(*h1, *n),
            pct(*h3, *n)
        );
    }
    println!("misses:\n{}", misses.join("\n"));
    let (p1, p3) = (pct(top1, rows.len()), pct(top3, rows.len()));
    println!("check_top1_pct: {p1:.1} %");
    println!("check_top3_pct: {p3:.1} %");
    assert!(p1 >= MIN_TOP1_PCT, "top-1 {p1:.1}% below {MIN_TOP1_PCT}%");
    assert!(p3 >= MIN_TOP3_PCT, "top-3 {p3:.1}% below {MIN_TOP3_PCT}%");
}
