//! Accuracy of the checker on residents' own words, in three parts:
//! `queries.tsv` (names and short phrases), `sentences.tsv` (whole
//! sentences with the agency, the purpose and filler around the fact) and
//! `sentences-holdout.tsv` (sentences in the same style, written apart and
//! never used to tune the matcher: its figure is the honest one).
//!
//! Top-1: the decision and the first entry are right (for UNKNOWN rows, the
//! decision is unknown). An answer unsure between two entries is not a top-1
//! hit, since it does not decide. Top-3: the entry is among the first three.

use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::check::{Checker, Decision};
use std::collections::BTreeMap;

struct Row {
    query: String,
    expected: String,
    note: String,
}

fn rows(tsv: &str) -> Vec<Row> {
    tsv.lines()
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

const NAMES: &str = include_str!("corpus/queries.tsv");
const SENTENCES: &str = include_str!("corpus/sentences.tsv");
const HOLDOUT: &str = include_str!("corpus/sentences-holdout.tsv");

/// Top-1 and top-3 of one part, in percent, printed with its misses.
fn accuracy(part: &str, tsv: &str) -> (f64, f64) {
    let checker = Checker::new(Catalogue::default_lists());
    let rows = rows(tsv);
    let mut by_note: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let (mut top1, mut top3) = (0usize, 0usize);
    let mut misses = Vec::new();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &rows {
        let check = checker.check(&row.query, 3);
        let codes: Vec<&str> = check
            .candidates
            .iter()
            .map(|c| c.entry.code.as_str())
            .collect();
        let (hit1, hit3) = if row.expected == "UNKNOWN" {
            let ok = check.decision == Decision::Unknown && !check.unsure;
            (ok, ok)
        } else {
            (
                check.decision != Decision::Unknown
                    && !check.unsure
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
            let kind = match (row.expected == "UNKNOWN", check.unsure, codes.first()) {
                (true, _, _) => "decided an unknown",
                (false, true, _) => "unsure",
                (false, false, _) if check.decision == Decision::Unknown => "unknown",
                (false, false, _) => "another entry",
            };
            *kinds.entry(kind).or_default() += 1;
            let best: Vec<(&str, f32)> = check
                .candidates
                .iter()
                .take(2)
                .map(|c| (c.entry.code.as_str(), c.confidence))
                .collect();
            misses.push(format!(
                "  {} expected {} got {:?}{} {:?}",
                row.query,
                row.expected,
                check.decision,
                if check.unsure { " (unsure)" } else { "" },
                best
            ));
        }
    }
    let pct = |n: usize, d: usize| 100.0 * n as f64 / d as f64;
    println!("{part}: {} queries", rows.len());
    for (note, (n, h1, h3)) in &by_note {
        println!(
            "  {note:<16} {n:>4}  top-1 {:5.1}%  top-3 {:5.1}%",
            pct(*h1, *n),
            pct(*h3, *n)
        );
    }
    println!("  misses by kind: {kinds:?}");
    if part != "holdout" {
        println!("misses:\n{}", misses.join("\n"));
    }
    let (p1, p3) = (pct(top1, rows.len()), pct(top3, rows.len()));
    println!("check_top1_pct_{part}: {p1:.1} %");
    println!("check_top3_pct_{part}: {p3:.1} %");
    (p1, p3)
}

#[test]
fn each_part_is_large_and_covers_every_entry() {
    let catalogue = Catalogue::default_lists();
    for (tsv, at_least, per_entry, unknown) in [
        (NAMES, 250, 5, 20),
        (SENTENCES, 200, 6, 40),
        (HOLDOUT, 60, 1, 10),
    ] {
        let rows = rows(tsv);
        assert!(rows.len() >= at_least, "{} rows", rows.len());
        for found in catalogue.entries() {
            let n = rows
                .iter()
                .filter(|r| r.expected == found.entry.code)
                .count();
            assert!(n >= per_entry, "{} has {n} queries", found.entry.code);
        }
        let unknowns = rows.iter().filter(|r| r.expected == "UNKNOWN").count();
        assert!(unknowns >= unknown, "{unknowns} unknown rows");
        for row in &rows {
            assert!(
                row.expected == "UNKNOWN" || catalogue.find(&row.expected).is_some(),
                "{}",
                row.expected
            );
        }
    }
}

// Thresholds are set from what the matcher reaches, with a little room.

#[test]
fn names_and_short_phrases() {
    let (top1, top3) = accuracy("names", NAMES);
    assert!(top1 >= 92.0, "top-1 {top1:.1}%");
    assert!(top3 >= 96.0, "top-3 {top3:.1}%");
}

#[test]
fn whole_sentences() {
    let (top1, top3) = accuracy("sentences", SENTENCES);
    assert!(top1 >= 90.0, "top-1 {top1:.1}%");
    assert!(top3 >= 97.0, "top-3 {top3:.1}%");
}

#[test]
fn held_out_sentences() {
    let (top1, top3) = accuracy("holdout", HOLDOUT);
    assert!(top1 >= 74.0, "top-1 {top1:.1}%");
    assert!(top3 >= 92.0, "top-3 {top3:.1}%");
}
