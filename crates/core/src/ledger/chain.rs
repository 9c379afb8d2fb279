//! The hash chain: each event carries the SHA-256 of its own content and the
//! hash of the event before it, so a gap or an edit is visible on audit.

use super::Event;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of `event`: SHA-256 over its canonical JSON with `hash` empty.
pub fn event_hash(event: &Event) -> String {
    let mut unhashed = event.clone();
    unhashed.hash.clear();
    // Field order is fixed by the struct and resident fields are a BTreeMap,
    // so the JSON of an event is canonical.
    let bytes = serde_json::to_vec(&unhashed).expect("events serialize");
    let digest = Sha256::digest(&bytes);
    digest
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Where a chain breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// A sequence number is missing or repeated.
    #[error("event {found} follows {previous}: a gap or a repeat")]
    Gap {
        /// The sequence number before.
        previous: u64,
        /// The one found.
        found: u64,
    },
    /// An event does not link to the one before.
    #[error("event {0} does not link to the event before it")]
    Unlinked(u64),
    /// An event's content does not match its hash.
    #[error("event {0} was changed after it was written")]
    Altered(u64),
}

/// Checks that `events` (in order, from the first) form an unbroken chain.
pub fn verify_chain(events: &[Event]) -> Result<(), ChainError> {
    let mut previous_seq = 0;
    let mut previous_hash = GENESIS;
    for event in events {
        if event.seq != previous_seq + 1 {
            return Err(ChainError::Gap {
                previous: previous_seq,
                found: event.seq,
            });
        }
        if event.prev_hash != previous_hash {
            return Err(ChainError::Unlinked(event.seq));
        }
        if event_hash(event) != event.hash {
            return Err(ChainError::Altered(event.seq));
        }
        previous_seq = event.seq;
        previous_hash = &event.hash;
    }
    Ok(())
}
