//! Who may do what, where: an account has one role and one area; it acts
//! only within that area's subtree, and only as its role permits. An
//! administrator grants only within its own area and never a role above
//! its own.

use super::{AreaTree, Level};
use crate::i18n::Lang;
use crate::values::AreaCode;
use serde::{Deserialize, Serialize};

/// An account's role, from the least to the most it may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Dashboards and exports only.
    Viewer,
    /// Villages, tablets, enrolment codes, baselines, lists and imports.
    Officer,
    /// Accounts, areas and everything an officer does.
    Administrator,
}

impl Role {
    /// Every role, from the least.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Officer, Role::Administrator];

    /// The stable name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Officer => "officer",
            Role::Administrator => "administrator",
        }
    }

    /// The role's name in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Role::Viewer, Lang::Zh) => "查看员",
            (Role::Officer, Lang::Zh) => "经办员",
            (Role::Administrator, Lang::Zh) => "管理员",
            (Role::Viewer, Lang::En) => "viewer",
            (Role::Officer, Lang::En) => "officer",
            (Role::Administrator, Lang::En) => "administrator",
        }
    }

    /// Whether the role may do `action` (somewhere in its area).
    pub fn permits(self, action: Action) -> bool {
        self >= action.least_role()
    }
}

impl std::str::FromStr for Role {
    type Err = ();

    fn from_str(text: &str) -> Result<Role, ()> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim())
            .ok_or(())
    }
}

/// What an account asks to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the dashboard, the flagged requests, a village's months.
    Read,
    /// Download an export.
    Export,
    /// Add, rename or move a village, and set its committee's details.
    ManageVillages,
    /// Enrol, revoke or retire a tablet, and make or withdraw its codes.
    ManageTablets,
    /// Enter or import baselines.
    EditBaselines,
    /// Edit and publish a certificate list.
    EditLists,
    /// Change an area's settings (silent days, baseline year).
    EditSettings,
    /// Add, rename or move an area above the villages, or import a tree.
    ManageAreas,
    /// Create, disable or reset accounts.
    ManageAccounts,
    /// Read the audit trail.
    ReadAudit,
    /// Approve (lock) ended months, and accept or dismiss corrections of
    /// approved months.
    ApproveMonths,
    /// Withdraw an approval (with a reason), or retire or delete a village:
    /// the way back from a step an officer cannot undo.
    WithdrawApprovals,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 12] = [
        Action::Read,
        Action::Export,
        Action::ManageVillages,
        Action::ManageTablets,
        Action::EditBaselines,
        Action::EditLists,
        Action::EditSettings,
        Action::ManageAreas,
        Action::ManageAccounts,
        Action::ReadAudit,
        Action::ApproveMonths,
        Action::WithdrawApprovals,
    ];

    /// The least role that may do it.
    pub fn least_role(self) -> Role {
        match self {
            Action::Read | Action::Export => Role::Viewer,
            Action::ManageVillages
            | Action::ManageTablets
            | Action::EditBaselines
            | Action::EditLists
            | Action::EditSettings
            | Action::ApproveMonths => Role::Officer,
            Action::ManageAreas
            | Action::ManageAccounts
            | Action::ReadAudit
            | Action::WithdrawApprovals => Role::Administrator,
        }
    }
}

impl Action {
    /// Whether the action changes what is still one for the whole tree
    /// (the baselines, imported with the whole server's baseline year):
    /// only the root's accounts may do it. Lists and settings are any
    /// area's own.
    pub fn whole_tree(self) -> bool {
        matches!(self, Action::EditBaselines)
    }
}

/// What an account is: its role and the area it works in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// Its role.
    pub role: Role,
    /// Its area; it acts within its subtree.
    pub area: AreaCode,
}

/// Why a request is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The role does not permit the action.
    #[error("a {} may not do this", .0.as_str())]
    Role(Role),
    /// The area is outside the account's.
    #[error("{0} is outside the account's area")]
    OutsideScope(AreaCode),
    /// No such area.
    #[error("{0} is not an area")]
    UnknownArea(AreaCode),
    /// A role above the granter's own.
    #[error("an account cannot grant a role above its own ({})", .0.as_str())]
    RoleAbove(Role),
    /// An area above the villages is an administrator's to change.
    #[error("a {} is changed by an administrator", .0.as_str())]
    LevelAbove(Level),
}

impl Refusal {
    /// The reason in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                Refusal::Role(r) => format!("{}无权进行此操作", r.name(Lang::Zh)),
                Refusal::OutsideScope(a) => format!("{a} 不在本账号的管辖范围内"),
                Refusal::UnknownArea(a) => format!("区划 {a} 不存在"),
                Refusal::RoleAbove(r) => {
                    format!("不能授予高于本账号（{}）的角色", r.name(Lang::Zh))
                }
                Refusal::LevelAbove(l) => format!("{}级区划须由管理员修改", l.name(Lang::Zh)),
            },
        }
    }
}

impl Scope {
    /// Whether this account may do `action` on the area `target`.
    pub fn may(&self, action: Action, target: &AreaCode, tree: &AreaTree) -> Result<(), Refusal> {
        if !self.role.permits(action) {
            return Err(Refusal::Role(self.role));
        }
        let Some(area) = tree.get(target) else {
            return Err(Refusal::UnknownArea(target.clone()));
        };
        if !tree.is_within(target, &self.area) {
            return Err(Refusal::OutsideScope(target.clone()));
        }
        // Villages are an officer's; the areas above them an administrator's.
        if action == Action::ManageVillages && area.level != Level::Village {
            return self
                .may(Action::ManageAreas, target, tree)
                .map_err(|_| Refusal::LevelAbove(area.level));
        }
        Ok(())
    }

    /// Whether this account may create (or change) an account of `grant`:
    /// an administrator, granting within its own area a role no higher
    /// than its own.
    pub fn may_grant(&self, grant: &Scope, tree: &AreaTree) -> Result<(), Refusal> {
        self.may(Action::ManageAccounts, &grant.area, tree)?;
        if grant.role > self.role {
            return Err(Refusal::RoleAbove(self.role));
        }
        Ok(())
    }
}
