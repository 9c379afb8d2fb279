//! Reads a run of typed letters as pinyin syllables.

use super::hanzi::{is_syllable_prefix, syllable_from_text, Syllable};

/// Typed pinyin split into whole syllables, and a last one still being typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segmented {
    /// The whole syllables, in order.
    pub syllables: Vec<Syllable>,
    /// Letters after the last whole syllable that begin some syllable.
    pub partial: Option<String>,
}

/// Syllables without a vowel (`m`, `n`, `ng`, `hm`) would let almost any
/// string of consonants pass for pinyin; people never type them for a word.
fn typed_syllable(letters: &str) -> Option<Syllable> {
    if letters.bytes().any(|b| b"aeiouv".contains(&b)) {
        syllable_from_text(letters)
    } else {
        None
    }
}

/// Splits `letters` (lower-case ASCII) into the fewest syllables; the end may
/// be the beginning of a syllable. `None` if the letters are not pinyin.
pub fn segment(letters: &str) -> Option<Segmented> {
    let n = letters.len();
    if n == 0 || !letters.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    // best[i]: fewest syllables covering letters[..i], with the last cut.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for len in 1..=6.min(end) {
            let start = end - len;
            let Some((count, _)) = best[start] else {
                continue;
            };
            if typed_syllable(&letters[start..end]).is_some()
                && best[end].is_none_or(|(c, _)| count + 1 < c)
            {
                best[end] = Some((count + 1, start));
            }
        }
    }
    let cut = (0..=n).rev().find(|&i| best[i].is_some())?;
    let partial = &letters[cut..];
    if !partial.is_empty() && (partial.len() > 5 || !is_syllable_prefix(partial)) {
        return None;
    }
    let mut syllables = Vec::new();
    let mut end = cut;
    while end > 0 {
        let (_, start) = best[end].expect("on the path");
        syllables.push(typed_syllable(&letters[start..end]).expect("checked"));
        end = start;
    }
    syllables.reverse();
    Some(Segmented {
        syllables,
        partial: (!partial.is_empty()).then(|| partial.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::hanzi::syllable_text;
    use super::*;

    fn text(s: &Segmented) -> Vec<&'static str> {
        s.syllables.iter().map(|&s| syllable_text(s)).collect()
    }

    #[test]
    fn whole_words_split_into_syllables() {
        let s = segment("wufanzuijilu").unwrap();
        assert_eq!(text(&s), ["wu", "fan", "zui", "ji", "lu"]);
        assert_eq!(s.partial, None);
        assert_eq!(
            text(&segment("hunyinzhuangkuang").unwrap()),
            ["hun", "yin", "zhuang", "kuang"]
        );
    }

    #[test]
    fn the_syllable_being_typed_is_kept_as_a_prefix() {
        let s = segment("wufanzh").unwrap();
        assert_eq!(text(&s), ["wu", "fan"]);
        assert_eq!(s.partial.as_deref(), Some("zh"));
        let s = segment("zh").unwrap();
        assert!(s.syllables.is_empty());
        assert_eq!(s.partial.as_deref(), Some("zh"));
    }

    #[test]
    fn consonant_strings_are_not_pinyin() {
        assert_eq!(segment("wfzjl"), None);
        assert_eq!(segment("qsgxzm"), None);
        assert_eq!(segment(""), None);
    }
}
