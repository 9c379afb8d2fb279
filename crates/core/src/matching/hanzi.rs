//! Hanzi → pinyin syllable, from the table `build.rs` generates, and the
//! set of syllables for reading typed pinyin.

include!(concat!(env!("OUT_DIR"), "/hanzi_tables.rs"));

/// A toneless pinyin syllable, as an index into the syllable table.
pub type Syllable = u16;

/// Whether `c` is a CJK unified ideograph of the basic block.
pub fn is_hanzi(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The default reading of `c`, if it is a hanzi in the table.
pub fn syllable_of(c: char) -> Option<Syllable> {
    let i = u32::from(c).checked_sub(FIRST)? as usize;
    let block = *PRESENT.get(i / 64)?;
    let bit = i % 64;
    if block >> bit & 1 == 0 {
        return None;
    }
    let n = usize::from(RANK[i / 64]) + (block & ((1u64 << bit) - 1)).count_ones() as usize;
    let at = n * 9;
    let word = u32::from(PACKED[at / 8])
        | u32::from(PACKED[at / 8 + 1]) << 8
        | u32::from(PACKED.get(at / 8 + 2).copied().unwrap_or(0)) << 16;
    Some(((word >> (at % 8)) & 0x1ff) as Syllable)
}

/// The letters of a syllable (`ü` written `v`).
pub fn syllable_text(s: Syllable) -> &'static str {
    SYLLABLES[usize::from(s)]
}

/// The syllable spelled exactly `letters`.
pub fn syllable_from_text(letters: &str) -> Option<Syllable> {
    SYLLABLES
        .binary_search(&letters)
        .ok()
        .and_then(|i| Syllable::try_from(i).ok())
}

/// Whether some syllable begins with `letters` (for a syllable still being typed).
pub fn is_syllable_prefix(letters: &str) -> bool {
    let i = SYLLABLES.partition_point(|s| *s < letters);
    SYLLABLES.get(i).is_some_and(|s| s.starts_with(letters))
}

/// Every syllable that begins with `letters`.
pub fn syllables_starting_with(letters: &str) -> impl Iterator<Item = Syllable> + '_ {
    let start = SYLLABLES.partition_point(|s| *s < letters);
    SYLLABLES[start..]
        .iter()
        .take_while(move |s| s.starts_with(letters))
        .enumerate()
        .map(move |(i, _)| (start + i) as Syllable)
}

/// How many syllables the table knows.
pub fn syllable_count() -> usize {
    SYLLABLES.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Vec<&'static str> {
        s.chars()
            .map(|c| syllable_text(syllable_of(c).unwrap()))
            .collect()
    }

    #[test]
    fn common_simplified_characters_read_as_expected() {
        assert_eq!(
            read("无犯罪记录证明"),
            ["wu", "fan", "zui", "ji", "lu", "zheng", "ming"]
        );
        assert_eq!(read("婚姻状况"), ["hun", "yin", "zhuang", "kuang"]);
        assert_eq!(read("绿"), ["lv"]);
    }

    #[test]
    fn traditional_characters_read_like_their_simplified_forms() {
        assert_eq!(read("無犯罪記錄證明"), read("无犯罪记录证明"));
        assert_eq!(read("親屬關係"), read("亲属关系"));
    }

    #[test]
    fn typed_pinyin_finds_its_syllables_and_prefixes() {
        assert_eq!(
            syllable_from_text("zhuang").map(syllable_text),
            Some("zhuang")
        );
        assert_eq!(
            syllable_from_text("zhuan").map(syllable_text),
            Some("zhuan")
        );
        assert_eq!(syllable_from_text("xyz"), None);
        assert!(is_syllable_prefix("zhua"));
        assert!(!is_syllable_prefix("zx"));
        assert!(syllable_count() > 380 && syllable_count() < 450);
    }

    #[test]
    fn the_compact_table_gives_every_character_its_pinyin_crate_reading() {
        use pinyin::ToPinyin;
        let mut known = 0;
        for code in 0x4e00u32..=0x9fff {
            let c = char::from_u32(code).unwrap();
            if let Some(s) = syllable_of(c) {
                known += 1;
                let expected = c.to_pinyin().unwrap().plain().replace('ü', "v");
                assert_eq!(syllable_text(s), expected, "{c}");
            }
        }
        // GB2312's 6,763 hanzi and Big5's frequent traditional ones.
        assert!((8000..10000).contains(&known), "{known} characters");
    }

    #[test]
    fn non_hanzi_have_no_syllable() {
        assert_eq!(syllable_of('a'), None);
        assert_eq!(syllable_of('。'), None);
        assert!(!is_hanzi('a') && is_hanzi('证'));
    }
}
