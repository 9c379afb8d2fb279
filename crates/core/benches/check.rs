//! Keystroke query latency over a 500-entry catalogue.
//!
//! Every query of the corpus is typed one character at a time; each prefix
//! is one keystroke query. `check/keystroke_500` runs them in turn, one per
//! iteration, so its median is the time of a typical keystroke query. The
//! baseline in the same run is a plain substring scan of every name and
//! alias, the least any search must do.

use criterion::{criterion_group, criterion_main, Criterion};
use jianzheng_core::catalogue::{Catalogue, Entry, List, Route, Status, Text};
use jianzheng_core::check::Checker;
use std::hint::black_box;
use std::time::Instant;

/// The shipped lists plus synthetic entries up to `n`, built from the real
/// names' characters so their syllables collide as a real catalogue's would.
fn catalogue_of(n: usize) -> Catalogue {
    let shipped = Catalogue::default_lists();
    let real: Vec<Entry> = shipped.entries().map(|f| f.entry.clone()).collect();
    let pool: Vec<char> = real
        .iter()
        .flat_map(|e| e.aliases.iter().chain([&e.name.zh]))
        .flat_map(|s| s.chars())
        .collect();
    let mut seed = 0x2545_f491_u64;
    let mut next = move |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let mut word = |len: usize| -> String { (0..len).map(|_| pool[next(pool.len())]).collect() };
    let mut lists = shipped.lists().to_vec();
    let synthetic = (real.len()..n)
        .map(|i| {
            let stem = word(4);
            Entry {
                code: format!("S{i:03}"),
                name: Text {
                    zh: format!("{stem}证明"),
                    en: format!("Synthetic {i}"),
                },
                aliases: (0..10)
                    .map(|k| format!("{}{}", &stem, word(1 + k % 3)))
                    .collect(),
                aliases_en: vec![],
                proves: vec![],
                status: Status::MustNotIssue,
                basis: Text::default(),
                instead: Some(Route {
                    agency: Text::default(),
                    how: Text::default(),
                }),
                materials: vec![],
                template: None,
                declaration: None,
            }
        })
        .collect();
    lists.push(List {
        format: 1,
        id: "synthetic".into(),
        version: "1".into(),
        title: Text::default(),
        source: Text::default(),
        published: "2026-01-01".into(),
        entries: synthetic,
    });
    Catalogue::new(lists).unwrap()
}

fn keystrokes() -> Vec<String> {
    include_str!("../tests/corpus/queries.tsv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .flat_map(|q| {
            let chars: Vec<char> = q.chars().collect();
            (1..=chars.len()).map(move |k| chars[..k].iter().collect::<String>())
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let catalogue = catalogue_of(500);
    assert_eq!(catalogue.entries().count(), 500);
    let names: Vec<String> = catalogue
        .entries()
        .flat_map(|f| f.entry.aliases.iter().chain([&f.entry.name.zh]).cloned())
        .collect();
    let checker = Checker::new(catalogue);
    let queries = keystrokes();
    let mut group = c.benchmark_group("check");
    let mut i = 0;
    group.bench_function("keystroke_500", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            black_box(checker.check(black_box(&queries[i]), 5).candidates.len())
        })
    });
    let mut j = 0;
    group.bench_function("baseline_substring_500", |b| {
        b.iter(|| {
            j = (j + 1) % queries.len();
            let q = black_box(&queries[j]);
            black_box(names.iter().filter(|n| n.contains(q.as_str())).count())
        })
    });
    group.finish();

    // The figures scripts/bench reports: the median (and p95) over keystroke
    // queries of each query's own time, with the substring scan beside it.
    let ours = per_query_us(&queries, |q| checker.check(q, 5).candidates.len());
    let base = per_query_us(&queries, |q| names.iter().filter(|n| n.contains(q)).count());
    println!("check_query_median_us: {:.1} µs", percentile(&ours, 50));
    println!("check_query_p95_us: {:.1} µs", percentile(&ours, 95));
    println!(
        "check_baseline_substring_median_us: {:.1} µs",
        percentile(&base, 50)
    );
}

/// Each query's time in µs: the mean of a few runs after a warm-up run.
fn per_query_us(queries: &[String], mut run: impl FnMut(&str) -> usize) -> Vec<f64> {
    const RUNS: u32 = 20;
    let mut times: Vec<f64> = queries
        .iter()
        .map(|q| {
            black_box(run(q));
            let start = Instant::now();
            for _ in 0..RUNS {
                black_box(run(black_box(q)));
            }
            start.elapsed().as_secs_f64() * 1e6 / f64::from(RUNS)
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    sorted[(sorted.len() - 1) * p / 100]
}

criterion_group!(benches, bench);
criterion_main!(benches);
