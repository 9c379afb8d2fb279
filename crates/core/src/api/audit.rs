//! The audit trail: every change made through the town's API, one row
//! each, appended and never changed (`GET /town/audit`, administrators
//! only; `GET /town/audit.csv` exports it).

use crate::i18n::Lang;
use crate::values::AreaCode;
use serde::{Deserialize, Serialize};

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// A login.
    Login,
    /// A login refused for a wrong name or password.
    LoginFailed,
    /// A logout.
    Logout,
    /// An account changed its own password.
    PasswordChanged,
    /// A village added.
    VillageAdded,
    /// A village renamed.
    VillageRenamed,
    /// Areas added, renamed or moved (also by an area file).
    AreasChanged,
    /// An enrolment code made for a tablet.
    EnrolmentCodeMade,
    /// A village's open enrolment codes withdrawn.
    EnrolmentCodesWithdrawn,
    /// A tablet revoked.
    TabletRevoked,
    /// Baselines entered, imported or taken from the registry.
    BaselinesSet,
    /// A list's draft saved.
    ListDraftSaved,
    /// A list's draft discarded.
    ListDraftDiscarded,
    /// A list published.
    ListPublished,
    /// Settings changed.
    SettingsChanged,
    /// An account created.
    AccountCreated,
    /// An account disabled.
    AccountDisabled,
    /// An account enabled again.
    AccountEnabled,
    /// An account given a one-time password by another.
    PasswordReset,
    /// Village months approved (locked).
    MonthsApproved,
    /// A pending correction of an approved month accepted into the figures.
    CorrectionAccepted,
    /// A pending correction of an approved month dismissed.
    CorrectionDismissed,
    /// A tablet enrolled with a code.
    TabletEnrolled,
    /// An enrolment refused (a wrong code, a key enrolled before, a ledger
    /// label taken).
    EnrolmentRefused,
    /// A village given another first month (one that moved in with history).
    VillageFirstMonthSet,
    /// A village retired: it keeps its history and leaves the figures
    /// after its last month.
    VillageRetired,
    /// A village with no data deleted.
    VillageDeleted,
    /// Approvals of a month withdrawn, with the reason.
    ApprovalWithdrawn,
}

impl AuditKind {
    /// Every kind.
    pub const ALL: [AuditKind; 28] = [
        AuditKind::Login,
        AuditKind::LoginFailed,
        AuditKind::Logout,
        AuditKind::PasswordChanged,
        AuditKind::VillageAdded,
        AuditKind::VillageRenamed,
        AuditKind::AreasChanged,
        AuditKind::EnrolmentCodeMade,
        AuditKind::EnrolmentCodesWithdrawn,
        AuditKind::TabletRevoked,
        AuditKind::BaselinesSet,
        AuditKind::ListDraftSaved,
        AuditKind::ListDraftDiscarded,
        AuditKind::ListPublished,
        AuditKind::SettingsChanged,
        AuditKind::AccountCreated,
        AuditKind::AccountDisabled,
        AuditKind::AccountEnabled,
        AuditKind::PasswordReset,
        AuditKind::MonthsApproved,
        AuditKind::CorrectionAccepted,
        AuditKind::CorrectionDismissed,
        AuditKind::TabletEnrolled,
        AuditKind::EnrolmentRefused,
        AuditKind::VillageFirstMonthSet,
        AuditKind::VillageRetired,
        AuditKind::VillageDeleted,
        AuditKind::ApprovalWithdrawn,
    ];

