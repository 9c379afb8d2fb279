//! The root component and the router.

use crate::i18n::provide_i18n;
use crate::layout::Shell;
use crate::pages::{
    CheckPage, ClerkPage, EntryPage, HomePage, NotFoundPage, PosterPage, PrintPage, TownImportPage,
    TownPage,
};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    // Lists the town sent earlier are in force from the start.
    leptos::task::spawn_local(crate::checker::load_stored());
    view! {
        <Router>
            <Shell>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/clerk") view=ClerkPage />
                    <Route path=path!("/clerk/print/:seq") view=PrintPage />
                    <Route path=path!("/town") view=TownPage />
                    <Route path=path!("/town/import") view=TownImportPage />
                    <Route path=path!("/check") view=CheckPage />
                    <Route path=path!("/check/poster") view=PosterPage />
                    <Route path=path!("/check/:code") view=EntryPage />
                </Routes>
            </Shell>
        </Router>
    }
}
