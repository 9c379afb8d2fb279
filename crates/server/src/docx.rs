//! The report upward and the letters to agencies as Word documents (A4,
//! opened and edited in Word or WPS). Every figure and sentence comes from
//! core (`jianzheng_core::rate::report`, `::letters`); this module only
//! lays them out, and draws the chart as a PNG from core's layout.

use docx_rs::{
    AlignmentType, BreakType, Docx, PageMargin, Paragraph, Pic, Run, RunFonts, Shading, Table,
    TableCell, TableRow, WidthType,
};
use jianzheng_core::certificate::IssueDate;
use jianzheng_core::i18n::{Lang, Msg};
use jianzheng_core::ledger::Period;
use jianzheng_core::rate::chart::Chart;
use jianzheng_core::rate::letters::Letter;
use jianzheng_core::rate::report::Report;
use jianzheng_core::rate::TownMonth;
use std::io::Cursor;

/// A4 in twentieths of a point, and its margins (2 cm).
const A4: (u32, u32) = (11_906, 16_838);
const MARGIN: i32 = 1_134;
/// The text's width (17 cm) in EMU, for the chart, and in twips.
const TEXT_WIDTH_EMU: u32 = 6_120_000;
const TEXT_WIDTH_TWIPS: usize = 9_638;
/// The chart's pixels (three times wide as high).
const CHART_PX: (u32, u32) = (1_440, 480);

/// A run of `text`, with every character XML 1.0 cannot hold (the
/// control characters but tab, line feed and return) dropped: whatever a
/// name or a list holds, the document opens. The writer escapes the rest.
fn text_run(text: impl AsRef<str>) -> Run {
    Run::new().add_text(text_run_chars(text.as_ref()))
}

/// `text` with every character XML 1.0 cannot hold dropped.
fn text_run_chars(text: &str) -> String {
    text.chars()
        .filter(|c| {
            (!c.is_control() || matches!(c, '\t' | '\n' | '\r'))
                && !matches!(c, '\u{fffe}' | '\u{ffff}')
        })
        .collect()
}

/// A document could not be written (it is built in memory: a bug).
#[derive(Debug, thiserror::Error)]
#[error("the document could not be written: {0}")]
pub struct DocxError(String);

