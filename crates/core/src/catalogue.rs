//! The certificate catalogue: versioned lists of certificate items, each with
//! its status in this jurisdiction, legal basis, where to go instead and what
//! to bring. Lists are data (JSON files a town publishes and a device loads),
//! never code; the defaults shipped with the product are in `catalogue/`.

mod areas;
mod declaration;
mod edit;
mod model;
mod update;
mod wire;

pub use areas::{loosening, Placed};
pub use declaration::Declaration;
pub use edit::{diff, next_version, EntryChange, EntryField};
pub use model::{DeclarationTemplate, Entry, List, ListsFile, Route, Status, Text};
pub use update::{ListsUpdate, COMPACT_MEDIA_TYPE, LISTS_FILE_FORMAT};

use crate::i18n::Lang;
use serde::Deserialize;
use std::collections::HashSet;

/// The list file format this build reads.
pub const FORMAT: u32 = 1;

/// Longest accepted list file, so a corrupt or hostile file cannot exhaust memory.
pub const MAX_LIST_BYTES: usize = 2 * 1024 * 1024;

impl Text {
    /// The text in `lang`; Chinese where no English was given.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.trim().is_empty() => &self.en,
            _ => &self.zh,
        }
    }
}

/// The certificate body used when an entry gives no template of its own.
pub fn default_template() -> Text {
    Text {
        zh: "兹证明{name}（公民身份号码：{id_number}）{statement}。\n此证明用于{purpose}，供{agency}参考。\n特此证明。".into(),
        en: "This is to certify that {name} (ID number {id_number}) {statement}.\nIssued for {purpose}, at the request of {agency}.".into(),
    }
}

/// Fills the `{field}` placeholders of `template` from `fields`; a missing
/// or empty field leaves a blank line to fill in by hand.
pub fn render_template(template: &str, fields: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in fields.iter().filter(|(_, v)| !v.trim().is_empty()) {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    // Placeholders with no value become a line to write on.
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(start) = rest.find('{') {
        match rest[start..].find('}') {
            Some(len)
                if rest[start + 1..start + len]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_') =>
            {
                result.push_str(&rest[..start]);
                result.push_str("________");
                rest = &rest[start + len + 1..];
            }
            _ => {
                result.push_str(&rest[..=start]);
                rest = &rest[start + 1..];
            }
        }
    }
    result.push_str(rest);
    result
}

/// Why a list or a catalogue was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// The file is larger than [`MAX_LIST_BYTES`].
    #[error("list file is {0} bytes, more than the {MAX_LIST_BYTES} accepted")]
    TooLarge(usize),
    /// The file is not a list in the expected shape.
    #[error("list file is not valid: {0}")]
    Malformed(String),
    /// The file is of a format this build does not read.
    #[error("list format {0} is not supported (this version reads format {FORMAT})")]
    UnsupportedFormat(u32),
    /// A required text is empty.
    #[error("entry {code}: {field} is empty")]
    Empty {
        /// The entry (or the list id).
        code: String,
        /// Which field.
        field: &'static str,
    },
    /// Two entries share a code.
    #[error("code {0} appears more than once")]
    DuplicateCode(String),
    /// An item the village must not issue says nowhere to go instead.
    #[error("entry {0} must not be issued but names no route")]
    MissingRoute(String),
    /// A text holds a control or invisible character (which a letter, a
    /// poster or a spreadsheet would carry on).
    #[error("entry {code}: a text holds a control or invisible character")]
    Unprintable {
        /// The entry (or the list id).
        code: String,
    },
    /// A list published below would let villages issue an item a list
    /// published above says they must not issue, or need not.
    #[error(
        "entry {code} would let villages issue {name} ({above}), which list {list} published above does not allow"
    )]
    Loosens {
        /// The entry below.
        code: String,
        /// The list above.
        list: String,
        /// The entry above.
        above: String,
        /// Its Chinese name.
        name: String,
    },
}

/// The lists an authority above every town issues (the national list of
/// 民发〔2020〕20号): in force as published, never republished by a town
/// or county under its own name; an area adds its own list beside them.
pub const ISSUED_ABOVE: [&str; 1] = ["cn-national-2020-must-not-issue"];

