//! The server's view of the counts: per ledger cell the maximum any upload
//! has shown, town totals as sums over ledgers. Merging is a join (max), so
//! it is commutative, associative and idempotent.
//!
//! A ledger is one tablet's record in a village (`T1`). Every incarnation of
//! that tablet (a re-enrolment after a wipe or a restore from backup) reports
//! the same ledger, so restored counts are not added a second time.

use super::CountsPayload;
use crate::ledger::{AgencyCategory, Outcome, Period};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A cell of one ledger.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CellKey {
    /// Village code.
    pub village: String,
    /// The ledger (tablet label) in the village.
    pub ledger: String,
    /// Month.
    pub period: Period,
    /// Item key.
    pub item: String,
    /// Outcome.
    pub outcome: Outcome,
    /// Agency category.
    pub agency: AgencyCategory,
}

/// One device incarnation's report of one period: village, device, incarnation, month.
pub type ReportKey = (String, [u8; 32], u32, Period);

/// Every cell the server knows, and which device periods were reported.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TownCells {
    cells: BTreeMap<CellKey, u64>,
    reported: BTreeSet<ReportKey>,
}

/// What one upload changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Cells that rose.
    pub raised: usize,
    /// Cells the upload showed lower than already known for the ledger (a
    /// clone, or a restore from an older backup): kept at the maximum and
    /// flagged.
    pub went_down: Vec<CellKey>,
}

impl TownCells {
    /// The cells of one payload.
    pub fn from_payload(payload: &CountsPayload) -> TownCells {
        let mut town = TownCells::default();
        for report in &payload.periods {
            town.reported.insert((
                payload.village.clone(),
                payload.device_key,
                payload.incarnation,
                report.period,
            ));
            for cell in &report.cells {
                let key = CellKey {
                    village: payload.village.clone(),
                    ledger: payload.ledger.clone(),
                    period: report.period,
                    item: cell.item.clone(),
                    outcome: cell.outcome,
                    agency: cell.agency,
                };
                let slot = town.cells.entry(key).or_default();
                *slot = (*slot).max(cell.count);
            }
        }
        town
    }

    /// Joins `other` into `self`: per cell the maximum.
    pub fn merge(&mut self, other: &TownCells) -> MergeReport {
        let mut report = MergeReport::default();
        for (key, &count) in &other.cells {
            let slot = self.cells.entry(key.clone()).or_default();
            if count > *slot {
                *slot = count;
                report.raised += 1;
            } else if count < *slot {
                report.went_down.push(key.clone());
            }
        }
        self.reported.extend(other.reported.iter().cloned());
        report
    }

    /// Ingests one upload.
    pub fn ingest(&mut self, payload: &CountsPayload) -> MergeReport {
        self.merge(&TownCells::from_payload(payload))
    }

    /// A village's total of `outcome` in `period`, summed over ledgers.
    pub fn total(&self, village: &str, period: Period, outcome: Outcome) -> u64 {
        self.cells
            .iter()
            .filter(|(k, _)| k.village == village && k.period == period && k.outcome == outcome)
            .map(|(_, n)| n)
            .sum()
    }

    /// Whether any device of `village` reported `period` (an explicit zero counts).
    pub fn reported(&self, village: &str, period: Period) -> bool {
        self.reported
            .iter()
            .any(|(v, _, _, p)| v == village && *p == period)
    }

    /// Every cell and its count.
    pub fn cells(&self) -> impl Iterator<Item = (&CellKey, u64)> {
        self.cells.iter().map(|(k, n)| (k, *n))
    }
}
