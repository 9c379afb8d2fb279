//! The binary form of a signed payload: a postcard envelope holding the
//! format, the postcard-encoded payload and its Ed25519 signature. The size
//! is checked before anything is decoded.

use super::{Cell, CountsPayload, PeriodReport, VoidedNumber};
use crate::ledger::{AgencyCategory, Outcome, Period};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The payload format this build writes. It reads this one and format 2
/// (the same without voided numbers), which tablets not yet updated send.
pub const PAYLOAD_FORMAT: u8 = 3;

/// The format before voided numbers travelled with the counts.
const FORMAT_WITHOUT_VOIDED: u8 = 2;

/// Most voided certificate numbers in one payload. A tablet sends its
/// newest; the server keeps every one it has been sent.
pub const MAX_VOIDED: usize = 4_096;

/// Most voided numbers the town keeps for one ledger's year, over every
/// upload: a village issuing 2,000 papers a year and voiding one in seven.
/// It bounds the trust list every verifier downloads (a county of 1,000
/// tablets over ten years: at most 3 million numbers, about 8 MB), so one
/// tablet, or a stolen key, cannot grow it without end.
pub const MAX_VOIDED_PER_YEAR: u32 = 300;

/// Largest encoded payload accepted (a busy village's year is a few KB).
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

/// The most one device may count in one cell (one item, outcome and agency
/// in one month). A village does not issue 100,000 certificates of one kind
/// in a month; a larger count is an error or an attack, never a figure, and
/// it keeps every sum the town makes far from overflowing.
pub const MAX_CELL_COUNT: u64 = 100_000;

/// Longest item key in characters: an entry code, or `free:` and an
/// unlisted item's text, which the ledger caps at 200 characters.
pub const MAX_ITEM_CHARS: usize = 205;

/// Most distinct items in one payload.
pub const MAX_ITEMS: usize = 2_000;

/// Most cells in one payload, over all its periods.
pub const MAX_CELLS: usize = 8_192;

/// Most periods in one payload: ten years of months.
pub const MAX_PERIODS: usize = 120;

/// Longest village code, ledger label or device time in a payload.
pub const MAX_LABEL_CHARS: usize = 40;

/// The years a period may lie in.
pub const PERIOD_YEARS: std::ops::RangeInclusive<i32> =
    crate::values::BaselineYear::MIN..=crate::values::BaselineYear::MAX;

/// Signatures cover this prefix and the payload bytes, so a signature made
/// for anything else never verifies here.
const CONTEXT: &[u8] = b"jianzheng-counts-v1";

/// The payload as sent: item keys once in a table, cells by index, so a
/// year of a busy village fits in three QR codes.
#[derive(Serialize, Deserialize)]
struct Wire {
    village: String,
    device_key: [u8; 32],
    incarnation: u32,
    ledger: String,
    created_at: String,
    items: Vec<String>,
    periods: Vec<WirePeriod>,
}

/// What a signature covers: the counts, then the voided numbers (postcard
/// writes one after the other, so a format-2 body is the counts alone).
#[derive(Serialize, Deserialize)]
struct Body {
    wire: Wire,
    voided: Vec<(i32, u32)>,
}

#[derive(Serialize, Deserialize)]
struct WirePeriod {
    year: i32,
    month: u8,
    closed: bool,
    cells: Vec<(u32, Outcome, AgencyCategory, u64)>,
}

impl Wire {
    fn from_payload(payload: &CountsPayload) -> Wire {
        let mut items: Vec<String> = payload
            .periods
            .iter()
            .flat_map(|p| p.cells.iter().map(|c| c.item.clone()))
            .collect();
        items.sort_unstable();
        items.dedup();
        let index = |item: &str| {
            items
                .binary_search_by(|i| i.as_str().cmp(item))
                .expect("listed") as u32
        };
        let periods = payload
            .periods
            .iter()
            .map(|p| WirePeriod {
                year: p.period.year,
                month: p.period.month,
                closed: p.closed,
                cells: p
                    .cells
                    .iter()
                    .map(|c| (index(&c.item), c.outcome, c.agency, c.count))
                    .collect(),
            })
            .collect();
        Wire {
            village: payload.village.clone(),
            device_key: payload.device_key,
            incarnation: payload.incarnation,
            ledger: payload.ledger.clone(),
            created_at: payload.created_at.clone(),
            items,
            periods,
        }
    }

