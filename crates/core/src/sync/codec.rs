//! The binary form of a signed payload: a postcard envelope holding the
//! format, the postcard-encoded payload and its Ed25519 signature. The size
//! is checked before anything is decoded.

use super::{Cell, CountsPayload, PeriodReport};
use crate::ledger::{AgencyCategory, Outcome, Period};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The payload format this build writes and reads.
pub const PAYLOAD_FORMAT: u8 = 2;

/// Largest encoded payload accepted (a busy village's year is a few KB).
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

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
        items.sort();
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

    fn into_payload(self) -> Result<CountsPayload, DecodeError> {
        let items = self.items;
        let periods = self
            .periods
            .into_iter()
            .map(|p| {
                if !(1..=12).contains(&p.month) {
                    return Err(DecodeError::Malformed(format!("month {}", p.month)));
                }
                let cells = p
                    .cells
                    .into_iter()
                    .map(|(i, outcome, agency, count)| {
                        let item = items
                            .get(i as usize)
                            .ok_or_else(|| DecodeError::Malformed(format!("item {i}")))?;
                        Ok(Cell {
                            item: item.clone(),
                            outcome,
                            agency,
                            count,
                        })
                    })
                    .collect::<Result<_, DecodeError>>()?;
                Ok(PeriodReport {
                    period: Period {
                        year: p.year,
                        month: p.month,
                    },
                    closed: p.closed,
                    cells,
                })
            })
            .collect::<Result<_, DecodeError>>()?;
        Ok(CountsPayload {
            village: self.village,
            device_key: self.device_key,
            incarnation: self.incarnation,
            ledger: self.ledger,
            created_at: self.created_at,
            periods,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: u8,
    body: Vec<u8>,
    signature: Vec<u8>,
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
    /// The signature does not match the payload and its device key.
    #[error("payload signature does not verify")]
    BadSignature,
}

/// Signs and encodes `payload` with the device's secret key.
pub fn encode(payload: &CountsPayload, secret: &[u8; 32]) -> Vec<u8> {
    let key = SigningKey::from_bytes(secret);
    let body = postcard::to_allocvec(&Wire::from_payload(payload)).expect("payloads serialize");
    let signature = key.sign(&[CONTEXT, &body].concat());
    postcard::to_allocvec(&Envelope {
        format: PAYLOAD_FORMAT,
        body,
        signature: signature.to_bytes().to_vec(),
    })
    .expect("envelopes serialize")
}

/// The public key of a device's secret key.
pub fn public_key(secret: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(secret).verifying_key().to_bytes()
}

/// Decodes `bytes` and verifies the signature against the payload's own
/// device key. Whether that key is enrolled for the village is the server's
/// question.
pub fn decode(bytes: &[u8]) -> Result<SignedPayload, DecodeError> {
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
    if envelope.format != PAYLOAD_FORMAT {
        return Err(DecodeError::UnsupportedFormat(envelope.format));
    }
    let (wire, rest): (Wire, &[u8]) = postcard::take_from_bytes(&envelope.body)
        .map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(DecodeError::Malformed("bytes after the counts".into()));
    }
    let signature: [u8; 64] = envelope
        .signature
        .as_slice()
        .try_into()
        .map_err(|_| DecodeError::BadSignature)?;
    let key = VerifyingKey::from_bytes(&wire.device_key).map_err(|_| DecodeError::BadSignature)?;
    key.verify(
        &[CONTEXT, &envelope.body].concat(),
        &Signature::from_bytes(&signature),
    )
    .map_err(|_| DecodeError::BadSignature)?;
    Ok(SignedPayload {
        payload: wire.into_payload()?,
        signature,
    })
}
