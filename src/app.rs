//! The root component of each area, each matching its own few routes over
//! the address (`nav`). Each area is its own bundle (`src/bin/`); an
//! address of another area is left to the browser, which loads that area's
//! shell.

use crate::i18n::provide_i18n;
use crate::layout::Shell;
use crate::nav::provide_location;
use crate::pages::{
    CheckPage, ClerkPage, DeclarationPage, EntryPage, HomePage, NotFoundPage, PosterPage,
    PrintPage, TownImportPage, TownLettersPage, TownPage, TownReportPage, VerifyPage,
};
use jianzheng_core::area::Area;
use jianzheng_core::catalogue::Catalogue;
use leptos::prelude::*;

/// What every area has: the address and the frame, with the page `route`
/// makes of the path's segments (built again only when the path changes).
/// Each area provides its languages first ([`provide_i18n`]).
#[component]
fn AreaRoot(area: Area, route: fn(&[&str]) -> AnyView) -> impl IntoView {
    let location = provide_location(area);
    view! {
        <Shell>
            {move || {
                let segments = location.segments();
                route(&segments.iter().map(String::as_str).collect::<Vec<_>>())
            }}
        </Shell>
    }
}

/// The public area: the landing page, the check, each item's page and its
/// declaration form. The poster's old address sends the browser on to the
/// poster's own bundle.
#[component]
pub fn ResidentApp() -> impl IntoView {
    crate::checker::provide_published_lists(provide_i18n());
    let route = |segments: &[&str]| match segments {
        [] => view! { <HomePage /> }.into_any(),
        ["check"] => view! { <CheckPage /> }.into_any(),
        ["check", "poster"] => view! { <MovedTo path="/poster" /> }.into_any(),
        ["check", code] => view! { <EntryPage code=code.to_string() /> }.into_any(),
        ["check", code, "declaration"] => {
            view! { <DeclarationPage code=code.to_string() /> }.into_any()
        }
        _ => view! { <NotFoundPage /> }.into_any(),
    };
    view! { <AreaRoot area=Area::Resident route /> }
}

/// The notice-board poster, in its own bundle: the lists in force for the
/// village (`?area=`, as on the check) and a QR code to its check.
#[component]
pub fn PosterApp() -> impl IntoView {
    crate::checker::provide_published_lists(provide_i18n());
    let route = |segments: &[&str]| match segments {
        ["poster"] => view! { <PosterPage /> }.into_any(),
        _ => view! { <NotFoundPage /> }.into_any(),
    };
    view! { <AreaRoot area=Area::Poster route /> }
}

/// A page that moved into another area: the browser goes on to `path`
/// with the same query, in place of this address in the history.
#[component]
fn MovedTo(path: &'static str) -> impl IntoView {
    let location = window().location();
    let _ = location.replace(&format!("{path}{}", location.search().unwrap_or_default()));
}

/// The verifier's page: an agency checks a village certificate.
#[component]
pub fn VerifyApp() -> impl IntoView {
    provide_i18n();
    let route = |segments: &[&str]| match segments {
        ["verify"] => view! { <VerifyPage /> }.into_any(),
        _ => view! { <NotFoundPage /> }.into_any(),
    };
    view! { <AreaRoot area=Area::Verify route /> }
}

/// The clerk's tablet view.
#[component]
pub fn ClerkApp() -> impl IntoView {
    provide_i18n();
    crate::checker::ship(Catalogue::default_lists);
    // Lists the town sent earlier are in force from the start.
    leptos::task::spawn_local(crate::checker::load_stored());
    let route = |segments: &[&str]| match segments {
        ["clerk"] => view! { <ClerkPage /> }.into_any(),
        ["clerk", "print", seq] => view! { <PrintPage seq=seq.parse().unwrap_or(0) /> }.into_any(),
        _ => view! { <NotFoundPage /> }.into_any(),
    };
    view! { <AreaRoot area=Area::Clerk route /> }
}

/// The town's pages.
#[component]
pub fn TownApp() -> impl IntoView {
    provide_i18n();
    let route = |segments: &[&str]| match segments {
        ["town"] => view! { <TownPage /> }.into_any(),
        ["town", "import"] => view! { <TownImportPage /> }.into_any(),
        ["town", "letters"] => view! { <TownLettersPage /> }.into_any(),
        ["town", "report"] => view! { <TownReportPage /> }.into_any(),
        _ => view! { <NotFoundPage /> }.into_any(),
    };
    view! { <AreaRoot area=Area::Town route /> }
}
