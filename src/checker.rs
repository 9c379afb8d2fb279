//! The catalogue in force on this device, indexed once on first use.

use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::check::{Checker, Decision};
use jianzheng_core::i18n::Msg;
use std::sync::OnceLock;

/// The checker over the lists shipped with the app.
pub fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(Catalogue::default_lists()))
}

/// The plain words that announce a decision.
pub fn decision_words(decision: Decision) -> Msg {
    match decision {
        Decision::MayIssue => Msg::DecisionMayIssue,
        Decision::MustNotIssue => Msg::DecisionMustNotIssue,
        Decision::Abolished => Msg::DecisionAbolished,
        Decision::Unknown => Msg::DecisionUnknown,
    }
}

/// The CSS class that colours a decision.
pub fn decision_class(decision: Decision) -> &'static str {
    match decision {
        Decision::MayIssue => "decision decision-may",
        Decision::MustNotIssue => "decision decision-not",
        Decision::Abolished => "decision decision-abolished",
        Decision::Unknown => "decision decision-unknown",
    }
}
