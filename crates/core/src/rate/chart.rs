//! The chart of an area's months: a bar of issued (net) per month and a
//! line of what it is compared with, laid out in a box. The app draws it as
//! SVG, the server as the picture in the `.docx`; both from this layout.

use super::TownMonth;
use crate::ledger::Period;

/// One month's bar, in the box's units (y grows downwards).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    /// The month.
    pub period: Period,
    /// Issued net that month.
    pub value: u64,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// The chart laid out in a `width` × `height` box with `pad` on every side.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The box's width.
    pub width: f64,
    /// The box's height.
    pub height: f64,
    /// The margin around the plot.
    pub pad: f64,
    /// The largest value the plot's height stands for.
    pub top: u64,
    /// One bar per month, oldest first.
    pub bars: Vec<Bar>,
    /// The comparison line's points, through the middle of each month that
    /// has one (a month with nothing to compare with has no point).
    pub line: Vec<(f64, f64)>,
}

impl Chart {
    /// The chart of `months` in a `width` × `height` box.
    pub fn of(months: &[TownMonth], width: f64, height: f64, pad: f64) -> Chart {
        let top = Chart::top_of(months);
        let step = (width - 2.0 * pad) / months.len().max(1) as f64;
        let bottom = height - pad;
        let y = |v: u64| bottom - (v as f64 / top as f64) * (height - 2.0 * pad);
        let mut bars = Vec::with_capacity(months.len());
        let mut line = Vec::new();
        for (i, m) in months.iter().enumerate() {
            let x = pad + i as f64 * step;
            if let Some(b) = m.baseline {
                line.push((x + step / 2.0, y(b)));
            }
            // A month no village reported has no bar: missing, not zero.
            if m.counts.known(m.villages_reported > 0).is_none() {
                continue;
            }
            let value = m.counts.issued_net();
            bars.push(Bar {
                period: m.period,
                value,
                x: x + step * 0.15,
                y: y(value),
                width: step * 0.7,
                height: bottom - y(value),
            });
        }
        Chart {
            width,
            height,
            pad,
            top,
            bars,
            line,
        }
    }

    /// The largest figure of `months` (at least 1): the top of the scale.
    pub fn top_of(months: &[TownMonth]) -> u64 {
        months
            .iter()
            .map(|m| m.counts.issued_net().max(m.baseline.unwrap_or(0)))
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// The baseline of the plot (its x axis), in the box's units.
    pub fn bottom(&self) -> f64 {
        self.height - self.pad
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate::{MonthCounts, Rate};

    fn month(month: u8, issued: u64, baseline: Option<u64>) -> TownMonth {
        TownMonth {
            period: Period { year: 2026, month },
            counts: MonthCounts {
                issued,
                ..MonthCounts::default()
            },
            baseline,
            issued_net_with_baseline: issued,
            rate: Rate::NoBaseline,
            villages_reported: 1,
            baseline_villages_reported: 1,
            villages_with_baseline: 1,
            villages: 1,
            villages_approved: 0,
        }
    }

    #[test]
    fn the_tallest_figure_fills_the_plot_and_a_month_without_comparison_has_no_point() {
        let chart = Chart::of(
            &[month(1, 50, Some(100)), month(2, 25, None)],
            200.0,
            120.0,
            10.0,
        );
        assert_eq!(chart.top, 100);
        let [a, b] = [chart.bars[0], chart.bars[1]];
        assert_eq!((a.y, a.height), (60.0, 50.0));
        assert_eq!((b.y, b.height), (85.0, 25.0));
        assert!(a.x < b.x && a.x + a.width < b.x);
        assert_eq!(chart.line, [(55.0, 10.0)]);
        // Nothing reported: bars of no height, not a division by zero.
        let empty = Chart::of(&[month(1, 0, None)], 200.0, 120.0, 10.0);
        assert_eq!((empty.top, empty.bars[0].height), (1, 0.0));
    }
}
