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
}

/// The newest events a [`Filter`] matches, as the ledger's list shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The matches, newest first.
    pub events: Vec<Event>,
    /// Whether older events match too: the page is not all there is.
    pub more: bool,
}

/// The ledger's search kept in memory: what a [`Filter`] reads of each
/// entry, so that a keystroke scans one text instead of reading the
/// device's store. Entries go in once each, in sequence order; a search
/// finds exactly what [`Filter::apply`] finds.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// Each entry's searched fields (its number, the resident's values, the
    /// agency and the item), one after another, oldest entry first.
    text: String,
    /// Where each field ends in `text`: a match counts only inside one.
    field_ends: Vec<usize>,
    /// The entries, oldest first.
    entries: Vec<Indexed>,
    /// The distinct items (counter keys) the entries name.
    items: Vec<String>,
    /// The newest entry's hash, which a later read must continue.
    head_hash: String,
}

/// What the index keeps of one entry beside its text.
#[derive(Clone, Debug)]
struct Indexed {
    seq: u64,
    period: Period,
    outcome: Outcome,
    /// Its position in [`Index::items`].
    item: usize,
    /// One past its last field in [`Index::field_ends`].
    fields_end: usize,
}

/// The newest entries a [`Filter`] matches, by sequence number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits {
    /// Their sequence numbers, newest first.
    pub seqs: Vec<u64>,
    /// Whether older entries match too.
    pub more: bool,
}

impl Index {
    /// The newest entry indexed: its sequence number and hash (0 and an
    /// empty hash while empty).
    pub fn head(&self) -> (u64, &str) {
        (self.entries.last().map_or(0, |e| e.seq), &self.head_hash)
    }

    /// Adds `event` if it is the next one (its sequence number follows the
    /// head); anything else is left out and false returned, so that two
    /// readers catching up with the store add each entry once.
    pub fn add(&mut self, event: &Event) -> bool {
        if event.seq != self.head().0 + 1 {
            return false;
        }
        let field = |index: &mut Index, value: &str| {
            if !value.is_empty() {
                index.text.push_str(value);
                index.field_ends.push(index.text.len());
            }
        };
        if let Some(number) = &event.number {
            field(self, &number.to_string());
        }
        for value in event.resident.values() {
            field(self, value);
        }
        field(self, &event.agency);
        let key = event.item.counter_key();
        field(self, &key);
        let item = match self.items.iter().position(|i| *i == key) {
            Some(n) => n,
            None => {
                self.items.push(key);
                self.items.len() - 1
            }
        };
        self.entries.push(Indexed {
            seq: event.seq,
            period: event.period,
            outcome: event.outcome,
            item,
            fields_end: self.field_ends.len(),
        });
        self.head_hash.clone_from(&event.hash);
        true
    }

    /// The newest entries `filter` matches, at most `size` of them.
    pub fn find(&self, filter: &Filter, size: usize) -> Hits {
        let item = match &filter.item {
            None => None,
            Some(key) => match self.items.iter().position(|i| i == key) {
                Some(n) => Some(n),
                None => return Hits::default(),
            },
        };
        let kept = |e: &Indexed| {
            filter.period.is_none_or(|p| p == e.period)
                && filter.outcome.is_none_or(|o| o == e.outcome)
                && item.is_none_or(|i| i == e.item)
        };
        let mut hits = Hits::default();
        // True once the page is full and one more matched.
        let mut take = |e: &Indexed| {
            if hits.seqs.len() >= size {
                hits.more = true;
                return true;
            }
            hits.seqs.push(e.seq);
            false
        };
        let text = filter.text.trim();
        if text.is_empty() {
            for entry in self.entries.iter().rev().filter(|e| kept(e)) {
                if take(entry) {
                    break;
                }
            }
            return hits;
        }
        // Every occurrence of the text from the end back, overlapping ones
        // included; one inside a single field is a match of its entry.
        let mut end = self.text.len();
        let mut last = None;
        while let Some(at) = self.text[..end].rfind(text) {
            let stop = at + text.len();
            let field = self.field_ends.partition_point(|&e| e <= at);
            if stop <= self.field_ends[field] {
                let entry = self.entries.partition_point(|e| e.fields_end <= field);
                if last != Some(entry) {
                    last = Some(entry);
                    let entry = &self.entries[entry];
                    if kept(entry) && take(entry) {
                        break;
                    }
                }
            }
            // The next occurrence back starts before this one.
            end = stop - 1;
            while !self.text.is_char_boundary(end) {
                end -= 1;
            }
        }
        hits
    }
}
