//! The root component of each area, each with the router over its own
//! routes. Each area is its own bundle (`src/bin/`); an address of another
//! area is left to the browser, which loads that area's shell.

use crate::i18n::provide_i18n;
use crate::layout::Shell;
use crate::pages::{
    CheckPage, ClerkPage, DeclarationPage, EntryPage, HomePage, NotFoundPage, PosterPage,
    PrintPage, TownImportPage, TownLettersPage, TownPage, TownReportPage, VerifyPage,
};
use jianzheng_core::area::Area;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// What every area has: its languages, the router and the frame.
#[component]
fn AreaRoot(area: Area, children: Children) -> impl IntoView {
    provide_i18n();
    provide_context(area);
    view! {
        <Router>
            <Shell>{children()}</Shell>
        </Router>
    }
}

/// The public area: the landing page, the check, each item's page, the poster.
#[component]
pub fn ResidentApp() -> impl IntoView {
    crate::checker::provide_published_lists();
    view! {
        <AreaRoot area=Area::Resident>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage />
                <Route path=path!("/check") view=CheckPage />
                <Route path=path!("/check/poster") view=PosterPage />
                <Route path=path!("/check/:code") view=EntryPage />
                <Route path=path!("/check/:code/declaration") view=DeclarationPage />
            </Routes>
        </AreaRoot>
    }
}

/// The verifier's page: an agency checks a village certificate.
#[component]
pub fn VerifyApp() -> impl IntoView {
    view! {
        <AreaRoot area=Area::Verify>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/verify") view=VerifyPage />
            </Routes>
        </AreaRoot>
    }
}

/// The clerk's tablet view.
#[component]
pub fn ClerkApp() -> impl IntoView {
    // Lists the town sent earlier are in force from the start.
    leptos::task::spawn_local(crate::checker::load_stored());
    view! {
        <AreaRoot area=Area::Clerk>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/clerk") view=ClerkPage />
                <Route path=path!("/clerk/print/:seq") view=PrintPage />
            </Routes>
        </AreaRoot>
    }
}

/// The town's pages.
#[component]
pub fn TownApp() -> impl IntoView {
    view! {
        <AreaRoot area=Area::Town>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/town") view=TownPage />
                <Route path=path!("/town/import") view=TownImportPage />
                <Route path=path!("/town/letters") view=TownLettersPage />
                <Route path=path!("/town/report") view=TownReportPage />
            </Routes>
        </AreaRoot>
    }
}
