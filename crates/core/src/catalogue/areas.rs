//! Lists by area. A list is published at an area and applies to every
//! village below it; a village's lists in force are its own area's, then
//! its parent's, up to the root's and the shipped lists, nearest first. A
//! list published below cannot let villages issue an item that a list
//! published above says they must not issue, or need not (abolished):
//! [`Catalogue::in_force_at`] refuses such a set of lists, so no village
//! ever has one in force.

use super::{Catalogue, CatalogueError, Entry, List, Status};
use crate::values::AreaCode;

/// A published list and where it applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// The area whose subtree it applies to; `None`: the whole server (the
    /// root's, and every list published before there were areas).
    pub area: Option<AreaCode>,
    /// The list.
    pub list: List,
}

impl Catalogue {
    /// The lists in force at the area whose `path` is given nearest first
    /// (the area, its parent, …, the root; empty on a server with no area):
    /// the lists published at each area of the path below the root, nearest
    /// first, then the lists in force for the whole server
    /// ([`Catalogue::in_force`] over those published without an area or at
    /// the root). Lists of areas off the path are not in force here.
    ///
    /// Refused: codes that clash, and a may-issue entry of a list below
    /// that names an item a list above does not let villages issue
    /// ([`CatalogueError::Loosens`]).
    pub fn in_force_at(
        published: &[Placed],
        path: &[AreaCode],
    ) -> Result<Catalogue, CatalogueError> {
        let root = path.last();
        let whole: Vec<List> = published
            .iter()
            .filter(|p| p.area.is_none() || p.area.as_ref() == root)
            .map(|p| p.list.clone())
            .collect();
        // From the top down, each level checked against everything above it.
        let mut above = Catalogue::in_force(&whole)?;
        for area in path.iter().rev().skip(1) {
            let here: Vec<&List> = published
                .iter()
                .filter(|p| p.area.as_ref() == Some(area))
                .map(|p| &p.list)
                .collect();
            for list in &here {
                loosening(list, &above)?;
            }
            let mut lists: Vec<List> = here.into_iter().cloned().collect();
            lists.extend(above.lists);
            above = Catalogue::new(lists)?;
        }
        Ok(above)
    }
}

/// Whether `list`, published below the lists of `above`, would let
/// villages issue an item one of them does not: a may-issue entry with the
/// code, the name or an alias of an entry above that is not may-issue.
pub fn loosening(list: &List, above: &Catalogue) -> Result<(), CatalogueError> {
    for entry in list.entries.iter().filter(|e| e.status == Status::MayIssue) {
        let names = names_of(entry);
        let barred = above.entries().find(|found| {
            found.entry.status != Status::MayIssue
                && (found.entry.code == entry.code
                    || names_of(found.entry).iter().any(|n| names.contains(n)))
        });
        if let Some(found) = barred {
            return Err(CatalogueError::Loosens {
                code: entry.code.clone(),
                list: found.list.id.clone(),
                above: found.entry.code.clone(),
                name: found.entry.name.zh.clone(),
            });
        }
    }
    Ok(())
}

/// The Chinese name and aliases of `entry`, each as [`name_key`] has it.
fn names_of(entry: &Entry) -> Vec<String> {
    std::iter::once(&entry.name.zh)
        .chain(&entry.aliases)
        .map(|n| name_key(n))
        .filter(|k| !k.is_empty())
        .collect()
}