/// The report as `.docx`, in `lang`, made on `made`.
pub fn report(report: &Report, lang: Lang, made: &Made) -> Result<Vec<u8>, DocxError> {
    let t = |m: Msg| m.text(lang);
    let d = &report.dashboard;
    let [title, months] = report.title(lang);
    let mut doc = document()
        .add_paragraph(centred(&title, 36))
        .add_paragraph(centred(&months, 24))
        .add_paragraph(Paragraph::new().add_run(text_run(report.headline(lang)).bold()));

    doc = doc.add_paragraph(heading(t(Msg::ReportChildren)));
    let rows = d.rows.iter().map(|row| {
        // A village that reported nothing is missing, not zero.
        let nothing = row.counts.known(row.months_reported > 0).is_none();
        vec![
            row.name.clone(),
            if nothing {
                String::new()
            } else {
                row.rate.issued_net.to_string()
            },
            row.rate
                .baseline
                .map_or_else(String::new, |b| b.to_string()),
            row.rate.rate.text(lang),
            format!("{}/{}", row.months_reported, row.months),
            row.on_time.text(lang),
            row.approved_text(lang),
        ]
    });
    doc = doc.add_table(table(
        &[
            (t(Msg::AreaRowsName), false, 16),
            (t(Msg::ColIssuedNet), true, 10),
            (t(Msg::ColBaseline), true, 10),
            (t(Msg::ColRate), true, 10),
            (t(Msg::ColReported), true, 11),
            (t(Msg::ColOnTime), true, 19),
            (t(Msg::ColApprovedMonths), false, 24),
        ],
        rows,
    ));

    doc = doc.add_paragraph(heading(t(Msg::ChartTitle)));
    let (png, (w, h)) = chart_png(&d.town)?;
    let pic = Pic::new_with_dimensions(png, w, h).size(TEXT_WIDTH_EMU, TEXT_WIDTH_EMU * h / w);
    doc = doc
        .add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)))
        .add_paragraph(small(&format!(
            "{}{}；{}{} – {}",
            t(Msg::ChartLegend),
            Chart::top_of(&d.town),
            t(Msg::ChartMonthsAlong),
            d.months
                .first()
                .map(ToString::to_string)
                .unwrap_or_default(),
            d.months.last().map(ToString::to_string).unwrap_or_default(),
        )));

    doc = doc.add_paragraph(heading(t(Msg::FlaggedByAgency)));
    if report.agencies.is_empty() {
        doc = doc.add_paragraph(plain(t(Msg::LettersNone)));
    } else {
        // Where residents go instead is in the letters.
        let rows = report.agencies.iter().flat_map(|letter| {
            let ruled = letter
                .lines
                .iter()
                .map(|l| (&l.name, l.refused, l.unlisted));
            let asked = letter
                .asked
                .iter()
                .map(|l| (&l.name, l.refused, l.unlisted));
            ruled.chain(asked).map(move |(name, refused, unlisted)| {
                vec![
                    letter.agency.label(lang).to_owned(),
                    name.get(lang).to_owned(),
                    refused.to_string(),
                    unlisted.to_string(),
                ]
            })
        });
        doc = doc.add_table(table(
            &[
                (t(Msg::ColAgency), false, 22),
                (t(Msg::LetterItem), false, 42),
                (t(Msg::ColRefused), true, 18),
                (t(Msg::ColUnlisted), true, 18),
            ],
            rows,
        ));
    }

    doc = doc.add_paragraph(heading(t(Msg::ReportUnlisted)));
    if report.unlisted.is_empty() {
        doc = doc.add_paragraph(plain(t(Msg::ReportNoUnlisted)));
    } else {
        let rows = report
            .unlisted
            .iter()
            .map(|u| vec![u.name.get(lang).to_owned(), u.issued.to_string()]);
        doc = doc.add_table(table(
            &[
                (t(Msg::LetterItem), false, 70),
                (t(Msg::ColUnlisted), true, 30),
            ],
            rows,
        ));
    }

    doc = doc.add_paragraph(heading(t(Msg::QualityTitle)));
    if report.signs.is_empty() {
        doc = doc.add_paragraph(plain(t(Msg::QualityNone)));
    }
    for village in &report.signs {
        let signs: Vec<String> = village.signs.iter().map(|s| s.message(lang)).collect();
        let sep = match lang {
            Lang::Zh => "；",
            Lang::En => "; ",
        };
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(text_run(format!("{}：", village.name)).bold())
                .add_run(text_run(signs.join(sep))),
        );
    }
    if let Some(more) = report.signs_more(lang) {
        doc = doc.add_paragraph(plain(&more));
    }

    doc = doc.add_paragraph(heading(t(Msg::ReportMethod)));
    for note in report.method(lang) {
        doc = doc.add_paragraph(small(&note));
    }
    doc = doc.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Right)
            .add_run(text_run(format!(
                "{}{}",
                t(Msg::ReportMade),
                made.day.written(lang)
            ))),
    );
    pack(doc, made)
}

/// The letters from `town` over `first..=last` as `.docx`, one page each,
/// in `lang`, dated `made`.
pub fn letters(
    letters: &[Letter],
    town: &str,
    (first, last): (Period, Period),
    lang: Lang,
    made: &Made,
) -> Result<Vec<u8>, DocxError> {
    let t = |m: Msg| m.text(lang);
    let mut doc = document();
    for (i, letter) in letters.iter().enumerate() {
        let [title, to, opening] = letter.opening(town, first, last, lang);
        let mut title = centred(&title, 32);
        if i > 0 {
            title = title.page_break_before(true);
        }
        let rows = letter.lines.iter().map(|line| {
            vec![
                line.name.get(lang).to_owned(),
                line.refused.to_string(),
                line.unlisted.to_string(),
                line.basis.get(lang).to_owned(),
                route(line.instead.as_ref(), lang),
            ]
        });
        doc = doc
            .add_paragraph(title)
            .add_paragraph(plain(&to))
            .add_paragraph(plain(&opening));
        // Only what a list in force says goes under the rules; requests on
        // no list are asked about apart.
        if !letter.lines.is_empty() {
            doc = doc.add_table(table(
                &[
                    (t(Msg::LetterItem), false, 18),
                    (t(Msg::ColRefused), true, 10),
                    (t(Msg::ColUnlisted), true, 10),
                    (t(Msg::Basis), false, 30),
                    (t(Msg::WhereToGo), false, 32),
                ],
                rows,
            ));
        }
        if !letter.asked.is_empty() {
            let asked = letter
                .asked
                .iter()
                .map(|line| vec![line.name.get(lang).to_owned(), line.count().to_string()]);
            doc = doc
                .add_paragraph(plain(Letter::asked_opening(lang)))
                .add_table(table(
                    &[
                        (t(Msg::LetterItem), false, 70),
                        (t(Msg::LetterAskedTimes), true, 30),
                    ],
                    asked,
                ));
        }
        doc = doc
            .add_paragraph(plain(t(Msg::LetterClosing)))
            .add_paragraph(right(town))
            .add_paragraph(right(&made.day.written(lang)));
    }
    if letters.is_empty() {
        doc = doc.add_paragraph(plain(t(Msg::LettersNone)));
    }
    pack(doc, made)
}

