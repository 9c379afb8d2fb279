//! What a page loads in the background, from the town's server or the
//! tablet's store: the latest value of an async load, loaded again whenever
//! a signal the load read changes.
//!
//! Leptos's `LocalResource` does the same through its general async
//! machinery, which is built again for every type loaded: 80 KB of the
//! town's wasm for a dozen resources. Here the machinery is an effect, a
//! signal and a task, and only the value's signal depends on its type.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

/// The value the latest load gave; none until the first load is done. A
/// reload keeps the value shown until its own value comes, and a load whose
/// inputs changed while it ran is dropped, so an answer to an old question
/// never replaces a newer one.
pub struct Loaded<T: 'static> {
    value: RwSignal<Option<T>, LocalStorage>,
}

impl<T: 'static> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Loaded<T> {}

impl<T: Clone + 'static> Loaded<T> {
    /// Starts `load` now, and again whenever a signal it reads before its
    /// first `.await` changes.
    pub fn new<F: Future<Output = T> + 'static>(load: impl Fn() -> F + 'static) -> Self {
        let value = RwSignal::new_local(None);
        let latest = Rc::new(Cell::new(0u64));
        Effect::new(move |_| {
            let loading = load();
            let this = latest.get().wrapping_add(1);
            latest.set(this);
            let latest = latest.clone();
            spawn_local(async move {
                let loaded = loading.await;
                // The page may have gone, or asked again, meanwhile.
                if latest.get() == this {
                    let _ = value.try_set(Some(loaded));
                }
            });
        });
        Loaded { value }
    }

    /// The value, if loaded; the calling view follows it.
    pub fn get(&self) -> Option<T> {
        self.value.get()
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use gloo_timers::future::TimeoutFuture;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn an_answer_to_an_old_question_never_replaces_a_newer_one() {
        let _ = any_spawner::Executor::init_wasm_bindgen();
        let owner = Owner::new();
        owner.set();
        let asked = RwSignal::new(1u32);
        // The first question is slow to answer, the second quick.
        let loaded = Loaded::new(move || {
            let question = asked.get();
            async move {
                TimeoutFuture::new(if question == 1 { 300 } else { 20 }).await;
                question * 10
            }
        });
        assert_eq!(loaded.value.get_untracked(), None);
        TimeoutFuture::new(50).await;
        asked.set(2);
        TimeoutFuture::new(100).await;
        assert_eq!(loaded.value.get_untracked(), Some(20));
        // The slow first answer arrives now, and is dropped.
        TimeoutFuture::new(400).await;
        assert_eq!(loaded.value.get_untracked(), Some(20));
        // A reload keeps the value shown until its own comes.
        asked.set(1);
        TimeoutFuture::new(100).await;
        assert_eq!(loaded.value.get_untracked(), Some(20));
        TimeoutFuture::new(400).await;
        assert_eq!(loaded.value.get_untracked(), Some(10));
    }
}
