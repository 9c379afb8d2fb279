//! The clerk's ledger: append-only events linked by a hash chain, the
//! certificate numbers they carry, and the monthly counters derived from them.
//!
//! Nothing here touches storage: the app appends what [`Ledger::append`]
//! returns and recomputes nothing itself.

mod agency;
mod backup;
mod chain;
mod counters;
mod event;
mod number;
mod period;
mod search;
mod validate;

pub use agency::AgencyCategory;
pub use backup::{Backup, BackupError, BACKUP_FORMAT, MAX_BACKUP_BYTES};
pub use chain::{event_hash, verify_chain, ChainError, GENESIS};
pub use counters::{CounterKey, Counters};
pub use event::{Event, ItemRef, Outcome, Request};
pub use number::CertificateNumber;
pub use period::Period;
pub use search::{Filter, Hits, Index, Page};
use validate::validate;
pub use validate::{Limits, ValidationError, VoidTarget};

use crate::catalogue::Catalogue;
use crate::check::Decision;
use std::collections::BTreeMap;

/// The device's place in the ledger: what the next event must link to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// Sequence number of the last event (0 for an empty ledger).
    pub seq: u64,
    /// Hash of the last event ([`GENESIS`] for an empty ledger).
    pub hash: String,
    /// The last certificate sequence used in each year, for numbering. Kept
    /// per year, so a clock set back across New Year cannot reuse a number.
    pub issued: BTreeMap<i32, u32>,
}

impl Head {
    /// The head of an empty ledger.
    pub fn empty() -> Head {
        Head {
            seq: 0,
            hash: GENESIS.to_owned(),
            issued: BTreeMap::new(),
        }
    }

    /// The head after `events`, which must be the whole ledger in order.
    pub fn after(events: &[Event]) -> Head {
        let mut head = Head::empty();
        for event in events {
            head.advance(event);
        }
        head
    }

    fn advance(&mut self, event: &Event) {
        self.seq = event.seq;
        self.hash = event.hash.clone();
        if let Some(number) = &event.number {
            let last = self.issued.entry(number.year).or_default();
            *last = (*last).max(number.sequence);
        }
    }
}

/// Who is writing: the village and the device, for numbers and backups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Writer {
    /// Village code (e.g. `140105001`).
    pub village: String,
    /// Short device label, unique within the village (e.g. `T1`).
    pub device: String,
}

/// Builds the next event of a ledger.
pub struct Ledger;

impl Ledger {
    /// Validates `request`, numbers it if a certificate is issued, links it
    /// to `head` and returns the event to store, with the new head. A void
    /// names its `target`.
    ///
    /// The outcome must be one the decision for the item permits, and that
    /// decision is read from `catalogue`, the lists in force
    /// ([`Decision::of_item`]), never taken from the caller.
    ///
    /// `time` is the device clock as an ISO 8601 string; it picks the period
    /// and is never trusted for ordering.
    pub fn append(
        head: &Head,
        writer: &Writer,
        request: Request,
        catalogue: &Catalogue,
        target: Option<VoidTarget<'_>>,
        time: &str,
        limits: &Limits,
    ) -> Result<(Event, Head), ValidationError> {
        let decision = Decision::of_item(&request.item, catalogue);
        validate(&request, decision, target, limits)?;
        let period = Period::from_iso(time).ok_or(ValidationError::BadTime)?;
        let number = match request.outcome {
            Outcome::Issued | Outcome::IssuedUnlisted => {
                let sequence = head.issued.get(&period.year).copied().unwrap_or(0) + 1;
                Some(CertificateNumber {
                    village: writer.village.clone(),
                    year: period.year,
                    device: writer.device.clone(),
                    sequence,
                })
            }
            Outcome::RefusedRedirected | Outcome::Void => None,
        };
        let mut event = Event {
            seq: head.seq + 1,
            time: time.to_owned(),
            period,
            outcome: request.outcome,
            item: request.item,
            agency: request.agency.trim().to_owned(),
            agency_category: request.agency_category,
            purpose: request.purpose.trim().to_owned(),
            resident: request.resident,
            reason: request
                .reason
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty()),
            voids: request.voids,
            number,
            prev_hash: head.hash.clone(),
            hash: String::new(),
        };
        event.hash = event_hash(&event);
        let mut next = head.clone();
        next.advance(&event);
        Ok((event, next))
    }
}

#[cfg(test)]
mod tests;