/// A name as compared: letters and digits only, lower case, without a
/// closing 证明 (无犯罪记录证明 and 无犯罪记录 are one item).
fn name_key(name: &str) -> String {
    let key: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    match key.strip_suffix("证明") {
        Some(stem) if !stem.is_empty() => stem.to_owned(),
        _ => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Route, Text};

    fn code(c: &str) -> AreaCode {
        c.parse().unwrap()
    }

    fn text(zh: &str) -> Text {
        Text {
            zh: zh.into(),
            en: String::new(),
        }
    }

    fn entry(code: &str, name: &str, status: Status) -> Entry {
        Entry {
            code: code.into(),
            name: text(name),
            aliases: Vec::new(),
            aliases_en: Vec::new(),
            proves: Vec::new(),
            status,
            basis: text("依据"),
            instead: (status != Status::MayIssue).then(|| Route {
                agency: text("派出所"),
                how: text("去办"),
            }),
            materials: Vec::new(),
            template: None,
            declaration: None,
        }
    }

    fn list(id: &str, entries: Vec<Entry>) -> List {
        List {
            format: crate::catalogue::FORMAT,
            id: id.into(),
            version: "1".into(),
            title: text(id),
            source: text("测"),
            published: "2026-01-01".into(),
            entries,
        }
    }

    fn at(area: Option<&str>, list: List) -> Placed {
        Placed {
            area: area.map(code),
            list,
        }
    }

    fn ids(catalogue: &Catalogue) -> Vec<&str> {
        catalogue.lists().iter().map(|l| l.id.as_str()).collect()
    }

    /// County C, towns T1 and T2, village V under T1.
    fn path_of_v() -> Vec<AreaCode> {
        vec![code("V"), code("T1"), code("C")]
    }

    #[test]
    fn a_village_has_its_towns_list_first_and_not_the_other_towns() {
        let published = vec![
            at(
                None,
                list(
                    "county-extra",
                    vec![entry("C1", "居住证明", Status::MayIssue)],
                ),
            ),
            at(
                Some("T1"),
                list("t1", vec![entry("T1A", "养殖证明", Status::MayIssue)]),
            ),
            at(
                Some("T2"),
                list("t2", vec![entry("T2A", "种植证明", Status::MayIssue)]),
            ),
        ];
        let at_v = Catalogue::in_force_at(&published, &path_of_v()).unwrap();
        let shipped = Catalogue::default_lists();
        let mut expected = vec!["t1"];
        expected.extend(ids(&shipped));
        expected.push("county-extra");
        assert_eq!(ids(&at_v), expected);
        assert!(at_v.find("T2A").is_none());
        // The county itself and a server with no tree see only the whole server's.
        let at_county = Catalogue::in_force_at(&published, &[code("C")]).unwrap();
        assert!(at_county.find("T1A").is_none() && at_county.find("C1").is_some());
        let no_tree = Catalogue::in_force_at(&published[..1], &[]).unwrap();
        assert_eq!(
            no_tree,
            Catalogue::in_force(&[published[0].list.clone()]).unwrap()
        );
    }

    #[test]
    fn a_list_at_the_root_area_is_the_whole_servers() {
        let published = vec![at(
            Some("C"),
            list("root", vec![entry("R1", "甲", Status::MayIssue)]),
        )];
        let at_v = Catalogue::in_force_at(&published, &path_of_v()).unwrap();
        assert_eq!(ids(&at_v).last(), Some(&"root"));
    }

    #[test]
    fn a_town_cannot_make_a_national_must_not_issue_item_issuable() {
        // N05 is 无犯罪记录证明 on the shipped national list.
        for name in ["无犯罪记录证明", "无犯罪记录", " 无犯罪记录 证明"] {
            let town = list("t1", vec![entry("T1A", name, Status::MayIssue)]);
            let err = Catalogue::in_force_at(&[at(Some("T1"), town)], &path_of_v()).unwrap_err();
            assert!(
                matches!(&err, CatalogueError::Loosens { code, above, .. } if code == "T1A" && above == "N05"),
                "{name}: {err:?}"
            );
        }
        // By code, by an alias of the item above, at any depth below.
        let mut by_alias = entry("T1B", "本村证明", Status::MayIssue);
        let national = Catalogue::default_lists();
        by_alias.aliases = vec![national.find("N05").unwrap().entry.aliases[0].clone()];
        let err = Catalogue::in_force_at(&[at(Some("V"), list("v", vec![by_alias]))], &path_of_v())
            .unwrap_err();
        assert!(matches!(err, CatalogueError::Loosens { .. }), "{err:?}");
        let same_code = list("t1", vec![entry("N05", "别的", Status::MayIssue)]);
        assert!(matches!(
            Catalogue::in_force_at(&[at(Some("T1"), same_code)], &path_of_v()),
            Err(CatalogueError::Loosens { .. })
        ));
    }

    #[test]
    fn a_town_may_bar_more_and_a_county_item_the_town_bars_stays_barred() {
        let county = list(
            "county",
            vec![entry("C1", "居住证明", Status::MustNotIssue)],
        );
        let town = list(
            "t1",
            vec![
                entry("T1A", "养殖证明", Status::MustNotIssue),
                entry("T1B", "种植证明", Status::MayIssue),
            ],
        );
        let published = vec![at(Some("C"), county), at(Some("T1"), town)];
        let at_v = Catalogue::in_force_at(&published, &path_of_v()).unwrap();
        assert_eq!(at_v.find("T1A").unwrap().entry.status, Status::MustNotIssue);
        // The village may not loosen what its town barred either.
        let village = list("v", vec![entry("V1", "养殖", Status::MayIssue)]);
        let mut with_village = published.clone();
        with_village.push(at(Some("V"), village));
        assert!(matches!(
            Catalogue::in_force_at(&with_village, &path_of_v()),
            Err(CatalogueError::Loosens { above, .. }) if above == "T1A"
        ));
        // The same words in another town bar nothing for it.
        let other = list("t2", vec![entry("T2A", "养殖证明", Status::MayIssue)]);
        let mut beside = published;
        beside.push(at(Some("T2"), other));
        let at_t2 = Catalogue::in_force_at(&beside, &[code("T2"), code("C")]).unwrap();
        assert_eq!(at_t2.find("T2A").unwrap().entry.status, Status::MayIssue);
    }

    proptest::proptest! {
        /// Lists at the whole server, a town and a village, from a few
        /// names and statuses: the lists make a catalogue exactly when no
        /// may-issue entry below shares a name with a barred one above.
        #[test]
        fn a_catalogue_is_made_exactly_when_nothing_barred_above_is_allowed_below(
            levels in proptest::collection::vec(
                proptest::collection::vec((0usize..4, 0usize..3), 0..4),
                3,
            ),
        ) {
            const NAMES: [&str; 4] = ["甲证明", "乙证明", "丙", "丁"];
            const STATUSES: [Status; 3] = [Status::MayIssue, Status::MustNotIssue, Status::Abolished];
            let areas = [None, Some("T1"), Some("V")];
            let mut published = Vec::new();
            let mut placed: Vec<(usize, Entry)> = Vec::new();
            for (level, entries) in levels.iter().enumerate() {
                let mut list_entries = Vec::new();
                for (i, &(name, status)) in entries.iter().enumerate() {
                    let e = entry(&format!("L{level}E{i}"), NAMES[name], STATUSES[status]);
                    placed.push((level, e.clone()));
                    list_entries.push(e);
                }
                published.push(at(areas[level], list(&format!("l{level}"), list_entries)));
            }
            let shipped = Catalogue::default_lists();
            let loosens = |lower: &Entry, upper_barred: &Entry| {
                lower.status == Status::MayIssue
                    && upper_barred.status != Status::MayIssue
                    && names_of(lower).iter().any(|n| names_of(upper_barred).contains(n))
            };
            // Shipped and whole-server lists are one level: only T1 and V
            // are checked against what is above them.
            let breaks = placed.iter().any(|(level, lower)| {
                *level > 0
                    && (placed.iter().any(|(up, upper)| up < level && loosens(lower, upper))
                        || shipped.entries().any(|f| loosens(lower, f.entry)))
            });
            let made = Catalogue::in_force_at(&published, &path_of_v());
            proptest::prop_assert_eq!(made.is_ok(), !breaks, "{:?}", made);
        }
    }

    #[test]
    fn codes_clash_across_levels_and_a_name_key_is_not_fooled_by_spacing() {
        let county = list("county", vec![entry("X1", "甲", Status::MayIssue)]);
        let town = list("t1", vec![entry("X1", "乙", Status::MayIssue)]);
        assert_eq!(
            Catalogue::in_force_at(&[at(None, county), at(Some("T1"), town)], &path_of_v()),
            Err(CatalogueError::DuplicateCode("X1".into()))
        );
        assert_eq!(name_key("无犯罪 记录证明。"), "无犯罪记录");
        assert_eq!(name_key("证明"), "证明");
        assert_eq!(name_key("Proof of X"), "proofofx");
    }
}
