//! The code printed on a certificate: what the paper says, signed by the
//! tablet that issued it, as base45 text behind [`CODE_PREFIX`] so that it
//! fits a small QR code (alphanumeric mode).
//!
//! Nothing personal is readable from the code: the holder's name and ID
//! number enter only as a salted, memory-hard hash (Argon2id), and the salt
//! is the check code printed beside it on the paper. Whoever holds only the
//! code would have to guess the check code (31^8 values) for every name and
//! ID number they try; whoever holds the paper and not the ID number pays
//! one Argon2id per guess of it ([`HOLDER_PARAMS`]).

use crate::ledger::{CertificateNumber, Event, ItemRef};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// The text of every certificate code written now starts with this.
pub const CODE_PREFIX: &str = "JZC2:";

/// The prefix of codes printed before the holder hash was memory-hard:
/// still read, and checked with the hash they were made with.
const CODE_PREFIX_V1: &str = "JZC1:";

/// Longest code text read, prefix included (a code is about 250).
pub const MAX_CODE_CHARS: usize = 600;

/// Longest text field (village, ledger, item, list version) in a code.
const MAX_FIELD_CHARS: usize = 40;

/// Signatures cover this prefix and the claims, so a certificate signature
/// never verifies as a counts payload and the reverse, nor a code of one
/// version as the other's (a changed prefix breaks the signature).
const CONTEXT: &[u8] = b"jianzheng-certificate-v2";

/// The context of [`CODE_PREFIX_V1`] codes.
const CONTEXT_V1: &[u8] = b"jianzheng-certificate-v1";

/// Argon2id's cost for one holder hash: 8 MiB, 3 passes, one lane. A
/// phone's browser computes it in well under the 300 ms a verifier waits
/// (`scripts/bench verify_holder_hash_ms`); a guesser pays the same for
/// every ID number tried.
pub const HOLDER_PARAMS: (u32, u32, u32) = (8 * 1024, 3, 1);

/// How the holder hash of a code was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HolderScheme {
    /// [`CODE_PREFIX_V1`]: one SHA-256 (codes printed before Argon2id).
    Sha256,
    /// [`CODE_PREFIX`]: Argon2id ([`HOLDER_PARAMS`]).
    Argon2id,
}

impl HolderScheme {
    /// The holder hash of a paper's check code, name and ID number as
    /// codes of this scheme keep it.
    pub fn hash(self, check_code: &str, name: &str, id_number: &str) -> [u8; HOLDER_BYTES] {
        match self {
            HolderScheme::Sha256 => holder_hash_v1(check_code, name, id_number),
            HolderScheme::Argon2id => holder_hash(check_code, name, id_number),
        }
    }
}

/// Bytes of the holder hash kept in the code.
const HOLDER_BYTES: usize = 16;

/// The day a certificate was issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IssueDate {
    /// Year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day, 1 to 31.
    pub day: u8,
}

impl IssueDate {
    /// The date of an ISO 8601 time or date (`2026-12-03T…`).
    pub fn from_iso(time: &str) -> Option<IssueDate> {
        time.get(..10)?.parse().ok()
    }

    /// The date as a paper writes it: 2026年12月3日, or 3 December 2026.
    pub fn written(self, lang: crate::i18n::Lang) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match lang {
            crate::i18n::Lang::Zh => format!("{}年{}月{}日", self.year, self.month, self.day),
            crate::i18n::Lang::En => format!(
                "{} {} {}",
                self.day,
                MONTHS[usize::from(self.month.clamp(1, 12)) - 1],
                self.year
            ),
        }
    }

    fn is_valid(self) -> bool {
        (2000..=2200).contains(&self.year)
            && (1..=12).contains(&self.month)
            && (1..=31).contains(&self.day)
    }
}

