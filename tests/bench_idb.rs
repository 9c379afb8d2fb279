//! Record latency in a real browser, run by `scripts/bench` (not by the
//! test run). Prints `record_p95_ms`, `record_median_ms` and, as the
//! baseline of the same run, `raw_strict_put_p95_ms`: one strict-durability
//! put of a small value, the least a durable record can cost.
#![cfg(target_arch = "wasm32")]

use jianzheng_app::storage::Storage;
use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::ledger::{AgencyCategory, ItemRef, Limits, Outcome, Request, Writer};
use std::collections::BTreeMap;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RUNS: usize = 300;

fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

fn percentile(mut times: Vec<f64>, p: usize) -> f64 {
    times.sort_by(f64::total_cmp);
    times[(times.len() - 1) * p / 100]
}

fn print(line: String) {
    web_sys::console::log_1(&line.into());
}

#[wasm_bindgen_test]
async fn record_latency() {
    let storage = Storage::open("bench-record").await.unwrap();
    storage
        .set_writer(&Writer {
            village: "140105001".into(),
            device: "T1".into(),
        })
        .await
        .unwrap();
    let catalogue = Catalogue::default_lists();
    let mut record = Vec::with_capacity(RUNS);
    let mut raw = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let request = Request {
            outcome: if i % 3 == 0 {
                Outcome::RefusedRedirected
            } else {
                Outcome::Issued
            },
            item: ItemRef::Listed {
                code: "A02".into(),
                list_id: "l".into(),
                list_version: "1".into(),
            },
            agency: "农业银行城关支行".into(),
            agency_category: AgencyCategory::Bank,
            purpose: "办理贷款".into(),
            resident: BTreeMap::from([
                ("name".to_owned(), format!("居民{i}")),
                ("id_number".to_owned(), "140105199001011234".to_owned()),
            ]),
            reason: None,
            voids: None,
        };
        let t0 = now();
        storage
            .record(
                request,
                &catalogue,
                "2026-11-27T09:00:00Z",
                &Limits::default(),
            )
            .await
            .unwrap();
        record.push(now() - t0);
        let t0 = now();
        storage
            .put_meta("bench-raw", &format!("居民{i} 140105199001011234"))
            .await
            .unwrap();
        raw.push(now() - t0);
    }
    print(format!(
        "record_p95_ms: {:.1} ms",
        percentile(record.clone(), 95)
    ));
    print(format!(
        "record_median_ms: {:.1} ms",
        percentile(record, 50)
    ));
    print(format!(
        "raw_strict_put_p95_ms: {:.1} ms",
        percentile(raw, 95)
    ));
    storage.close();
}
