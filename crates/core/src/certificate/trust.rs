//! The trust list: which tablet keys may sign certificates (with their
//! village, ledger, first day and day of revocation) and which certificate
//! numbers were voided, signed by the town server's own key. Verifiers
//! fetch it without login, keep it, and check codes against it offline.
//!
//! A certificate number is not personal data (DESIGN.md, "What leaves the
//! tablet"): it names a village, a year, a ledger and a count.

use super::code::IssueDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Largest signed trust list read (a county of 1,000 tablets is ~100 KB).
pub const MAX_TRUST_BYTES: usize = 16 * 1024 * 1024;

/// The format this build writes and reads (2: revoked tablets carry the
/// numbers they had synced).
const FORMAT: u8 = 2;

/// Signatures cover this prefix and the list.
const CONTEXT: &[u8] = b"jianzheng-trust-v1";

/// Longest village code or ledger label in the list.
const MAX_LABEL_CHARS: usize = 40;

/// One tablet key that may sign certificates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustDevice {
    /// The tablet's public key.
    pub key: [u8; 32],
    /// The village it was enrolled for.
    pub village: String,
    /// The ledger it writes (the device label in certificate numbers).
    pub ledger: String,
    /// The day it was enrolled.
    pub valid_from: IssueDate,
    /// The day it was revoked: certificates it dates on or after that day
    /// are not vouched for.
    pub revoked_at: Option<IssueDate>,
    /// For a revoked (or replaced) tablet, how many certificates of each
    /// year its ledger had numbered in what reached the town by then: a
    /// number past these was printed after the last sync, by whoever holds
    /// the key now, whatever date it bears. `None` where the town did not
    /// record them (a revocation before it did): the date alone counts.
    pub numbered: Option<Vec<NumberedYear>>,
}

/// How many certificates a ledger numbered in a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberedYear {
    /// The year.
    pub year: i32,
    /// The highest sequence of the year.
    pub through: u32,
}

impl TrustDevice {
    /// Whether the town vouches for a certificate this tablet signed,
    /// numbered `number` and dated `date`: any, while the tablet is in use;
    /// once it is revoked, one dated before the revocation and numbered
    /// within what it had synced by then (the date is the signer's to
    /// choose; the number is not, once the town has counted it).
    pub fn vouches_for(&self, number: &crate::ledger::CertificateNumber, date: IssueDate) -> bool {
        let Some(revoked) = self.revoked_at else {
            return true;
        };
        let within = self.numbered.as_ref().is_none_or(|years| {
            let through = years
                .iter()
                .find(|n| n.year == number.year)
                .map_or(0, |n| n.through);
            number.sequence <= through
        });
        date < revoked && within
    }
}

/// The voided certificate numbers of one ledger in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidedRun {
    /// Village code.
    pub village: String,
    /// Ledger label.
    pub ledger: String,
    /// Year of the numbers.
    pub year: i32,
    /// The voided sequences, ascending.
    pub sequences: Vec<u32>,
}

/// What the town publishes for verifiers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustList {
    /// When the server made it (ISO 8601), shown as the list's age.
    pub issued_at: String,
    /// Every tablet key ever enrolled, one row per key.
    pub devices: Vec<TrustDevice>,
    /// Voided numbers, by ledger and year.
    pub voided: Vec<VoidedRun>,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: u8,
    town_key: [u8; 32],
    body: Vec<u8>,
    signature: Vec<u8>,
}

/// Why bytes are not a trust list to use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// Larger than [`MAX_TRUST_BYTES`].
    #[error("trust list of {0} bytes is larger than {MAX_TRUST_BYTES}")]
    TooLarge(usize),
    /// Not a trust list, or cut short.
    #[error("trust list cannot be read: {0}")]
    Malformed(String),
    /// The signature does not hold.
    #[error("trust list signature does not verify")]
    BadSignature,
    /// Signed by another key than the town key this verifier knows.
    #[error("trust list signed by another key than this town's")]
    OtherTown,
}

impl TrustList {
    /// The list signed with the town server's secret key.
    pub fn seal(&self, secret: &[u8; 32]) -> Vec<u8> {
        let body = postcard::to_allocvec(self).expect("trust lists serialize");
        postcard::to_allocvec(&Envelope {
            format: FORMAT,
            town_key: crate::sync::public_key(secret),
            signature: crate::signature::sign(secret, CONTEXT, &body).to_vec(),
            body,
        })
        .expect("envelopes serialize")
    }

