//! A tablet's endpoints: `POST /api/v1/enrol` (JSON) and
//! `POST /api/v1/counts` (a signed binary payload, see [`crate::sync`]).

use crate::values::{DeviceKey, DeviceSignature, LedgerLabel, VillageCode};
use serde::{Deserialize, Serialize};

/// What a tablet sends to enrol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// The one-time code from the town, as typed.
    pub code: String,
    /// The tablet's Ed25519 public key.
    pub public_key: DeviceKey,
    /// Which enrolment of this tablet.
    pub incarnation: u32,
    /// The village the tablet records for; the code must be for it.
    pub village: VillageCode,
    /// The tablet's label in the village (its ledger).
    pub ledger: LedgerLabel,
    /// The tablet's signature of all the above with the key's secret
    /// ([`crate::sync::sign_enrolment`]): a key's holder enrols it, no
    /// one else.
    pub proof: DeviceSignature,
}

impl EnrolRequest {
    /// The request of the tablet holding `secret`, signed.
    pub fn signed(
        code: &str,
        secret: &[u8; 32],
        incarnation: u32,
        village: VillageCode,
        ledger: LedgerLabel,
    ) -> EnrolRequest {
        let proof = crate::sync::sign_enrolment(
            secret,
            code,
            village.as_str(),
            ledger.as_str(),
            incarnation,
        );
        EnrolRequest {
            code: code.to_owned(),
            public_key: DeviceKey(crate::sync::public_key(secret)),
            incarnation,
            village,
            ledger,
            proof: DeviceSignature(proof),
        }
    }

    /// Whether the proof is the public key's over this request.
    pub fn proof_holds(&self) -> bool {
        crate::sync::enrolment_proof_holds(
            &self.public_key.0,
            &self.code,
            self.village.as_str(),
            self.ledger.as_str(),
            self.incarnation,
            &self.proof.0,
        )
    }
}

/// The answer to a successful enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolled {
    /// The village the tablet is enrolled in.
    pub village: VillageCode,
    /// The ledger it writes.
    pub ledger: LedgerLabel,
}

/// What an accepted upload changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// Cells that rose.
    pub raised: u64,
    /// Cells lower than the server knew (flagged there).
    pub went_down: u64,
    /// Periods after the server's month (flagged there).
    pub future_periods: u64,
    /// The same signed upload had been stored before: nothing changed.
    pub replayed: bool,
    /// Voided numbers the town did not keep: their ledger's year holds
    /// [`crate::sync::MAX_VOIDED_PER_YEAR`] already (the counts were kept).
    #[serde(default)]
    pub voided_refused: u64,
    /// The village the upload was for (none for a replay), so that an
    /// import can say what it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village: Option<VillageCode>,
    /// The months it carried, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub months: Vec<crate::ledger::Period>,
}
