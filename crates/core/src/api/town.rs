//! The town's endpoints under `/api/v1/town`, every one but login behind a
//! session cookie. The dashboard (`GET /town/dashboard?from&to[&area]`,
//! the account's own area when none is named) answers
//! with [`crate::rate::Dashboard`], a village's months
//! (`GET /town/villages/{code}/months?from&to`) with
//! [`crate::rate::VillageRow`]; both, and the exports, take a
//! [`crate::values::MonthRange`] as the query.

use crate::ledger::Period;
use crate::org::roles::{Action, Role};
use crate::rate::{AreaPlace, VillageSpan};
use crate::values::{
    AreaCode, BaselineYear, CodeDays, DeviceKey, LedgerLabel, PhoneNumber, ReportDays, StaleDays,
    VillageCode, VillageName,
};
use serde::{Deserialize, Serialize};

/// `POST /town/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    /// Login name.
    pub name: String,
    /// Password.
    pub password: String,
}

/// `GET /town/me`, and the answer to a login: who is logged in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Login name.
    pub name: String,
    /// The one-time password must be changed first.
    pub must_change: bool,
    /// Its role: the pages show only the changes it may make.
    pub role: Role,
    /// The area it works in and the areas above it; `None` on a server
    /// with no area yet.
    pub area: Option<AreaPlace>,
}

impl Me {
    /// Whether the account may do `action` somewhere in its area: what the
    /// pages offer it (the server checks each request on its own).
    pub fn may(&self, action: Action) -> bool {
        let at_root = self.area.as_ref().is_none_or(|p| p.above.is_empty());
        self.role.permits(action) && (at_root || !action.whole_tree())
    }
}

/// `POST /town/password`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    /// The password now.
    pub current: String,
    /// The one to set.
    pub new: String,
}

/// `GET /town/villages`: a village with its tablets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Village {
    /// Code.
    pub code: VillageCode,
    /// Name.
    pub name: String,
    /// Tablets, newest enrolment last.
    pub devices: Vec<Device>,
    /// The months it exists in (the figures count it only in them).
    pub span: VillageSpan,
}

/// A tablet as the town sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Public key.
    pub key: DeviceKey,
    /// Which enrolment.
    pub incarnation: u32,
    /// Its ledger label in the village (empty for a tablet enrolled
    /// before ledgers had labels).
    pub ledger: String,
    /// Enrolled (server time, ISO 8601).
    pub enrolled_at: String,
    /// Last upload (server time).
    pub last_seen_at: Option<String>,
    /// Revoked by the town.
    pub revoked: bool,
    /// Another tablet continues its ledger.
    pub retired: bool,
    /// Live and not heard from in the town's number of silent days.
    pub stale: bool,
}

/// `POST /town/villages`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVillage {
    /// Code.
    pub code: VillageCode,
    /// Name.
    pub name: VillageName,
    /// The area (a town) it belongs to; the default town when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<AreaCode>,
}

/// `PUT /town/villages/{code}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageRename {
    /// The new name.
    pub name: VillageName,
}

/// `PUT /town/villages/{code}/first-month`: the month a village counts
/// from (an earlier one for a village that moved in with history).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstMonth {
    /// Its first month.
    pub first: Period,
}

/// `POST /town/villages/{code}/retire`: the village's last month; it keeps
/// its history and leaves the figures after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retire {
    /// Its last month.
    pub last: Period,
}

/// `GET /town/settings[?area=]`: the settings in force at the area (the
/// account's own by default), each from the nearest area that sets it
/// ([`crate::org::settings`]). `PUT` sets them for the account's area (the
/// root's: the whole server's); `DELETE ?area=` makes an area inherit again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Days without an upload after which a tablet is shown as silent.
    pub stale_days: StaleDays,
    /// Days a new enrolment code is valid.
    #[serde(default)]
    pub enrolment_code_days: CodeDays,
    /// Days after a month ends within which a village's report is on time.
    #[serde(default)]
    pub report_days: ReportDays,
    /// The year rates compare with. Put at the root, `None` leaves the
    /// whole server's as the baseline import set it; below, `None` inherits.
    #[serde(default)]
    pub baseline_year: Option<BaselineYear>,
    /// The phone residents call to complain that an agency asked for a
    /// certificate it should not have (printed on the refusal slip). Put
    /// at the root, `None` leaves it as it is; below, `None` inherits.
    #[serde(default)]
    pub complaint_phone: Option<PhoneNumber>,
}

