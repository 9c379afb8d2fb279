//! Approved months (DHIS2's data approval). After a month ends an officer
//! approves it for a village, or for every village of an area at once; an
//! approved month is locked: an upload that would raise one of its counts
//! is kept as a pending correction, shown to the town and counted only once
//! an officer accepts it. Both steps are in the audit trail.

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
