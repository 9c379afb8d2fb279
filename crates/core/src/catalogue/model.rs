//! The list file's data: every type a list is made of, as JSON reads and
//! writes it. Only serde is used here, so that the build script can
//! include this file to encode the shipped lists ([`super::wire`]). The
//! compact form reads these types from their fields in the order declared
//! here and writes them through a mirror in `wire.rs`: a field added or
//! moved here is added or moved there too (the round-trip tests fail
//! otherwise).

use serde::{Deserialize, Serialize};

/// A text in both languages of the interface.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

/// What the village may do with a certificate item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// On an allowed list, or required by law: the village may issue it.
    MayIssue,
    /// The village must not issue it; another agency handles the matter.
    MustNotIssue,
    /// No certificate is needed any more: the resident's own documents or a
    /// written self-declaration take its place.
    Abolished,
}

/// Where a resident goes instead, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The agency (or "yourself", for a self-declaration).
    pub agency: Text,
    /// What to do there.
    pub how: Text,
}

/// One certificate item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable code, unique across the catalogue (e.g. `N05`).
    pub code: String,
    /// The official name.
    pub name: Text,
    /// Short names, synonyms and phrasings residents use, in Chinese.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The same in English.
    #[serde(default)]
    pub aliases_en: Vec<String>,
    /// What the certificate proves, in the words residents use for the
    /// fact rather than for the paper (两口子分居, 车是我的, 还活着).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proves: Vec<String>,
    /// What the village may do.
    pub status: Status,
    /// The legal or policy basis.
    pub basis: Text,
    /// Where the resident goes instead (absent for items the village issues).
    #[serde(default)]
    pub instead: Option<Route>,
    /// What the resident brings.
    #[serde(default)]
    pub materials: Vec<Text>,
    /// The body of the printed certificate, with `{name}`, `{id_number}`,
    /// `{statement}`, `{purpose}` and `{agency}` filled in; absent for items
    /// the village does not issue, or to use `default_template`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<Text>,
    /// For an abolished item, the wording of the declaration the resident
    /// signs in its place (the `Declaration` form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration: Option<DeclarationTemplate>,
}

/// An item's own wording of its declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationTemplate {
    /// What the resident declares, e.g. "本人婚姻状况如下".
    pub statement: Text,
    /// The facts the resident fills in, one line each.
    #[serde(default)]
    pub facts: Vec<Text>,
}

/// A published list: its identity, version and items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct List {
    /// File format version, `FORMAT`.
    pub format: u32,
    /// Stable identifier of the list (e.g. `cn-national-2020-must-not-issue`).
    pub id: String,
    /// Version of this list; events record the version in force.
    pub version: String,
    /// Title.
    pub title: Text,
    /// The document it comes from.
    pub source: Text,
    /// Date of publication (`YYYY-MM-DD`).
    pub published: String,
    /// The items.
    pub entries: Vec<Entry>,
}

/// A set of published lists as a file or an API answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListsFile {
    /// `LISTS_FILE_FORMAT`.
    pub format: u32,
    /// The lists, each complete.
    pub lists: Vec<List>,
}

impl ListsFile {
    /// The same lists with every English text left empty (each reads in
    /// Chinese, [`Text::get`]): what the resident's bundle ships, a third
    /// smaller; the English comes with the lists a phone fetches from the
    /// town when its reader chooses English.
    pub fn without_english(&self) -> ListsFile {
        let mut file = self.clone();
        for list in &mut file.lists {
            list.title.en.clear();
            list.source.en.clear();
            for entry in &mut list.entries {
                entry.name.en.clear();
                entry.aliases_en.clear();
                entry.basis.en.clear();
                if let Some(route) = &mut entry.instead {
                    route.agency.en.clear();
                    route.how.en.clear();
                }
                for material in &mut entry.materials {
                    material.en.clear();
                }
                if let Some(template) = &mut entry.template {
                    template.en.clear();
                }
                if let Some(declaration) = &mut entry.declaration {
                    declaration.statement.en.clear();
                    for fact in &mut declaration.facts {
                        fact.en.clear();
                    }
                }
            }
        }
        file
    }
}