    /// Reads signed bytes: the size first, then the signature against the
    /// town key in the bytes, which must be `pinned` when the verifier
    /// already knows its town's key. Returns the list and the town key.
    pub fn open(
        bytes: &[u8],
        pinned: Option<&[u8; 32]>,
    ) -> Result<(TrustList, [u8; 32]), TrustError> {
        if bytes.len() > MAX_TRUST_BYTES {
            return Err(TrustError::TooLarge(bytes.len()));
        }
        let malformed = |e: &dyn std::fmt::Display| TrustError::Malformed(e.to_string());
        let (envelope, rest): (Envelope, &[u8]) =
            postcard::take_from_bytes(bytes).map_err(|e| malformed(&e))?;
        if !rest.is_empty() {
            return Err(malformed(&"trailing bytes"));
        }
        if envelope.format != FORMAT {
            return Err(malformed(&format!("format {}", envelope.format)));
        }
        if pinned.is_some_and(|key| *key != envelope.town_key) {
            return Err(TrustError::OtherTown);
        }
        if !crate::signature::holds(
            &envelope.town_key,
            CONTEXT,
            &envelope.body,
            &envelope.signature,
        ) {
            return Err(TrustError::BadSignature);
        }
        let list: TrustList = postcard::from_bytes(&envelope.body).map_err(|e| malformed(&e))?;
        let long = list
            .devices
            .iter()
            .map(|d| (&d.village, &d.ledger))
            .chain(list.voided.iter().map(|v| (&v.village, &v.ledger)))
            .any(|(v, l)| {
                v.chars().count() > MAX_LABEL_CHARS || l.chars().count() > MAX_LABEL_CHARS
            });
        if long {
            return Err(malformed(&format!(
                "a label longer than {MAX_LABEL_CHARS} characters"
            )));
        }
        Ok((list, envelope.town_key))
    }
}

/// A trust list ready for lookups: keys by key, voided numbers by ledger
/// and year. Built once per list, then each check is two lookups.
#[derive(Clone, Debug, Default)]
pub struct TrustIndex {
    devices: HashMap<[u8; 32], TrustDevice>,
    /// The first day a tablet of each (village, ledger) was enrolled.
    ledgers: HashMap<(String, String), IssueDate>,
    voided: HashMap<(String, String, i32), Vec<u32>>,
    issued_at: String,
}

impl TrustIndex {
    /// The index of `list`. Of two rows for one key the later stands.
    pub fn new(list: TrustList) -> TrustIndex {
        let mut ledgers: HashMap<(String, String), IssueDate> = HashMap::new();
        for d in &list.devices {
            let first = ledgers
                .entry((d.village.clone(), d.ledger.clone()))
                .or_insert(d.valid_from);
            *first = (*first).min(d.valid_from);
        }
        let devices = list.devices.into_iter().map(|d| (d.key, d)).collect();
        let mut voided: HashMap<(String, String, i32), Vec<u32>> = HashMap::new();
        for run in list.voided {
            voided
                .entry((run.village, run.ledger, run.year))
                .or_default()
                .extend(run.sequences);
        }
        for sequences in voided.values_mut() {
            sequences.sort_unstable();
            sequences.dedup();
        }
        TrustIndex {
            devices,
            ledgers,
            voided,
            issued_at: list.issued_at,
        }
    }

    /// The row of a tablet key, if the town knows it.
    pub fn device(&self, key: &[u8; 32]) -> Option<&TrustDevice> {
        self.devices.get(key)
    }

    /// The earliest date a certificate of `number`'s ledger can bear: a
    /// year before its first tablet was enrolled (as a tablet may report
    /// the months of a year before it enrolled, and reprints what it
    /// recorded then). `None` for a ledger the list does not know.
    pub fn earliest_date(&self, number: &crate::ledger::CertificateNumber) -> Option<IssueDate> {
        self.ledgers
            .get(&(number.village.clone(), number.device.clone()))
            .map(|first| IssueDate {
                year: first.year - 1,
                ..*first
            })
    }

    /// Whether the number was voided.
    pub fn is_voided(&self, number: &crate::ledger::CertificateNumber) -> bool {
        self.voided
            .get(&(number.village.clone(), number.device.clone(), number.year))
            .is_some_and(|s| s.binary_search(&number.sequence).is_ok())
    }

    /// When the server made the list.
    pub fn issued_at(&self) -> &str {
        &self.issued_at
    }

    /// How many tablet keys the list holds.
    pub fn device_count(&self) -> usize {
        self.devices.len()
    }
}
