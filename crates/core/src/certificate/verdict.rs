//! The answer a verifier gives for one paper: from its code, its check
//! code and the name and ID number printed on it, against a trust list.

use super::code::{CertificateClaims, CodeError, SignedCode};
use super::trust::{TrustDevice, TrustIndex};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// What a paper is, as far as its code and the trust list tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Signed by a tablet of the town for its own village and ledger, the
    /// name and ID number match, not voided, not revoked by that day.
    Genuine,
    /// The code, or what was typed from the paper, does not match what the
    /// tablet signed: the paper was altered, or forged.
    Altered,
    /// Signed by a revoked tablet, and dated on or after its revocation or
    /// numbered past what it had synced before it: the town does not vouch
    /// for it.
    Revoked,
    /// The village voided this number.
    Voided,
    /// The signature holds but the trust list does not know the tablet: an
    /// older list (refresh it) or a tablet of another town.
    UnknownTablet,
}

impl Verdict {
    /// The large words a verifier shows.
    pub fn msg(self) -> Msg {
        match self {
            Verdict::Genuine => Msg::VerdictGenuine,
            Verdict::Altered => Msg::VerdictAltered,
            Verdict::Revoked => Msg::VerdictRevoked,
            Verdict::Voided => Msg::VerdictVoided,
            Verdict::UnknownTablet => Msg::VerdictUnknownTablet,
        }
    }
}

/// A verdict with what the code says and what the list says of its tablet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// The answer.
    pub verdict: Verdict,
    /// What the code says, if it could be read (shown even when altered:
    /// the verifier compares it with the paper).
    pub claims: Option<CertificateClaims>,
    /// The signing tablet's row in the trust list.
    pub device: Option<TrustDevice>,
}

/// Checks a paper. `Err` only when the text is not a certificate code at
/// all (a poster's QR code, say); a code of ours that is cut or garbled is
/// [`Verdict::Altered`]. The order of the checks is the order of what can
/// be trusted: the signature, then what was typed from the paper, then
/// whose tablet signed, then what the town later said of it.
pub fn verify(
    text: &str,
    check_code: &str,
    name: &str,
    id_number: &str,
    trust: &TrustIndex,
) -> Result<Verification, CodeError> {
    let code = match SignedCode::read(text) {
        Ok(code) => code,
        Err(CodeError::Foreign) => return Err(CodeError::Foreign),
        Err(CodeError::Malformed(_)) => {
            return Ok(Verification {
                verdict: Verdict::Altered,
                claims: None,
                device: None,
            })
        }
    };
    let device = trust.device(&code.key).cloned();
    let claims = &code.claims;
    let verdict = if !code.signature_holds
        || claims.holder != code.scheme.hash(check_code, name, id_number)
    {
        Verdict::Altered
    } else {
        match &device {
            None => Verdict::UnknownTablet,
            // A key of the town signing for a village or ledger that is not
            // its own is a forgery by one of the town's own tablets.
            Some(d) if d.village != claims.number.village || d.ledger != claims.number.device => {
                Verdict::Altered
            }
            // A date long before its ledger existed is no tablet's.
            Some(_)
                if trust
                    .earliest_date(&claims.number)
                    .is_some_and(|earliest| claims.date < earliest) =>
            {
                Verdict::Altered
            }
            Some(d) if !d.vouches_for(&claims.number, claims.date) => Verdict::Revoked,
            Some(_) if trust.is_voided(&claims.number) => Verdict::Voided,
            Some(_) => Verdict::Genuine,
        }
    };
    Ok(Verification {
        verdict,
        claims: Some(code.claims),
        device,
    })
}
