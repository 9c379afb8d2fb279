//! Small values this device remembers in its local storage (the language,
//! the large-text switch, the poster's village, the town's phone, the lists
//! a resident's phone fetched). Values are JSON, read through the same
//! byte-slice reader as everything else the app parses; the resident's
//! pages, whose bundle reads no JSON, keep theirs as plain words, flags and
//! bytes, written in the same JSON form for the words and flags.

use gloo_storage::{LocalStorage, Storage as _};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn raw(key: &str) -> Option<String> {
    LocalStorage::raw().get_item(key).ok().flatten()
}

/// A full or refused storage only costs remembering a value, which every
/// caller can live without.
fn set_raw(key: &str, value: &str) {
    let _ = LocalStorage::raw().set_item(key, value);
}

/// The value kept under `key`; none if there is none or it does not read back.
pub fn get<T: DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_slice(raw(key)?.as_bytes()).ok()
}

/// Keeps `value` under `key` as JSON.
pub fn set<T: Serialize + ?Sized>(key: &str, value: &T) {
    if let Ok(json) = serde_json::to_string(value) {
        set_raw(key, &json);
    }
}

/// The word kept under `key` (kept as a JSON string, as [`set`] writes
/// it); none if there is none or it is not a plain word.
pub fn word(key: &str) -> Option<String> {
    let kept = raw(key)?;
    let word = kept.strip_prefix('"')?.strip_suffix('"')?;
    is_plain(word).then(|| word.to_owned())
}

/// Keeps `word` under `key` as the JSON string [`set`] would write; a word
/// JSON would escape is not kept.
pub fn set_word(key: &str, word: &str) {
    if is_plain(word) {
        set_raw(key, &format!("\"{word}\""));
    }
}

/// A word JSON writes as it is between its quotes.
fn is_plain(word: &str) -> bool {
    !word
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
}

/// The flag kept under `key` (`true` or `false`, as JSON writes it).
pub fn flag(key: &str) -> Option<bool> {
    match raw(key)?.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Keeps `on` under `key`.
pub fn set_flag(key: &str, on: bool) {
    set_raw(key, if on { "true" } else { "false" });
}

/// The bytes kept under `key` by [`set_bytes`]; none if there are none or
/// the value is not such bytes.
pub fn bytes(key: &str) -> Option<Vec<u8>> {
    raw(key)?.chars().map(|c| u8::try_from(c).ok()).collect()
}

/// Keeps `bytes` under `key`, each as the character of its value
/// (U+0000 to U+00FF): local storage holds text only.
pub fn set_bytes(key: &str, bytes: &[u8]) {
    set_raw(
        key,
        &bytes.iter().map(|&b| char::from(b)).collect::<String>(),
    );
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn words_and_flags_are_kept_in_the_json_form_either_way_reads() {
        set_word("test.word", "en");
        assert_eq!(get::<String>("test.word").as_deref(), Some("en"));
        set("test.word", "zh");
        assert_eq!(word("test.word").as_deref(), Some("zh"));
        // A word JSON would escape is not kept; a value that is not a word is none.
        set_word("test.word", "a\"b");
        assert_eq!(word("test.word").as_deref(), Some("zh"));
        set("test.word", "a\\b");
        assert_eq!(word("test.word"), None);
        set("test.word", &3);
        assert_eq!(word("test.word"), None);

        set_flag("test.flag", true);
        assert_eq!(get::<bool>("test.flag"), Some(true));
        set("test.flag", &false);
        assert_eq!(flag("test.flag"), Some(false));
        set("test.flag", "true");
        assert_eq!(flag("test.flag"), None);
    }

    #[wasm_bindgen_test]
    fn bytes_come_back_as_they_were_kept() {
        let all: Vec<u8> = (0..=255).chain((0..=255).rev()).collect();
        set_bytes("test.bytes", &all);
        assert_eq!(bytes("test.bytes"), Some(all));
        set_bytes("test.bytes", &[]);
        assert_eq!(bytes("test.bytes"), Some(Vec::new()));
        // What is not such bytes (text an earlier build kept) is none.
        set("test.bytes", "清单");
        assert_eq!(bytes("test.bytes"), None);
        assert_eq!(bytes("test.never-kept"), None);
    }
}
