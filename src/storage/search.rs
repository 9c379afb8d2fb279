//! The ledger's search: an index kept in memory beside the device's store
//! ([`Index`]), caught up with the store before each search, so that a
//! keystroke scans memory and reads from the store only the page it shows.

use super::{from_js_opt, stored_events, Storage, StorageError, EVENTS_STORE};
use gloo_timers::future::TimeoutFuture;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyRange;
use jianzheng_core::ledger::{Filter, Index, Page};
use std::cell::Cell;
use wasm_bindgen::JsValue;

/// Entries read and indexed per step while the index catches up: each step
/// parses little enough that the page keeps drawing between steps.
const CATCH_UP_RUN: u64 = 2000;

/// Marks a catch-up under way until dropped, also when the search that
/// started it is dropped half-way.
struct CatchingUp<'a>(&'a Cell<bool>);

impl Drop for CatchingUp<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

impl Storage {
    /// Brings the search index up to the newest entry in the store. It
    /// checks that the store still holds the entry the index ends with
    /// (same number, same hash) and starts again from the first entry if
    /// not: another ledger has taken this one's place. One catch-up runs
    /// at a time; a second waits for it rather than read the same entries.
    pub async fn catch_up_search(&self) -> Result<(), StorageError> {
        while self.catching_up.replace(true) {
            TimeoutFuture::new(10).await;
        }
        let _running = CatchingUp(&self.catching_up);
        loop {
            let newest = self.head_seq().await?;
            let (head, hash) = {
                let index = self.search.borrow();
                let (seq, hash) = index.head();
                (seq, hash.to_owned())
            };
            if newest < head {
                *self.search.borrow_mut() = Index::default();
                continue;
            }
            // The run starts at the index's own head, to check it.
            let lower = head.max(1);
            let upper = newest.min(head + CATCH_UP_RUN);
            if upper < lower {
                return Ok(());
            }
            let tx = self.db.transaction(EVENTS_STORE).build()?;
            let run = stored_events(
                tx.object_store(EVENTS_STORE)?
                    .get_all::<JsValue>()
                    .with_query::<f64, _>(KeyRange::Bound(lower as f64, false, upper as f64, false))
                    .await?,
            )?;
            let mut index = self.search.borrow_mut();
            let continued =
                head == 0 || run.first().is_some_and(|e| e.seq == head && e.hash == hash);
            if !continued {
                *index = Index::default();
                continue;
            }
            for event in &run {
                index.add(event);
            }
            if index.head().0 >= newest {
                return Ok(());
            }
            if index.head().0 == head {
                // The store has a gap where the head says entries are.
                return Err(StorageError::Unreadable(
                    "entries",
                    format!("no entry {}", head + 1),
                ));
            }
        }
    }

    /// The newest events `filter` matches, at most `size`: found in the
    /// index, then read from the store by number. The whole ledger's first
    /// page needs no index: it is the newest numbers, read while the index
    /// may still be building.
    pub async fn ledger_page(&self, filter: &Filter, size: usize) -> Result<Page, StorageError> {
        if *filter == Filter::default() {
            let newest = self.head_seq().await?;
            if newest == 0 {
                return Ok(Page::default());
            }
            let lower = newest.saturating_sub(size as u64);
            let tx = self.db.transaction(EVENTS_STORE).build()?;
            let mut events = stored_events(
                tx.object_store(EVENTS_STORE)?
                    .get_all::<JsValue>()
                    .with_query::<f64, _>(KeyRange::Bound(lower as f64, true, newest as f64, false))
                    .await?,
            )?;
            events.reverse();
            return Ok(Page {
                events,
                more: lower > 0,
            });
        }
        self.catch_up_search().await?;
        let hits = self.search.borrow().find(filter, size);
        let tx = self.db.transaction(EVENTS_STORE).build()?;
        let store = tx.object_store(EVENTS_STORE)?;
        // Every read is asked for first and awaited after: one wait on the
        // store, not one per event.
        let reads = hits
            .seqs
            .iter()
            .map(|&seq| store.get::<JsValue, _, _>(seq as f64).primitive())
            .collect::<Result<Vec<_>, _>>()?;
        let mut events = Vec::with_capacity(reads.len());
        for read in reads {
            events.extend(from_js_opt("entries", read.await?)?);
        }
        Ok(Page {
            events,
            more: hits.more,
        })
    }
}