    /// The stable name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Login => "login",
            AuditKind::LoginFailed => "login_failed",
            AuditKind::Logout => "logout",
            AuditKind::PasswordChanged => "password_changed",
            AuditKind::VillageAdded => "village_added",
            AuditKind::VillageRenamed => "village_renamed",
            AuditKind::AreasChanged => "areas_changed",
            AuditKind::EnrolmentCodeMade => "enrolment_code_made",
            AuditKind::EnrolmentCodesWithdrawn => "enrolment_codes_withdrawn",
            AuditKind::TabletRevoked => "tablet_revoked",
            AuditKind::BaselinesSet => "baselines_set",
            AuditKind::ListDraftSaved => "list_draft_saved",
            AuditKind::ListDraftDiscarded => "list_draft_discarded",
            AuditKind::ListPublished => "list_published",
            AuditKind::SettingsChanged => "settings_changed",
            AuditKind::AccountCreated => "account_created",
            AuditKind::AccountDisabled => "account_disabled",
            AuditKind::AccountEnabled => "account_enabled",
            AuditKind::PasswordReset => "password_reset",
            AuditKind::MonthsApproved => "months_approved",
            AuditKind::CorrectionAccepted => "correction_accepted",
            AuditKind::CorrectionDismissed => "correction_dismissed",
            AuditKind::TabletEnrolled => "tablet_enrolled",
            AuditKind::EnrolmentRefused => "enrolment_refused",
            AuditKind::VillageFirstMonthSet => "village_first_month_set",
            AuditKind::VillageRetired => "village_retired",
            AuditKind::VillageDeleted => "village_deleted",
            AuditKind::ApprovalWithdrawn => "approval_withdrawn",
        }
    }

    /// What it was, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (AuditKind::Login, Lang::Zh) => "登录",
            (AuditKind::Login, Lang::En) => "Login",
            (AuditKind::LoginFailed, Lang::Zh) => "登录失败",
            (AuditKind::LoginFailed, Lang::En) => "Failed login",
            (AuditKind::Logout, Lang::Zh) => "退出登录",
            (AuditKind::Logout, Lang::En) => "Logout",
            (AuditKind::PasswordChanged, Lang::Zh) => "修改密码",
            (AuditKind::PasswordChanged, Lang::En) => "Password changed",
            (AuditKind::VillageAdded, Lang::Zh) => "新增村",
            (AuditKind::VillageAdded, Lang::En) => "Village added",
            (AuditKind::VillageRenamed, Lang::Zh) => "村更名",
            (AuditKind::VillageRenamed, Lang::En) => "Village renamed",
            (AuditKind::AreasChanged, Lang::Zh) => "区划变更",
            (AuditKind::AreasChanged, Lang::En) => "Areas changed",
            (AuditKind::EnrolmentCodeMade, Lang::Zh) => "生成登记码",
            (AuditKind::EnrolmentCodeMade, Lang::En) => "Enrolment code made",
            (AuditKind::EnrolmentCodesWithdrawn, Lang::Zh) => "撤回登记码",
            (AuditKind::EnrolmentCodesWithdrawn, Lang::En) => "Enrolment codes withdrawn",
            (AuditKind::TabletRevoked, Lang::Zh) => "停用平板",
            (AuditKind::TabletRevoked, Lang::En) => "Tablet revoked",
            (AuditKind::BaselinesSet, Lang::Zh) => "设置基线",
            (AuditKind::BaselinesSet, Lang::En) => "Baselines set",
            (AuditKind::ListDraftSaved, Lang::Zh) => "保存清单草稿",
            (AuditKind::ListDraftSaved, Lang::En) => "List draft saved",
            (AuditKind::ListDraftDiscarded, Lang::Zh) => "放弃清单草稿",
            (AuditKind::ListDraftDiscarded, Lang::En) => "List draft discarded",
            (AuditKind::ListPublished, Lang::Zh) => "发布清单",
            (AuditKind::ListPublished, Lang::En) => "List published",
            (AuditKind::SettingsChanged, Lang::Zh) => "修改设置",
            (AuditKind::SettingsChanged, Lang::En) => "Settings changed",
            (AuditKind::AccountCreated, Lang::Zh) => "新建账号",
            (AuditKind::AccountCreated, Lang::En) => "Account created",
            (AuditKind::AccountDisabled, Lang::Zh) => "停用账号",
            (AuditKind::AccountDisabled, Lang::En) => "Account disabled",
            (AuditKind::AccountEnabled, Lang::Zh) => "启用账号",
            (AuditKind::AccountEnabled, Lang::En) => "Account enabled",
            (AuditKind::PasswordReset, Lang::Zh) => "重置密码",
            (AuditKind::PasswordReset, Lang::En) => "Password reset",
            (AuditKind::MonthsApproved, Lang::Zh) => "审核通过月份",
            (AuditKind::MonthsApproved, Lang::En) => "Months approved",
            (AuditKind::CorrectionAccepted, Lang::Zh) => "接受更正",
            (AuditKind::CorrectionAccepted, Lang::En) => "Correction accepted",
            (AuditKind::CorrectionDismissed, Lang::Zh) => "驳回更正",
            (AuditKind::CorrectionDismissed, Lang::En) => "Correction dismissed",
            (AuditKind::TabletEnrolled, Lang::Zh) => "平板登记",
            (AuditKind::TabletEnrolled, Lang::En) => "Tablet enrolled",
            (AuditKind::EnrolmentRefused, Lang::Zh) => "平板登记被拒",
            (AuditKind::EnrolmentRefused, Lang::En) => "Enrolment refused",
            (AuditKind::VillageFirstMonthSet, Lang::Zh) => "设置村的起始月份",
            (AuditKind::VillageFirstMonthSet, Lang::En) => "Village's first month set",
            (AuditKind::VillageRetired, Lang::Zh) => "撤销村",
            (AuditKind::VillageRetired, Lang::En) => "Village retired",
            (AuditKind::VillageDeleted, Lang::Zh) => "删除村",
            (AuditKind::VillageDeleted, Lang::En) => "Village deleted",
            (AuditKind::ApprovalWithdrawn, Lang::Zh) => "撤回审核",
            (AuditKind::ApprovalWithdrawn, Lang::En) => "Approval withdrawn",
        }
    }
}

impl std::str::FromStr for AuditKind {
    type Err = ();

    fn from_str(text: &str) -> Result<AuditKind, ()> {
        AuditKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or(())
    }
}

