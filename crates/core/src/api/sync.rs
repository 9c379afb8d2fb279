//! A tablet's endpoints: `POST /api/v1/enrol` (JSON) and
//! `POST /api/v1/counts` (a signed binary payload, see [`crate::sync`]).

use crate::values::{DeviceKey, LedgerLabel, VillageCode};
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
}