impl List {
    /// Whether an authority above every area issued the list
    /// ([`ISSUED_ABOVE`]): no account of this server edits it.
    pub fn issued_above(&self) -> bool {
        ISSUED_ABOVE.contains(&self.id.as_str())
    }

    /// Parses and validates a list file.
    pub fn from_json(bytes: &[u8]) -> Result<List, CatalogueError> {
        if bytes.len() > MAX_LIST_BYTES {
            return Err(CatalogueError::TooLarge(bytes.len()));
        }
        #[derive(Deserialize)]
        struct Probe {
            format: u32,
        }
        let probe: Probe =
            serde_json::from_slice(bytes).map_err(|e| CatalogueError::Malformed(e.to_string()))?;
        if probe.format != FORMAT {
            return Err(CatalogueError::UnsupportedFormat(probe.format));
        }
        let list: List =
            serde_json::from_slice(bytes).map_err(|e| CatalogueError::Malformed(e.to_string()))?;
        list.validate()?;
        Ok(list)
    }

    fn validate(&self) -> Result<(), CatalogueError> {
        let empty = |code: &str, field| CatalogueError::Empty {
            code: code.to_owned(),
            field,
        };
        if self.id.trim().is_empty() {
            return Err(empty("(list)", "id"));
        }
        if self.version.trim().is_empty() {
            return Err(empty(&self.id, "version"));
        }
        for entry in &self.entries {
            if entry.code.trim().is_empty() {
                return Err(empty("(entry)", "code"));
            }
            if entry.name.zh.trim().is_empty() {
                return Err(empty(&entry.code, "name.zh"));
            }
            if entry.status != Status::MayIssue && entry.instead.is_none() {
                return Err(CatalogueError::MissingRoute(entry.code.clone()));
            }
            if !entry.printable() {
                return Err(CatalogueError::Unprintable {
                    code: entry.code.clone(),
                });
            }
        }
        let own = [&self.id, &self.version, &self.published];
        let titles = [&self.title, &self.source];
        if !own.iter().all(|t| printable_text(t))
            || !titles
                .iter()
                .all(|t| printable_text(&t.zh) && printable_text(&t.en))
        {
            return Err(CatalogueError::Unprintable {
                code: self.id.clone(),
            });
        }
        Ok(())
    }
}

impl Entry {
    /// Whether every text of the entry, in both languages, is
    /// [`printable_text`].
    fn printable(&self) -> bool {
        let mut texts: Vec<&Text> = vec![&self.name, &self.basis];
        if let Some(route) = &self.instead {
            texts.extend([&route.agency, &route.how]);
        }
        texts.extend(&self.materials);
        texts.extend(&self.template);
        if let Some(declaration) = &self.declaration {
            texts.push(&declaration.statement);
            texts.extend(&declaration.facts);
        }
        let words = [&self.aliases, &self.aliases_en, &self.proves];
        printable_text(&self.code)
            && texts
                .iter()
                .all(|t| printable_text(&t.zh) && printable_text(&t.en))
            && words.iter().all(|w| w.iter().all(|t| printable_text(t)))
    }
}

/// Whether a list's text is fit for papers and files: line breaks and tabs
/// (a template's lines) and otherwise only
/// [`printable`](crate::values::printable) characters.
fn printable_text(text: &str) -> bool {
    text.chars()
        .all(|c| matches!(c, '\n' | '\t') || crate::values::printable(c))
}

/// Where an entry came from: its list and that list's version.
#[derive(Clone, Copy, Debug)]
pub struct Found<'a> {
    /// The list.
    pub list: &'a List,
    /// The entry.
    pub entry: &'a Entry,
}

/// The lists in force in a jurisdiction, searched together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalogue {
    lists: Vec<List>,
}

impl Catalogue {
    /// Builds a catalogue; every code must be unique across the lists.
    pub fn new(lists: Vec<List>) -> Result<Catalogue, CatalogueError> {
        let mut seen = HashSet::new();
        for entry in lists.iter().flat_map(|l| &l.entries) {
            if !seen.insert(entry.code.as_str()) {
                return Err(CatalogueError::DuplicateCode(entry.code.clone()));
            }
        }
        Ok(Catalogue { lists })
    }

