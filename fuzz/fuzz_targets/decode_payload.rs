//! Arbitrary bytes into every decoder a payload meets on the server: the
//! signed binary form, a backup file, and scanned QR text.
#![no_main]

use jianzheng_core::ledger::Backup;
use jianzheng_core::sync::{decode, join_qr_chunks};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = decode(data);
    let _ = Backup::parse(data, "140105001");
    if let Ok(text) = std::str::from_utf8(data) {
        let pieces: Vec<String> = text.lines().map(str::to_owned).collect();
        let _ = join_qr_chunks(&pieces);
    }
});
