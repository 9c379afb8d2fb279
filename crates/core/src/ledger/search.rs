//! Finding entries in the ledger: by name or number, month, item, outcome.

use super::{Event, Outcome, Period};

/// What the clerk is looking for; empty parts match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Text found in the certificate number, a resident field, the agency
    /// or a free-text item.
    pub text: String,
    /// Only this month.
    pub period: Option<Period>,
    /// Only this item (entry code or `free:` text).
    pub item: Option<String>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
}

impl Filter {
    /// Whether `event` is one the clerk is looking for.
    fn matches(&self, event: &Event) -> bool {
        if self.period.is_some_and(|p| p != event.period)
            || self.outcome.is_some_and(|o| o != event.outcome)
            || self
                .item
                .as_ref()
                .is_some_and(|i| *i != event.item.counter_key())
        {
            return false;
        }
        let text = self.text.trim();
        if text.is_empty() {
            return true;
        }
        event
            .number
            .as_ref()
            .is_some_and(|n| n.to_string().contains(text))
            || event.resident.values().any(|v| v.contains(text))
            || event.agency.contains(text)
            || event.item.counter_key().contains(text)
    }

    /// The matching events, newest first.
    pub fn apply<'a>(&self, events: &'a [Event]) -> Vec<&'a Event> {
        events.iter().rev().filter(|e| self.matches(e)).collect()
    }

    /// Adds the matches in `batch` to `page`, which holds at most `size`
    /// events. `batch` (in any order) must be older than every batch
    /// gathered into `page` before, so that reading the ledger from its
    /// newest batch to its oldest gives what [`Filter::apply`] gives, cut to
    /// the page. True once the page is full and one more event matched:
    /// older batches need not be read.
    pub fn gather(&self, page: &mut Page, mut batch: Vec<Event>, size: usize) -> bool {
        batch.sort_unstable_by_key(|e| std::cmp::Reverse(e.seq));
        for event in batch.into_iter().filter(|e| self.matches(e)) {
            if page.events.len() >= size {
                page.more = true;
                return true;
            }
            page.events.push(event);
        }
        false
    }
}

/// The newest events a [`Filter`] matches, read from the ledger batch by
/// batch without loading the rest.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The matches, newest first.
    pub events: Vec<Event>,
    /// Whether older events match too: the page is not all there is.
    pub more: bool,
}