impl fmt::Display for IssueDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for IssueDate {
    type Err = CodeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || CodeError::Malformed(format!("date {text}"));
        let mut parts = text.trim().splitn(3, '-');
        let mut next = || parts.next().ok_or_else(bad);
        let year = next()?.parse().map_err(|_| bad())?;
        let month = next()?.parse().map_err(|_| bad())?;
        let day = next()?.parse().map_err(|_| bad())?;
        let date = IssueDate { year, month, day };
        date.is_valid().then_some(date).ok_or_else(bad)
    }
}

/// What a certificate's code vouches for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateClaims {
    /// The printed number, which names the village and the ledger.
    pub number: CertificateNumber,
    /// The entry code of the item; empty for a certificate on no list.
    pub item: String,
    /// The version of the list it was issued under; empty when unlisted.
    pub list_version: String,
    /// The day of issue.
    pub date: IssueDate,
    /// [`holder_hash`] of the check code, name and ID number.
    pub holder: [u8; HOLDER_BYTES],
}

impl CertificateClaims {
    fn check(&self) -> Result<(), CodeError> {
        for (name, text) in [
            ("village", &self.number.village),
            ("ledger", &self.number.device),
            ("item", &self.item),
            ("list version", &self.list_version),
        ] {
            if text.chars().count() > MAX_FIELD_CHARS {
                return Err(CodeError::Malformed(format!(
                    "{name} longer than {MAX_FIELD_CHARS} characters"
                )));
            }
        }
        if !self.date.is_valid() {
            return Err(CodeError::Malformed(format!("date {}", self.date)));
        }
        Ok(())
    }
}

/// The code as carried: the claims' bytes, the signing key, the signature.
#[derive(Serialize, Deserialize)]
struct Wire {
    claims: Vec<u8>,
    key: [u8; 32],
    signature: Vec<u8>,
}

/// A decoded code: the claims, the tablet key that signed them, and
/// whether the signature holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCode {
    /// What the code says.
    pub claims: CertificateClaims,
    /// The signing tablet's public key.
    pub key: [u8; 32],
    /// The signature verifies over the claims with `key`.
    pub signature_holds: bool,
    /// How its holder hash was made.
    pub scheme: HolderScheme,
}

/// Why a text is not a certificate code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not one of ours (another QR code, or no code at all).
    #[error("not a certificate code")]
    Foreign,
    /// Ours, but cut, garbled or out of bounds.
    #[error("the certificate code cannot be read: {0}")]
    Malformed(String),
}

impl SignedCode {
    /// Signs `claims` with the tablet's secret key into the code's text.
    pub fn sign(claims: &CertificateClaims, secret: &[u8; 32]) -> String {
        let bytes = postcard::to_allocvec(claims).expect("claims serialize");
        let wire = Wire {
            signature: crate::signature::sign(secret, CONTEXT, &bytes).to_vec(),
            claims: bytes,
            key: crate::sync::public_key(secret),
        };
        let wire = postcard::to_allocvec(&wire).expect("codes serialize");
        format!("{CODE_PREFIX}{}", base45::encode(&wire))
    }

    /// Reads a code's text (scanned or typed; surrounding space ignored)
    /// and checks its signature. Bounds are checked before decoding.
    pub fn read(text: &str) -> Result<SignedCode, CodeError> {
        let text = text.trim();
        if text.len() > MAX_CODE_CHARS {
            return Err(CodeError::Malformed(format!(
                "longer than {MAX_CODE_CHARS} characters"
            )));
        }
        // Typed by hand, the prefix may come in lower case.
        let (scheme, context) = match text.get(..CODE_PREFIX.len()) {
            Some(head) if head.eq_ignore_ascii_case(CODE_PREFIX) => {
                (HolderScheme::Argon2id, CONTEXT)
            }
            Some(head) if head.eq_ignore_ascii_case(CODE_PREFIX_V1) => {
                (HolderScheme::Sha256, CONTEXT_V1)
            }
            _ => return Err(CodeError::Foreign),
        };
        let body = &text[CODE_PREFIX.len()..];
        let malformed = |what: &dyn fmt::Display| CodeError::Malformed(what.to_string());
        let bytes = base45::decode(body.to_ascii_uppercase()).map_err(|e| malformed(&e))?;
        let (wire, rest): (Wire, &[u8]) =
            postcard::take_from_bytes(&bytes).map_err(|e| malformed(&e))?;
        if !rest.is_empty() {
            return Err(malformed(&"trailing bytes"));
        }
        let (claims, rest): (CertificateClaims, &[u8]) =
            postcard::take_from_bytes(&wire.claims).map_err(|e| malformed(&e))?;
        if !rest.is_empty() {
            return Err(malformed(&"trailing bytes in the claims"));
        }
        claims.check()?;
        let signature_holds =
            crate::signature::holds(&wire.key, context, &wire.claims, &wire.signature);
        Ok(SignedCode {
            claims,
            key: wire.key,
            signature_holds,
            scheme,
        })
    }
}

