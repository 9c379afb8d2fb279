//! Lists in their compact form: postcard, a binary encoding with no field
//! names, for the shipped lists every bundle carries and for the lists a
//! resident's phone fetches. Reading it takes a fraction of the code JSON
//! does, which a resident's bundle would otherwise carry for this alone.
//! The build script includes this file.
//!
//! Postcard names no field, so every field is written, in the order the
//! list types declare them, including those JSON leaves out when empty:
//! hence the borrowed mirror below for writing. Reading needs no mirror:
//! the list types read from a sequence of all their fields.

use super::model::{DeclarationTemplate, Entry, List, ListsFile, Route, Status, Text};
use serde::Serialize;

#[derive(Serialize)]
struct WireFile<'a> {
    format: u32,
    lists: Vec<WireList<'a>>,
}

#[derive(Serialize)]
struct WireList<'a> {
    format: u32,
    id: &'a str,
    version: &'a str,
    title: &'a Text,
    source: &'a Text,
    published: &'a str,
    entries: Vec<WireEntry<'a>>,
}

/// [`Entry`]'s fields in its order, none skipped.
#[derive(Serialize)]
struct WireEntry<'a> {
    code: &'a str,
    name: &'a Text,
    aliases: &'a [String],
    aliases_en: &'a [String],
    proves: &'a [String],
    status: Status,
    basis: &'a Text,
    instead: &'a Option<Route>,
    materials: &'a [Text],
    template: &'a Option<Text>,
    declaration: &'a Option<DeclarationTemplate>,
}

impl<'a> From<&'a Entry> for WireEntry<'a> {
    fn from(e: &'a Entry) -> Self {
        WireEntry {
            code: &e.code,
            name: &e.name,
            aliases: &e.aliases,
            aliases_en: &e.aliases_en,
            proves: &e.proves,
            status: e.status,
            basis: &e.basis,
            instead: &e.instead,
            materials: &e.materials,
            template: &e.template,
            declaration: &e.declaration,
        }
    }
}

impl<'a> From<&'a List> for WireList<'a> {
    fn from(list: &'a List) -> Self {
        WireList {
            format: list.format,
            id: &list.id,
            version: &list.version,
            title: &list.title,
            source: &list.source,
            published: &list.published,
            entries: list.entries.iter().map(WireEntry::from).collect(),
        }
    }
}

/// `file` in the compact form.
pub fn encode(file: &ListsFile) -> Vec<u8> {
    let wire = WireFile {
        format: file.format,
        lists: file.lists.iter().map(WireList::from).collect(),
    };
    postcard::to_allocvec(&wire).expect("lists serialize")
}

/// The lists file `bytes` holds in the compact form; unchecked (the caller
/// checks its format and each list, as for JSON).
pub fn decode(bytes: &[u8]) -> Result<ListsFile, postcard::Error> {
    postcard::from_bytes(bytes)
}
