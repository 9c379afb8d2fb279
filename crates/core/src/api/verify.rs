//! `GET /api/v1/trust`: the town's signed trust list (binary,
//! [`crate::certificate::TrustList::open`] reads it), and
//! `POST /api/v1/verify` with the paper's code, check code, name and ID
//! number as a JSON body (never in the address, which proxies log): the
//! same verdict the `/verify` page gives, for other clients.

use crate::certificate::{Typed, Verdict, Verification, MAX_CODE_CHARS};
use serde::{Deserialize, Serialize};

/// Longest check code, name or ID number accepted, in characters.
pub const MAX_TYPED_CHARS: usize = 64;

/// What the paper shows: its code's text, and what is printed beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyRequest {
    /// The QR code's text.
    pub code: String,
    /// The check code printed on the paper.
    pub check_code: String,
    /// The holder's name on the paper.
    pub name: String,
    /// The holder's ID number on the paper (may be empty).
    #[serde(default)]
    pub id_number: String,
}

impl VerifyRequest {
    /// Whether every field is within its bound.
    pub fn within_bounds(&self) -> bool {
        self.code.chars().count() <= MAX_CODE_CHARS
            && [&self.check_code, &self.name, &self.id_number]
                .iter()
                .all(|t| t.chars().count() <= MAX_TYPED_CHARS)
    }
}

/// The verdict and what the code says, as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyAnswer {
    /// The one answer to act on: the code is genuine and the check code,
    /// name and ID number sent are those it was signed with.
    pub genuine: bool,
    /// What the code is, from its signature and the trust list.
    pub verdict: Verdict,
    /// Whether what was sent from the paper matches the code (none where
    /// the signature does not hold).
    pub typed: Option<Typed>,
    /// The certificate number the code names.
    pub number: Option<String>,
    /// The item's entry code (empty: an item on no list).
    pub item: Option<String>,
    /// The list version it was issued under.
    pub list_version: Option<String>,
    /// The day of issue (`2026-12-03`).
    pub date: Option<String>,
    /// The day the signing tablet was enrolled.
    pub tablet_since: Option<String>,
    /// The day it was revoked.
    pub tablet_revoked: Option<String>,
    /// When the trust list used was made.
    pub trust_list_of: String,
}

impl VerifyAnswer {
    /// The answer for `verification`, checked against the list of `trust_list_of`.
    pub fn new(verification: &Verification, trust_list_of: &str) -> VerifyAnswer {
        let claims = verification.claims.as_ref();
        let device = verification.device.as_ref();
        VerifyAnswer {
            genuine: verification.is_genuine(),
            verdict: verification.verdict,
            typed: verification.typed,
            number: claims.map(|c| c.number.to_string()),
            item: claims.map(|c| c.item.clone()),
            list_version: claims.map(|c| c.list_version.clone()),
            date: claims.map(|c| c.date.to_string()),
            tablet_since: device.map(|d| d.valid_from.to_string()),
            tablet_revoked: device.and_then(|d| d.revoked_at).map(|d| d.to_string()),
            trust_list_of: trust_list_of.to_owned(),
        }
    }
}
