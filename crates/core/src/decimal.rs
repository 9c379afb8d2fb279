//! Figures written with a fixed number of decimal places (a rate as
//! `12.3%`, a chart coordinate), by integer arithmetic: Rust's own float
//! formatting is exact for every float, and its tables and code were 10 KB
//! of each bundle that shows a rate.

use std::fmt;

/// `value` written with `places` decimals (at most 9), rounded half away
/// from zero: `Fixed(12.345, 1)` is `12.3`. Minus is written only before a
/// figure that is not all zeros, so a tiny negative rate reads `0.0`, not
/// `-0.0`. Values whose scaled magnitude reaches 2^64 are written as the
/// largest such figure; no figure of the product comes near.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fixed(pub f64, pub u8);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Fixed(value, places) = *self;
        if value.is_nan() {
            return f.write_str("NaN");
        }
        if value.is_infinite() {
            return f.write_str(if value > 0.0 { "inf" } else { "-inf" });
        }
        let places = u32::from(places.min(9));
        let scale = 10u64.pow(places);
        // Saturating: a magnitude beyond u64 is written as u64::MAX.
        let scaled = (value.abs() * scale as f64).round() as u64;
        if value < 0.0 && scaled != 0 {
            f.write_str("-")?;
        }
        write!(f, "{}", scaled / scale)?;
        if places > 0 {
            write!(f, ".{:0width$}", scaled % scale, width = places as usize)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(Fixed(12.345, 1).to_string(), "12.3");
        assert_eq!(Fixed(0.0, 1).to_string(), "0.0");
        assert_eq!(Fixed(-0.04, 1).to_string(), "0.0");
        assert_eq!(Fixed(-0.06, 1).to_string(), "-0.1");
        assert_eq!(Fixed(99.96, 1).to_string(), "100.0");
        assert_eq!(Fixed(2.5, 0).to_string(), "3");
        assert_eq!(Fixed(-2.5, 0).to_string(), "-3");
        assert_eq!(Fixed(7.0, 3).to_string(), "7.000");
        assert_eq!(Fixed(1234567.89, 2).to_string(), "1234567.89");
        assert_eq!(Fixed(f64::NAN, 1).to_string(), "NaN");
        assert_eq!(Fixed(f64::NEG_INFINITY, 1).to_string(), "-inf");
    }

    proptest! {
        /// Away from a tie between two last digits (where Rust rounds the
        /// float's exact value and this rounds the scaled one), the figure
        /// is the one Rust's formatting writes.
        #[test]
        fn the_figure_is_rusts_but_for_ties(value in -1.0e9f64..1.0e9, places in 0u8..4) {
            let scaled = value.abs() * 10f64.powi(i32::from(places));
            prop_assume!((scaled.fract() - 0.5).abs() > 1e-6);
            let rust = format!("{value:.*}", usize::from(places));
            let rust = match rust.strip_prefix('-') {
                Some(digits) if digits.chars().all(|c| c == '0' || c == '.') => digits.to_owned(),
                _ => rust,
            };
            prop_assert_eq!(Fixed(value, places).to_string(), rust);
        }
    }
}
