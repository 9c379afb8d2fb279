//! Small values this device remembers in its local storage (the language,
//! the large-text switch, the poster's village, the town's phone), as JSON.
//! Read through the same byte-slice JSON reader as everything else the app
//! parses, so each bundle carries one JSON parser.

use gloo_storage::{LocalStorage, Storage as _};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The value kept under `key`; none if there is none or it does not read back.
pub fn get<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = LocalStorage::raw().get_item(key).ok().flatten()?;
    serde_json::from_slice(text.as_bytes()).ok()
}

/// Keeps `value` under `key`; a full or refused storage only costs
/// remembering it, which every caller can live without.
pub fn set<T: Serialize + ?Sized>(key: &str, value: &T) {
    if let Ok(json) = serde_json::to_string(value) {
        let _ = LocalStorage::raw().set_item(key, &json);
    }
}
