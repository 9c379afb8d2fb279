//! The area tree as stored: the areas above the villages in `areas`, and
//! each village in `villages` with its `parent`. A village added without
//! an area goes to the default town: the root while it is a town, made as
//! `TOWN` (本镇) on a server that has no areas yet.

use super::backend::{each, Tx};
use super::{now, Storage, StorageError};
use jianzheng_core::org::{Area, AreaTree, Level, TreeError};
use jianzheng_core::values::{AreaCode, AreaName};

/// What adding a village came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    /// Added.
    Added,
    /// The code is another village's or area's.
    CodeTaken,
    /// The town has a village of that name already: its code.
    NameTaken(String),
}

/// The code of the town made for a server's first village.
pub const DEFAULT_TOWN: &str = "TOWN";

/// An `areas` or `villages` row as read for the tree.
#[derive(sqlx::FromRow)]
struct AreaRow {
    code: String,
    name: String,
    level: String,
    parent: Option<String>,
}

const TREE_ROWS: &str = "SELECT code, name, level, parent FROM areas
     UNION ALL SELECT code, name, 'village' AS level, parent FROM villages";

fn read_rows(rows: Vec<AreaRow>) -> Result<Option<AreaTree>, StorageError> {
    if rows.is_empty() {
        return Ok(None);
    }
    let unreadable =
        |what: &str, code: &str| StorageError::Unreadable(format!("{what} of area {code}"));
    let mut areas = Vec::with_capacity(rows.len());
    for row in rows {
        areas.push(Area {
            code: row
                .code
                .parse::<AreaCode>()
                .map_err(|_| unreadable("code", &row.code))?,
            name: AreaName::stored(&row.name).ok_or_else(|| unreadable("name", &row.code))?,
            level: row
                .level
                .parse::<Level>()
                .map_err(|()| unreadable("level", &row.code))?,
            parent: match row.parent {
                Some(p) => Some(p.parse().map_err(|_| unreadable("parent", &row.code))?),
                None => None,
            },
        });
    }
    AreaTree::new(areas)
        .map(Some)
        .map_err(|e| StorageError::Unreadable(format!("area tree: {e}")))
}

impl Storage {
    /// The area tree, or `None` on a server with no area yet.
    pub async fn area_tree(&self) -> Result<Option<AreaTree>, StorageError> {
        let rows: Vec<AreaRow> =
            each!(&self.pool, p => sqlx::query_as(TREE_ROWS).fetch_all(p).await)?;
        read_rows(rows)
    }

    /// Adds, renames or moves `changes` at once (an area file, or one
    /// area), checked against the whole tree in the same transaction.
    /// Returns the tree after.
    pub async fn change_areas(&self, changes: Vec<Area>) -> Result<AreaTree, StorageError> {
        let mut tx = self.write().await?;
        let rows: Vec<AreaRow> =
            each!(&mut tx, t => sqlx::query_as(TREE_ROWS).fetch_all(&mut **t).await)?;
        let before = read_rows(rows)?;
        let after = match &before {
            Some(tree) => tree.with_all(changes.iter().cloned())?,
            None => AreaTree::new(changes.iter().cloned())?,
        };
        // Parents first, so every row's parent exists when it is written.
        let mut written: Vec<&Area> = Vec::new();
        for area in after.subtree(&after.root().code) {
            let unchanged = before.as_ref().and_then(|t| t.get(&area.code)) == Some(area);
            if !unchanged {
                written.push(area);
            }
        }
        let at = now();
        for area in written {
            let parent = area.parent.as_ref().map(AreaCode::as_str);
            if area.level == Level::Village {
                each!(&mut tx, t => sqlx::query(
                    "INSERT INTO villages (code, name, parent, created_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent",
                )
                .bind(area.code.as_str())
                .bind(area.name.as_str())
                .bind(parent)
                .bind(&at)
                .execute(&mut **t)
                .await
                .map(|_| ()))?;
            } else {
                each!(&mut tx, t => sqlx::query(
                    "INSERT INTO areas (code, name, level, parent, created_at) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
                                                      parent = excluded.parent",
                )
                .bind(area.code.as_str())
                .bind(area.name.as_str())
                .bind(area.level.as_str())
                .bind(parent)
                .bind(&at)
                .execute(&mut **t)
                .await
                .map(|_| ()))?;
            }
        }
        self.commit(tx, None).await?;
        Ok(after)
    }

