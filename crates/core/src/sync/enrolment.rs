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

/// Enrolments are signed under this context, so that no signature made
/// for a payload, a certificate or a trust list holds for one.
const CONTEXT: &[u8] = b"jianzheng-enrol-v1";

/// What a tablet signs to enrol: the code (canonical when it is one, as
/// typed when not), the village, the ledger, the incarnation and its own
/// public key. A signature over it proves the asker holds the key's
/// secret, so no one can enrol a key they saw in the trust list.
fn proof_body(
    code: &str,
    village: &str,
    ledger: &str,
    incarnation: u32,
    key: &[u8; 32],
) -> Vec<u8> {
    let code = normalize_code(code).unwrap_or_else(|| code.to_owned());
    postcard::to_allocvec(&(code.as_str(), village, ledger, incarnation, key))
        .expect("tuples of strings and numbers serialize")
}

/// The tablet's signature of its enrolment with `secret`.
pub fn sign_enrolment(
    secret: &[u8; 32],
    code: &str,
    village: &str,
    ledger: &str,
    incarnation: u32,
) -> [u8; 64] {
    let key = super::public_key(secret);
    crate::signature::sign(
        secret,
        CONTEXT,
        &proof_body(code, village, ledger, incarnation, &key),
    )
}

/// Whether `signature` is `key`'s over this enrolment (strictly checked,
/// never for a weak key).
pub fn enrolment_proof_holds(
    key: &[u8; 32],
    code: &str,
    village: &str,
    ledger: &str,
    incarnation: u32,
    signature: &[u8; 64],
) -> bool {
    crate::signature::holds(
        key,
        CONTEXT,
        &proof_body(code, village, ledger, incarnation, key),
        signature,
    )
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
    fn an_enrolment_proof_holds_only_for_what_was_signed_by_the_key_holder() {
        let secret = [9; 32];
        let key = crate::sync::public_key(&secret);
        let proof = sign_enrolment(&secret, "k7m2-q9xd", "140105001", "T1", 1);
        // The code is signed in its canonical form, however it was typed.
        assert!(enrolment_proof_holds(
            &key,
            "K7M2Q9XD",
            "140105001",
            "T1",
            1,
            &proof
        ));
        // Any other code, village, ledger or incarnation: not this proof.
        assert!(!enrolment_proof_holds(
            &key,
            "K7M2Q9XE",
            "140105001",
            "T1",
            1,
            &proof
        ));
        assert!(!enrolment_proof_holds(
            &key,
            "K7M2Q9XD",
            "140105002",
            "T1",
            1,
            &proof
        ));
        assert!(!enrolment_proof_holds(
            &key,
            "K7M2Q9XD",
            "140105001",
            "T2",
            1,
            &proof
        ));
        assert!(!enrolment_proof_holds(
            &key,
            "K7M2Q9XD",
            "140105001",
            "T1",
            2,
            &proof
        ));
        // Another key's holder cannot sign for this key.
        let other = sign_enrolment(&[8; 32], "K7M2Q9XD", "140105001", "T1", 1);
        assert!(!enrolment_proof_holds(
            &key,
            "K7M2Q9XD",
            "140105001",
            "T1",
            1,
            &other
        ));
        // A counts payload's or a certificate's signature is not a proof.
        let body = proof_body("K7M2Q9XD", "140105001", "T1", 1, &key);
        let elsewhere = crate::signature::sign(&secret, b"jianzheng-counts-v1", &body);
        assert!(!enrolment_proof_holds(
            &key,
            "K7M2Q9XD",
            "140105001",
            "T1",
            1,
            &elsewhere
        ));
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