/// A printed certificate's code and check code, as the tablet with
/// `secret` makes them for an issued `event` (the same at every reprint);
/// `None` for an event that is not an issued certificate.
pub fn seal_event(event: &Event, secret: &[u8; 32]) -> Option<(String, String)> {
    let number = event.number.clone()?;
    let date = IssueDate::from_iso(&event.time)?;
    let (item, list_version) = match &event.item {
        ItemRef::Listed {
            code, list_version, ..
        } => (code.clone(), list_version.clone()),
        ItemRef::FreeText { .. } => (String::new(), String::new()),
    };
    let check = check_code(secret, &event.hash);
    let field = |key: &str| event.resident.get(key).map_or("", String::as_str);
    let claims = CertificateClaims {
        number,
        item,
        list_version,
        date,
        holder: holder_hash(&check, field("name"), field("id_number")),
    };
    claims.check().ok()?;
    Some((SignedCode::sign(&claims, secret), check))
}

/// The check code printed on a certificate: 8 characters of the enrolment
/// alphabet (no 0/O, 1/I/L), derived from the tablet's secret and the
/// ledger event, so a reprint shows the same one and no one without the
/// secret can predict it.
pub fn check_code(secret: &[u8; 32], event_hash: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"jianzheng-check-code-v1")
        .chain_update(secret)
        .chain_update(event_hash.as_bytes())
        .finalize();
    let mut random = [0u8; crate::sync::CODE_LEN];
    random.copy_from_slice(&digest[..crate::sync::CODE_LEN]);
    crate::sync::new_code(random)
}

/// The salted, memory-hard hash of the holder's name and ID number, as a
/// code keeps it: Argon2id ([`HOLDER_PARAMS`]) salted with the check code.
/// Both are compared as people write them on and read them off paper:
/// spaces dropped, full-width letters and digits as ASCII, the ID number in
/// upper case, the middle dots of minority names as one; the check code as
/// typed (dashes, spaces, lower case).
pub fn holder_hash(check_code: &str, name: &str, id_number: &str) -> [u8; HOLDER_BYTES] {
    let check = crate::sync::normalize_code(check_code).unwrap_or_else(|| check_code.to_owned());
    let salt = [b"jianzheng-holder-v2:".as_slice(), check.as_bytes()].concat();
    let secret = [
        plain(name).as_bytes(),
        &[0],
        plain(id_number).to_uppercase().as_bytes(),
    ]
    .concat();
    // Checked when this builds, so no error text goes into the bundles.
    const PARAMS: Params = match Params::new(
        HOLDER_PARAMS.0,
        HOLDER_PARAMS.1,
        HOLDER_PARAMS.2,
        Some(HOLDER_BYTES),
    ) {
        Ok(params) => params,
        Err(_) => panic!("the holder hash's parameters are valid"),
    };
    let mut hash = [0u8; HOLDER_BYTES];
    if Argon2::new(Algorithm::Argon2id, Version::V0x13, PARAMS)
        .hash_password_into(&secret, &salt, &mut hash)
        .is_err()
    {
        unreachable!("a salt of 20 bytes and more, an output of 16");
    }
    hash
}

