//! Categories of the agencies that ask residents for certificates.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// The kind of agency that demanded the certificate; counters are kept per
/// category, so the town sees which kinds keep asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyCategory {
    /// Banks and credit cooperatives.
    Bank,
    /// Schools and kindergartens.
    School,
    /// Hospitals and clinics.
    Hospital,
    /// Police stations.
    Police,
    /// Employers.
    Employer,
    /// Social-insurance and civil-affairs offices.
    SocialSecurity,
    /// Courts and notaries.
    CourtNotary,
    /// Other government departments.
    Government,
    /// Anyone else.
    Other,
}

impl AgencyCategory {
    /// Every category, in the order a picker shows them.
    pub const ALL: [AgencyCategory; 9] = [
        AgencyCategory::Bank,
        AgencyCategory::School,
        AgencyCategory::Hospital,
        AgencyCategory::Police,
        AgencyCategory::Employer,
        AgencyCategory::SocialSecurity,
        AgencyCategory::CourtNotary,
        AgencyCategory::Government,
        AgencyCategory::Other,
    ];

    /// The category's name in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (AgencyCategory::Bank, Lang::Zh) => "银行",
            (AgencyCategory::Bank, Lang::En) => "Bank",
            (AgencyCategory::School, Lang::Zh) => "学校",
            (AgencyCategory::School, Lang::En) => "School",
            (AgencyCategory::Hospital, Lang::Zh) => "医院",
            (AgencyCategory::Hospital, Lang::En) => "Hospital",
            (AgencyCategory::Police, Lang::Zh) => "派出所",
            (AgencyCategory::Police, Lang::En) => "Police",
            (AgencyCategory::Employer, Lang::Zh) => "用人单位",
            (AgencyCategory::Employer, Lang::En) => "Employer",
            (AgencyCategory::SocialSecurity, Lang::Zh) => "社保民政",
            (AgencyCategory::SocialSecurity, Lang::En) => "Social security",
            (AgencyCategory::CourtNotary, Lang::Zh) => "法院公证",
            (AgencyCategory::CourtNotary, Lang::En) => "Court or notary",
            (AgencyCategory::Government, Lang::Zh) => "其他政府部门",
            (AgencyCategory::Government, Lang::En) => "Other government",
            (AgencyCategory::Other, Lang::Zh) => "其他",
            (AgencyCategory::Other, Lang::En) => "Other",
        }
    }
}
