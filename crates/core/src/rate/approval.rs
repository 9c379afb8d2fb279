//! Approved months (DHIS2's data approval). After a month ends an officer
//! approves it for a village, or for every village of an area at once; an
//! approved month is locked: an upload that would raise one of its counts
//! is kept as a pending correction, shown to the town and counted only once
//! an officer accepts it. Both steps are in the audit trail.

use super::VillageRow;
use crate::i18n::{Lang, Msg};
use crate::ledger::{AgencyCategory, Outcome, Period};
use crate::values::{AreaCode, ItemKey, VillageCode};
use serde::{Deserialize, Serialize};

/// `POST /town/approvals`: approve `period` for every village within
/// `area` (a village's own code approves that village; none: the account's
/// own area).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approve {
    /// The month.
    pub period: Period,
    /// The village or area; none is the account's own.
    #[serde(default)]
    pub area: Option<AreaCode>,
}

/// What an approval did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approved {
    /// Village months newly approved (those approved before are left).
    pub villages: u32,
}

/// What approving one month for an area would do, shown before it is done
/// and done as shown: the villages that reported are approved; those that
/// existed and have not reported stay missing, not approvable until they
/// report; villages that did not exist in the month are out of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalPlan {
    /// The month.
    pub period: Period,
    /// The villages whose month will be approved, by code.
    pub to_approve: Vec<String>,
    /// Villages whose month was approved before.
    pub already: u32,
    /// The names of the villages that have not reported the month.
    pub not_reported: Vec<String>,
}

impl ApprovalPlan {
    /// The plan for `period` over `rows` (the area's villages, each with
    /// that month among its months), while `current` is the month in
    /// progress.
    pub fn of(rows: &[VillageRow], period: Period, current: Period) -> Result<Self, NotEnded> {
        may_approve(period, current)?;
        let mut plan = ApprovalPlan {
            period,
            to_approve: Vec::new(),
            already: 0,
            not_reported: Vec::new(),
        };
        for row in rows {
            let Some(month) = row.months.iter().find(|m| m.period == period) else {
                continue;
            };
            if month.approvable(current) {
                plan.to_approve.push(row.code.clone());
            } else if month.exists && month.approved {
                plan.already += 1;
            } else if month.exists && !month.reported {
                plan.not_reported.push(row.name.clone());
            }
        }
        Ok(plan)
    }

    /// What the button says it will do: 12个村已上报，将审核通过；2个村未上报，仍为缺报。
    pub fn summary(&self, lang: Lang) -> String {
        let (n, missing, already) = (self.to_approve.len(), self.not_reported.len(), self.already);
        match lang {
            Lang::Zh => {
                let mut text = format!("{}：{n}个村已上报，将审核通过", self.period);
                if missing > 0 {
                    text.push_str(&format!("；{missing}个村未上报，仍为缺报，上报后才能审核"));
                }
                if already > 0 {
                    text.push_str(&format!("；{already}个村此前已审核"));
                }
                text.push('。');
                text
            }
            Lang::En => {
                let mut text = format!("{}: {n} reported will be approved", self.period);
                if missing > 0 {
                    text.push_str(&format!(
                        "; {missing} have not reported and stay missing until they do"
                    ));
                }
                if already > 0 {
                    text.push_str(&format!("; {already} were approved before"));
                }
                text.push('.');
                text
            }
        }
    }
}

/// `POST /town/approvals/withdraw`: withdraw the approval of `period` for
/// every village within `area` (none: the account's own), for a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdraw {
    /// The month.
    pub period: Period,
    /// The village or area; none is the account's own.
    #[serde(default)]
    pub area: Option<AreaCode>,
    /// Why, for the audit trail.
    pub reason: WithdrawReason,
}

/// Why an approval is withdrawn: 2 to 200 visible characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WithdrawReason(String);

/// Longest reason for withdrawing an approval.
pub const MAX_REASON_CHARS: usize = 200;

impl TryFrom<String> for WithdrawReason {
    type Error = ReasonMissing;

    fn try_from(text: String) -> Result<Self, ReasonMissing> {
        let text = text.trim();
        let chars = text.chars().count();
        let visible = text.chars().all(crate::values::printable);
        if (2..=MAX_REASON_CHARS).contains(&chars) && visible {
            Ok(WithdrawReason(text.to_owned()))
        } else {
            Err(ReasonMissing)
        }
    }
}

impl From<WithdrawReason> for String {
    fn from(reason: WithdrawReason) -> String {
        reason.0
    }
}

impl WithdrawReason {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A withdrawal with no reason, or one too long.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("say why the approval is withdrawn, in 2 to 200 characters")]
pub struct ReasonMissing;

impl ReasonMissing {
    /// The refusal in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("请写明撤回审核的原因（2到{MAX_REASON_CHARS}个字）"),
            Lang::En => self.to_string(),
        }
    }
}

/// What a withdrawal did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawn {
    /// Village months no longer approved.
    pub villages: u32,
    /// Pending corrections taken into the figures, the month being open again.
    pub corrections: u32,
}

/// A count a tablet pushed for an approved month, waiting for an officer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// The village.
    pub village: String,
    /// Its name.
    pub name: String,
    /// The approved month.
    pub period: Period,
    /// The ledger that pushed it.
    pub ledger: String,
    /// What was asked for.
    pub item: ItemKey,
    /// How the requests ended.
    pub outcome: Outcome,
    /// Who asked.
    pub agency: AgencyCategory,
    /// The count in the approved figures.
    pub stored: u64,
    /// The count the tablet pushed since.
    pub pushed: u64,
    /// When it was last pushed (server time).
    pub received_at: String,
}

/// `POST /town/corrections`: accept or dismiss every pending correction of
/// one village month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decide {
    /// The village.
    pub village: VillageCode,
    /// The approved month.
    pub period: Period,
    /// Accept into the figures (`true`) or dismiss.
    pub accept: bool,
}

/// A month that may not be approved yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("only a month that is over can be approved: {0}")]
pub struct NotEnded(pub Period);

impl NotEnded {
    /// The refusal in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        format!("{}{}", Msg::MonthNotOver.text(lang), self.0)
    }
}

/// Whether `period` may be approved while `current` is the month in
/// progress: only once it has ended.
pub fn may_approve(period: Period, current: Period) -> Result<(), NotEnded> {
    if period < current {
        Ok(())
    } else {
        Err(NotEnded(period))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_ended_month_may_be_approved() {
        let dec = Period {
            year: 2026,
            month: 12,
        };
        assert_eq!(may_approve(dec.previous(), dec), Ok(()));
        assert_eq!(may_approve(dec, dec), Err(NotEnded(dec)));
        assert_eq!(may_approve(dec.next(), dec), Err(NotEnded(dec.next())));
        assert!(NotEnded(dec)
            .message(Lang::Zh)
            .starts_with("只能确认已经结束的月份"));
    }
}
