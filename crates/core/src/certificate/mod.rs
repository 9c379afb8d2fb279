//! Certificates a receiving agency can check offline (DESIGN.md, "Signed
//! certificates"): the tablet signs what the paper says ([`code`]), the
//! town publishes which tablets may sign and which numbers were voided
//! ([`trust`]), and a verifier holding that list answers from the code,
//! the check code and the holder's name and ID number ([`verdict`]).

pub mod code;
pub mod trust;
pub mod verdict;

pub use code::{
    check_code, holder_hash, seal_event, CertificateClaims, CodeError, HolderScheme, IssueDate,
    SignedCode, CODE_PREFIX, HOLDER_PARAMS, MAX_CODE_CHARS,
};
pub use trust::{
    NumberedYear, TrustDevice, TrustError, TrustIndex, TrustList, VoidedRun, MAX_TRUST_BYTES,
};
pub use verdict::{verify, Typed, Verdict, Verification};

#[cfg(test)]
mod tests;
