//! The organisation the registry serves: a tree of areas (行政区划) from a
//! province or a county down to its villages, and the accounts that work in
//! a subtree of it ([`roles`]).
//!
//! Every area has a code, a name, a level and a parent (none for the root).
//! A child is always of a lower level than its parent; levels may be
//! skipped (a county directly above its towns, no city in between).

pub mod roles;
pub mod settings;
#[cfg(test)]
mod tests;

use crate::i18n::Lang;
use crate::values::{AreaCode, AreaName, ValueError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The level of an area, from the highest down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 省 a province.
    Province,
    /// 市 a city (prefecture).
    City,
    /// 县 a county (or district).
    County,
    /// 乡镇 a town (or township, subdistrict).
    Town,
    /// 村 a village (or residents' committee).
    Village,
}

impl Level {
    /// Every level, from the highest down.
    pub const ALL: [Level; 5] = [
        Level::Province,
        Level::City,
        Level::County,
        Level::Town,
        Level::Village,
    ];

    /// The stable name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Town => "town",
            Level::Village => "village",
        }
    }

    /// The level's name in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Level::Province, Lang::Zh) => "省",
            (Level::City, Lang::Zh) => "市",
            (Level::County, Lang::Zh) => "县",
            (Level::Town, Lang::Zh) => "乡镇",
            (Level::Village, Lang::Zh) => "村",
            (Level::Province, Lang::En) => "province",
            (Level::City, Lang::En) => "city",
            (Level::County, Lang::En) => "county",
            (Level::Town, Lang::En) => "town",
            (Level::Village, Lang::En) => "village",
        }
    }

    /// The level right below, if any.
    pub fn below(self) -> Option<Level> {
        Level::ALL.get(self as usize + 1).copied()
    }

    /// The level a 12-digit statistical division code names by its
    /// trailing zeros (`140105000000` a county, `140105001000` a town,
    /// `140105001001` a village); `None` for any other code.
    pub fn of_statistical_code(code: &str) -> Option<Level> {
        if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let zeros = |from: usize| code[from..].bytes().all(|b| b == b'0');
        Some(if zeros(2) {
            Level::Province
        } else if zeros(4) {
            Level::City
        } else if zeros(6) {
            Level::County
        } else if zeros(9) {
            Level::Town
        } else {
            Level::Village
        })
    }
}

impl std::str::FromStr for Level {
    type Err = ();

    /// Reads the stable name, or the Chinese one.
    fn from_str(text: &str) -> Result<Level, ()> {
        let text = text.trim();
        Level::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(text) || l.name(Lang::Zh) == text)
            .ok_or(())
    }
}

/// One area of the tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Its code.
    pub code: AreaCode,
    /// Its name.
    pub name: AreaName,
    /// Its level.
    pub level: Level,
    /// The area it belongs to; `None` for the root.
    pub parent: Option<AreaCode>,
}

/// Why a set of areas is not a tree, or a change would break it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// Two areas have the same code.
    #[error("the code {0} is used twice")]
    Duplicate(AreaCode),
    /// An area names a parent that is not in the tree.
    #[error("{code}: its parent {parent} is not an area")]
    UnknownParent {
        /// The area.
        code: AreaCode,
        /// The parent it names.
        parent: AreaCode,
    },
    /// No area is the root.
    #[error("no area is the root (every area has a parent)")]
    NoRoot,
    /// More than one area has no parent.
    #[error("{0} and {1} both have no parent: there is one root")]
    TwoRoots(AreaCode, AreaCode),
    /// The parents run in a circle.
    #[error("{0} is inside itself")]
    Cycle(AreaCode),
    /// A child is not of a lower level than its parent.
    #[error("{code} is a {level}, not below its parent, a {parent_level}", level = .level.as_str(), parent_level = .parent_level.as_str())]
    LevelOrder {
        /// The area.
        code: AreaCode,
        /// Its level.
        level: Level,
        /// Its parent's level.
        parent_level: Level,
    },
    /// The area asked for is not in the tree.
    #[error("{0} is not an area")]
    Unknown(AreaCode),
    /// A village cannot become another level, nor an area a village: the
    /// tablets and counts of a village stay a village's.
    #[error("{0} cannot change between a village and another level")]
    VillageLevel(AreaCode),
}

impl TreeError {
    /// The reason in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                TreeError::Duplicate(c) => format!("区划代码 {c} 重复"),
                TreeError::UnknownParent { code, parent } => {
                    format!("{code} 的上级 {parent} 不存在")
                }
                TreeError::NoRoot => "没有最上级区划（每个区划都有上级）".to_owned(),
                TreeError::TwoRoots(a, b) => {
                    format!("{a} 和 {b} 都没有上级：只能有一个最上级区划")
                }
                TreeError::Cycle(c) => format!("{c} 的上级关系形成循环"),
                TreeError::LevelOrder {
                    code,
                    level,
                    parent_level,
                } => format!(
                    "{code} 是{}，不低于其上级（{}）",
                    level.name(Lang::Zh),
                    parent_level.name(Lang::Zh)
                ),
                TreeError::Unknown(c) => format!("区划 {c} 不存在"),
                TreeError::VillageLevel(c) => format!("{c} 不能在村与其他级别之间变更"),
            },
        }
    }
}