    /// The lists shipped with the product: the national list of certificates
    /// villages must not issue, an example allowed list, and commonly retained items.
    pub fn default_lists() -> Catalogue {
        Catalogue::shipped(SHIPPED_LISTS)
    }

    /// The shipped lists without their English texts
    /// ([`ListsFile::without_english`]), as the resident's bundle ships them:
    /// each is completed by the same version a phone fetches from the town
    /// ([`ListsFile::apply_to`]).
    pub fn default_lists_chinese() -> Catalogue {
        Catalogue::shipped(SHIPPED_LISTS_CHINESE)
    }

    /// Whether some list here is one of the shipped lists without its
    /// English texts (not yet completed from the town).
    pub fn lacks_shipped_english(&self) -> bool {
        let chinese = Catalogue::default_lists_chinese();
        self.lists.iter().any(|list| chinese.lists.contains(list))
    }

    fn shipped(compact: &[u8]) -> Catalogue {
        // No error is formatted: the build wrote these bytes from lists the
        // tests read, and a message would carry every error text along.
        match ListsFile::from_compact(compact).and_then(|file| Catalogue::new(file.lists)) {
            Ok(catalogue) => catalogue,
            Err(_) => panic!("the shipped lists do not read back"),
        }
    }

    /// The lists.
    pub fn lists(&self) -> &[List] {
        &self.lists
    }

    /// Every entry with its list, in list order.
    pub fn entries(&self) -> impl Iterator<Item = Found<'_>> {
        self.lists
            .iter()
            .flat_map(|list| list.entries.iter().map(move |entry| Found { list, entry }))
    }

    /// The entry with `code`.
    pub fn find(&self, code: &str) -> Option<Found<'_>> {
        self.entries().find(|f| f.entry.code == code)
    }
}

/// An entry as a record names it: from the list version in force when it
/// was recorded, or from today's lists when that version is not at hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded<'a> {
    /// From the list version the record names.
    AsRecorded(&'a Entry),
    /// From the lists in force today: the version the record names is not
    /// at hand, and its entry may have differed.
    Today(&'a Entry),
}

impl<'a> Recorded<'a> {
    /// The entry, wherever it came from.
    pub fn entry(self) -> &'a Entry {
        match self {
            Recorded::AsRecorded(entry) | Recorded::Today(entry) => entry,
        }
    }
}

impl Catalogue {
    /// The entry `code` as version `list_version` of list `list_id` has it,
    /// looked up among `kept` (the versions at hand besides these lists)
    /// and these lists; when that version is not at hand (or lacks `code`),
    /// this catalogue's entry `code`, as today's.
    pub fn as_recorded<'a>(
        &'a self,
        kept: impl IntoIterator<Item = &'a List>,
        code: &str,
        list_id: &str,
        list_version: &str,
    ) -> Option<Recorded<'a>> {
        let recorded = kept
            .into_iter()
            .chain(&self.lists)
            .find(|l| l.id == list_id && l.version == list_version)
            .and_then(|l| l.entries.iter().find(|e| e.code == code));
        match recorded {
            Some(entry) => Some(Recorded::AsRecorded(entry)),
            None => self.find(code).map(|f| Recorded::Today(f.entry)),
        }
    }
}

/// The list files shipped with the product (`catalogue/`), as one lists
/// file in the compact form (`wire`), written by the build script.
const SHIPPED_LISTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/shipped-lists.postcard"));

/// The same without their English texts.
const SHIPPED_LISTS_CHINESE: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/shipped-lists-zh.postcard"));