    /// Adds a village below `parent`, or below the default town, existing
    /// from the month in progress. Refused when the code is taken (by a
    /// village or another area) or, unless `rename`, when the town has a
    /// village of that name. With `rename`, an existing village of the code
    /// is renamed instead.
    pub(super) async fn add_village(
        &self,
        code: &str,
        name: &str,
        parent: Option<&AreaCode>,
        rename: bool,
    ) -> Result<Added, StorageError> {
        let mut tx = self.write().await?;
        let parent = match parent {
            Some(parent) => parent.as_str().to_owned(),
            None => default_town(&mut tx).await?,
        };
        // The parent must be an area above the villages.
        let level: Option<String> = each!(&mut tx, t => sqlx::query_scalar(
            "SELECT level FROM areas WHERE code = $1"
        )
        .bind(&parent)
        .fetch_optional(&mut **t)
        .await)?;
        if level.is_none() {
            let parent: AreaCode = parent
                .parse()
                .map_err(|_| StorageError::Unreadable(format!("area code {parent}")))?;
            return Err(TreeError::Unknown(parent).into());
        }
        let taken: Option<String> = each!(&mut tx, t => sqlx::query_scalar(
            "SELECT code FROM areas WHERE code = $1"
        )
        .bind(code)
        .fetch_optional(&mut **t)
        .await)?;
        if taken.is_some() {
            return Ok(Added::CodeTaken);
        }
        if !rename {
            let namesake: Option<String> = each!(&mut tx, t => sqlx::query_scalar(
                "SELECT code FROM villages WHERE parent = $1 AND name = $2 AND code <> $3"
            )
            .bind(&parent)
            .bind(name)
            .bind(code)
            .fetch_optional(&mut **t)
            .await)?;
            if let Some(namesake) = namesake {
                return Ok(Added::NameTaken(namesake));
            }
        }
        let conflict = if rename {
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name"
        } else {
            "ON CONFLICT (code) DO NOTHING"
        };
        let at = now();
        let added = each!(&mut tx, t => sqlx::query(&format!(
            "INSERT INTO villages (code, name, parent, created_at, first_month) VALUES ($1, $2, $3, $4, $5) {conflict}"
        ))
        .bind(code)
        .bind(name)
        .bind(&parent)
        .bind(&at)
        .bind(&at[..7])
        .execute(&mut **t)
        .await
        .map(|done| done.rows_affected()))?;
        if added == 1 {
            self.commit(tx, None).await?;
            Ok(Added::Added)
        } else {
            Ok(Added::CodeTaken)
        }
    }
}

/// The town a village goes to when none is named: the root while it is a
/// town; on a server with no area yet, [`DEFAULT_TOWN`], made now.
async fn default_town(tx: &mut Tx) -> Result<String, StorageError> {
    let root: Option<(String, String)> = each!(tx, t => sqlx::query_as(
        "SELECT code, level FROM areas WHERE parent IS NULL"
    )
    .fetch_optional(&mut **t)
    .await)?;
    match root {
        Some((code, level)) if level == Level::Town.as_str() => Ok(code),
        Some((code, level)) => {
            Err(StorageError::NoDefaultTown(level.parse().map_err(
                |()| StorageError::Unreadable(format!("level of area {code}")),
            )?))
        }
        None => {
            each!(tx, t => sqlx::query(
                "INSERT INTO areas (code, name, level, parent, created_at) VALUES ($1, '本镇', 'town', NULL, $2)"
            )
            .bind(DEFAULT_TOWN)
            .bind(now())
            .execute(&mut **t)
            .await
            .map(|_| ()))?;
            Ok(DEFAULT_TOWN.to_owned())
        }
    }
}
