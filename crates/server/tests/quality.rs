//! What the town reads from its figures, over real HTTP on SQLite and (with
//! `JIANZHENG_TEST_POSTGRES`) PostgreSQL: the signs that a figure is not
//! real (the demo's village that stopped recording, its village whose
//! issues turned into refusals and its silent tablet are each listed with
//! their reason, and no other village is), the letters to agencies, and
//! the report upward, as JSON and as Word documents read back here.

mod support;

use jianzheng_core::api::town::Me;
use jianzheng_core::i18n::{Lang, Msg};
use jianzheng_core::ledger::Period;
use jianzheng_core::rate::letters::Letter;
use jianzheng_core::rate::quality::{QualitySign, VillageSigns};
use jianzheng_core::rate::report::Report;
use jianzheng_core::rate::{Comparison, Rate};
use jianzheng_server::auth::hash_password;
use jianzheng_server::demo::{seed, village_code, DemoSize};
use std::io::Read;

const PASSWORD: &str = "a-quality-password-1";

/// The demo's newest month.
const LAST: Period = Period {
    year: 2026,
    month: 10,
};

/// A server with the demo town of 12 villages up to October 2026, and a
/// client logged in as its administrator.
async fn demo_town() -> (support::Running, reqwest::Client) {
    let srv = support::start().await;
    srv.storage
        .create_user("admin", &hash_password(PASSWORD), false)
        .await
        .unwrap();
    seed(
        &srv.storage,
        DemoSize {
            villages: 12,
            months: 24,
            last: LAST,
        },
    )
    .await
    .unwrap();
    let client = support::town_client(&srv.base, PASSWORD).await;
    // Named at the first login: no paper prints the placeholder 本镇.
    let res = client
        .put(format!("{}/api/v1/town/areas/TOWN", srv.base))
        .json(&serde_json::json!({"name": "东关镇", "level": "town"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    (srv, client)
}

/// `GET /api/v1/town/{path}` as `client`, read as JSON.
async fn town_get<T: serde::de::DeserializeOwned>(
    srv: &support::Running,
    client: &reqwest::Client,
    path: &str,
) -> T {
    let res = client
        .get(format!("{}/api/v1/town/{path}", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_demo_shows_one_village_of_each_sign_and_no_other() {
    let (srv, client) = demo_town().await;
    let last = LAST;
    let signs: Vec<VillageSigns> = town_get(&srv, &client, "quality?from=2025-11&to=2026-10").await;
    let kinds: Vec<(String, Vec<&str>)> = signs
        .iter()
        .map(|v| {
            let kinds = v
                .signs
                .iter()
                .map(|s| match s {
                    QualitySign::FellBelowHistory { period, .. } => {
                        assert_eq!(*period, last);
                        "fell"
                    }
                    QualitySign::PossibleReclassification { period, .. } => {
                        assert_eq!(*period, last);
                        "reclassified"
                    }
                    QualitySign::SilentTablet { ledger, .. } => {
                        assert_eq!(ledger, "T1");
                        "silent"
                    }
                })
                .collect();
            (v.code.clone(), kinds)
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (village_code(1), vec!["fell"]),
            (village_code(2), vec!["reclassified"]),
            (village_code(3), vec!["silent"]),
        ]
    );
    // Without a session, nothing.
    let res = reqwest::get(format!(
        "{}/api/v1/town/quality?from=2025-11&to=2026-10",
        srv.base
    ))
    .await
    .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn each_agency_that_asked_for_certificates_gets_a_letter_with_the_basis_and_the_way() {
    let (srv, client) = demo_town().await;
    let letters: Vec<Letter> = town_get(&srv, &client, "letters?from=2026-01&to=2026-10").await;
    // The demo's refusals and unlisted issues rotate over four categories.
    assert_eq!(letters.len(), 4, "{letters:?}");
    for letter in &letters {
        assert!(letter.total() > 0);
        let refused = letter
            .lines
            .iter()
            .find(|l| l.refused > 0)
            .expect("a refused item");
        assert!(!refused.basis.zh.is_empty(), "{refused:?}");
        assert!(refused.instead.is_some(), "{refused:?}");
    }
    let totals: Vec<u64> = letters.iter().map(Letter::total).collect();
    assert!(
        totals.windows(2).all(|w| w[0] >= w[1]),
        "most first: {totals:?}"
    );
    let res = reqwest::get(format!(
        "{}/api/v1/town/letters?from=2026-01&to=2026-10",
        srv.base
    ))
    .await
    .unwrap();
    assert_eq!(res.status(), 401);
}

/// A `.docx` from `GET /api/v1/town/{path}`: its text, one paragraph a line
/// (the XML's tags dropped and its entities read), and its pictures.
struct Word {
    text: String,
    xml: String,
    pictures: Vec<Vec<u8>>,
}

async fn town_docx(srv: &support::Running, client: &reqwest::Client, path: &str) -> Word {
    let res = client
        .get(format!("{}/api/v1/town/{path}", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("the document part")
        .read_to_string(&mut xml)
        .unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    let pictures = names
        .iter()
        .filter(|n| n.starts_with("word/media/") && !n.ends_with('/'))
        .map(|n| {
            let mut bytes = Vec::new();
            zip.by_name(n).unwrap().read_to_end(&mut bytes).unwrap();
            bytes
        })
        .collect();
    let mut text = String::new();
    let mut rest = xml.replace("</w:p>", "\n");
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find('>').expect("a closed tag") + open;
        rest = rest[close + 1..].to_owned();
    }
    text.push_str(&rest);
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    Word {
        text,
        xml,
        pictures,
    }
}

#[tokio::test]
async fn the_report_says_the_headline_ranks_the_villages_and_reads_back_from_word() {
    let (srv, client) = demo_town().await;
    let range = "from=2026-01&to=2026-10";
    let report: Report = town_get(&srv, &client, &format!("report?{range}")).await;
    let d = &report.dashboard;
    assert_eq!(d.comparison, Comparison::Baseline);
    assert_eq!(d.rows.len(), 12);
    // Sorted by rate, the largest reduction first.
    let rates: Vec<f64> = d
        .rows
        .iter()
        .filter_map(|r| match r.rate.rate {
            Rate::Value { rate } => Some(rate),
            _ => None,
        })
        .collect();
    assert!(!rates.is_empty());
    assert!(rates.windows(2).all(|w| w[0] >= w[1]), "{rates:?}");
    assert_eq!(report.agencies.len(), 4);
    assert_eq!(report.signs_total, 3);
    assert!(!report.unlisted.is_empty());
    let headline = report.headline(Lang::Zh);
    assert!(headline.contains('%'), "{headline}");

    let word = town_docx(&srv, &client, &format!("report.docx?{range}")).await;
    let [title, months] = report.title(Lang::Zh);
    for line in [title, months, headline] {
        assert!(word.text.contains(&line), "{line} not in {}", word.text);
    }
    for row in &d.rows {
        assert!(word.text.contains(&row.name), "{}", row.name);
    }
    for letter in &report.agencies {
        assert!(word.text.contains(letter.agency.label(Lang::Zh)));
    }
    for village in &report.signs {
        assert!(word.text.contains(&village.name), "{}", village.name);
    }
    for note in report.method(Lang::Zh) {
        assert!(word.text.contains(&note), "{note}");
    }
    assert!(word.text.contains(&report.unlisted[0].name.zh));
    assert!(
        word.xml.contains("w:w=\"11906\"") && word.xml.contains("w:h=\"16838\""),
        "A4"
    );
    // The chart is a real PNG of its stated size.
    assert_eq!(word.pictures.len(), 1);
    let decoder = png::Decoder::new(std::io::Cursor::new(&word.pictures[0]));
    let info = decoder.read_info().expect("a PNG");
    assert_eq!((info.info().width, info.info().height), (1440, 480));

    let english = town_docx(&srv, &client, &format!("report.docx?{range}&lang=en")).await;
    assert!(english.text.contains(&report.headline(Lang::En)));
    assert!(english.text.contains(Msg::ReportMethod.text(Lang::En)));

    for path in ["report", "report.docx"] {
        let res = reqwest::get(format!("{}/api/v1/town/{path}?{range}", srv.base))
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{path}");
    }
    let res = client
        .get(format!(
            "{}/api/v1/town/report?{range}&compare=last_decade",
            srv.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn the_report_can_compare_with_the_year_before_as_reported_then() {
    let (srv, client) = demo_town().await;
    let report: Report = town_get(
        &srv,
        &client,
        "report?from=2026-01&to=2026-10&compare=year_before",
    )
    .await;
    let d = &report.dashboard;
    assert_eq!(d.comparison, Comparison::YearBefore);
    assert_eq!(d.baseline_year, None);
    // The demo's baseline year is 2025, its first full year: the year
    // before 2026 gives the same figures, under the other name.
    let baseline: Report = town_get(&srv, &client, "report?from=2026-01&to=2026-10").await;
    assert!(d.total.compared > 0);
    assert_eq!(d.total.baseline, baseline.dashboard.total.baseline);
    assert_eq!(d.total.compared, baseline.dashboard.total.compared);
    let zh = report.headline(Lang::Zh);
    assert!(zh.contains("上年同期") && !zh.contains("基准期"), "{zh}");
    // The demo begins in 2024-11: 2025-11 and 2025-12 are compared with
    // what was reported a year before, not with the 2025 baseline.
    let late: Report = town_get(
        &srv,
        &client,
        "report?from=2025-11&to=2025-12&compare=year_before",
    )
    .await;
    assert_eq!(late.dashboard.total.with_baseline, 24);
    let against_baseline: Report = town_get(&srv, &client, "report?from=2025-11&to=2025-12").await;
    assert_ne!(
        late.dashboard.total.baseline,
        against_baseline.dashboard.total.baseline
    );
    // Before the demo's first month nothing was reported: nothing to
    // compare with, not a zero.
    let early: Report = town_get(
        &srv,
        &client,
        "report?from=2025-01&to=2025-10&compare=year_before",
    )
    .await;
    assert_eq!(early.dashboard.total.rate, Rate::NoBaseline);
    assert_eq!(early.lacking_baseline.total, 12);
    assert!(!early.headline(Lang::Zh).contains('%'));
}

#[tokio::test]
async fn the_letters_read_back_from_word_one_page_each() {
    let (srv, client) = demo_town().await;
    let range = "from=2026-01&to=2026-10";
    let letters: Vec<Letter> = town_get(&srv, &client, &format!("letters?{range}")).await;
    let word = town_docx(&srv, &client, &format!("letters.docx?{range}")).await;
    let first = Period {
        year: 2026,
        month: 1,
    };
    // Signed by the account's own area.
    let me: Me = town_get(&srv, &client, "me").await;
    let town = me.area.expect("the town's own area").area.name;
    for letter in &letters {
        for line in letter.opening(&town, first, LAST, Lang::Zh) {
            assert!(word.text.contains(&line), "{line}");
        }
        for line in &letter.lines {
            assert!(word.text.contains(&line.name.zh), "{}", line.name.zh);
        }
    }
    assert_eq!(
        word.xml.matches("<w:pageBreakBefore").count(),
        letters.len() - 1,
        "a page each"
    );
    assert_eq!(
        word.text.matches(Msg::LetterClosing.text(Lang::Zh)).count(),
        letters.len()
    );
}

#[tokio::test]
async fn each_village_month_is_on_time_or_late_by_the_areas_report_days() {
    let (srv, client) = demo_town().await;
    let range = "from=2026-01&to=2026-10";
    let report: Report = town_get(&srv, &client, &format!("report?{range}")).await;
    let d = &report.dashboard;
    assert_eq!(d.report_days, Some(10), "ten days unless the area says");
    // The demo's 柳树沟村 reports two weeks after each month; the others
    // within the week.
    assert_eq!(
        (d.on_time.on_time, d.on_time.late, d.on_time.pending),
        (110, 10, 0)
    );
    let late = d.rows.iter().find(|r| r.on_time.late > 0).unwrap();
    assert_eq!((late.name.as_str(), late.on_time.late), ("柳树沟村", 10));
    assert!(report
        .method(Lang::Zh)
        .join("")
        .contains("按时上报率91.7%（110/120）"));
    // Twenty days make two weeks on time.
    let res = client
        .put(format!("{}/api/v1/town/settings", srv.base))
        .json(&serde_json::json!({"stale_days": 14, "report_days": 20}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let again: Report = town_get(&srv, &client, &format!("report?{range}")).await;
    assert_eq!(again.dashboard.report_days, Some(20));
    assert_eq!(again.dashboard.on_time.on_time, 120);
    // Out of bounds: refused, and nothing changed.
    let res = client
        .put(format!("{}/api/v1/town/settings", srv.base))
        .json(&serde_json::json!({"stale_days": 14, "report_days": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let word = town_docx(&srv, &client, &format!("report.docx?{range}")).await;
    assert!(
        word.text.contains("按时上报率100.0%（120/120）"),
        "{}",
        word.text
    );
}

#[tokio::test]
async fn only_an_upload_after_a_months_end_is_its_arrival() {
    let srv = support::start().await;
    let now = jianzheng_server::clock::current_period();
    seed(
        &srv.storage,
        DemoSize {
            villages: 1,
            months: 2,
            last: now,
        },
    )
    .await
    .unwrap();
    let arrivals = srv
        .storage
        .arrivals_within(now.previous(), now, None)
        .await
        .unwrap();
    let months: Vec<Period> = arrivals[&village_code(0)].iter().map(|(p, _)| *p).collect();
    assert_eq!(
        months,
        [now.previous()],
        "the month in progress has not arrived"
    );
}
