//! Naming the town at the first login: a paper never prints a placeholder
//! (本镇) as if it were a name. On a server with no area yet the
//! administrator gives the town its code and name, and the county above
//! if there is one; an area already made under a placeholder is renamed.

use super::failure_text;
use crate::i18n::use_i18n;
use crate::transport::town;
use jianzheng_core::api::town::{AreaChange, Me};
use jianzheng_core::i18n::Msg;
use jianzheng_core::org::Level;
use jianzheng_core::values::{AreaCode, AreaName, ValueError};
use leptos::prelude::*;

/// Whether `me` should name its area now: it may manage areas, and its
/// area is missing (no area yet) or has a placeholder for a name.
pub fn needs_naming(me: &Me) -> bool {
    use jianzheng_core::org::roles::Action;
    me.may(Action::ManageAreas)
        && me
            .area
            .as_ref()
            .is_none_or(|p| AreaName::is_unnamed(&p.area.name))
}

/// The card that names the account's area; `on_named` runs once it is.
#[component]
pub fn NameTheArea(me: Me, on_named: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let place = me.area.clone();
    let fresh = place.is_none();
    let code = RwSignal::new(
        place
            .as_ref()
            .map(|p| p.area.code.clone())
            .unwrap_or_default(),
    );
    let name = RwSignal::new(String::new());
    let county_code = RwSignal::new(String::new());
    let county_name = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang();
        let (town_code, town_name) = match (
            code.get_untracked().parse::<AreaCode>(),
            name.get_untracked().parse::<AreaName>(),
        ) {
            (Ok(c), Ok(n)) => (c, n),
            (Err(e), _) | (_, Err(e)) => return message.set(Some(e.message(lang))),
        };
        if town_name.is_placeholder() {
            return message.set(Some(ValueError::AreaName.message(lang)));
        }
        // The county above, only on a server with no area yet, and only
        // when both its code and name are given.
        let county = match (
            county_code.get_untracked().trim(),
            county_name.get_untracked().trim(),
        ) {
            ("", "") => None,
            (c, n) => match (c.parse::<AreaCode>(), n.parse::<AreaName>()) {
                (Ok(c), Ok(n)) if !n.is_placeholder() => Some((c, n)),
                (Err(e), _) | (_, Err(e)) => return message.set(Some(e.message(lang))),
                _ => return message.set(Some(ValueError::AreaName.message(lang))),
            },
        };
        let (level, parent) = match &place {
            Some(p) => (
                p.area.level,
                p.above.last().and_then(|a| a.code.parse::<AreaCode>().ok()),
            ),
            None => (Level::Town, county.as_ref().map(|(c, _)| c.clone())),
        };
        leptos::task::spawn_local(async move {
            if let Some((c, n)) = county.filter(|_| fresh) {
                let above = AreaChange {
                    name: n,
                    level: Level::County,
                    parent: None,
                };
                if let Err(err) = town::change_area(&c, &above).await {
                    return message.set(Some(failure_text(&err, i18n)));
                }
            }
            let change = AreaChange {
                name: town_name,
                level,
                parent,
            };
            match town::change_area(&town_code, &change).await {
                Ok(()) => on_named.run(()),
                Err(err) => message.set(Some(failure_text(&err, i18n))),
            }
        });
    };
    view! {
        <form class="card name-area" id="name-area" on:submit=submit>
            <h2>{move || i18n.t(Msg::NameAreaTitle)}</h2>
            <p>{move || i18n.t(Msg::NameAreaExplain)}</p>
            <label>{move || i18n.t(Msg::NameAreaCode)}
                <input id="name-area-code" class="field" inputmode="numeric" maxlength="20" prop:disabled=!fresh
                    prop:value=code on:input=move |ev| code.set(event_target_value(&ev)) />
            </label>
            <label>{move || i18n.t(Msg::NameAreaName)}
                <input id="name-area-name" class="field" maxlength="60"
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            {fresh.then(|| view! {
                <label>{move || i18n.t(Msg::NameAreaCountyCode)}
                    <input id="name-area-county-code" class="field" inputmode="numeric" maxlength="20"
                        prop:value=county_code on:input=move |ev| county_code.set(event_target_value(&ev)) />
                </label>
                <label>{move || i18n.t(Msg::NameAreaCountyName)}
                    <input id="name-area-county-name" class="field" maxlength="60"
                        prop:value=county_name on:input=move |ev| county_name.set(event_target_value(&ev)) />
                </label>
            })}
            <button class="btn btn-primary" id="name-area-save" type="submit">{move || i18n.t(Msg::Save)}</button>
            {move || message.get().map(|m| view! { <p class="error" role="alert" id="name-area-message">{m}</p> })}
        </form>
    }
}