/// `GET /api/v1/contact[?area=]`, public: what a village's papers print
/// about the town, from the settings in force at the area.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The phone residents call to complain about an agency.
    pub complaint_phone: Option<PhoneNumber>,
    /// For a village, its committee's full name as certificates print it
    /// (示范县东关镇东关村村民委员会: its county's, town's and own names).
    #[serde(default)]
    pub committee: Option<String>,
}

/// `POST /town/villages/{code}/enrolment-code` (no body is a new tablet).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeFor {
    /// The ledger a replaced or restored tablet continues; none for a new
    /// tablet (a new ledger).
    #[serde(default)]
    pub continue_ledger: Option<LedgerLabel>,
}

/// A fresh enrolment code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCode {
    /// As typed.
    pub code: String,
    /// As shown (two groups of four).
    pub display: String,
    /// The village it enrols a tablet in.
    pub village: VillageCode,
    /// Days it stays valid.
    pub valid_days: CodeDays,
}

/// `POST /town/villages/{code}/enrolment-code/withdraw`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawn {
    /// Unused codes that stopped working.
    pub withdrawn: u64,
}

/// `POST /town/devices/revoke`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoke {
    /// The tablet's key.
    pub key: DeviceKey,
    /// Which enrolment of it.
    pub incarnation: u32,
}

/// `GET /town/baselines[?year=]` (the baseline year when none is given).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearQuery {
    /// The year asked for.
    pub year: Option<BaselineYear>,
}

/// The year of `POST /town/baselines/csv?year=` and of
/// `POST /town/baselines/from-registry`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineYearOf {
    /// The year the baselines are for.
    pub year: BaselineYear,
}

/// The baselines of a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baselines {
    /// The year, or none when no baseline year is set.
    pub year: Option<BaselineYear>,
    /// Its village months.
    pub baselines: Vec<Baseline>,
}

/// A baseline month of a village.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// The village.
    pub village: VillageCode,
    /// The month of the baseline year.
    pub period: Period,
    /// Certificates issued then.
    pub count: u64,
    /// Where it came from.
    pub source: BaselineSource,
}

/// How a baseline was entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineSource {
    /// Typed in by the town.
    Manual,
    /// Imported from a CSV file.
    Csv,
    /// The registry's own counts of the year.
    Registry,
}

impl BaselineSource {
    /// The name it is stored and sent under.
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineSource::Manual => "manual",
            BaselineSource::Csv => "csv",
            BaselineSource::Registry => "registry",
        }
    }

    /// The source stored as `text`.
    pub fn parse(text: &str) -> Option<BaselineSource> {
        [
            BaselineSource::Manual,
            BaselineSource::Csv,
            BaselineSource::Registry,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// `PUT /town/baselines`: baselines typed in, all or none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineForm {
    /// The year they are for (it becomes the baseline year).
    pub year: BaselineYear,
    /// Village months.
    pub entries: Vec<BaselineEntry>,
}

/// The most certificates a baseline month may hold.
pub const MAX_BASELINE_COUNT: u64 = 1_000_000;

/// One village month of a [`BaselineForm`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// The village.
    pub village: VillageCode,
    /// The month, 1..=12.
    pub month: u8,
    /// Certificates issued that month.
    pub count: u64,
}

/// `PUT /town/areas/{code}`: adds an area, or renames or moves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaChange {
    /// Its name.
    pub name: crate::values::AreaName,
    /// Its level.
    pub level: crate::org::Level,
    /// The area it belongs to; none for the root.
    #[serde(default)]
    pub parent: Option<AreaCode>,
}

/// `GET /town/accounts`: an account within the asker's area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    /// Login name.
    pub name: crate::values::AccountName,
    /// The name shown.
    pub display_name: Option<String>,
    /// Its role.
    pub role: crate::org::roles::Role,
    /// Its area; `None` for the root's.
    pub area: Option<AreaCode>,
    /// It cannot log in.
    pub disabled: bool,
    /// Its one-time password is still to be changed.
    pub must_change: bool,
}

/// `POST /town/accounts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    /// Login name.
    pub name: crate::values::AccountName,
    /// The name shown (up to 60 characters).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Its role: never above the creator's.
    pub role: crate::org::roles::Role,
    /// Its area: within the creator's.
    pub area: AreaCode,
}

/// The answer to `POST /town/accounts` and to a password reset: the
/// one-time password to hand over, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimePassword {
    /// The account.
    pub name: crate::values::AccountName,
    /// Its one-time password, to be changed at the first login.
    pub password: String,
}