/// A checked tree of areas: one root, every parent present, no cycle, and
/// every child below its parent's level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaTree {
    areas: BTreeMap<AreaCode, Area>,
    children: BTreeMap<AreaCode, Vec<AreaCode>>,
    root: AreaCode,
}

impl AreaTree {
    /// Checks `areas` and builds the tree.
    pub fn new(areas: impl IntoIterator<Item = Area>) -> Result<AreaTree, TreeError> {
        let mut by_code = BTreeMap::new();
        for area in areas {
            if let Some(old) = by_code.insert(area.code.clone(), area) {
                return Err(TreeError::Duplicate(old.code));
            }
        }
        let mut root = None;
        let mut children: BTreeMap<AreaCode, Vec<AreaCode>> = BTreeMap::new();
        for area in by_code.values() {
            match &area.parent {
                None => {
                    if let Some(other) = root.replace(area.code.clone()) {
                        return Err(TreeError::TwoRoots(other, area.code.clone()));
                    }
                }
                Some(parent) => {
                    let Some(above) = by_code.get(parent) else {
                        return Err(TreeError::UnknownParent {
                            code: area.code.clone(),
                            parent: parent.clone(),
                        });
                    };
                    if above.level >= area.level {
                        return Err(TreeError::LevelOrder {
                            code: area.code.clone(),
                            level: area.level,
                            parent_level: above.level,
                        });
                    }
                    children
                        .entry(parent.clone())
                        .or_default()
                        .push(area.code.clone());
                }
            }
        }
        // Levels fall strictly along every parent link, so a cycle cannot
        // exist; the root exists once every area's chain ends.
        let root = root.ok_or(TreeError::NoRoot)?;
        Ok(AreaTree {
            areas: by_code,
            children,
            root,
        })
    }

    /// The root area.
    pub fn root(&self) -> &Area {
        &self.areas[&self.root]
    }

    /// The area of `code`.
    pub fn get(&self, code: &AreaCode) -> Option<&Area> {
        self.areas.get(code)
    }

    /// Every area, by code.
    pub fn areas(&self) -> impl Iterator<Item = &Area> {
        self.areas.values()
    }

    /// How many areas.
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    /// Whether the tree is empty (never: it has its root).
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// The areas directly below `code`, by code.
    pub fn children(&self, code: &AreaCode) -> &[AreaCode] {
        self.children.get(code).map_or(&[], Vec::as_slice)
    }

    /// The areas above `code`, nearest first (its parent, then its
    /// parent's, up to the root); empty for the root or an unknown code.
    pub fn ancestors<'a>(&'a self, code: &AreaCode) -> impl Iterator<Item = &'a Area> + 'a {
        let mut next = self.areas.get(code).and_then(|a| a.parent.clone());
        std::iter::from_fn(move || {
            let area = self.areas.get(next.as_ref()?)?;
            next = area.parent.clone();
            Some(area)
        })
    }

    /// Whether `code` is `scope` or lies below it.
    pub fn is_within(&self, code: &AreaCode, scope: &AreaCode) -> bool {
        self.areas.contains_key(code)
            && (code == scope || self.ancestors(code).any(|a| &a.code == scope))
    }

    /// `code` and every area below it, each before its children.
    pub fn subtree(&self, code: &AreaCode) -> Vec<&Area> {
        let mut out = Vec::new();
        let mut stack: Vec<&AreaCode> = self
            .areas
            .get_key_value(code)
            .map(|(k, _)| k)
            .into_iter()
            .collect();
        while let Some(next) = stack.pop() {
            out.push(&self.areas[next]);
            stack.extend(self.children(next).iter().rev());
        }
        out
    }

    /// The areas from the root down to `code`, e.g. 县 › 镇 › 村 (empty
    /// for an unknown code).
    pub fn path(&self, code: &AreaCode) -> Vec<&Area> {
        let Some(area) = self.areas.get(code) else {
            return Vec::new();
        };
        let mut path: Vec<&Area> = self.ancestors(code).collect();
        path.reverse();
        path.push(area);
        path
    }

    /// The villages within `code`.
    pub fn villages_within(&self, code: &AreaCode) -> Vec<&Area> {
        self.subtree(code)
            .into_iter()
            .filter(|a| a.level == Level::Village)
            .collect()
    }

    /// The tree with `area` added, or an existing area of its code changed
    /// (renamed, moved, given another level above the villages), checked
    /// whole. The root may move below a new area, which becomes the root
    /// (a town's server taken into a county's tree).
    pub fn with(&self, area: Area) -> Result<AreaTree, TreeError> {
        self.with_all([area])
    }

    /// The tree with every one of `changes` applied at once, checked whole.
    pub fn with_all(&self, changes: impl IntoIterator<Item = Area>) -> Result<AreaTree, TreeError> {
        let mut areas = self.areas.clone();
        for area in changes {
            check_change(self, &area)?;
            areas.insert(area.code.clone(), area);
        }
        AreaTree::new(areas.into_values())
    }
}

