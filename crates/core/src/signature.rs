//! Ed25519 signatures over a context prefix and a body: the one way every
//! signed thing here (counts payloads, certificate codes, trust lists) is
//! signed and checked, each under its own context, so that a signature
//! made for one never holds for another.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

/// The signature of `body` under `context` with `secret`.
pub(crate) fn sign(secret: &[u8; 32], context: &[u8], body: &[u8]) -> [u8; 64] {
    SigningKey::from_bytes(secret)
        .sign(&[context, body].concat())
        .to_bytes()
}

/// Whether `signature` is `key`'s over `body` under `context`: strictly
/// checked, and never for a weak (small-order) key, which verifies forged
/// signatures.
pub(crate) fn holds(key: &[u8; 32], context: &[u8], body: &[u8], signature: &[u8]) -> bool {
    let (Ok(signature), Ok(key)) = (
        <[u8; 64]>::try_from(signature),
        VerifyingKey::from_bytes(key),
    ) else {
        return false;
    };
    !key.is_weak()
        && key
            .verify_strict(
                &[context, body].concat(),
                &Signature::from_bytes(&signature),
            )
            .is_ok()
}
