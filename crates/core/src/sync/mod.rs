//! Counts up: the signed payload a tablet sends, its encodings (binary for
//! the network and files, base45 text in QR codes), and the server's merge.
//!
//! Every device keeps grow-only counters per cell; it sends its whole state
//! for the open periods; the server keeps the maximum it has seen per cell
//! and sums over devices. Repeated, lost, reordered or doubly delivered
//! uploads therefore never double count.

mod codec;
mod enrolment;
mod merge;
mod outbox;
mod qr;

pub use codec::{
    decode, encode, public_key, usable_device_key, verify, DecodeError, SignedPayload, Verified,
    MAX_CELLS, MAX_CELL_COUNT, MAX_ITEMS, MAX_ITEM_CHARS, MAX_LABEL_CHARS, MAX_PAYLOAD_BYTES,
    MAX_PERIODS, MAX_VOIDED, MAX_VOIDED_PER_YEAR, PAYLOAD_FORMAT, PERIOD_YEARS,
};
pub use enrolment::{
    display_code, enrolment_proof_holds, new_code, normalize_code, sign_enrolment, CODE_LEN,
};
pub use merge::{CellKey, MergeReport, ReportKey, TownCells};
pub use outbox::{can_close, months_to_close, AckedPeriod, Acknowledged};
pub use qr::{join_qr_chunks, split_for_qr, QrError, QR_PREFIX};

use crate::ledger::{AgencyCategory, Counters, Outcome, Period, Writer};
use serde::{Deserialize, Serialize};

/// The earliest month a device enrolled in `enrolled` may report: a year
/// before, so a tablet that recorded on paper-era months just before its
/// enrolment can still send them, but no older history can be invented.
pub fn earliest_period(enrolled: Period) -> Period {
    (0..12).fold(enrolled, |p, _| p.previous())
}

/// One counter cell of a device, as sent.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Cell {
    /// Entry code, or `free:` and the text of an unlisted item.
    pub item: String,
    /// The outcome counted.
    pub outcome: Outcome,
    /// The category of the demanding agency.
    pub agency: AgencyCategory,
    /// The device's count, never decreasing.
    pub count: u64,
}

/// A month's counts from one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodReport {
    /// The month.
    pub period: Period,
    /// The clerk closed the month: no cells then means "nothing issued",
    /// not "no report".
    pub closed: bool,
    /// Non-zero cells.
    pub cells: Vec<Cell>,
}

/// What a device reports: who it is and its counters for the open periods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountsPayload {
    /// The village the device is enrolled in.
    pub village: String,
    /// The device's public key (Ed25519), its identity.
    pub device_key: [u8; 32],
    /// Which enrolment of this tablet (a wiped or restored one enrols anew).
    pub incarnation: u32,
    /// The ledger the counts come from: the tablet's label in the village
    /// (`T1`). A tablet restored from a backup enrols under a new key but
    /// continues the same ledger, so the server keeps one maximum per
    /// ledger rather than adding the restored counts a second time.
    pub ledger: String,
    /// The device clock when the payload was made (not trusted for order).
    pub created_at: String,
    /// The periods reported.
    pub periods: Vec<PeriodReport>,
    /// Certificate numbers of this ledger the village voided (at most
    /// [`MAX_VOIDED`], the newest, and [`MAX_VOIDED_PER_YEAR`] of a year),
    /// for the town's trust list. A number is
    /// not personal data: village, year, ledger and a count.
    pub voided: Vec<VoidedNumber>,
}

/// A voided certificate number of the payload's own village and ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VoidedNumber {
    /// Year of the number.
    pub year: i32,
    /// Its sequence in the ledger's year.
    pub sequence: u32,
}

impl CountsPayload {
    /// The payload for `periods` from a device's counters; periods with no
    /// cells are reported (as zero) only if `closed` says so.
    pub fn from_counters(
        writer: &Writer,
        device_key: [u8; 32],
        incarnation: u32,
        created_at: &str,
        counters: &Counters,
        periods: &[(Period, bool)],
    ) -> CountsPayload {
        let periods = periods
            .iter()
            .map(|&(period, closed)| PeriodReport {
                period,
                closed,
                cells: counters
                    .cells()
                    .filter(|(k, _)| k.period == period)
                    .map(|(k, n)| Cell {
                        item: k.item.clone(),
                        outcome: k.outcome,
                        agency: k.agency,
                        count: n,
                    })
                    .collect(),
            })
            .filter(|report| report.closed || !report.cells.is_empty())
            .collect();
        CountsPayload {
            village: writer.village.clone(),
            device_key,
            incarnation,
            ledger: writer.device.clone(),
            created_at: created_at.to_owned(),
            periods,
            voided: Vec::new(),
        }
    }
}

impl CountsPayload {
    /// The payload with the voided `numbers` of its own village and ledger
    /// (others are left out), the newest [`MAX_VOIDED`] of them.
    pub fn with_voided(
        mut self,
        numbers: impl IntoIterator<Item = crate::ledger::CertificateNumber>,
    ) -> CountsPayload {
        let mut voided: Vec<VoidedNumber> = numbers
            .into_iter()
            .filter(|n| n.village == self.village && n.device == self.ledger)
            .map(|n| VoidedNumber {
                year: n.year,
                sequence: n.sequence,
            })
            .collect();
        voided.sort_unstable();
        voided.dedup();
        // The newest of each year within the year's ceiling, then the newest overall.
        let mut newest: Vec<VoidedNumber> = Vec::with_capacity(voided.len());
        let mut of_year = (None, 0);
        for number in voided.into_iter().rev() {
            if of_year.0 != Some(number.year) {
                of_year = (Some(number.year), 0);
            }
            if of_year.1 < MAX_VOIDED_PER_YEAR {
                newest.push(number);
                of_year.1 += 1;
            }
        }
        newest.reverse();
        let excess = newest.len().saturating_sub(MAX_VOIDED);
        newest.drain(..excess);
        self.voided = newest;
        self
    }
}

#[cfg(test)]
mod tests;