/// The shipped list files as they are in `catalogue/`, for tests that read
/// them as JSON.
#[cfg(test)]
pub(crate) const SHIPPED_JSON: [&str; 3] = [
    include_str!("../catalogue/national-2020-must-not-issue.json"),
    include_str!("../catalogue/example-may-issue.json"),
    include_str!("../catalogue/example-retained.json"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chinese_lists_are_the_shipped_ones_with_every_english_text_left_empty() {
        let whole = Catalogue::default_lists();
        let chinese = Catalogue::default_lists_chinese();
        assert_eq!(
            chinese.lists(),
            ListsFile::of(&whole).without_english().lists
        );
        // Every shipped item has its English, and every Chinese text stays.
        for (w, c) in whole.entries().zip(chinese.entries()) {
            assert!(!w.entry.name.en.is_empty() && !w.entry.basis.en.is_empty());
            assert!(c.entry.name.en.is_empty() && c.entry.aliases_en.is_empty());
            assert_eq!(
                (&w.entry.name.zh, &w.entry.aliases),
                (&c.entry.name.zh, &c.entry.aliases)
            );
            assert_eq!(c.entry.name.get(Lang::En), w.entry.name.zh);
        }
        assert!(chinese.lacks_shipped_english());
        assert!(!whole.lacks_shipped_english());
    }

    #[test]
    fn the_shipped_lists_load_with_the_national_twenty_and_the_five_allowed() {
        let cat = Catalogue::default_lists();
        let count = |status| cat.entries().filter(|f| f.entry.status == status).count();
        let national = &cat.lists()[0];
        assert_eq!(national.entries.len(), 20);
        assert!(national
            .entries
            .iter()
            .all(|e| e.status != Status::MayIssue));
        assert_eq!(
            count(Status::MayIssue),
            cat.lists()[1].entries.len() + cat.lists()[2].entries.len()
        );
        assert_eq!(cat.lists()[1].entries.len(), 5);
        assert_eq!(cat.find("N05").unwrap().entry.name.zh, "无犯罪记录证明");
    }

    #[test]
    fn every_shipped_entry_has_both_languages_synonyms_and_materials() {
        for found in Catalogue::default_lists().entries() {
            let e = found.entry;
            assert!(
                !e.name.en.is_empty() && !e.basis.zh.is_empty() && !e.basis.en.is_empty(),
                "{}",
                e.code
            );
            assert!(
                e.aliases.len() >= 6,
                "{} has only {} aliases",
                e.code,
                e.aliases.len()
            );
            assert!(!e.materials.is_empty(), "{}", e.code);
            if let Some(route) = &e.instead {
                assert!(
                    !route.agency.zh.is_empty() && !route.how.en.is_empty(),
                    "{}",
                    e.code
                );
            }
        }
    }

    #[test]
    fn every_shipped_item_a_village_issues_has_a_certificate_of_its_own() {
        for found in Catalogue::default_lists().entries() {
            let e = found.entry;
            if e.status != Status::MayIssue {
                assert!(e.template.is_none(), "{} is not issued", e.code);
                continue;
            }
            let t = e.template.as_ref().unwrap_or_else(|| panic!("{}", e.code));
            // 兹证明…, the person, the use it is limited to, 特此证明。
            assert!(
                t.zh.starts_with("兹证明{name}（公民身份号码：{id_number}）"),
                "{}",
                e.code
            );
            assert!(
                t.zh.ends_with("特此证明。") && t.zh.contains("用于"),
                "{}",
                e.code
            );
            assert!(
                t.en.starts_with("This is to certify that {name} (ID number {id_number})"),
                "{}",
                e.code
            );
        }
    }

    fn minimal(format: u32, status: &str, instead: &str) -> String {
        format!(
            r#"{{"format":{format},"id":"t","version":"1","title":{{"zh":"测","en":"t"}},
            "source":{{"zh":"测","en":"t"}},"published":"2026-01-01","entries":[
            {{"code":"X1","name":{{"zh":"测试证明","en":"Test"}},"status":"{status}",
              "basis":{{"zh":"测","en":"t"}},"instead":{instead}}}]}}"#
        )
    }

    #[test]
    fn a_list_of_another_format_is_refused_with_its_number() {
        let err = List::from_json(minimal(2, "may_issue", "null").as_bytes()).unwrap_err();
        assert_eq!(err, CatalogueError::UnsupportedFormat(2));
    }

    #[test]
    fn an_item_that_must_not_be_issued_needs_a_route() {
        let err = List::from_json(minimal(1, "must_not_issue", "null").as_bytes()).unwrap_err();
        assert_eq!(err, CatalogueError::MissingRoute("X1".into()));
    }

    #[test]
    fn a_text_with_a_control_or_invisible_character_is_refused() {
        let good = minimal(1, "may_issue", "null");
        assert!(List::from_json(good.as_bytes()).is_ok());
        // U+0001 would make the letters' .docx invalid XML; U+202E turns
        // the poster's text around.
        for bad in ["\\u0001", "\\u202e", "\\u200b"] {
            let json = good.replace("测试证明", &format!("测试{bad}证明"));
            assert_eq!(
                List::from_json(json.as_bytes()).unwrap_err(),
                CatalogueError::Unprintable { code: "X1".into() },
                "{bad}"
            );
            let json = good.replacen(
                r#""title":{"zh":"测""#,
                &format!(r#""title":{{"zh":"测{bad}""#),
                1,
            );
            assert_eq!(
                List::from_json(json.as_bytes()).unwrap_err(),
                CatalogueError::Unprintable { code: "t".into() }
            );
        }
        // A template's line breaks are its own.
        let lines = good.replace("测试证明", "测试\\n证明");
        assert!(List::from_json(lines.as_bytes()).is_ok());
        // Every shipped text passes.
        for list in Catalogue::default_lists().lists() {
            assert_eq!(list.validate(), Ok(()), "{}", list.id);
        }
    }

    #[test]
    fn garbage_truncated_and_oversized_files_are_refused_cleanly() {
        let good = minimal(1, "may_issue", "null");
        assert!(List::from_json(good.as_bytes()).is_ok());
        assert!(matches!(
            List::from_json(&good.as_bytes()[..good.len() / 2]),
            Err(CatalogueError::Malformed(_))
        ));
        assert!(matches!(
            List::from_json(b"\xff\xfe not json"),
            Err(CatalogueError::Malformed(_))
        ));
        let huge = vec![b' '; MAX_LIST_BYTES + 1];
        assert_eq!(
            List::from_json(&huge),
            Err(CatalogueError::TooLarge(MAX_LIST_BYTES + 1))
        );
    }

    #[test]
    fn a_template_is_filled_and_missing_fields_leave_a_line_to_write_on() {
        let text = render_template(
            "兹证明{name}（{id_number}）{statement}。",
            &[("name", "张三"), ("statement", "系本村村民")],
        );
        assert_eq!(text, "兹证明张三（________）系本村村民。");
        let empty = render_template("{name}：{statement}", &[("name", " "), ("statement", "")]);
        assert_eq!(
            empty, "________：________",
            "nothing typed is a line to write on"
        );
        assert_eq!(
            render_template("{not a field} {x}", &[]),
            "{not a field} ________"
        );
    }

    #[test]
    fn duplicate_codes_across_lists_are_refused() {
        let list = List::from_json(minimal(1, "may_issue", "null").as_bytes()).unwrap();
        let err = Catalogue::new(vec![list.clone(), list]).unwrap_err();
        assert_eq!(err, CatalogueError::DuplicateCode("X1".into()));
    }

    #[test]
    fn an_entry_is_found_in_the_version_a_record_names_or_else_as_today() {
        let shipped = Catalogue::default_lists();
        let old = shipped.lists()[1].clone();
        let mut new = List {
            version: format!("{}-next", old.version),
            ..old.clone()
        };
        new.entries[0].basis.zh = "新的依据".into();
        let today = Catalogue::new(vec![new.clone()]).unwrap();
        let code = old.entries[0].code.as_str();

        assert_eq!(
            today.as_recorded([&old], code, &old.id, &old.version),
            Some(Recorded::AsRecorded(&old.entries[0]))
        );
        // Today's version is at hand too.
        assert_eq!(
            today.as_recorded([&old], code, &new.id, &new.version),
            Some(Recorded::AsRecorded(&new.entries[0]))
        );
        // A version no longer at hand: today's entry, marked as such.
        let missing = today.as_recorded([], code, &old.id, &old.version).unwrap();
        assert_eq!(missing, Recorded::Today(&new.entries[0]));
        assert_eq!(missing.entry().basis.zh, "新的依据");
        assert_eq!(
            today.as_recorded([&old], "NOPE", &old.id, &old.version),
            None
        );
    }
}