/// The holder hash of [`CODE_PREFIX_V1`] codes: one SHA-256.
fn holder_hash_v1(check_code: &str, name: &str, id_number: &str) -> [u8; HOLDER_BYTES] {
    let check = crate::sync::normalize_code(check_code).unwrap_or_else(|| check_code.to_owned());
    let digest = Sha256::new()
        .chain_update(b"jianzheng-holder-v1")
        .chain_update(check.as_bytes())
        .chain_update([0])
        .chain_update(plain(name).as_bytes())
        .chain_update([0])
        .chain_update(plain(id_number).to_uppercase().as_bytes())
        .finalize();
    let mut hash = [0u8; HOLDER_BYTES];
    hash.copy_from_slice(&digest[..HOLDER_BYTES]);
    hash
}

/// Text without spaces, full-width ASCII folded, middle dots made one.
fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '•' | '・' | '‧' | '∙' => '·',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(holder: [u8; HOLDER_BYTES]) -> CertificateClaims {
        CertificateClaims {
            number: "140105001-2026-T1-0042".parse().unwrap(),
            item: "HH-001".into(),
            list_version: "2026.2".into(),
            date: "2026-11-20".parse().unwrap(),
            holder,
        }
    }

    /// A code as a tablet printed it before the holder hash was Argon2id.
    fn sign_v1(claims: &CertificateClaims, secret: &[u8; 32]) -> String {
        let bytes = postcard::to_allocvec(claims).unwrap();
        let wire = Wire {
            signature: crate::signature::sign(secret, CONTEXT_V1, &bytes).to_vec(),
            claims: bytes,
            key: crate::sync::public_key(secret),
        };
        format!(
            "{CODE_PREFIX_V1}{}",
            base45::encode(postcard::to_allocvec(&wire).unwrap())
        )
    }

    #[test]
    fn a_paper_printed_before_argon2id_still_reads_with_its_own_hash() {
        let secret = [7; 32];
        let old = sign_v1(&claims(holder_hash_v1("ABCD2345", "张三", "X")), &secret);
        let read = SignedCode::read(&old).unwrap();
        assert!(read.signature_holds);
        assert_eq!(read.scheme, HolderScheme::Sha256);
        assert_eq!(
            read.claims.holder,
            read.scheme.hash("abcd-2345", "张 三", "x")
        );
        // The prefix is covered by the signature: a v1 code called v2 (or
        // the reverse) no longer verifies.
        let renamed = old.replacen(CODE_PREFIX_V1, CODE_PREFIX, 1);
        assert!(!SignedCode::read(&renamed).unwrap().signature_holds);
        let new = SignedCode::sign(&claims(holder_hash("ABCD2345", "张三", "X")), &secret);
        let renamed = new.replacen(CODE_PREFIX, CODE_PREFIX_V1, 1);
        assert!(!SignedCode::read(&renamed).unwrap().signature_holds);
        let read = SignedCode::read(&new).unwrap();
        assert!(read.signature_holds);
        assert_eq!(read.scheme, HolderScheme::Argon2id);
    }

    #[test]
    fn the_holder_hash_is_argon2id_of_what_the_paper_says() {
        let hash = holder_hash("ABCD-2345", "欧阳·买买提", "14010519900101123x");
        // As typed from paper, the same; another ID number, another hash.
        assert_eq!(
            hash,
            holder_hash("abcd2345", "欧阳•买买提", "１４010519900101123X")
        );
        assert_ne!(
            hash,
            holder_hash("ABCD2345", "欧阳·买买提", "140105199001011231")
        );
        assert_ne!(
            hash,
            holder_hash_v1("ABCD2345", "欧阳·买买提", "14010519900101123X")
        );
        let (memory, passes, lanes) = HOLDER_PARAMS;
        let mut expected = [0u8; HOLDER_BYTES];
        Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(memory, passes, lanes, Some(HOLDER_BYTES)).unwrap(),
        )
        .hash_password_into(
            "欧阳·买买提\u{0}14010519900101123X".as_bytes(),
            b"jianzheng-holder-v2:ABCD2345",
            &mut expected,
        )
        .unwrap();
        assert_eq!(hash, expected);
    }
}