/// The longest `detail` kept: a short form of before and after.
pub const MAX_DETAIL_CHARS: usize = 500;

/// One row of the trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Its place in the trail (rising).
    pub id: i64,
    /// When, ISO 8601 UTC.
    pub at: String,
    /// The account, if the change had one (a failed login of an unknown
    /// name has none).
    pub account: Option<String>,
    /// The client's address.
    pub address: Option<String>,
    /// What was done.
    pub kind: AuditKind,
    /// On which area (a village's code for a village's tablet).
    pub area: Option<AreaCode>,
    /// Before and after, in a short form (`东关村 → 东关社区`), in both
    /// languages.
    pub detail: Said,
}

/// What a row of the trail says, in both languages like every message of
/// the interface (a name, a code or a month reads the same in each; a row
/// written before rows were bilingual reads as it was written).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Said {
    /// In Chinese.
    pub zh: String,
    /// In English.
    pub en: String,
}

impl Said {
    /// Words in each language.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Said {
        Said {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// What reads the same in both: a name, a code, a month.
    pub fn same(text: impl Into<String>) -> Said {
        let text = text.into();
        Said {
            zh: text.clone(),
            en: text,
        }
    }

    /// The words in `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// `self` followed by `note`, what only the change itself knew.
    pub fn then(self, note: &Said) -> Said {
        let join = |a: String, b: &str, sep: &str| match (a.is_empty(), b.is_empty()) {
            (true, _) => b.to_owned(),
            (_, true) => a,
            _ => format!("{a}{sep}{b}"),
        };
        Said {
            zh: join(self.zh, &note.zh, "；"),
            en: join(self.en, &note.en, "; "),
        }
    }

    /// As stored in the trail: each language cut to [`MAX_DETAIL_CHARS`],
    /// one text when both read the same, else JSON.
    pub fn stored(&self) -> String {
        let (zh, en) = (short_detail(&self.zh), short_detail(&self.en));
        // One text reads back as itself, unless it could read as JSON.
        if zh == en && !zh.starts_with('{') {
            zh
        } else {
            serde_json::to_string(&Said { zh, en }).expect("strings serialise")
        }
    }

    /// What [`Said::stored`] wrote, or an older row's one text.
    pub fn read(stored: &str) -> Said {
        serde_json::from_str::<Said>(stored)
            .ok()
            .filter(|_| stored.starts_with('{'))
            .unwrap_or_else(|| Said::same(stored))
    }
}

/// `GET /town/audit`: which rows, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Only this account's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Only on this area or below it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaCode>,
    /// Only of this kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AuditKind>,
    /// From this time on (a prefix of ISO 8601: `2026-12` or `2026-12-01`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Before this time (the same form; `2026-12` is before December).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Only rows before this id: the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
}

/// Rows in one page of the trail.
pub const AUDIT_PAGE: usize = 200;

/// A detail cut to [`MAX_DETAIL_CHARS`], saying so.
pub fn short_detail(detail: &str) -> String {
    if detail.chars().count() <= MAX_DETAIL_CHARS {
        return detail.to_owned();
    }
    let mut cut: String = detail.chars().take(MAX_DETAIL_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_row_says_is_kept_in_both_languages_and_an_old_row_reads_as_written() {
        let said = Said::new("2026-11：审核通过12个村", "2026-11: 12 villages approved")
            .then(&Said::same("T1"));
        assert_eq!(said.text(Lang::Zh), "2026-11：审核通过12个村；T1");
        assert_eq!(said.text(Lang::En), "2026-11: 12 villages approved; T1");
        assert_eq!(Said::read(&said.stored()), said);
        let old = "东关村 → 东关社区";
        assert_eq!(Said::read(old), Said::same(old));
        assert_eq!(Said::same(old).stored(), old);
        // A name that happens to be JSON is a name.
        assert_eq!(Said::read("{\"zh\"").zh, "{\"zh\"");
        let forged = Said::same(r#"{"zh":"无事","en":"nothing"}"#);
        assert_eq!(Said::read(&forged.stored()), forged);
        let long = Said::same("字".repeat(600));
        assert_eq!(
            Said::read(&long.stored()).zh.chars().count(),
            MAX_DETAIL_CHARS
        );
        assert_eq!(Said::default().then(&Said::same("x")), Said::same("x"));
    }

    #[test]
    fn every_kind_reads_back_and_has_both_labels() {
        for kind in AuditKind::ALL {
            assert_eq!(kind.as_str().parse(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert!(kind.label(Lang::Zh).chars().any(|c| c > '\u{4e00}'));
            assert!(kind.label(Lang::En).is_ascii());
        }
    }

    #[test]
    fn a_long_detail_is_cut_and_says_so() {
        let long = "村".repeat(MAX_DETAIL_CHARS + 10);
        let cut = short_detail(&long);
        assert_eq!(cut.chars().count(), MAX_DETAIL_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(short_detail("a → b"), "a → b");
    }
}