    /// Checks every bound before anything is expanded: lengths, counts,
    /// item indices, months and years.
    fn check(&self) -> Result<(), DecodeError> {
        let malformed = |what: String| Err(DecodeError::Malformed(what));
        for (name, text) in [
            ("village", &self.village),
            ("ledger", &self.ledger),
            ("created_at", &self.created_at),
        ] {
            if text.chars().count() > MAX_LABEL_CHARS {
                return malformed(format!("{name} longer than {MAX_LABEL_CHARS} characters"));
            }
            if !text.chars().all(crate::values::printable) {
                return malformed(format!("{name} holds a control character"));
            }
        }
        if self.items.len() > MAX_ITEMS {
            return malformed(format!("more than {MAX_ITEMS} items"));
        }
        if let Some(i) = self
            .items
            .iter()
            .position(|item| item.chars().count() > MAX_ITEM_CHARS)
        {
            return malformed(format!("item {i} longer than {MAX_ITEM_CHARS} characters"));
        }
        if let Some(i) = self
            .items
            .iter()
            .position(|item| !item.chars().all(crate::values::printable))
        {
            return malformed(format!("item {i} holds a control character"));
        }
        if self.periods.len() > MAX_PERIODS {
            return malformed(format!("more than {MAX_PERIODS} periods"));
        }
        let cells: usize = self.periods.iter().map(|p| p.cells.len()).sum();
        if cells > MAX_CELLS {
            return malformed(format!("more than {MAX_CELLS} cells"));
        }
        for p in &self.periods {
            if !(1..=12).contains(&p.month) {
                return malformed(format!("month {}", p.month));
            }
            if !PERIOD_YEARS.contains(&p.year) {
                return malformed(format!("year {} outside {PERIOD_YEARS:?}", p.year));
            }
            for &(i, _, _, count) in &p.cells {
                if i as usize >= self.items.len() {
                    return malformed(format!("item {i}"));
                }
                if count > MAX_CELL_COUNT {
                    return Err(DecodeError::CountTooLarge(count));
                }
            }
        }
        Ok(())
    }

