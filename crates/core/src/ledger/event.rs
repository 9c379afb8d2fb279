//! Ledger events and the requests that produce them.

use super::{AgencyCategory, CertificateNumber, Period};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What happened to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A listed certificate was issued.
    Issued,
    /// Refused; the resident was told where to go instead.
    RefusedRedirected,
    /// A certificate not on the list was issued, with a written reason (flagged).
    IssuedUnlisted,
    /// An earlier event was voided (nothing is deleted).
    Void,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 4] = [
        Outcome::Issued,
        Outcome::RefusedRedirected,
        Outcome::IssuedUnlisted,
        Outcome::Void,
    ];

    /// What it is called in the interface.
    pub fn words(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Outcome::Issued => Msg::OutcomeIssued,
            Outcome::RefusedRedirected => Msg::OutcomeRefused,
            Outcome::IssuedUnlisted => Msg::OutcomeUnlisted,
            Outcome::Void => Msg::OutcomeVoid,
        }
    }
}

/// What was asked for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", try_from = "ItemFields")]
pub enum ItemRef {
    /// An entry of the catalogue, with the list version in force.
    Listed {
        /// Entry code.
        code: String,
        /// The list.
        list_id: String,
        /// Its version at the time.
        list_version: String,
    },
    /// Free text, for a request on no list.
    FreeText {
        /// What the resident asked for, in their words.
        text: String,
    },
}

/// An [`ItemRef`] as it is read: its `kind` and every field either kind
/// has. Read as one struct, not as serde's internally tagged enum, which
/// buffers every value before it looks at the tag: 7 KB of code in each
/// bundle that reads events. The fields written are the same.
#[derive(Deserialize)]
struct ItemFields {
    kind: ItemKind,
    code: Option<String>,
    list_id: Option<String>,
    list_version: Option<String>,
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ItemKind {
    Listed,
    FreeText,
}

impl TryFrom<ItemFields> for ItemRef {
    type Error = String;

    fn try_from(fields: ItemFields) -> Result<ItemRef, String> {
        let given = |field: Option<String>, name: &str| {
            field.ok_or_else(|| format!("missing field `{name}`"))
        };
        Ok(match fields.kind {
            ItemKind::Listed => ItemRef::Listed {
                code: given(fields.code, "code")?,
                list_id: given(fields.list_id, "list_id")?,
                list_version: given(fields.list_version, "list_version")?,
            },
            ItemKind::FreeText => ItemRef::FreeText {
                text: given(fields.text, "text")?,
            },
        })
    }
}

impl ItemRef {
    /// The key counters are kept under: the code, or `free:` and the text.
    pub fn counter_key(&self) -> String {
        match self {
            ItemRef::Listed { code, .. } => code.clone(),
            ItemRef::FreeText { text } => format!("free:{}", text.trim()),
        }
    }
}

/// What the clerk fills in for one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The outcome chosen.
    pub outcome: Outcome,
    /// What was asked for.
    pub item: ItemRef,
    /// The agency that demanded the certificate, as named.
    pub agency: String,
    /// Its category.
    pub agency_category: AgencyCategory,
    /// What the resident needs it for.
    pub purpose: String,
    /// The resident's fields the printout needs (name, ID number, ...).
    pub resident: BTreeMap<String, String>,
    /// Why an unlisted certificate was issued, or why an event is voided.
    pub reason: Option<String>,
    /// For a void: the sequence number of the voided event.
    pub voids: Option<u64>,
}

impl Request {
    /// A void of `target` with the clerk's reason. It names the same item
    /// and agency as the certificate it voids, so the void is readable on
    /// its own and validates like any other record.
    pub fn void_of(target: &Event, reason: impl Into<String>) -> Request {
        Request {
            outcome: Outcome::Void,
            item: target.item.clone(),
            agency: target.agency.clone(),
            agency_category: target.agency_category,
            purpose: String::new(),
            resident: BTreeMap::new(),
            reason: Some(reason.into()),
            voids: Some(target.seq),
        }
    }
}

/// One entry of the append-only ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Device-local sequence number, from 1, without gaps.
    pub seq: u64,
    /// The device clock when it was recorded (ISO 8601).
    pub time: String,
    /// The month it counts in.
    pub period: Period,
    /// What happened.
    pub outcome: Outcome,
    /// What was asked for.
    pub item: ItemRef,
    /// The agency that demanded it.
    pub agency: String,
    /// The agency's category.
    pub agency_category: AgencyCategory,
    /// What for.
    pub purpose: String,
    /// Resident fields for the printout; these never leave the device.
    pub resident: BTreeMap<String, String>,
    /// Reason (unlisted issue, void).
    pub reason: Option<String>,
    /// For a void, the voided event.
    pub voids: Option<u64>,
    /// The certificate number, for an issued certificate.
    pub number: Option<CertificateNumber>,
    /// Hash of the previous event.
    pub prev_hash: String,
    /// Hash of this event (over every other field).
    pub hash: String,
}
