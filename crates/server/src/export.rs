//! The dashboard as files: CSV (UTF-8 with a byte-order mark, so
//! spreadsheet programs read the Chinese) and XLSX with formatted headers.
//! Every figure comes from core's dashboard; this module only lays it out.

use jianzheng_core::i18n::Lang;
use jianzheng_core::ledger::Outcome;
use jianzheng_core::org::{AreaTree, Level};
use jianzheng_core::rate::{Dashboard, MonthCounts, Rate, VillageRow};
use std::borrow::Cow;
use std::collections::HashMap;

/// Where each village lies: the names of the areas above it, from the root
/// down (`某县 / 某镇`).
#[derive(Debug, Default)]
pub struct Places(HashMap<String, String>);

impl Places {
    /// The places of `villages` in `tree`.
    pub fn of<'a>(tree: &AreaTree, villages: impl IntoIterator<Item = &'a str>) -> Places {
        let mut above: HashMap<String, String> = HashMap::new();
        let mut places = HashMap::new();
        for village in villages {
            let Ok(code) = village.parse() else { continue };
            let Some(parent) = tree.get(&code).and_then(|a| a.parent.clone()) else {
                continue;
            };
            // Villages share their parent's text: one path per town.
            let text = above
                .entry(parent.to_string())
                .or_insert_with(|| {
                    tree.path(&parent)
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" / ")
                })
                .clone();
            places.insert(village.to_owned(), text);
        }
        Places(places)
    }

    fn get(&self, village: &str) -> &str {
        self.0.get(village).map_or("", String::as_str)
    }
}

/// A count column: the count of an outcome, or issued net.
#[derive(Clone, Copy)]
enum Count {
    /// What core counts of the outcome.
    Of(Outcome),
    /// Issued, listed or not, less voided.
    IssuedNet,
}

/// The count columns, in order, with their headers (Chinese and English).
const COUNTS: [(Count, &str); 5] = [
    (Count::Of(Outcome::Issued), "开具 Issued"),
    (
        Count::Of(Outcome::IssuedUnlisted),
        "清单外开具 Issued unlisted",
    ),
    (Count::Of(Outcome::Void), "作废 Voided"),
    (Count::IssuedNet, "净开具 Issued net"),
    (
        Count::Of(Outcome::RefusedRedirected),
        "拒开并告知 Refused, redirected",
    ),
];

/// The count columns' figures for `c`, in their order.
fn count_figures(c: MonthCounts) -> [u64; 5] {
    COUNTS.map(|(count, _)| match count {
        Count::Of(outcome) => c.get(outcome),
        Count::IssuedNet => c.issued_net(),
    })
}

/// The columns before the counts: village code, name, month.
const LEADING: [&str; 3] = ["村代码 Village code", "村名 Village", "月份 Month"];

/// The columns after the counts: baseline, rate, reported, and where the
/// row lies in the area tree.
const TRAILING: [&str; 4] = [
    "基线 Baseline",
    "减少率 Reduction rate",
    "已上报 Reported",
    "区划 Area",
];

/// Where the columns after the counts start.
const BASELINE_COLUMN: u16 = (LEADING.len() + COUNTS.len()) as u16;

/// Every column header, in order.
fn headers() -> impl Iterator<Item = &'static str> {
    LEADING
        .into_iter()
        .chain(COUNTS.map(|(_, header)| header))
        .chain(TRAILING)
}

/// What the area's own rows carry in the code column: the whole of the
/// area at its level (a server with no tree is one town's).
fn whole(level: Option<Level>) -> &'static str {
    match level.unwrap_or(Level::Town) {
        Level::Province => "全省 Province",
        Level::City => "全市 City",
        Level::County => "全县 County",
        Level::Town => "全镇 Town",
        Level::Village => "全村 Village",
    }
}

/// One row: code, name, month, counts, baseline, rate, reported, place.
struct Row<'a> {
    code: &'a str,
    name: &'a str,
    month: String,
    /// `None` (blank cells) for a month no one reported and nothing was
    /// counted in: missing, not zero, as on the screen.
    counts: Option<MonthCounts>,
    baseline: Option<u64>,
    rate: Rate,
    reported: String,
    place: Cow<'a, str>,
}

fn rows<'a>(d: &'a Dashboard, villages: &'a [VillageRow], places: &'a Places) -> Vec<Row<'a>> {
    let (name, place) = match &d.place {
        Some(p) => (p.area.name.as_str(), p.path_text()),
        None => ("", String::new()),
    };
    let code = whole(d.place.as_ref().map(|p| p.area.level));
    let town = d.town.iter().map(move |t| Row {
        code,
        name,
        month: t.period.to_string(),
        counts: t.counts.known(t.villages_reported > 0),
        baseline: t.baseline,
        rate: t.rate,
        reported: format!("{}/{}", t.villages_reported, t.villages),
        place: Cow::Owned(place.clone()),
    });
    let villages = villages.iter().flat_map(|v| {
        v.months.iter().map(move |m| Row {
            code: &v.code,
            name: &v.name,
            month: m.period.to_string(),
            counts: m.counts.known(m.reported),
            baseline: m.baseline,
            rate: m.rate,
            reported: match (m.exists, m.reported) {
                (false, _) => "未设立 not in existence",
                (true, true) => "是 yes",
                (true, false) => "否 no",
            }
            .to_owned(),
            place: Cow::Borrowed(places.get(&v.code)),
        })
    });
    town.chain(villages).collect()
}

