//! The chart of an area's months as SVG, from core's layout
//! (`jianzheng_core::rate::chart`), for the overview and the report.

use jianzheng_core::decimal::Fixed;
use jianzheng_core::i18n::{Lang, Msg};
use jianzheng_core::rate::chart::Chart;
use jianzheng_core::rate::TownMonth;
use std::fmt::Write;

/// Bars of issued (net) per month and a dashed line of what they are
/// compared with, as SVG named `title` for screen readers (one of the
/// app's own messages: no markup), in `lang`: each month named on the
/// axis (every few, when there are many), the year under its first month
/// and under January, the scale's top, and a legend.
pub fn svg(months: &[TownMonth], title: &str, lang: Lang) -> String {
    let chart = Chart::of(months, 720.0, 260.0, 32.0);
    // Coordinates to a tenth of a pixel, written without float formatting.
    let at = |v: f64| Fixed(v, 1);
    let (w, h, pad, b) = (chart.width, chart.height, chart.pad, chart.bottom());
    let mut svg = format!(
        r##"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><line x1="{pad}" y1="{b}" x2="{r}" y2="{b}" stroke="#999"/><line x1="{pad}" y1="{t}" x2="{pad}" y2="{b}" stroke="#999"/>"##,
        w = at(w),
        h = at(h),
        pad = at(pad),
        b = at(b),
        t = at(pad),
        r = at(w - pad)
    );
    // At most about 24 month names fit along the axis.
    let every = months.len().div_ceil(24).max(1);
    let step = (w - 2.0 * pad) / months.len().max(1) as f64;
    for (i, m) in months.iter().enumerate() {
        let centre = pad + (i as f64 + 0.5) * step;
        if i % every == 0 {
            let (month, year) = match lang {
                Lang::Zh => (
                    format!("{}月", m.period.month),
                    format!("{}年", m.period.year),
                ),
                Lang::En => (
                    MONTHS_EN[usize::from(m.period.month) - 1].to_owned(),
                    m.period.year.to_string(),
                ),
            };
            let _ = write!(
                svg,
                r##"<text x="{}" y="{}" font-size="10" fill="#444" text-anchor="middle">{month}</text>"##,
                at(centre),
                at(b + 12.0)
            );
            if i == 0 || m.period.month == 1 {
                let _ = write!(
                    svg,
                    r##"<text x="{}" y="{}" font-size="10" fill="#444" text-anchor="middle">{year}</text>"##,
                    at(centre),
                    at(b + 24.0)
                );
            }
        }
    }
    for bar in &chart.bars {
        let _ = write!(
            svg,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#a8281c"><title>{} {}</title></rect>"##,
            at(bar.x),
            at(bar.y),
            at(bar.width),
            at(bar.height),
            bar.period,
            bar.value
        );
    }
    if !chart.line.is_empty() {
        let points: Vec<String> = chart
            .line
            .iter()
            .map(|&(x, y)| format!("{},{}", at(x), at(y)))
            .collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#1f6f43" stroke-width="3" stroke-dasharray="6 4"/>"##,
            points.join(" ")
        );
    }
    let (top, issued, compared) = (
        Msg::ChartTop.text(lang),
        Msg::ChartIssuedNet.text(lang),
        Msg::ChartCompared.text(lang),
    );
    // The scale's top on the first line, the legend on the second.
    let _ = write!(
        svg,
        r##"<text x="{p}" y="11" font-size="11" fill="#444">{top} {}</text><rect x="{p}" y="17" width="14" height="10" fill="#a8281c"/><text x="{}" y="26" font-size="11" fill="#444">{issued}</text><line x1="{}" y1="22" x2="{}" y2="22" stroke="#1f6f43" stroke-width="3" stroke-dasharray="6 4"/><text x="{}" y="26" font-size="11" fill="#444">{compared}</text></svg>"##,
        chart.top,
        at(pad + 18.0),
        at(pad + 170.0),
        at(pad + 198.0),
        at(pad + 204.0),
        p = at(pad),
    );
    svg
}

/// The months' short English names.
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
