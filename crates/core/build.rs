//! Generates the hanzi → pinyin table the matcher uses.
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

    let mut out = String::new();
    writeln!(out, "/// Every toneless pinyin syllable, sorted.").unwrap();
    writeln!(
        out,
        "pub(crate) static SYLLABLES: [&str; {}] = {:?};",
        syllables.len(),
        syllables
    )
    .unwrap();
    writeln!(out, "/// Hanzi code points (all in the BMP), sorted.").unwrap();
    writeln!(
        out,
        "pub(crate) static HANZI: [u16; {}] = {:?};",
        table.len(),
        table.keys().collect::<Vec<_>>()
    )
    .unwrap();
    writeln!(
        out,
        "/// The syllable (index into SYLLABLES) of each hanzi."
    )
    .unwrap();
    let sylls: Vec<u16> = table.values().map(|s| index(s)).collect();
    writeln!(
        out,
        "pub(crate) static HANZI_SYLLABLE: [u16; {}] = {:?};",
        sylls.len(),
        sylls
    )
    .unwrap();

    let path = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("hanzi_tables.rs");
    std::fs::write(path, out).unwrap();
}
