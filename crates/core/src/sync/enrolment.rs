//! One-time enrolment codes: short, typed by hand from paper or a screen,
//! so the alphabet leaves out characters that look alike (0/O, 1/I/L).

/// The characters of a code.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Characters in a code: 31^8 ≈ 8.5 × 10^11 codes, used once each.
pub const CODE_LEN: usize = 8;

/// A code from random bytes (one byte per character, rejection-free: the
/// bias of `byte % 31` is below 1% and codes are single-use).
pub fn new_code(random: [u8; CODE_LEN]) -> String {
    random
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// A code as typed or scanned, in canonical form: upper case, with spaces
/// and dashes dropped. `None` if it cannot be a code.
pub fn normalize_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// A code as shown to people: two groups of four.
pub fn display_code(code: &str) -> String {
    match (code.get(..4), code.get(4..)) {
        (Some(a), Some(b)) if !b.is_empty() => format!("{a}-{b}"),
        _ => code.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_new_code_reads_back_however_it_is_typed(random in any::<[u8; CODE_LEN]>()) {
            let code = new_code(random);
            prop_assert_eq!(normalize_code(&code), Some(code.clone()));
            prop_assert_eq!(normalize_code(&display_code(&code).to_lowercase()), Some(code.clone()));
            prop_assert_eq!(normalize_code(&format!(" {} ", display_code(&code))), Some(code));
        }
    }

    #[test]
    fn look_alikes_and_wrong_lengths() {
        // 0, O, 1, I and L are not in the alphabet: a code never holds them.
        assert_eq!(normalize_code("K7M2-Q9XO"), None);
        assert_eq!(normalize_code("K7M2Q9X"), None);
        assert_eq!(normalize_code("K7M2Q9XDD"), None);
        assert_eq!(normalize_code("k7m2 q9xd"), Some("K7M2Q9XD".into()));
        assert_eq!(display_code("K7M2Q9XD"), "K7M2-Q9XD");
    }
}