/// An empty A4 document in a font every Chinese Word and WPS has.
fn document() -> Docx {
    Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN),
        )
        .default_fonts(
            RunFonts::new()
                .east_asia("SimSun")
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman"),
        )
        .default_size(22)
}

/// Who made a document, and when: the day it is dated, the moment in its
/// properties, and the area whose paper it is (its author).
#[derive(Clone, Debug)]
pub struct Made {
    /// The day printed on it.
    pub day: IssueDate,
    /// When it was made (UTC).
    pub at: time::OffsetDateTime,
    /// The area it comes from.
    pub by: String,
}

impl Made {
    /// A document made now by `by`.
    pub fn now(by: impl Into<String>) -> Made {
        let at = time::OffsetDateTime::now_utc();
        Made {
            day: IssueDate {
                year: at.year(),
                month: u8::from(at.month()),
                day: at.day(),
            },
            at,
            by: by.into(),
        }
    }
}

fn pack(doc: Docx, made: &Made) -> Result<Vec<u8>, DocxError> {
    let at = made
        .at
        .replace_nanosecond(0)
        .unwrap_or(made.at)
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| DocxError(e.to_string()))?;
    let mut out = Cursor::new(Vec::new());
    doc.created_at(&at)
        .updated_at(&at)
        .build()
        .pack(&mut out)
        .map_err(|e| DocxError(e.to_string()))?;
    with_author(&out.into_inner(), &made.by)
}

/// The package with `author` as its creator and last editor (docx-rs
/// writes "unknown"): every other part copied as it is.
fn with_author(package: &[u8], author: &str) -> Result<Vec<u8>, DocxError> {
    use std::io::{Read, Write};
    let err = |e: zip::result::ZipError| DocxError(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(package)).map_err(err)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let escaped: String = text_run_chars(author)
        .chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&apos;".to_owned(),
            c => c.to_string(),
        })
        .collect();
    for i in 0..archive.len() {
        let name = archive
            .by_index_raw(i)
            .map_err(err)?
            .name()
            .map_err(err)?
            .into_owned();
        if name != "docProps/core.xml" {
            out.raw_copy_file(archive.by_index_raw(i).map_err(err)?)
                .map_err(err)?;
            continue;
        }
        let mut core = String::new();
        archive
            .by_index(i)
            .map_err(err)?
            .read_to_string(&mut core)
            .map_err(|e| DocxError(e.to_string()))?;
        let core = core
            .replace(
                "<dc:creator>unknown</dc:creator>",
                &format!("<dc:creator>{escaped}</dc:creator>"),
            )
            .replace(
                "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
                &format!("<cp:lastModifiedBy>{escaped}</cp:lastModifiedBy>"),
            );
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file("docProps/core.xml", options).map_err(err)?;
        out.write_all(core.as_bytes())
            .map_err(|e| DocxError(e.to_string()))?;
    }
    Ok(out.finish().map_err(err)?.into_inner())
}

fn plain(text: &str) -> Paragraph {
    Paragraph::new().add_run(text_run(text))
}

fn small(text: &str) -> Paragraph {
    Paragraph::new().add_run(text_run(text).size(18))
}

fn centred(text: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(text_run(text).size(size).bold())
}

fn right(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Right)
        .add_run(text_run(text))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .keep_next(true)
        .add_run(Run::new().add_break(BreakType::TextWrapping))
        .add_run(text_run(text).size(28).bold())
}