/// What a change of one area must keep: a village stays a village, and no
/// area moves inside itself.
fn check_change(tree: &AreaTree, area: &Area) -> Result<(), TreeError> {
    if let Some(old) = tree.areas.get(&area.code) {
        if (old.level == Level::Village) != (area.level == Level::Village) {
            return Err(TreeError::VillageLevel(area.code.clone()));
        }
        if let Some(parent) = &area.parent {
            if tree.is_within(parent, &area.code) {
                return Err(TreeError::Cycle(area.code.clone()));
            }
        }
    }
    Ok(())
}

/// One row of an area file (`code,name,parent_code[,level]`), as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaRow {
    /// The line in the file (1 is the first).
    pub line: usize,
    /// The code column.
    pub code: String,
    /// The name column.
    pub name: String,
    /// The parent's code, empty for the root.
    pub parent: String,
    /// The level column, if the file has one and it is filled.
    pub level: Option<String>,
}

/// Why an area file cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// A value of a row is not valid.
    #[error("line {line}: {error}")]
    Value {
        /// The line.
        line: usize,
        /// What is wrong.
        error: ValueError,
    },
    /// A row's level can be neither read nor inferred.
    #[error("line {line}: the level of {code} is unknown: fill the level column (province, city, county, town or village)")]
    Level {
        /// The line.
        line: usize,
        /// The area.
        code: String,
    },
    /// The rows do not make a tree with what is there.
    #[error(transparent)]
    Tree(#[from] TreeError),
}

impl ImportError {
    /// The reason in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ImportError::Value { line, error }, Lang::Zh) => {
                format!("第{line}行：{}", error.message(Lang::Zh))
            }
            (ImportError::Level { line, code }, Lang::Zh) => {
                format!("第{line}行：无法确定 {code} 的级别，请填写级别列（省、市、县、乡镇或村）")
            }
            (ImportError::Tree(e), lang) => e.message(lang),
            (e, Lang::En) => e.to_string(),
        }
    }
}

/// The tree `existing` (if any) with the areas of `rows` added or updated.
/// A row's level is its level column, else what a 12-digit statistical
/// code says, else the level below its parent's.
pub fn import(existing: Option<&AreaTree>, rows: &[AreaRow]) -> Result<AreaTree, ImportError> {
    let mut areas: BTreeMap<AreaCode, Area> = BTreeMap::new();
    let known = |code: &AreaCode, areas: &BTreeMap<AreaCode, Area>| {
        areas
            .get(code)
            .or_else(|| existing.and_then(|t| t.get(code)))
            .map(|a| a.level)
    };
    let value = |line: usize| move |error: ValueError| ImportError::Value { line, error };
    // Parsed first, so a parent's level is known before its children's.
    let mut parsed = Vec::new();
    for row in rows {
        let code: AreaCode = row.code.parse().map_err(value(row.line))?;
        let name: AreaName = row.name.parse().map_err(value(row.line))?;
        let parent = match row.parent.trim() {
            "" => None,
            p => Some(p.parse::<AreaCode>().map_err(value(row.line))?),
        };
        let level = match row
            .level
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            Some(text) => Some(text.parse::<Level>().map_err(|()| ImportError::Level {
                line: row.line,
                code: row.code.clone(),
            })?),
            None => Level::of_statistical_code(code.as_str()),
        };
        parsed.push((row.line, code, name, parent, level));
    }
    // A row without a level takes the one below its parent's, once the
    // parent's is known (the file may list a child before its parent).
    let mut pending = parsed;
    loop {
        let before = pending.len();
        let mut still = Vec::new();
        for (line, code, name, parent, level) in pending {
            let level = level.or_else(|| {
                parent
                    .as_ref()
                    .and_then(|p| known(p, &areas))
                    .and_then(Level::below)
            });
            match level {
                Some(level) => {
                    areas.insert(
                        code.clone(),
                        Area {
                            code,
                            name,
                            level,
                            parent,
                        },
                    );
                }
                None => still.push((line, code, name, parent, None)),
            }
        }
        if still.is_empty() {
            break;
        }
        if still.len() == before {
            let (line, code, _, parent, _) = &still[0];
            // A parent that is nowhere is the fault, not the level.
            if let Some(parent) = parent {
                let listed = still.iter().any(|(_, c, ..)| c == parent);
                if !listed && known(parent, &areas).is_none() {
                    return Err(TreeError::UnknownParent {
                        code: code.clone(),
                        parent: parent.clone(),
                    }
                    .into());
                }
            }
            return Err(ImportError::Level {
                line: *line,
                code: code.to_string(),
            });
        }
        pending = still;
    }
    let changes = areas.into_values();
    Ok(match existing {
        Some(tree) => tree.with_all(changes)?,
        None => AreaTree::new(changes)?,
    })
}
