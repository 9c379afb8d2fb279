//! Approving months and deciding their corrections, on the overview: a
//! button approves an ended month for the area shown or for one village;
//! the corrections that uploads pushed for approved months wait in a list
//! with a button to accept or dismiss each village month's. The rules are
//! the server's (`jianzheng_core::rate::approval`).

use super::failure_text;
use crate::dialog::{Asked, Dialog};
use crate::i18n::use_i18n;
use crate::loaded::Loaded;
use crate::transport::town;
use jianzheng_core::i18n::Msg;
use jianzheng_core::ledger::Period;
use jianzheng_core::rate::approval::{Correction, WithdrawReason};
use jianzheng_core::rate::letters::item_name;
use jianzheng_core::values::{AreaCode, VillageCode};
use leptos::prelude::*;

/// What a month's button does.
#[derive(Clone, Copy, PartialEq)]
pub enum Step {
    /// Approve what reported.
    Approve,
    /// Withdraw the approval (administrators), for a reason.
    Withdraw,
}

/// Approves `period` for `area` (a village's code: that village), or
/// withdraws its approval, behind the app's dialog: approving asks the
/// server first what it would do and says it (which villages reported and
/// will be approved, which have not and stay missing); withdrawing says
/// what it does and asks why, the reason going to the trail. Then bumps
/// `refresh`; a refusal goes to `message`.
#[component]
pub fn MonthButton(
    step: Step,
    period: Period,
    area: Option<AreaCode>,
    refresh: RwSignal<u32>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let asked = RwSignal::new(None::<Asked>);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let for_plan = area.clone();
    let click = move |ev: leptos::ev::MouseEvent| {
        // The row under the button opens a village or an area.
        ev.stop_propagation();
        reason.set(String::new());
        error.set(None);
        if step == Step::Withdraw {
            return asked.set(Some(Asked {
                title: format!("{} · {period}", i18n.t(Msg::WithdrawTitle)),
                lines: vec![i18n.t(Msg::WithdrawExplain).to_owned()],
                confirm: Some(Msg::WithdrawApproval),
            }));
        }
        let area = for_plan.clone();
        leptos::task::spawn_local(async move {
            match town::approval_plan(period, area.as_ref()).await {
                Ok(plan) => {
                    let lang = i18n.lang();
                    let mut lines = vec![plan.summary(lang)];
                    if !plan.not_reported.is_empty() {
                        lines.push(format!(
                            "{}{}",
                            i18n.t(Msg::ApproveNotReported),
                            plan.not_reported.join("、")
                        ));
                    }
                    lines.push(i18n.t(Msg::ApproveExplain).to_owned());
                    asked.set(Some(Asked {
                        title: format!("{} · {period}", i18n.t(Msg::ApproveTitle)),
                        lines,
                        confirm: (!plan.to_approve.is_empty()).then_some(Msg::ApproveConfirm),
                    }));
                }
                Err(err) => message.set(Some(failure_text(&err, i18n))),
            }
        });
    };
    let on_confirm = Callback::new(move |()| {
        let why = match step {
            Step::Approve => None,
            Step::Withdraw => match WithdrawReason::try_from(reason.get_untracked()) {
                Ok(why) => Some(why),
                Err(refused) => {
                    error.set(Some(refused.message(i18n.lang())));
                    return false;
                }
            },
        };
        let area = area.clone();
        leptos::task::spawn_local(async move {
            let done = match why {
                None => town::approve(period, area).await.map(|_| ()),
                Some(why) => town::withdraw_approval(period, area, why).await.map(|_| ()),
            };
            match done {
                Ok(()) => {
                    message.set(None);
                    refresh.update(|n| *n += 1);
                }
                Err(err) => message.set(Some(failure_text(&err, i18n))),
            }
        });
        true
    });
    let (class, label) = match step {
        Step::Approve => ("btn btn-small approve", Msg::Approve),
        Step::Withdraw => ("btn btn-small withdraw-approval", Msg::WithdrawApproval),
    };
    let field = (step == Step::Withdraw).then_some((Msg::WithdrawReason, reason));
    view! {
        <button class=class data-period=period.to_string() on:click=click>
            {move || i18n.t(label)}
        </button>
        <Dialog asked reason=field error=Some(error) on_confirm />
    }
}

/// The corrections waiting in approved months of `area`, with what the
/// account may do about them.
#[component]
pub fn Corrections(
    area: Option<AreaCode>,
    refresh: RwSignal<u32>,
    may_decide: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let message = RwSignal::new(None::<String>);
    let list = Loaded::new(move || {
        refresh.track();
        let area = area.clone();
        async move { town::corrections(area.as_ref()).await }
    });
    let decide = move |village: VillageCode, period: Period, accept: bool| {
        leptos::task::spawn_local(async move {
            match town::decide(village, period, accept).await {
                Ok(()) => refresh.update(|n| *n += 1),
                Err(err) => message.set(Some(failure_text(&err, i18n))),
            }
        });
    };
    view! {
        <div class="card corrections" id="corrections">
            <h2>{move || i18n.t(Msg::CorrectionsTitle)}</h2>
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || list.get().map(|result| match result {
                Ok(list) if list.is_empty() => {
                    view! { <p id="corrections-none">{i18n.t(Msg::CorrectionsNone)}</p> }.into_any()
                }
                Ok(list) => groups(&list)
                    .into_iter()
                    .map(|(village, name, period, lines)| {
                        let code = village.parse::<VillageCode>().ok();
                        let buttons = may_decide.then(|| {
                            let (yes, no) = (code.clone(), code.clone());
                            view! {
                                <button class="btn btn-small accept" on:click=move |_| if let Some(v) = yes.clone() { decide(v, period, true) }>
                                    {i18n.t(Msg::CorrectionAccept)}
                                </button>
                                <button class="btn btn-small dismiss" on:click=move |_| if let Some(v) = no.clone() { decide(v, period, false) }>
                                    {i18n.t(Msg::CorrectionDismiss)}
                                </button>
                            }
                        });
                        let lang = i18n.lang();
                        let catalogue = crate::checker::shipped_catalogue();
                        let lines = lines
                            .iter()
                            .map(|c| {
                                view! {
                                    <li>{format!(
                                        "{} · {} · {} · {}: {} → {}",
                                        c.ledger,
                                        item_name(&c.item, &catalogue).get(lang),
                                        i18n.t(c.outcome.words()),
                                        c.agency.label(lang),
                                        c.stored,
                                        c.pushed
                                    )}</li>
                                }
                            })
                            .collect_view();
                        view! {
                            <div class="correction" data-village=village.clone() data-period=period.to_string()>
                                <h3>{format!("{name} · {period}")}</h3>
                                <ul>{lines}</ul>
                                {buttons}
                            </div>
                        }
                    })
                    .collect_view()
                    .into_any(),
                Err(err) => view! { <p class="error">{failure_text(&err, i18n)}</p> }.into_any(),
            })}
        </div>
    }
}

/// The corrections by village month, in the server's order.
fn groups(list: &[Correction]) -> Vec<(String, String, Period, Vec<&Correction>)> {
    let mut out: Vec<(String, String, Period, Vec<&Correction>)> = Vec::new();
    for c in list {
        match out.last_mut() {
            Some((v, _, p, lines)) if *v == c.village && *p == c.period => lines.push(c),
            _ => out.push((c.village.clone(), c.name.clone(), c.period, vec![c])),
        }
    }
    out
}
