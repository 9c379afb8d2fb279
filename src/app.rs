//! The root component and the router.

use crate::i18n::provide_i18n;
use crate::layout::Shell;
use crate::pages::{
    CheckPage, ClerkPage, EntryPage, HomePage, NotFoundPage, PosterPage, PrintPage, TownPage,
};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    view! {
        <Router>
            <Shell>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/clerk") view=ClerkPage />
                    <Route path=path!("/clerk/print/:seq") view=PrintPage />
                    <Route path=path!("/town") view=TownPage />
                    <Route path=path!("/check") view=CheckPage />
                    <Route path=path!("/check/poster") view=PosterPage />
                    <Route path=path!("/check/:code") view=EntryPage />
                </Routes>
            </Shell>
        </Router>
    }
}
