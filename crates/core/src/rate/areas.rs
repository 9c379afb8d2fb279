//! The dashboard at any level of the area tree: the area it is about, its
//! place in the tree, and one row per child area (the towns of a county,
//! the villages of a town), each summing the villages within it.

use super::headline::span;
use super::on_time::OnTime;
use super::{range_rate, CountOverflow, MonthCounts, RangeRate, VillageRow};
use crate::i18n::Lang;
use crate::ledger::Period;
use crate::org::{Area, AreaTree, Level};
use crate::values::AreaCode;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One area on the way down to the one a dashboard is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaStep {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its level.
    pub level: Level,
}

impl From<&Area> for AreaStep {
    fn from(a: &Area) -> AreaStep {
        AreaStep {
            code: a.code.to_string(),
            name: a.name.to_string(),
            level: a.level,
        }
    }
}

/// The area a dashboard is about and the areas above it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaPlace {
    /// The area itself.
    pub area: AreaStep,
    /// The areas above it, from the root down (empty for the root).
    pub above: Vec<AreaStep>,
}

impl AreaPlace {
    /// `code`'s place in `tree`; `None` for a code the tree lacks.
    pub fn of(tree: &AreaTree, code: &AreaCode) -> Option<AreaPlace> {
        let mut path: Vec<AreaStep> = tree.path(code).into_iter().map(AreaStep::from).collect();
        let area = path.pop()?;
        Some(AreaPlace { area, above: path })
    }

    /// The names from the root down to the area, e.g. `某县 / 某镇`.
    pub fn path_text(&self) -> String {
        self.above
            .iter()
            .chain([&self.area])
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

/// A row of the dashboard as the server asks for it: a child area and the
/// villages within it (itself, for a village).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaGroup {
    /// The child area.
    pub area: AreaStep,
    /// The codes of the villages within it.
    pub villages: Vec<String>,
}

impl AreaGroup {
    /// One group per area directly below `code`, by code; a village below
    /// it is a group of its own.
    pub fn children_of(tree: &AreaTree, code: &AreaCode) -> Vec<AreaGroup> {
        tree.children(code)
            .iter()
            .filter_map(|child| tree.get(child))
            .map(|child| AreaGroup {
                area: AreaStep::from(child),
                villages: tree
                    .villages_within(&child.code)
                    .into_iter()
                    .map(|v| v.code.to_string())
                    .collect(),
            })
            .collect()
    }
}

/// A row of the dashboard over the whole range: a village, or an area and
/// every village within it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AreaSummary {
    /// The area code (a village's is its village code).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its level; rows of villages are [`Level::Village`].
    pub level: Level,
    /// Villages within it that existed in some month of the range (1 for
    /// a village that did).
    pub villages: u32,
    /// Counts summed over its villages and the range.
    pub counts: MonthCounts,
    /// The rate over the range: the ended, reported village months with a
    /// baseline.
    pub rate: RangeRate,
    /// Village months of the range reported.
    pub months_reported: u32,
    /// Village months in the range that existed (villages × months, less
    /// those before a village was added or after it was retired).
    pub months: u32,
    /// How many of its ended village months reported on time.
    #[serde(default)]
    pub on_time: OnTime,
    /// Village months of the range an officer approved.
    #[serde(default)]
    pub months_approved: u32,
    /// The months of the range approved for every village within it.
    #[serde(default)]
    pub approved_for_all: Vec<Period>,
}

impl AreaSummary {
    /// The months approved for every village within it, in runs: 2026年1月至2026年10月、2026年12月.
    pub fn approved_text(&self, lang: Lang) -> String {
        let mut runs: Vec<(Period, Period)> = Vec::new();
        for &p in &self.approved_for_all {
            match runs.last_mut() {
                Some((_, last)) if last.next() == p => *last = p,
                _ => runs.push((p, p)),
            }
        }
        let sep = match lang {
            Lang::Zh => "、",
            Lang::En => ", ",
        };
        runs.into_iter()
            .map(|(first, last)| span(first, last, lang))
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// The summary of `area` over `rows` (its villages' months) as of
    /// `current`, the month in progress.
    pub fn of<'a>(
        area: AreaStep,
        rows: impl IntoIterator<Item = &'a VillageRow> + Clone,
        current: Period,
    ) -> Result<AreaSummary, CountOverflow> {
        let mut counts = MonthCounts::default();
        let (mut villages, mut months, mut months_reported) = (0u32, 0u32, 0u32);
        let mut on_time = OnTime::default();
        let mut months_approved = 0u32;
        for row in rows.clone() {
            // A village counts where it existed in some month of the range.
            villages = villages.saturating_add(u32::from(row.months.iter().any(|m| m.exists)));
            // Months the village did not exist in count nowhere.
            for m in row.months.iter().filter(|m| m.exists) {
                on_time.add(m.timeliness);
                months_approved = months_approved.saturating_add(u32::from(m.approved));
                counts = counts.plus(m.counts)?;
                months = months.saturating_add(1);
                months_reported = months_reported.saturating_add(u32::from(m.reported));
            }
        }
        // A month is approved for all when no village that existed in it
        // lacks it.
        let mut approved_for_all: Vec<Period> = Vec::new();
        for (i, row) in rows.clone().into_iter().enumerate() {
            let approved = row
                .months
                .iter()
                .filter(|m| m.approved || !m.exists)
                .map(|m| m.period);
            if i == 0 {
                approved_for_all = approved.collect();
            } else {
                let here: Vec<Period> = approved.collect();
                approved_for_all.retain(|p| here.contains(p));
            }
        }
        // ... and some village existed in it.
        approved_for_all.retain(|p| {
            rows.clone()
                .into_iter()
                .any(|r| r.months.iter().any(|m| m.period == *p && m.exists))
        });
        Ok(AreaSummary {
            approved_for_all,
            code: area.code,
            name: area.name,
            level: area.level,
            villages,
            counts,
            rate: range_rate(rows.into_iter().flat_map(|r| &r.months), current)?,
            months_reported,
            months,
            on_time,
            months_approved,
        })
    }

    /// The summaries of `groups` (or of every village alone, when `None`)
    /// over `rows`; a village of a group with no row is left out.
    pub fn of_groups(
        groups: Option<&[AreaGroup]>,
        rows: &[VillageRow],
        current: Period,
    ) -> Result<Vec<AreaSummary>, CountOverflow> {
        let Some(groups) = groups else {
            return rows
                .iter()
                .map(|row| {
                    let area = AreaStep {
                        code: row.code.clone(),
                        name: row.name.clone(),
                        level: Level::Village,
                    };
                    AreaSummary::of(area, [row], current)
                })
                .collect();
        };
        let index: HashMap<&str, &VillageRow> = rows.iter().map(|r| (r.code.as_str(), r)).collect();
        groups
            .iter()
            .map(|g| {
                let within: Vec<&VillageRow> = g
                    .villages
                    .iter()
                    .filter_map(|v| index.get(v.as_str()).copied())
                    .collect();
                AreaSummary::of(g.area.clone(), within.iter().copied(), current)
            })
            .collect()
    }
}
