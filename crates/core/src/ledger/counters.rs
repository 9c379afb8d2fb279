//! Monthly counters per item, outcome and agency category, kept as events
//! are written and always equal to a recomputation from the events.

use super::{AgencyCategory, Event, Outcome, Period};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One counter cell.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CounterKey {
    /// The month.
    pub period: Period,
    /// Entry code, or `free:` and the text of an unlisted item.
    pub item: String,
    /// The outcome counted.
    pub outcome: Outcome,
    /// The category of the demanding agency.
    pub agency: AgencyCategory,
}

/// All counter cells of a ledger.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    cells: BTreeMap<CounterKey, u64>,
}

impl Counters {
    /// The cell `event` increments. A void counts under the voided event's
    /// month, item and agency, so that month's issued net is right.
    pub fn key_of(event: &Event, voided: Option<&Event>) -> CounterKey {
        let source = match (event.outcome, voided) {
            (Outcome::Void, Some(voided)) => voided,
            _ => event,
        };
        CounterKey {
            period: source.period,
            item: source.item.counter_key(),
            outcome: event.outcome,
            agency: source.agency_category,
        }
    }

    /// Counts `event`; `voided` is the event a void refers to.
    pub fn apply(&mut self, event: &Event, voided: Option<&Event>) -> CounterKey {
        let key = Counters::key_of(event, voided);
        *self.cells.entry(key.clone()).or_default() += 1;
        key
    }

    /// The counters of a whole ledger, from scratch.
    pub fn recompute(events: &[Event]) -> Counters {
        let by_seq: HashMap<u64, &Event> = events.iter().map(|e| (e.seq, e)).collect();
        let mut counters = Counters::default();
        for event in events {
            let voided = event.voids.and_then(|seq| by_seq.get(&seq).copied());
            counters.apply(event, voided);
        }
        counters
    }

    /// Builds counters from stored cells.
    pub fn from_cells(cells: impl IntoIterator<Item = (CounterKey, u64)>) -> Counters {
        // Inserted one by one, not collected: collecting sorts first, with
        // a copy of the stable sort in every bundle that reads counters.
        let mut counters = Counters::default();
        for (key, count) in cells.into_iter().filter(|(_, n)| *n > 0) {
            counters.cells.insert(key, count);
        }
        counters
    }

    /// Every non-zero cell.
    pub fn cells(&self) -> impl Iterator<Item = (&CounterKey, u64)> {
        self.cells.iter().map(|(k, n)| (k, *n))
    }

    /// The count of one cell.
    pub fn get(&self, key: &CounterKey) -> u64 {
        self.cells.get(key).copied().unwrap_or(0)
    }

    /// The sum over every cell of `period` with `outcome`.
    pub fn total(&self, period: Period, outcome: Outcome) -> u64 {
        self.cells
            .iter()
            .filter(|(k, _)| k.period == period && k.outcome == outcome)
            .map(|(_, n)| n)
            .sum()
    }
}
