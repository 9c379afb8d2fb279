//! The chart of an area's months as SVG, from core's layout
//! (`jianzheng_core::rate::chart`), for the overview and the report.

use jianzheng_core::decimal::Fixed;
use jianzheng_core::rate::chart::Chart;
use jianzheng_core::rate::TownMonth;
use std::fmt::Write;

/// Bars of issued (net) per month and a dashed line of what they are
/// compared with, as SVG named `title` for screen readers (one of the
/// app's own messages: no markup).
pub fn svg(months: &[TownMonth], title: &str) -> String {
    let chart = Chart::of(months, 720.0, 240.0, 28.0);
    // Coordinates to a tenth of a pixel, written without float formatting.
    let at = |v: f64| Fixed(v, 1);
    let (w, h, pad, b) = (chart.width, chart.height, chart.pad, chart.bottom());
    let mut svg = format!(
        r##"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><line x1="{pad}" y1="{b}" x2="{r}" y2="{b}" stroke="#999"/>"##,
        w = at(w),
        h = at(h),
        pad = at(pad),
        b = at(b),
        r = at(w - pad)
    );
    for (i, bar) in chart.bars.iter().enumerate() {
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
        if bar.period.month == 1 || i == 0 {
            let _ = write!(
                svg,
                r##"<text x="{}" y="{}" font-size="11" fill="#555">{}</text>"##,
                at(bar.x),
                at(h - 8.0),
                bar.period
            );
        }
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
    let _ = write!(
        svg,
        r##"<text x="{}" y="14" font-size="12" fill="#555">max {}</text></svg>"##,
        at(pad),
        chart.top
    );
    svg
}
