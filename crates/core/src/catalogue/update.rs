//! Lists flowing down: the file form of a set of lists (what the server
//! sends and what a town hands over on a stick), and the rule by which a
//! tablet takes newer lists without ever going back to older ones.

use super::{Catalogue, CatalogueError, List, MAX_LIST_BYTES};
use serde::{Deserialize, Serialize};

/// The format of a lists file this build writes and reads.
pub const LISTS_FILE_FORMAT: u32 = 1;

/// A set of published lists as a file or an API answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListsFile {
    /// [`LISTS_FILE_FORMAT`].
    pub format: u32,
    /// The lists, each complete.
    pub lists: Vec<List>,
}

/// What taking a lists file changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListsUpdate {
    /// The lists in force afterwards.
    pub catalogue: Catalogue,
    /// `id@version` of each list that is new or replaced.
    pub changed: Vec<String>,
}

impl ListsFile {
    /// The file of a catalogue's lists.
    pub fn of(catalogue: &Catalogue) -> ListsFile {
        ListsFile {
            format: LISTS_FILE_FORMAT,
            lists: catalogue.lists().to_vec(),
        }
    }

    /// The file as JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("lists serialize")
    }

    /// Parses a lists file, checking size, format and every list.
    pub fn from_json(bytes: &[u8]) -> Result<ListsFile, CatalogueError> {
        // A few lists at most, each held to MAX_LIST_BYTES.
        if bytes.len() > 4 * MAX_LIST_BYTES {
            return Err(CatalogueError::TooLarge(bytes.len()));
        }
        ListsFile::parse(bytes)
    }

    /// Parses the file of every version a device kept ([`ListsFile::keep`]),
    /// which the device wrote itself and which grows with each version it
    /// takes: format and every list are checked, not its size.
    pub fn kept_from_json(bytes: &[u8]) -> Result<ListsFile, CatalogueError> {
        ListsFile::parse(bytes)
    }

    fn parse(bytes: &[u8]) -> Result<ListsFile, CatalogueError> {
        let file: ListsFile =
            serde_json::from_slice(bytes).map_err(|e| CatalogueError::Malformed(e.to_string()))?;
        if file.format != LISTS_FILE_FORMAT {
            return Err(CatalogueError::UnsupportedFormat(file.format));
        }
        for list in &file.lists {
            list.validate()?;
        }
        Ok(file)
    }

    /// The catalogue after taking this file on top of `current`: a list
    /// replaces the one with its id when it is a different version
    /// published no earlier; lists the file does not name stay in force.
    pub fn apply_to(&self, current: &Catalogue) -> Result<ListsUpdate, CatalogueError> {
        take(current, &self.lists)
    }

    /// Takes `incoming` into this file of every list version a device has
    /// taken, oldest first: the lists in force are
    /// `Catalogue::in_force(&self.lists)` before and the returned catalogue
    /// after, and every version that was ever in force stays here (a
    /// shipped one too, once replaced: a later build may ship another), so
    /// a record prints from the version it names ([`Catalogue::as_recorded`]).
    pub fn keep(&mut self, incoming: &ListsFile) -> Result<ListsUpdate, CatalogueError> {
        let before = Catalogue::in_force(&self.lists)?;
        let update = take(&before, &incoming.lists)?;
        let same = |a: &List, b: &List| (&a.id, &a.version) == (&b.id, &b.version);
        let held = |lists: &[List], l: &List| lists.iter().any(|h| same(h, l));
        // Replaced versions go in before what replaces them: read in order,
        // each is taken again while it is in force, changing nothing.
        for replaced in before.lists() {
            if !held(update.catalogue.lists(), replaced) && !held(&self.lists, replaced) {
                self.lists.push(replaced.clone());
            }
        }
        let taken = update
            .catalogue
            .lists()
            .iter()
            .filter(|l| update.changed.contains(&format!("{}@{}", l.id, l.version)));
        for taken in taken {
            // Taken again after another version: it moves to the end, so
            // that reading the file in order puts it back in force.
            self.lists.retain(|h| !same(h, taken));
            self.lists.push(taken.clone());
        }
        Ok(update)
    }
}

impl Default for ListsFile {
    /// A file with no lists.
    fn default() -> ListsFile {
        ListsFile {
            format: LISTS_FILE_FORMAT,
            lists: Vec::new(),
        }
    }
}

impl Catalogue {
    /// The lists in force: the shipped lists ([`Catalogue::default_lists`]),
    /// each replaced by its version in `published` by the rule of
    /// [`ListsFile::apply_to`], then the lists only `published` names. The
    /// server gives it the newest version the town published of each list,
    /// a tablet the lists it took.
    pub fn in_force(published: &[List]) -> Result<Catalogue, CatalogueError> {
        take(&Catalogue::default_lists(), published).map(|update| update.catalogue)
    }
}

