//! Lists in their compact form: postcard, a binary encoding with no field
//! names, for the shipped lists every bundle carries and for the lists a
//! resident's phone fetches. Reading it takes a fraction of the code JSON
//! does, which a resident's bundle would otherwise carry for this alone.
//! Postcard names no field, so every field is written, including those
//! JSON leaves out when empty. The build script includes this file.

use super::model::{DeclarationTemplate, Entry, List, ListsFile, Route, Status, Text};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct WireFile {
    format: u32,
    lists: Vec<WireList>,
}

#[derive(Serialize, Deserialize)]
struct WireList {
    format: u32,
    id: String,
    version: String,
    title: Text,
    source: Text,
    published: String,
    entries: Vec<WireEntry>,
}

#[derive(Serialize, Deserialize)]
struct WireEntry {
    code: String,
    name: Text,
    aliases: Vec<String>,
    aliases_en: Vec<String>,
    proves: Vec<String>,
    status: Status,
    basis: Text,
    instead: Option<Route>,
    materials: Vec<Text>,
    template: Option<Text>,
    declaration: Option<DeclarationTemplate>,
}

/// `file` in the compact form.
pub fn encode(file: &ListsFile) -> Vec<u8> {
    let wire = WireFile {
        format: file.format,
        lists: file
            .lists
            .iter()
            .map(|list| WireList {
                format: list.format,
                id: list.id.clone(),
                version: list.version.clone(),
                title: list.title.clone(),
                source: list.source.clone(),
                published: list.published.clone(),
                entries: list
                    .entries
                    .iter()
                    .map(|e| WireEntry {
                        code: e.code.clone(),
                        name: e.name.clone(),
                        aliases: e.aliases.clone(),
                        aliases_en: e.aliases_en.clone(),
                        proves: e.proves.clone(),
                        status: e.status,
                        basis: e.basis.clone(),
                        instead: e.instead.clone(),
                        materials: e.materials.clone(),
                        template: e.template.clone(),
                        declaration: e.declaration.clone(),
                    })
                    .collect(),
            })
            .collect(),
    };
    postcard::to_allocvec(&wire).expect("lists serialize")
}

/// The lists file `bytes` holds in the compact form; unchecked (the caller
/// checks its format and each list, as for JSON).
pub fn decode(bytes: &[u8]) -> Result<ListsFile, postcard::Error> {
    let wire: WireFile = postcard::from_bytes(bytes)?;
    let mut lists = Vec::with_capacity(wire.lists.len());
    for list in wire.lists {
        let mut entries = Vec::with_capacity(list.entries.len());
        for e in list.entries {
            entries.push(Entry {
                code: e.code,
                name: e.name,
                aliases: e.aliases,
                aliases_en: e.aliases_en,
                proves: e.proves,
                status: e.status,
                basis: e.basis,
                instead: e.instead,
                materials: e.materials,
                template: e.template,
                declaration: e.declaration,
            });
        }
        lists.push(List {
            format: list.format,
            id: list.id,
            version: list.version,
            title: list.title,
            source: list.source,
            published: list.published,
            entries,
        });
    }
    Ok(ListsFile {
        format: wire.format,
        lists,
    })
}
