//! Moving between the pages of one area without a page load. The address
//! is a signal; a [`Link`] within the area pushes it onto the history, and
//! a link into another area is left to the browser, which loads that
//! area's own bundle. An area has a handful of fixed routes, matched by its
//! root (`app.rs`) over [`Location::segments`]: a general router cost the
//! resident's phone a fifth of its bundle.

use jianzheng_core::area::Area;
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The address shown. Path and query are separate signals, so a page is
/// built again only when its path changes, not when it rewrites its query.
#[derive(Clone, Copy)]
pub struct Location {
    area: Area,
    path: RwSignal<String>,
    query: RwSignal<String>,
}

/// The address bar's path and query (with its `?`), as the browser has them.
fn address() -> (String, String) {
    let location = window().location();
    (
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default(),
    )
}

/// The path part of a link (`/check?q=x` is `/check`).
fn path_of(href: &str) -> &str {
    href.split(['?', '#']).next().unwrap_or_default()
}

/// One piece of an address, decoded (`%E7%8B%97` is `狗`, and in a query
/// `+` is a space); a piece that does not decode is kept as written.
fn decode(piece: &str, plus_is_space: bool) -> String {
    let piece = if plus_is_space {
        piece.replace('+', " ")
    } else {
        piece.to_owned()
    };
    js_sys::decode_uri_component(&piece)
        .map(String::from)
        .unwrap_or(piece)
}

/// The value of `key` in a query string (`?a=1&b=2`, with or without its
/// `?`), decoded; the first if repeated.
pub fn query_value(query: &str, key: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| decode(k, true) == key)
        .map(|(_, v)| decode(v, true))
}

/// Follows the address of `area`'s pages and the history's back and
/// forward buttons, and makes the address available to the pages below.
pub fn provide_location(area: Area) -> Location {
    let (path, query) = address();
    let location = Location {
        area,
        path: RwSignal::new(path),
        query: RwSignal::new(query),
    };
    // The area's root lives as long as the page: the listener is never removed.
    let _ = window_event_listener(leptos::ev::popstate, move |_| location.follow());
    provide_context(location);
    location
}

/// The address, provided by the area's root.
pub fn use_location() -> Location {
    expect_context::<Location>()
}

impl Location {
    /// Takes the address bar's path and query, notifying only what changed.
    fn follow(&self) {
        let (path, query) = address();
        if self.path.get_untracked() != path {
            self.path.set(path);
        }
        if self.query.get_untracked() != query {
            self.query.set(query);
        }
    }

    /// The path's non-empty segments, decoded (`/check/A1/` is `["check", "A1"]`).
    pub fn segments(&self) -> Vec<String> {
        self.path.with(|path| {
            path.split('/')
                .filter(|s| !s.is_empty())
                .map(|s| decode(s, false))
                .collect()
        })
    }

    /// The value of `key` in the query, decoded; the first if repeated.
    pub fn query(&self, key: &str) -> Option<String> {
        self.query.with(|query| query_value(query, key))
    }

    /// Whether a link to `href` points at the page shown (or, but for
    /// the landing page, one below it).
    fn shows(&self, href: &str) -> bool {
        let target = path_of(href).trim_end_matches('/');
        self.path.with(|path| {
            let path = path.trim_end_matches('/');
            path == target
                || (!target.is_empty()
                    && path
                        .strip_prefix(target)
                        .is_some_and(|rest| rest.starts_with('/')))
        })
    }

    /// Goes to `href`: within this area by the history (`replace` rewrites
    /// the current entry instead of adding one, and keeps the scroll), into
    /// another area, or where the history refuses, by loading the page.
    pub fn navigate(&self, href: &str, replace: bool) {
        let window = window();
        let within = Area::of_path(path_of(href)) == self.area;
        let moved = within
            && window.history().is_ok_and(|history| {
                if replace {
                    history.replace_state_with_url(&JsValue::NULL, "", Some(href))
                } else {
                    history.push_state_with_url(&JsValue::NULL, "", Some(href))
                }
                .is_ok()
            });
        if !moved {
            let _ = window.location().set_href(href);
            return;
        }
        self.follow();
        if !replace {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
    }
}

/// A link to `href`: within the area shown by the history, marked
/// `aria-current` while its page is shown; into another area a plain link,
/// a full page load into that area's bundle.
#[component]
pub fn Link(
    #[prop(into)] href: String,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] id: &'static str,
    children: Children,
) -> impl IntoView {
    let location = use_location();
    let class = (!class.is_empty()).then_some(class);
    let id = (!id.is_empty()).then_some(id);
    if Area::of_path(path_of(&href)) != location.area {
        return view! { <a href=href class=class id=id rel="external">{children()}</a> }.into_any();
    }
    let to = href.clone();
    let current = {
        let to = href.clone();
        move || location.shows(&to).then_some("page")
    };
    let click = move |ev: MouseEvent| {
        // A new tab or window, or a click something else has handled, is the browser's.
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        ev.prevent_default();
        location.navigate(&to, false);
    };
    view! {
        <a href=href class=class id=id aria-current=current on:click=click>{children()}</a>
    }
    .into_any()
}