/// The rate in both languages (a figure reads the same in each).
fn rate_text(rate: Rate) -> String {
    match rate {
        Rate::Value { .. } => rate.text(Lang::Zh),
        _ => format!("{} {}", rate.text(Lang::Zh), rate.text(Lang::En)),
    }
}

/// A text a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a
/// tab or return before one) is written with a leading `'`, so a village
/// name typed as `=HYPERLINK(…)` stays a name. A signed figure (`-12.5%`)
/// is no formula and stays a figure.
fn neutral(text: &str) -> Cow<'_, str> {
    let figure = text.strip_prefix(['-', '+']).is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '%'))
    });
    if !figure && text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A CSV file a spreadsheet opens as text: UTF-8 with a byte-order mark
/// (so that Excel reads the Chinese), and every cell that would be read
/// as a formula [`neutral`]ised. Every CSV the server writes is one.
pub struct CsvSheet {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for CsvSheet {
    fn default() -> Self {
        CsvSheet {
            writer: csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes())),
        }
    }
}

impl CsvSheet {
    /// Writes one row.
    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        self.writer
            .write_record(cells.into_iter().map(|cell| neutral(cell).into_owned()))
            .expect("writes to memory");
    }

    /// The file's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.writer
            .into_inner()
            .unwrap_or_else(|_| unreachable!("a writer to memory does not fail"))
    }
}

/// The dashboard (the area's months, then every village's months) as CSV.
pub fn csv(d: &Dashboard, villages: &[VillageRow], places: &Places) -> Vec<u8> {
    let mut sheet = CsvSheet::default();
    sheet.row(headers());
    for r in rows(d, villages, places) {
        let leading = [r.code.to_owned(), r.name.to_owned(), r.month];
        let counts = match r.counts {
            Some(counts) => count_figures(counts).map(|n| n.to_string()),
            None => Default::default(),
        };
        let trailing = [
            r.baseline.map(|b| b.to_string()).unwrap_or_default(),
            rate_text(r.rate),
            r.reported,
            r.place.into_owned(),
        ];
        sheet.row(
            leading
                .iter()
                .chain(&counts)
                .chain(&trailing)
                .map(String::as_str),
        );
    }
    sheet.finish()
}

/// The dashboard as an XLSX workbook: bold shaded headers, frozen, rates
/// as percentages.
pub fn xlsx(d: &Dashboard, villages: &[VillageRow], places: &Places) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name("减证 Jianzheng")
        .map_err(|e| e.to_string())?;
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF4E1DC))
        .set_border_bottom(FormatBorder::Medium)
        .set_text_wrap();
    let percent = Format::new().set_num_format("0.0%");
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    for (col, title) in headers().enumerate() {
        sheet
            .write_with_format(0, col as u16, title, &header)
            .map_err(err)?;
        sheet
            .set_column_width(col as u16, if col < 2 { 16 } else { 12 })
            .map_err(err)?;
    }
    sheet.set_row_height(0, 32).map_err(err)?;
    sheet.set_freeze_panes(1, 3).map_err(err)?;
    let rows = rows(d, villages, places);
    let last_row = rows.len() as u32;
    let first_count = LEADING.len() as u16;
    let (rate, reported, place) = (
        BASELINE_COLUMN + 1,
        BASELINE_COLUMN + 2,
        BASELINE_COLUMN + 3,
    );
    for (i, r) in rows.into_iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write(row, 0, r.code).map_err(err)?;
        sheet.write(row, 1, r.name).map_err(err)?;
        sheet.write(row, 2, r.month.as_str()).map_err(err)?;
        for (col, n) in (first_count..).zip(r.counts.map(count_figures).into_iter().flatten()) {
            sheet.write(row, col, n as f64).map_err(err)?;
        }
        if let Some(b) = r.baseline {
            sheet.write(row, BASELINE_COLUMN, b as f64).map_err(err)?;
        }
        match r.rate {
            Rate::Value { rate: value } => sheet
                .write_with_format(row, rate, value, &percent)
                .map_err(err)?,
            other => sheet.write(row, rate, rate_text(other)).map_err(err)?,
        };
        sheet
            .write(row, reported, r.reported.as_str())
            .map_err(err)?;
        sheet.write(row, place, r.place.as_ref()).map_err(err)?;
    }
    sheet.set_column_width(place, 24).map_err(err)?;
    sheet.autofilter(0, 0, last_row, place).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::neutral;

    #[test]
    fn a_text_a_spreadsheet_would_run_is_written_as_text() {
        for formula in ["=1+1", "+A1", "-A1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(neutral(formula), format!("'{formula}"));
        }
        assert_eq!(neutral("东关村"), "东关村");
        assert_eq!(neutral("-12.5%"), "-12.5%");
        assert_eq!(neutral("-1"), "-1");
        assert_eq!(neutral("V1"), "V1");
    }
}
