//! Lists flowing down: the file form of a set of lists (what the server
//! sends and what a town hands over on a stick), and the rule by which a
//! tablet takes newer lists without ever going back to older ones.

use super::{Catalogue, CatalogueError, List, ListsFile, MAX_LIST_BYTES};

/// The format of a lists file this build writes and reads.
pub const LISTS_FILE_FORMAT: u32 = 1;

/// The media type of a lists file in the compact form: what a client puts
/// in `Accept` to be sent it instead of JSON.
pub const COMPACT_MEDIA_TYPE: &str = "application/vnd.jianzheng.lists+postcard";

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
        ListsFile::bounded(bytes)?;
        ListsFile::parse(bytes)
    }

    /// A tag of which lists `lists` are, by id and version in order (an
    /// entity tag, `W/"…"`): a phone that holds the lists in force asks
    /// with it (`If-None-Match`) and is answered `304` with nothing to
    /// download. A published version never changes, so its id and version
    /// name its content.
    pub fn tag_of(lists: &[List]) -> String {
        // FNV-1a (64 bits): a name for a handful of versions, not a secret.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for list in lists {
            for byte in list
                .id
                .bytes()
                .chain([0])
                .chain(list.version.bytes())
                .chain([0])
            {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("W/\"{hash:016x}\"")
    }

    /// The file in the compact form a resident's phone fetches and every
    /// bundle ships (postcard; `Accept:` [`COMPACT_MEDIA_TYPE`]).
    pub fn to_compact(&self) -> Vec<u8> {
        super::wire::encode(self)
    }

    /// Parses a file in the compact form, with the checks of
    /// [`ListsFile::from_json`].
    pub fn from_compact(bytes: &[u8]) -> Result<ListsFile, CatalogueError> {
        ListsFile::bounded(bytes)?;
        let file = super::wire::decode(bytes)
            .map_err(|_| CatalogueError::Malformed("not in the compact form".into()))?;
        ListsFile::check(file)
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
        ListsFile::check(file)
    }

    /// Refuses a file larger than a few lists at most, each held to
    /// [`MAX_LIST_BYTES`], before it is read.
    fn bounded(bytes: &[u8]) -> Result<(), CatalogueError> {
        if bytes.len() > 4 * MAX_LIST_BYTES {
            return Err(CatalogueError::TooLarge(bytes.len()));
        }
        Ok(())
    }

    /// `file` if its format is this build's and every list is valid.
    fn check(file: ListsFile) -> Result<ListsFile, CatalogueError> {
        if file.format != LISTS_FILE_FORMAT {
            return Err(CatalogueError::UnsupportedFormat(file.format));
        }
        for list in &file.lists {
            if list.format != super::FORMAT {
                return Err(CatalogueError::UnsupportedFormat(list.format));
            }
            list.validate()?;
        }
        Ok(file)
    }

    /// The catalogue after taking this file on top of `current`: a list
    /// replaces the one with its id when it is a different version
    /// published no earlier, or the same version with English texts where
    /// the one in force has none (a bundle shipped it without them,
    /// [`Catalogue::default_lists_chinese`]); lists the file does not name
    /// stay in force.
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

/// Whether any item of `list` is named in English.
fn has_english(list: &List) -> bool {
    list.entries.iter().any(|e| !e.name.en.trim().is_empty())
}

/// `incoming` taken on top of `current`, by the rule of [`ListsFile::apply_to`].
fn take(current: &Catalogue, incoming: &[List]) -> Result<ListsUpdate, CatalogueError> {
    let mut lists = current.lists().to_vec();
    let mut changed = Vec::new();
    for incoming in incoming {
        match lists.iter_mut().find(|l| l.id == incoming.id) {
            Some(held) => {
                let newer =
                    held.version != incoming.version && incoming.published >= held.published;
                // The same version as published, where the one in force was
                // shipped without its English texts.
                let completed =
                    held.version == incoming.version && !has_english(held) && has_english(incoming);
                if newer || completed {
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
    fn the_same_version_with_its_english_completes_a_list_shipped_without() {
        let chinese = Catalogue::default_lists_chinese();
        let whole = Catalogue::default_lists();
        let published = ListsFile::of(&whole);
        let update = published.apply_to(&chinese).unwrap();
        let tags: Vec<String> = whole
            .lists()
            .iter()
            .map(|l| format!("{}@{}", l.id, l.version))
            .collect();
        assert_eq!(update.changed, tags);
        assert_eq!(update.catalogue, whole);
        // Taken again, or the Chinese copies on top of the whole: nothing changes.
        assert!(published.apply_to(&whole).unwrap().changed.is_empty());
        let shipped = ListsFile::of(&chinese);
        assert!(shipped.apply_to(&whole).unwrap().changed.is_empty());
        // A version without English never replaces the same one without.
        assert!(shipped.apply_to(&chinese).unwrap().changed.is_empty());
    }

    proptest::proptest! {
        /// Whatever mix of Chinese-only and whole copies of the shipped
        /// lists a phone holds and is sent, taking the file never loses an
        /// English text, completes every list the file holds whole, and
        /// changes nothing when taken again.
        #[test]
        fn taking_lists_never_loses_english_and_settles(
            held_whole in proptest::collection::vec(proptest::bool::ANY, 3),
            sent in proptest::collection::vec(0u8..3, 3),
        ) {
            let whole = Catalogue::default_lists();
            let chinese = Catalogue::default_lists_chinese();
            let pick = |i: usize, w: bool| if w { &whole.lists()[i] } else { &chinese.lists()[i] };
            let current =
                Catalogue::new((0..3).map(|i| pick(i, held_whole[i]).clone()).collect()).unwrap();
            // 0: not sent, 1: sent in Chinese only, 2: sent whole.
            let file = ListsFile {
                format: LISTS_FILE_FORMAT,
                lists: (0..3)
                    .filter(|&i| sent[i] > 0)
                    .map(|i| pick(i, sent[i] == 2).clone())
                    .collect(),
            };
            let update = file.apply_to(&current).unwrap();
            for i in 0..3 {
                let has_whole = held_whole[i] || sent[i] == 2;
                proptest::prop_assert_eq!(&update.catalogue.lists()[i], pick(i, has_whole));
            }
            proptest::prop_assert!(file.apply_to(&update.catalogue).unwrap().changed.is_empty());
        }
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

    #[test]
    fn the_shipped_lists_in_compact_form_are_the_json_files() {
        let from_json: Vec<List> = crate::catalogue::SHIPPED_JSON
            .iter()
            .map(|json| List::from_json(json.as_bytes()).unwrap())
            .collect();
        assert_eq!(Catalogue::default_lists().lists(), from_json.as_slice());
    }

    #[test]
    fn the_compact_form_keeps_every_field_json_leaves_out_when_empty() {
        let shipped = Catalogue::default_lists();
        let mut lists = shipped.lists().to_vec();
        // Empty and absent where the shipped lists fill them, and the reverse.
        for entry in &mut lists[0].entries {
            entry.proves.clear();
            entry.aliases_en.clear();
            entry.declaration = None;
            entry.template = Some(crate::catalogue::default_template());
        }
        for entry in &mut lists[1].entries {
            entry.proves = vec!["还活着".into(), String::new()];
            entry.materials.clear();
            entry.instead = None;
        }
        let file = ListsFile {
            format: LISTS_FILE_FORMAT,
            lists,
        };
        let compact = file.to_compact();
        assert_eq!(ListsFile::from_compact(&compact).unwrap(), file);
        assert_eq!(
            ListsFile::from_compact(&compact).unwrap(),
            ListsFile::from_json(&file.to_json()).unwrap()
        );
        assert!(compact.len() < file.to_json().len());
    }

    #[test]
    fn the_tag_of_lists_changes_with_any_id_version_or_order() {
        let shipped = Catalogue::default_lists();
        let lists = shipped.lists();
        let tag = ListsFile::tag_of(lists);
        assert!(
            tag.starts_with("W/\"") && tag.ends_with('"') && tag.len() == 20,
            "{tag}"
        );
        // The same lists, read back, have the same tag.
        let again = ListsFile::from_compact(&ListsFile::of(&shipped).to_compact()).unwrap();
        assert_eq!(ListsFile::tag_of(&again.lists), tag);
        let mut newer = lists.to_vec();
        newer[1] = with_version(&newer[1], "2027-1", "2027-01-15");
        assert_ne!(ListsFile::tag_of(&newer), tag);
        let mut renamed = lists.to_vec();
        renamed[0].id.push('x');
        assert_ne!(ListsFile::tag_of(&renamed), tag);
        let mut reordered = lists.to_vec();
        reordered.swap(0, 1);
        assert_ne!(ListsFile::tag_of(&reordered), tag);
        // An id and a version run together are not another pair.
        let mut moved = lists.to_vec();
        moved[0].version = format!("x{}", moved[0].version);
        let mut other = lists.to_vec();
        other[0].id.push('x');
        assert_ne!(ListsFile::tag_of(&moved), ListsFile::tag_of(&other));
        assert_ne!(ListsFile::tag_of(&[]), tag);
    }

    #[test]
    fn a_bad_compact_file_is_refused_whole() {
        let shipped = ListsFile::of(&Catalogue::default_lists());
        let compact = shipped.to_compact();
        // Cut anywhere, it does not read.
        for cut in [0, 1, compact.len() / 2, compact.len() - 1] {
            assert!(
                matches!(
                    ListsFile::from_compact(&compact[..cut]),
                    Err(CatalogueError::Malformed(_))
                ),
                "cut at {cut}"
            );
        }
        let mut other = shipped.clone();
        other.format = 9;
        assert!(matches!(
            ListsFile::from_compact(&other.to_compact()),
            Err(CatalogueError::UnsupportedFormat(9))
        ));
        let mut other = shipped.clone();
        other.lists[2].format = 2;
        assert!(matches!(
            ListsFile::from_compact(&other.to_compact()),
            Err(CatalogueError::UnsupportedFormat(2))
        ));
        let mut broken = shipped.clone();
        broken.lists[0].entries[0].instead = None;
        assert!(matches!(
            ListsFile::from_compact(&broken.to_compact()),
            Err(CatalogueError::MissingRoute(_))
        ));
        let huge = vec![0u8; 4 * MAX_LIST_BYTES + 1];
        assert!(matches!(
            ListsFile::from_compact(&huge),
            Err(CatalogueError::TooLarge(_))
        ));
    }
}