/// `incoming` taken on top of `current`, by the rule of [`ListsFile::apply_to`].
fn take(current: &Catalogue, incoming: &[List]) -> Result<ListsUpdate, CatalogueError> {
    let mut lists = current.lists().to_vec();
    let mut changed = Vec::new();
    for incoming in incoming {
        match lists.iter_mut().find(|l| l.id == incoming.id) {
            Some(held) => {
                if held.version != incoming.version && incoming.published >= held.published {
                    *held = incoming.clone();
                    changed.push(format!("{}@{}", incoming.id, incoming.version));
                }
            }
            None => {
                lists.push(incoming.clone());
                changed.push(format!("{}@{}", incoming.id, incoming.version));
            }
        }
    }
    Ok(ListsUpdate {
        catalogue: Catalogue::new(lists)?,
        changed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_version(list: &List, version: &str, published: &str) -> List {
        List {
            version: version.into(),
            published: published.into(),
            ..list.clone()
        }
    }

    #[test]
    fn a_newer_list_replaces_its_namesake_and_an_older_one_is_ignored() {
        let current = Catalogue::default_lists();
        let first = &current.lists()[1];
        let newer = with_version(first, "2027-1", "2027-01-15");
        let older = with_version(&current.lists()[2], "2019-1", "2019-01-01");
        let file = ListsFile {
            format: LISTS_FILE_FORMAT,
            lists: vec![newer.clone(), older],
        };
        let round = ListsFile::from_json(&file.to_json()).unwrap();
        let update = round.apply_to(&current).unwrap();
        assert_eq!(update.changed, vec![format!("{}@2027-1", first.id)]);
        assert_eq!(update.catalogue.lists()[1], newer);
        assert_eq!(update.catalogue.lists()[2], current.lists()[2]);
        assert_eq!(update.catalogue.lists().len(), current.lists().len());
        // Taking the same file again changes nothing.
        let again = round.apply_to(&update.catalogue).unwrap();
        assert!(again.changed.is_empty());
    }

    #[test]
    fn a_kept_file_holds_every_version_in_force_and_reads_back_to_the_same_lists() {
        let shipped = Catalogue::default_lists();
        let base = &shipped.lists()[1];
        let v2 = with_version(base, "2027.1", "2027-01-15");
        let v3 = with_version(base, "2027.2", "2027-03-01");
        let late_old = with_version(base, "2026.9", "2026-12-01");
        let same_day = with_version(base, "2027.2b", "2027-03-01");
        let file = |lists: Vec<List>| ListsFile {
            format: LISTS_FILE_FORMAT,
            lists,
        };
        let mut kept = ListsFile::default();
        let mut in_force = shipped.clone();
        for incoming in [
            file(vec![v2.clone()]),
            file(vec![v3.clone()]),
            file(vec![late_old.clone()]),
            file(vec![same_day.clone()]),
            // v3 again, published the same day as the one in force.
            file(vec![v3.clone()]),
        ] {
            let update = kept.keep(&incoming).unwrap();
            assert_eq!(
                update.catalogue,
                incoming.apply_to(&in_force).unwrap().catalogue
            );
            in_force = update.catalogue;
            let read = ListsFile::kept_from_json(&kept.to_json()).unwrap();
            assert_eq!(Catalogue::in_force(&read.lists).unwrap(), in_force);
        }
        assert_eq!(in_force.lists()[1], v3);
        let versions: Vec<&str> = kept.lists.iter().map(|l| l.version.as_str()).collect();
        // The shipped version is kept once replaced; the one never in force
        // is not; v3, taken again, comes last.
        assert_eq!(
            versions,
            [base.version.as_str(), "2027.1", "2027.2b", "2027.2"]
        );
        let code = &base.entries[0].code;
        for version in [base.version.as_str(), "2027.1"] {
            assert!(matches!(
                in_force.as_recorded(&kept.lists, code, &base.id, version),
                Some(crate::catalogue::Recorded::AsRecorded(_))
            ));
        }
    }

    #[test]
    fn a_bad_file_is_refused_whole() {
        let current = Catalogue::default_lists();
        let mut broken = current.lists()[0].clone();
        broken.entries[0].instead = None; // must-not-issue with nowhere to go
        let file = ListsFile {
            format: LISTS_FILE_FORMAT,
            lists: vec![broken],
        };
        assert!(matches!(
            ListsFile::from_json(&file.to_json()),
            Err(CatalogueError::MissingRoute(_))
        ));
        assert!(matches!(
            ListsFile::from_json(br#"{"format":9,"lists":[]}"#),
            Err(CatalogueError::UnsupportedFormat(9))
        ));
        assert!(ListsFile::from_json(b"{\"format\":1").is_err());
        // A new list whose codes clash with one in force.
        let mut clash = current.lists()[1].clone();
        clash.id = "another".into();
        let file = ListsFile {
            format: LISTS_FILE_FORMAT,
            lists: vec![clash],
        };
        assert!(matches!(
            file.apply_to(&current),
            Err(CatalogueError::DuplicateCode(_))
        ));
    }

    #[test]
    fn the_lists_in_force_are_the_shipped_ones_each_replaced_by_its_published_version() {
        let shipped = Catalogue::default_lists();
        assert_eq!(Catalogue::in_force(&[]).unwrap(), shipped);

        let mut newer = with_version(&shipped.lists()[1], "2027.1", "2027-01-15");
        newer.entries[0].aliases.push("新的说法".into());
        let older = with_version(&shipped.lists()[2], "2019.1", "2019-01-01");
        let mut own = with_version(&shipped.lists()[2], "1", "2027-02-01");
        own.id = "town-own".into();
        for entry in &mut own.entries {
            entry.code = format!("T-{}", entry.code);
        }
        let in_force = Catalogue::in_force(&[newer.clone(), older, own.clone()]).unwrap();
        assert_eq!(
            in_force.lists(),
            [
                shipped.lists()[0].clone(),
                newer,
                shipped.lists()[2].clone(),
                own
            ]
        );
    }

    #[test]
    fn published_lists_whose_codes_clash_make_no_lists_in_force() {
        let shipped = Catalogue::default_lists();
        let mut clash = shipped.lists()[1].clone();
        clash.id = "another".into();
        assert!(matches!(
            Catalogue::in_force(&[clash]),
            Err(CatalogueError::DuplicateCode(_))
        ));
    }
}
