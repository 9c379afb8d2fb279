//! Editing a list for publication: what changed against the published
//! version, and the next version to publish it under.

use super::{CatalogueError, Entry, List};
use serde::{Deserialize, Serialize};

/// One entry's change between two versions of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryChange {
    /// A new entry.
    Added {
        /// Its code.
        code: String,
    },
    /// An entry taken off the list.
    Removed {
        /// Its code.
        code: String,
    },
    /// An entry with different fields.
    Changed {
        /// Its code.
        code: String,
        /// Which fields differ, in [`EntryField::ALL`] order.
        fields: Vec<EntryField>,
    },
}

/// A field of a list entry that an edit can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryField {
    /// The official name.
    Name,
    /// The Chinese or English aliases.
    Aliases,
    /// What the certificate proves, in residents' words.
    Proves,
    /// What the village may do.
    Status,
    /// The legal or policy basis.
    Basis,
    /// Where the resident goes instead.
    Instead,
    /// What the resident brings.
    Materials,
    /// The certificate body.
    Template,
    /// The declaration that replaces an abolished certificate.
    Declaration,
}

impl EntryField {
    /// Every field, in the order an entry shows them.
    pub const ALL: [EntryField; 9] = [
        EntryField::Name,
        EntryField::Aliases,
        EntryField::Proves,
        EntryField::Status,
        EntryField::Basis,
        EntryField::Instead,
        EntryField::Materials,
        EntryField::Template,
        EntryField::Declaration,
    ];

    /// Whether `old` and `new` have this field the same.
    fn same(self, old: &Entry, new: &Entry) -> bool {
        match self {
            EntryField::Name => old.name == new.name,
            EntryField::Aliases => old.aliases == new.aliases && old.aliases_en == new.aliases_en,
            EntryField::Proves => old.proves == new.proves,
            EntryField::Status => old.status == new.status,
            EntryField::Basis => old.basis == new.basis,
            EntryField::Instead => old.instead == new.instead,
            EntryField::Materials => old.materials == new.materials,
            EntryField::Template => old.template == new.template,
            EntryField::Declaration => old.declaration == new.declaration,
        }
    }
}

fn changed_fields(old: &Entry, new: &Entry) -> Vec<EntryField> {
    EntryField::ALL
        .into_iter()
        .filter(|field| !field.same(old, new))
        .collect()
}

/// What changed from `published` to `draft`, in the draft's order, then
/// the removed entries.
pub fn diff(published: &List, draft: &List) -> Vec<EntryChange> {
    let mut changes: Vec<EntryChange> = draft
        .entries
        .iter()
        .filter_map(
            |new| match published.entries.iter().find(|e| e.code == new.code) {
                None => Some(EntryChange::Added {
                    code: new.code.clone(),
                }),
                Some(old) => {
                    let fields = changed_fields(old, new);
                    (!fields.is_empty()).then(|| EntryChange::Changed {
                        code: new.code.clone(),
                        fields,
                    })
                }
            },
        )
        .collect();
    changes.extend(
        published
            .entries
            .iter()
            .filter(|old| !draft.entries.iter().any(|e| e.code == old.code))
            .map(|old| EntryChange::Removed {
                code: old.code.clone(),
            }),
    );
    changes
}

/// The draft as the next version of `published`, dated `date`
/// (`YYYY-MM-DD`): version `<year>.<n>`, one more than the published one's
/// number in that year. Refuses a draft that is not a valid list, or one
/// for another list id.
pub fn next_version(published: &List, draft: &List, date: &str) -> Result<List, CatalogueError> {
    if draft.id != published.id {
        return Err(CatalogueError::Malformed(format!(
            "draft of {} cannot replace {}",
            draft.id, published.id
        )));
    }
    let year = date.get(..4).unwrap_or("0000");
    let n = published
        .version
        .strip_prefix(&format!("{year}."))
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(0);
    let list = List {
        version: format!("{year}.{}", n + 1),
        published: date.to_owned(),
        ..draft.clone()
    };
    list.validate()?;
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Catalogue, Route, Status, Text};

    fn allowed() -> List {
        Catalogue::default_lists().lists()[1].clone()
    }

    #[test]
    fn a_diff_names_added_removed_and_changed_entries_and_their_fields() {
        let published = allowed();
        let mut draft = published.clone();
        draft.entries[0].aliases.push("入党证明".into());
        draft.entries[1].status = Status::MustNotIssue;
        draft.entries[1].instead = Some(Route {
            agency: Text {
                zh: "乡镇政务服务中心".into(),
                en: "Town service centre".into(),
            },
            how: Text::default(),
        });
        let removed = draft.entries.remove(2).code;
        let mut added = draft.entries[0].clone();
        added.code = "A99".into();
        draft.entries.push(added);
        let changes = diff(&published, &draft);
        assert_eq!(
            changes,
            vec![
                EntryChange::Changed {
                    code: draft.entries[0].code.clone(),
                    fields: vec![EntryField::Aliases],
                },
                EntryChange::Changed {
                    code: draft.entries[1].code.clone(),
                    fields: vec![EntryField::Status, EntryField::Instead],
                },
                EntryChange::Added { code: "A99".into() },
                EntryChange::Removed { code: removed },
            ]
        );
        assert!(diff(&published, &published).is_empty());
    }

    #[test]
    fn the_next_version_counts_up_within_a_year_and_a_bad_draft_is_refused() {
        let published = List {
            version: "2027.3".into(),
            ..allowed()
        };
        let next = next_version(&published, &published, "2027-05-01").unwrap();
        assert_eq!(
            (next.version.as_str(), next.published.as_str()),
            ("2027.4", "2027-05-01")
        );
        let next_year = next_version(&published, &published, "2028-01-02").unwrap();
        assert_eq!(next_year.version, "2028.1");
        let mut bad = published.clone();
        bad.entries[0].status = Status::MustNotIssue;
        bad.entries[0].instead = None;
        assert!(matches!(
            next_version(&published, &bad, "2027-05-01"),
            Err(CatalogueError::MissingRoute(_))
        ));
        let mut other = published.clone();
        other.id = "other".into();
        assert!(next_version(&published, &other, "2027-05-01").is_err());
    }
}
