//! Generates the hanzi → pinyin table the matcher uses, and the shipped
//! list files in their compact form (every bundle carries them).
//!
//! Only characters people actually type are kept: the 6,763 hanzi of GB2312
//! (simplified) and the frequently used hanzi of Big5 (traditional), so that
//! traditional input and homophone typos resolve by sound. Readings come from
//! the `pinyin` crate (its default reading, without tone).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use pinyin::ToPinyin;

fn in_gb2312(c: char) -> bool {
    let s = c.to_string();
    let (bytes, _, errors) = encoding_rs::GBK.encode(&s);
    // GB2312 hanzi: lead byte 0xB0..=0xF7, trail byte 0xA1..=0xFE.
    !errors && bytes.len() == 2 && (0xB0..=0xF7).contains(&bytes[0]) && bytes[1] >= 0xA1
}

fn in_big5_frequent(c: char) -> bool {
    let s = c.to_string();
    let (bytes, _, errors) = encoding_rs::BIG5.encode(&s);
    // Big5 level 1 (frequently used hanzi): 0xA440..=0xC67E.
    !errors && bytes.len() == 2 && {
        let code = u16::from(bytes[0]) << 8 | u16::from(bytes[1]);
        (0xA440..=0xC67E).contains(&code)
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/catalogue/model.rs");
    println!("cargo:rerun-if-changed=src/catalogue/wire.rs");
    let mut table: BTreeMap<u16, String> = BTreeMap::new();
    for code in 0x4E00u32..=0x9FFF {
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        if !(in_gb2312(c) || in_big5_frequent(c)) {
            continue;
        }
        if let Some(py) = c.to_pinyin() {
            // `v` stands for `ü`, as on every pinyin keyboard.
            table.insert(code as u16, py.plain().replace('ü', "v"));
        }
    }
    let syllables: Vec<&str> = {
        let mut s: Vec<&str> = table.values().map(String::as_str).collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    let index = |s: &str| syllables.binary_search(&s).expect("listed") as u16;

    // Compact form: a presence bitmap over U+4E00..=U+9FFF with a running
    // count per 64-character block, and each present character's syllable
    // packed in 9 bits, in code point order.
    const FIRST: u32 = 0x4E00;
    const BLOCKS: usize = (0xA000 - 0x4E00) / 64;
    assert!(syllables.len() < 512, "syllable indices must fit in 9 bits");
    let mut present = vec![0u64; BLOCKS];
    for &code in table.keys() {
        let i = (u32::from(code) - FIRST) as usize;
        present[i / 64] |= 1 << (i % 64);
    }
    let mut rank = Vec::with_capacity(BLOCKS);
    let mut running = 0u16;
    for block in &present {
        rank.push(running);
        running += block.count_ones() as u16;
    }
    let mut packed = vec![0u8; (table.len() * 9).div_ceil(8) + 1];
    for (n, syllable) in table.values().enumerate() {
        let value = u32::from(index(syllable));
        let bit = n * 9;
        let word = value << (bit % 8);
        for k in 0..3 {
            if let Some(byte) = packed.get_mut(bit / 8 + k) {
                *byte |= (word >> (8 * k)) as u8;
            }
        }
    }

    let mut out = String::new();
    writeln!(out, "/// Every toneless pinyin syllable, sorted.").unwrap();
    writeln!(
        out,
        "pub(crate) static SYLLABLES: [&str; {}] = {:?};",
        syllables.len(),
        syllables
    )
    .unwrap();
    writeln!(out, "/// First code point of the table.").unwrap();
    writeln!(out, "pub(crate) const FIRST: u32 = {FIRST:#x};").unwrap();
    writeln!(
        out,
        "/// Bit i of block b: whether U+4E00 + 64b + i has a reading."
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static PRESENT: [u64; {BLOCKS}] = {present:?};"
    )
    .unwrap();
    writeln!(out, "/// Characters with a reading before each block.").unwrap();
    writeln!(out, "pub(crate) static RANK: [u16; {BLOCKS}] = {rank:?};").unwrap();
    writeln!(
        out,
        "/// The syllable of the n-th present character, 9 bits each, little-endian."
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static PACKED: [u8; {}] = {packed:?};",
        packed.len()
    )
    .unwrap();

    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out_dir.join("hanzi_tables.rs"), out).unwrap();
    compact_lists(&out_dir);
}

/// The list types and their compact form, as the crate has them.
#[allow(dead_code)]
#[path = "src/catalogue/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "src/catalogue/wire.rs"]
mod wire;

/// The shipped list files as one lists file in the compact form
/// (`catalogue::wire`), read by `Catalogue::default_lists`: a bundle carries
/// no JSON reader for them. Also the same without their English texts, for
/// `Catalogue::default_lists_chinese`. A file that is not a list fails the build; the
/// crate checks each list as it reads them.
fn compact_lists(out_dir: &std::path::Path) {
    let mut lists = Vec::new();
    for name in [
        "national-2020-must-not-issue.json",
        "example-may-issue.json",
        "example-retained.json",
    ] {
        let source = format!("catalogue/{name}");
        println!("cargo:rerun-if-changed={source}");
        let text = std::fs::read_to_string(&source).unwrap();
        let list: model::List =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
        lists.push(list);
    }
    // LISTS_FILE_FORMAT.
    let file = model::ListsFile { format: 1, lists };
    std::fs::write(out_dir.join("shipped-lists.postcard"), wire::encode(&file)).unwrap();
    std::fs::write(
        out_dir.join("shipped-lists-zh.postcard"),
        wire::encode(&file.without_english()),
    )
    .unwrap();
}
