//! Certificate numbers, unique across devices with no network: village,
//! year, device and that device's sequence within the year.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The number printed on an issued certificate, e.g. `140105001-2026-T1-0042`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CertificateNumber {
    /// Village code.
    pub village: String,
    /// Year of issue.
    pub year: i32,
    /// Device label, unique within the village.
    pub device: String,
    /// The device's count of certificates this year, from 1.
    pub sequence: u32,
}

impl fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}-{:04}",
            self.village, self.year, self.device, self.sequence
        )
    }
}

/// Why a text is not a certificate number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a certificate number (village-year-device-sequence): {0}")]
pub struct BadNumber(String);

impl FromStr for CertificateNumber {
    type Err = BadNumber;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadNumber(text.to_owned());
        let mut parts = text.trim().rsplitn(4, '-');
        let sequence = parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        let device = parts
            .next()
            .filter(|d| !d.is_empty())
            .ok_or_else(bad)?
            .to_owned();
        let year = parts.next().and_then(|y| y.parse().ok()).ok_or_else(bad)?;
        let village = parts
            .next()
            .filter(|v| !v.is_empty())
            .ok_or_else(bad)?
            .to_owned();
        Ok(CertificateNumber {
            village,
            year,
            device,
            sequence,
        })
    }
}
