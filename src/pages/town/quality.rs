//! The signs that a figure is not real, under the overview: each village
//! with its reasons in words (core's), a click opening its months.

use super::failure_text;
use crate::i18n::use_i18n;
use crate::loaded::Loaded;
use crate::transport::town;
use jianzheng_core::i18n::Msg;
use jianzheng_core::values::{AreaCode, MonthRange, VillageCode};
use leptos::prelude::*;

/// The signs of the villages of `area` over `range`; choosing a village
/// sets `open` to it.
#[component]
pub fn QualitySigns(
    range: MonthRange,
    area: Option<AreaCode>,
    open: RwSignal<Option<VillageCode>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let signs = Loaded::new(move || {
        let area = area.clone();
        async move { town::quality(range, area.as_ref()).await }
    });
    view! {
        <div class="card quality" id="quality-signs">
            <h2>{move || i18n.t(Msg::QualityTitle)}</h2>
            <p class="note">{move || i18n.t(Msg::QualityMethod)}</p>
            {move || signs.get().map(|result| match result {
                Ok(villages) if villages.is_empty() => {
                    view! { <p id="quality-none">{i18n.t(Msg::QualityNone)}</p> }.into_any()
                }
                Ok(villages) => {
                    let lang = i18n.lang();
                    let items = villages.into_iter().map(|v| {
                        let code = v.code.parse::<VillageCode>().ok();
                        let reasons = v.signs.iter().map(|s| view! { <li>{s.message(lang)}</li> }).collect_view();
                        view! {
                            <li class="quality-village" data-code=v.code.clone()>
                                <button class="link" on:click=move |_| open.set(code.clone())>
                                    {format!("{} {}", v.code, v.name)}
                                </button>
                                <ul>{reasons}</ul>
                            </li>
                        }
                    }).collect_view();
                    view! { <ul class="quality-list">{items}</ul> }.into_any()
                }
                Err(err) => view! { <p class="error">{failure_text(&err, i18n)}</p> }.into_any(),
            })}
        </div>
    }
}
