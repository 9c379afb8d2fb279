//! The device database in a real browser (headless Chromium, real IndexedDB).
#![cfg(target_arch = "wasm32")]

use jianzheng_app::storage::{Storage, SCHEMA_VERSION, STORES};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_new_database_has_every_store_of_the_schema() {
    let storage = Storage::open("test-schema").await.expect("opens");
    let mut names = storage.store_names();
    names.sort();
    let mut expected: Vec<String> = STORES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(storage.version(), SCHEMA_VERSION);
    storage.close();
}

#[wasm_bindgen_test]
async fn a_strict_write_is_there_after_closing_and_reopening() {
    let storage = Storage::open("test-reopen").await.expect("opens");
    storage
        .put_meta("first_opened_at", &"2026-11-27T21:00:00Z".to_string())
        .await
        .expect("writes");
    storage.put_meta("opens", &3u32).await.expect("writes");
    storage.close();

    let storage = Storage::open("test-reopen").await.expect("reopens");
    let when: Option<String> = storage.get_meta("first_opened_at").await.expect("reads");
    assert_eq!(when.as_deref(), Some("2026-11-27T21:00:00Z"));
    let opens: Option<u32> = storage.get_meta("opens").await.expect("reads");
    assert_eq!(opens, Some(3));
    let missing: Option<u32> = storage.get_meta("never-written").await.expect("reads");
    assert_eq!(missing, None);
    storage.close();
}
