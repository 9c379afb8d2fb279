//! The answer a verifier gives for one paper: from its code, its check
//! code and the name and ID number printed on it, against a trust list.

use super::code::{CertificateClaims, CodeError, SignedCode};
use super::trust::{TrustDevice, TrustIndex};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// What a paper's code is, as far as its signature and the trust list
/// tell. What was typed from the paper is answered apart ([`Typed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Signed by a tablet of the town for its own village and ledger, not
    /// voided, not revoked by that day.
    Genuine,
    /// The code does not hold what a tablet signed, or a tablet signed what
    /// it could not: the code was altered, or forged.
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

/// Whether the check code, name and ID number typed from the paper are
/// those the tablet signed: a typo is not a forgery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Typed {
    /// All three match.
    Matches,
    /// They were typed and do not match: a typing mistake, or a paper
    /// whose name or number was changed.
    Differs,
    /// They do not match and one of them was left empty: the paper is not
    /// checked against the code.
    Missing,
}

impl Typed {
    /// What it means for the verifier, in a sentence.
    pub fn msg(self) -> Msg {
        match self {
            Typed::Matches => Msg::TypedMatches,
            Typed::Differs => Msg::TypedDiffers,
            Typed::Missing => Msg::TypedMissing,
        }
    }
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
    /// What the code is.
    pub verdict: Verdict,
    /// Whether what was typed from the paper matches the code; none when the
    /// signature does not hold (a forged code's holder means nothing).
    pub typed: Option<Typed>,
    /// What the code says, only where its signature holds: a forged code's
    /// contents are not shown as a certificate's.
    pub claims: Option<CertificateClaims>,
    /// The signing tablet's row in the trust list (where the signature
    /// holds).
    pub device: Option<TrustDevice>,
}

impl Verification {
    /// The large words: the code's verdict, except that a genuine code is
    /// not called genuine until what was typed from the paper matches it.
    pub fn headline(&self) -> Msg {
        match (self.verdict, self.typed) {
            (Verdict::Genuine, Some(Typed::Differs)) => Msg::VerdictTypedDiffers,
            (Verdict::Genuine, Some(Typed::Missing)) => Msg::VerdictTypedMissing,
            (verdict, _) => verdict.msg(),
        }
    }

    /// Whether the paper is what a tablet of the town signed, all checked.
    pub fn is_genuine(&self) -> bool {
        self.verdict == Verdict::Genuine && self.typed == Some(Typed::Matches)
    }
}

/// Checks a paper. `Err` only when the text is not a certificate code at
/// all (a poster's QR code, say); a code of ours that is cut or garbled is
/// [`Verdict::Altered`]. The order of the checks is the order of what can
/// be trusted: the signature, then whose tablet signed, then what the town
/// later said of it; what was typed from the paper is answered beside.
pub fn verify(
    text: &str,
    check_code: &str,
    name: &str,
    id_number: &str,
    trust: &TrustIndex,
) -> Result<Verification, CodeError> {
    let forged = Verification {
        verdict: Verdict::Altered,
        typed: None,
        claims: None,
        device: None,
    };
    let code = match SignedCode::read(text) {
        Ok(code) if code.signature_holds => code,
        Ok(_) | Err(CodeError::Malformed(_)) => return Ok(forged),
        Err(CodeError::Foreign) => return Err(CodeError::Foreign),
    };
    let device = trust.device(&code.key).cloned();
    let claims = &code.claims;
    // A paper printed with no ID number matches with none typed.
    let typed = if claims.holder == code.scheme.hash(check_code, name, id_number) {
        Typed::Matches
    } else if [check_code, name, id_number]
        .iter()
        .any(|t| t.trim().is_empty())
    {
        Typed::Missing
    } else {
        Typed::Differs
    };
    let verdict = match &device {
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
    };
    Ok(Verification {
        verdict,
        typed: Some(typed),
        claims: Some(code.claims),
        device,
    })
}
