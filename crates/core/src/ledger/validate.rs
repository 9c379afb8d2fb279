//! What the clerk must fill in, and how much of it a record may hold.

use super::{Event, ItemRef, Outcome, Request};
use crate::check::Decision;
use crate::i18n::Lang;

/// Size limits of a record, so that a stuck key or a pasted page cannot
/// fill the tablet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest text field, in characters.
    pub max_field_chars: usize,
    /// Most resident fields on one record.
    pub max_resident_fields: usize,
    /// Shortest reason for issuing an unlisted certificate or voiding one.
    pub min_reason_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_field_chars: 200,
            max_resident_fields: 12,
            min_reason_chars: 4,
        }
    }
}

/// Why a record was not saved. Nothing is written when this is returned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// A required field is empty.
    #[error("{0} is required")]
    Missing(&'static str),
    /// A field is longer than allowed.
    #[error("{field} is longer than {max} characters")]
    TooLong {
        /// Which field.
        field: String,
        /// The limit.
        max: usize,
    },
    /// Too many resident fields.
    #[error("more than {0} resident fields")]
    TooManyFields(usize),
    /// An unlisted certificate or a void needs a written reason.
    #[error("a reason of at least {0} characters is required")]
    ReasonRequired(usize),
    /// A void must name an issued certificate that is not yet voided.
    #[error("only an issued certificate that is not already voided can be voided")]
    BadVoid,
    /// The decision for the item does not permit the outcome (see
    /// [`Decision::permits`]).
    #[error("{outcome:?} is not permitted for an item whose decision is {decision:?}")]
    NotPermitted {
        /// The decision for the item, from the lists in force.
        decision: Decision,
        /// The outcome asked for.
        outcome: Outcome,
    },
    /// The device clock gave no usable date.
    #[error("the device date is not valid")]
    BadTime,
}

impl ValidationError {
    /// A sentence for the clerk in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ValidationError::Missing(field), Lang::Zh) => format!("请填写{}", field_zh(field)),
            (ValidationError::Missing(field), Lang::En) => format!("Please fill in the {field}."),
            (ValidationError::TooLong { field, max }, Lang::Zh) => {
                format!("{}太长了，最多{max}个字", field_zh(field))
            }
            (ValidationError::TooLong { field, max }, Lang::En) => {
                format!("The {field} is too long: at most {max} characters.")
            }
            (ValidationError::TooManyFields(n), Lang::Zh) => format!("居民信息最多{n}项"),
            (ValidationError::TooManyFields(n), Lang::En) => {
                format!("At most {n} resident fields.")
            }
            (ValidationError::ReasonRequired(n), Lang::Zh) => format!("请写明理由（至少{n}个字）"),
            (ValidationError::ReasonRequired(n), Lang::En) => {
                format!("Please write the reason (at least {n} characters).")
            }
            (ValidationError::BadVoid, Lang::Zh) => "只能作废已开具且尚未作废的证明".to_owned(),
            (ValidationError::BadVoid, Lang::En) => {
                "Only an issued certificate that is not already voided can be voided.".to_owned()
            }
            (ValidationError::NotPermitted { decision, .. }, lang) => {
                not_permitted(*decision, lang).to_owned()
            }
            (ValidationError::BadTime, Lang::Zh) => "平板的日期不正确，请先校正日期".to_owned(),
            (ValidationError::BadTime, Lang::En) => {
                "The tablet's date is wrong; please set it first.".to_owned()
            }
        }
    }
}

/// Why the one outcome a decision refuses is refused: an unlisted issue
/// for an item that may be issued, an issue for any other.
fn not_permitted(decision: Decision, lang: Lang) -> &'static str {
    match (decision, lang) {
        (Decision::MayIssue, Lang::Zh) => "此证明在可开具的清单上，请按清单开具，不要清单外开具",
        (Decision::MayIssue, Lang::En) => {
            "This certificate is on a list the village may issue from: issue it as listed, not as unlisted."
        }
        (Decision::MustNotIssue, Lang::Zh) => "村里不得开具此证明，请告知居民去哪里办",
        (Decision::MustNotIssue, Lang::En) => {
            "The village must not issue this certificate: tell the resident where to go instead."
        }
        (Decision::Abolished, Lang::Zh) => "此证明已取消，不需要开具",
        (Decision::Abolished, Lang::En) => "This certificate is abolished: none is needed.",
        (Decision::Unknown, Lang::Zh) => "此证明不在清单上，只能写明理由后清单外开具",
        (Decision::Unknown, Lang::En) => {
            "This certificate is on no list: it can only be issued unlisted, with a reason."
        }
    }
}

fn field_zh(field: &str) -> &str {
    match field {
        "item" => "证明事项",
        "agency" => "要求开证明的单位",
        "purpose" => "用途",
        "reason" => "理由",
        other => other,
    }
}

fn check_len(field: &str, value: &str, limits: &Limits) -> Result<(), ValidationError> {
    if value.chars().count() > limits.max_field_chars {
        return Err(ValidationError::TooLong {
            field: field.to_owned(),
            max: limits.max_field_chars,
        });
    }
    Ok(())
}

/// The event a void refers to, and whether it has been voided already.
#[derive(Clone, Copy, Debug)]
pub struct VoidTarget<'a> {
    /// The event to void.
    pub event: &'a Event,
    /// Whether a void of it exists.
    pub already_voided: bool,
}

/// Checks a request before anything is written; `decision` is the one for
/// its item under the lists in force.
pub(super) fn validate(
    request: &Request,
    decision: Decision,
    target: Option<VoidTarget<'_>>,
    limits: &Limits,
) -> Result<(), ValidationError> {
    match &request.item {
        ItemRef::Listed { code, .. } if code.trim().is_empty() => {
            return Err(ValidationError::Missing("item"))
        }
        ItemRef::FreeText { text } if text.trim().is_empty() => {
            return Err(ValidationError::Missing("item"))
        }
        ItemRef::Listed {
            code,
            list_id,
            list_version,
        } => {
            check_len("item", code, limits)?;
            check_len("item", list_id, limits)?;
            check_len("item", list_version, limits)?;
        }
        ItemRef::FreeText { text } => check_len("item", text, limits)?,
    }
    if !decision.permits(request.outcome) {
        return Err(ValidationError::NotPermitted {
            decision,
            outcome: request.outcome,
        });
    }
    if request.outcome != Outcome::Void && request.agency.trim().is_empty() {
        return Err(ValidationError::Missing("agency"));
    }
    check_len("agency", &request.agency, limits)?;
    check_len("purpose", &request.purpose, limits)?;
    if request.resident.len() > limits.max_resident_fields {
        return Err(ValidationError::TooManyFields(limits.max_resident_fields));
    }
    for (name, value) in &request.resident {
        check_len(name, name, limits)?;
        check_len(name, value, limits)?;
    }
    let reason = request.reason.as_deref().unwrap_or("").trim();
    check_len("reason", reason, limits)?;
    let needs_reason = matches!(request.outcome, Outcome::IssuedUnlisted | Outcome::Void);
    if needs_reason && reason.chars().count() < limits.min_reason_chars {
        return Err(ValidationError::ReasonRequired(limits.min_reason_chars));
    }
    if request.outcome == Outcome::Void {
        let ok = target.is_some_and(|t| {
            Some(t.event.seq) == request.voids
                && matches!(t.event.outcome, Outcome::Issued | Outcome::IssuedUnlisted)
                && !t.already_voided
        });
        if !ok {
            return Err(ValidationError::BadVoid);
        }
    }
    Ok(())
}