    /// The payload, each cell with its item's text. Only after [`Wire::check`].
    fn into_payload(self) -> CountsPayload {
        let items = self.items;
        let periods = self
            .periods
            .into_iter()
            .map(|p| PeriodReport {
                period: Period {
                    year: p.year,
                    month: p.month,
                },
                closed: p.closed,
                cells: p
                    .cells
                    .into_iter()
                    .filter_map(|(i, outcome, agency, count)| {
                        Some(Cell {
                            item: items.get(i as usize)?.clone(),
                            outcome,
                            agency,
                            count,
                        })
                    })
                    .collect(),
            })
            .collect();
        CountsPayload {
            village: self.village,
            device_key: self.device_key,
            incarnation: self.incarnation,
            ledger: self.ledger,
            created_at: self.created_at,
            periods,
            voided: Vec::new(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: u8,
    body: Vec<u8>,
    signature: Vec<u8>,
}

/// A payload whose signature verified against its own device key, not yet
/// expanded: who sent it can be checked before its bounds are and before
/// any memory is spent on its cells ([`Verified::expand`]).
pub struct Verified {
    wire: Wire,
    voided: Vec<(i32, u32)>,
    signature: [u8; 64],
}

impl Verified {
    /// The village the payload is for.
    pub fn village(&self) -> &str {
        &self.wire.village
    }

    /// The signing device's public key.
    pub fn device_key(&self) -> &[u8; 32] {
        &self.wire.device_key
    }

    /// The device's incarnation.
    pub fn incarnation(&self) -> u32 {
        self.wire.incarnation
    }

    /// The ledger the counts come from.
    pub fn ledger(&self) -> &str {
        &self.wire.ledger
    }

    /// The signature, which tells one upload from another.
    pub fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    /// Checks every bound of the payload (lengths, counts, months, years)
    /// and only then writes every cell out.
    pub fn expand(self) -> Result<SignedPayload, DecodeError> {
        self.wire.check()?;
        if self.voided.len() > MAX_VOIDED {
            return Err(DecodeError::Malformed(format!(
                "more than {MAX_VOIDED} voided numbers"
            )));
        }
        if let Some((year, _)) = self.voided.iter().find(|(y, _)| !PERIOD_YEARS.contains(y)) {
            return Err(DecodeError::Malformed(format!(
                "voided number of {year}, outside {PERIOD_YEARS:?}"
            )));
        }
        let mut by_year: std::collections::BTreeMap<i32, u32> = std::collections::BTreeMap::new();
        for (year, _) in &self.voided {
            let count = by_year.entry(*year).or_default();
            *count += 1;
            if *count > MAX_VOIDED_PER_YEAR {
                return Err(DecodeError::Malformed(format!(
                    "more than {MAX_VOIDED_PER_YEAR} voided numbers of {year}"
                )));
            }
        }
        let mut payload = self.wire.into_payload();
        payload.voided = self
            .voided
            .into_iter()
            .map(|(year, sequence)| VoidedNumber { year, sequence })
            .collect();
        Ok(SignedPayload {
            payload,
            signature: self.signature,
        })
    }
}

/// A decoded payload whose signature verified against its own device key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedPayload {
    /// The counts.
    pub payload: CountsPayload,
    /// The signature, for the server's receipt log.
    pub signature: [u8; 64],
}

/// Why bytes are not a payload. Nothing is stored when this is returned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Larger than [`MAX_PAYLOAD_BYTES`].
    #[error("payload of {0} bytes is larger than {MAX_PAYLOAD_BYTES}")]
    TooLarge(usize),
    /// Not a payload, or truncated.
    #[error("payload cannot be read: {0}")]
    Malformed(String),
    /// Written by another version.
    #[error("payload format {0} is not supported")]
    UnsupportedFormat(u8),
    /// The signature does not match the payload and its device key, or
    /// the key is a weak (small-order) one.
    #[error("payload signature does not verify")]
    BadSignature,
    /// A cell counts more than [`MAX_CELL_COUNT`].
    #[error("a cell counts {0}, more than {MAX_CELL_COUNT}")]
    CountTooLarge(u64),
}

/// Whether `key` can be a device's identity: a valid Ed25519 point that is
/// not of small order (a weak key verifies forged signatures).
pub fn usable_device_key(key: &[u8; 32]) -> bool {
    VerifyingKey::from_bytes(key).is_ok_and(|k| !k.is_weak())
}

/// The body and signature of `payload` signed with the device's secret key.
fn signed_body(payload: &CountsPayload, secret: &[u8; 32]) -> (Vec<u8>, [u8; 64]) {
    let body = Body {
        wire: Wire::from_payload(payload),
        voided: payload
            .voided
            .iter()
            .map(|v| (v.year, v.sequence))
            .collect(),
    };
    let body = postcard::to_allocvec(&body).expect("payloads serialize");
    let signature = crate::signature::sign(secret, CONTEXT, &body);
    (body, signature)
}

/// Signs and encodes `payload` with the device's secret key.
pub fn encode(payload: &CountsPayload, secret: &[u8; 32]) -> Vec<u8> {
    let (body, signature) = signed_body(payload, secret);
    postcard::to_allocvec(&Envelope {
        format: PAYLOAD_FORMAT,
        body,
        signature: signature.to_vec(),
    })
    .expect("envelopes serialize")
}

impl SignedPayload {
    /// `payload` signed with the device's secret key, as [`decode`] gives
    /// it back from [`encode`]'s bytes (for a server seeding its own data).
    pub fn sign(payload: CountsPayload, secret: &[u8; 32]) -> SignedPayload {
        let (_, signature) = signed_body(&payload, secret);
        SignedPayload { payload, signature }
    }
}

/// The public key of a device's secret key.
pub fn public_key(secret: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(secret).verifying_key().to_bytes()
}

/// Decodes `bytes` and verifies the signature against the payload's own
/// device key. Whether that key is enrolled for the village is the server's
/// question.
pub fn decode(bytes: &[u8]) -> Result<SignedPayload, DecodeError> {
    verify(bytes)?.expand()
}

/// Decodes `bytes` (at most [`MAX_PAYLOAD_BYTES`]) and verifies the
/// signature strictly against the payload's own device key, without
/// expanding the cells: who signed it can be checked before any more work.
pub fn verify(bytes: &[u8]) -> Result<Verified, DecodeError> {
    if bytes.len() > MAX_PAYLOAD_BYTES {
        return Err(DecodeError::TooLarge(bytes.len()));
    }
    let (envelope, rest): (Envelope, &[u8]) =
        postcard::take_from_bytes(bytes).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(DecodeError::Malformed(format!(
            "{} bytes after the payload",
            rest.len()
        )));
    }
    let malformed = |e: postcard::Error| DecodeError::Malformed(e.to_string());
    let (Body { wire, voided }, rest) = match envelope.format {
        PAYLOAD_FORMAT => postcard::take_from_bytes(&envelope.body).map_err(malformed)?,
        FORMAT_WITHOUT_VOIDED => {
            let (wire, rest) = postcard::take_from_bytes(&envelope.body).map_err(malformed)?;
            (
                Body {
                    wire,
                    voided: Vec::new(),
                },
                rest,
            )
        }
        other => return Err(DecodeError::UnsupportedFormat(other)),
    };
    if !rest.is_empty() {
        return Err(DecodeError::Malformed("bytes after the counts".into()));
    }
    if !crate::signature::holds(
        &wire.device_key,
        CONTEXT,
        &envelope.body,
        &envelope.signature,
    ) {
        return Err(DecodeError::BadSignature);
    }
    let signature: [u8; 64] = envelope
        .signature
        .as_slice()
        .try_into()
        .map_err(|_| DecodeError::BadSignature)?;
    Ok(Verified {
        wire,
        voided,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Period;

    const SECRET: [u8; 32] = [7; 32];

    fn payload(voided: Vec<VoidedNumber>) -> CountsPayload {
        CountsPayload {
            village: "140105001".into(),
            device_key: public_key(&SECRET),
            incarnation: 1,
            ledger: "T1".into(),
            created_at: "2026-12-01T10:00:00Z".into(),
            periods: vec![PeriodReport {
                period: Period {
                    year: 2026,
                    month: 11,
                },
                closed: true,
                cells: vec![],
            }],
            voided,
        }
    }

    /// Bytes as a tablet of the previous format signs them.
    fn format_2(payload: &CountsPayload) -> Vec<u8> {
        let body = postcard::to_allocvec(&Wire::from_payload(payload)).unwrap();
        postcard::to_allocvec(&Envelope {
            format: FORMAT_WITHOUT_VOIDED,
            signature: crate::signature::sign(&SECRET, CONTEXT, &body).to_vec(),
            body,
        })
        .unwrap()
    }

    #[test]
    fn voided_numbers_travel_signed_and_format_2_still_reads() {
        let voided = vec![
            VoidedNumber {
                year: 2026,
                sequence: 3,
            },
            VoidedNumber {
                year: 2025,
                sequence: 41,
            },
        ];
        let sent = payload(voided);
        assert_eq!(decode(&encode(&sent, &SECRET)).unwrap().payload, sent);
        let old = payload(Vec::new());
        assert_eq!(decode(&format_2(&old)).unwrap().payload, old);
        // A format-3 body read as format 2 has bytes left over, and the
        // reverse is cut short: neither passes for the other.
        let mut relabelled: Envelope = postcard::from_bytes(&encode(&sent, &SECRET)).unwrap();
        relabelled.format = FORMAT_WITHOUT_VOIDED;
        assert!(decode(&postcard::to_allocvec(&relabelled).unwrap()).is_err());
    }

    #[test]
    fn too_many_voided_numbers_or_one_outside_the_years_is_refused() {
        let many = (0..=MAX_VOIDED as u32)
            .map(|sequence| VoidedNumber {
                year: 2026,
                sequence,
            })
            .collect();
        assert!(matches!(
            decode(&encode(&payload(many), &SECRET)),
            Err(DecodeError::Malformed(_))
        ));
        let ancient = vec![VoidedNumber {
            year: 1900,
            sequence: 1,
        }];
        assert!(matches!(
            decode(&encode(&payload(ancient), &SECRET)),
            Err(DecodeError::Malformed(_))
        ));
    }
}
