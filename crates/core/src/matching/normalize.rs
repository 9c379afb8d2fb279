//! Turns what a person typed into tokens the matcher compares: hanzi with
//! their syllable, and runs of Latin letters. Full-width letters become
//! ASCII, capitals small, `ü` becomes `v`; spaces, digits and punctuation
//! separate runs and are otherwise dropped.

use super::hanzi::{is_hanzi, syllable_of, Syllable};

/// One piece of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// A hanzi and its reading (if the table knows it).
    Hanzi(char, Option<Syllable>),
    /// A run of Latin letters, lower case.
    Latin(String),
}

/// Folds one character: full-width to ASCII, lower case, `ü` to `v`.
fn fold(c: char) -> char {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        'ü' | 'Ü' => 'v',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Splits `query` into pieces.
pub fn pieces(query: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut latin = String::new();
    let flush = |latin: &mut String, out: &mut Vec<Piece>| {
        if !latin.is_empty() {
            out.push(Piece::Latin(std::mem::take(latin)));
        }
    };
    for c in query.chars().map(fold) {
        if c.is_ascii_lowercase() {
            latin.push(c);
        } else {
            flush(&mut latin, &mut out);
            if is_hanzi(c) {
                out.push(Piece::Hanzi(c, syllable_of(c)));
            }
        }
    }
    flush(&mut latin, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_letters_and_capitals_fold_to_ascii() {
        assert_eq!(pieces("ＷＦＺＪＬ"), vec![Piece::Latin("wfzjl".into())]);
        assert_eq!(
            pieces("Hun Yin"),
            vec![Piece::Latin("hun".into()), Piece::Latin("yin".into())]
        );
        assert_eq!(pieces("lü"), vec![Piece::Latin("lv".into())]);
    }

    #[test]
    fn hanzi_keep_their_reading_and_punctuation_disappears() {
        let p = pieces("开证明？");
        assert_eq!(p.len(), 3);
        assert!(matches!(p[0], Piece::Hanzi('开', Some(_))));
        assert!(pieces("？！。 123").is_empty());
    }
}