/// Where residents go instead: `agency：how`, or nothing.
fn route(route: Option<&jianzheng_core::catalogue::Route>, lang: Lang) -> String {
    route.map_or_else(String::new, |r| {
        format!("{}：{}", r.agency.get(lang), r.how.get(lang))
    })
}

/// A table with a shaded header row: each column's title, whether it is
/// numeric (aligned right) and its share of the width in percent.
fn table(columns: &[(&str, bool, usize)], rows: impl Iterator<Item = Vec<String>>) -> Table {
    let widths: Vec<usize> = columns
        .iter()
        .map(|(_, _, share)| TEXT_WIDTH_TWIPS * share / 100)
        .collect();
    let cell = |text: &str, numeric: bool, header: bool, width: usize| {
        let mut run = text_run(text).size(20);
        if header {
            run = run.bold();
        }
        let align = if numeric {
            AlignmentType::Right
        } else {
            AlignmentType::Left
        };
        let cell = TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(Paragraph::new().align(align).add_run(run));
        if header {
            cell.shading(Shading::new().fill("E8E8E8"))
        } else {
            cell
        }
    };
    let mut all = vec![TableRow::new(
        columns
            .iter()
            .zip(&widths)
            .map(|((h, n, _), w)| cell(h, *n, true, *w))
            .collect(),
    )];
    all.extend(rows.map(|row| {
        TableRow::new(
            row.iter()
                .zip(columns.iter().zip(&widths))
                .map(|(text, ((_, numeric, _), w))| cell(text, *numeric, false, *w))
                .collect(),
        )
    }));
    Table::new(all)
        .set_grid(widths)
        .width(TEXT_WIDTH_TWIPS, WidthType::Dxa)
}

/// The chart of `months` as PNG, and its size in pixels.
fn chart_png(months: &[TownMonth]) -> Result<(Vec<u8>, (u32, u32)), DocxError> {
    let (w, h) = CHART_PX;
    let chart = Chart::of(months, f64::from(w), f64::from(h), 48.0);
    let mut canvas = Canvas::new(w, h);
    let bottom = chart.bottom();
    canvas.fill(
        chart.pad,
        bottom - 1.0,
        f64::from(w) - 2.0 * chart.pad,
        2.0,
        GREY,
    );
    for bar in &chart.bars {
        canvas.fill(bar.x, bar.y, bar.width, bar.height, RED);
    }
    canvas.dashed(&chart.line, 6.0, GREEN);
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| DocxError(e.to_string()))?;
    writer
        .write_image_data(&canvas.pixels)
        .map_err(|e| DocxError(e.to_string()))?;
    writer.finish().map_err(|e| DocxError(e.to_string()))?;
    Ok((out, (w, h)))
}

const RED: [u8; 3] = [0xa8, 0x28, 0x1c];
const GREEN: [u8; 3] = [0x1f, 0x6f, 0x43];
const GREY: [u8; 3] = [0x99, 0x99, 0x99];

/// White RGB pixels to paint rectangles on.
struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![0xff; (width * height * 3) as usize],
        }
    }

    /// Paints the rectangle (clipped to the canvas).
    fn fill(&mut self, x: f64, y: f64, w: f64, h: f64, colour: [u8; 3]) {
        let clamp = |v: f64, max: u32| v.round().clamp(0.0, f64::from(max)) as u32;
        let (x0, x1) = (clamp(x, self.width), clamp(x + w, self.width));
        let (y0, y1) = (clamp(y, self.height), clamp(y + h, self.height));
        for row in y0..y1 {
            for col in x0..x1 {
                let i = ((row * self.width + col) * 3) as usize;
                self.pixels[i..i + 3].copy_from_slice(&colour);
            }
        }
    }

    /// A dashed line `thick` pixels wide through `points`.
    fn dashed(&mut self, points: &[(f64, f64)], thick: f64, colour: [u8; 3]) {
        let (dash, gap) = (18.0, 12.0);
        let mut along = 0.0_f64;
        for pair in points.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            let length = (x1 - x0).hypot(y1 - y0);
            let steps = (length * 2.0).ceil().max(1.0);
            for s in 0..steps as u32 {
                let f = f64::from(s) / steps;
                if (along + f * length) % (dash + gap) < dash {
                    let (x, y) = (x0 + f * (x1 - x0), y0 + f * (y1 - y0));
                    self.fill(x - thick / 2.0, y - thick / 2.0, thick, thick, colour);
                }
            }
            along += length;
        }
    }
}
