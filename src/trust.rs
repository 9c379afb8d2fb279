//! The trust list a verifier keeps: the town's signed list of tablet keys
//! and voided numbers, remembered in localStorage (base64 of the signed
//! bytes) with the town key it was first signed by, so that `/verify`
//! answers offline and refuses a list another key signed.

use crate::kept;
use crate::transport::{self, TransportError};
use jianzheng_core::certificate::{TrustError, TrustIndex, TrustList};

/// Where the signed bytes are kept.
const LIST_KEY: &str = "jianzheng.trustList";
/// Where the town key first seen is kept (hex).
const TOWN_KEY: &str = "jianzheng.townKey";

/// Why the kept list was not replaced.
#[derive(Clone, Debug, PartialEq)]
pub enum RefreshError {
    /// The server did not answer, or refused.
    Transport(TransportError),
    /// What it sent is not a list to use.
    Trust(TrustError),
}

/// The town key this device knows, if any.
fn pinned() -> Option<[u8; 32]> {
    let hex: String = kept::get(TOWN_KEY)?;
    <[u8; 32]>::try_from(hex::decode(hex).ok()?).ok()
}

fn to_base64(bytes: &[u8]) -> Option<String> {
    // `btoa` takes a string of Latin-1 characters, one per byte.
    let latin1: String = bytes.iter().map(|&b| char::from(b)).collect();
    web_sys::window()?.btoa(&latin1).ok()
}

fn from_base64(text: &str) -> Option<Vec<u8>> {
    let latin1 = web_sys::window()?.atob(text).ok()?;
    latin1
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

/// The list kept on this device, indexed, if there is one that opens.
pub fn kept() -> Option<TrustIndex> {
    let text: String = kept::get(LIST_KEY)?;
    let bytes = from_base64(&text)?;
    let (list, _) = TrustList::open(&bytes, pinned().as_ref()).ok()?;
    Some(TrustIndex::new(list))
}

/// Fetches the town's list, checks it (against the pinned town key once
/// there is one) and keeps it in place of the old one.
pub async fn refresh() -> Result<TrustIndex, RefreshError> {
    let bytes = transport::fetch_trust_list()
        .await
        .map_err(RefreshError::Transport)?;
    let pinned = pinned();
    let (list, town_key) = TrustList::open(&bytes, pinned.as_ref()).map_err(RefreshError::Trust)?;
    if pinned.is_none() {
        kept::set(TOWN_KEY, &hex::encode(town_key));
    }
    if let Some(text) = to_base64(&bytes) {
        // A full storage keeps the old list; this one still answers now.
        kept::set(LIST_KEY, &text);
    }
    Ok(TrustIndex::new(list))
}
