//! The town's queries: administrators and sessions, villages, baselines,
//! and the figures behind the dashboard and the exports.

use super::{Storage, StorageError, NOW};
use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::rate::MonthCounts;
use serde::Serialize;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// An administrator as stored.
#[derive(Clone, Debug)]
pub struct User {
    /// Login name.
    pub name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// The one-time password is still in use.
    pub must_change: bool,
}

/// A village as the town sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Village {
    /// The code (up to 20 letters and digits).
    pub code: String,
    /// Its name.
    pub name: String,
}

/// A baseline month of a village.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Baseline {
    /// The village.
    pub village: String,
    /// The month of the baseline year.
    pub period: Period,
    /// Certificates issued then.
    pub count: u64,
    /// Where it came from: `manual`, `csv` or `registry`.
    pub source: String,
}

/// What the dashboard needs for a range of months, straight from the tables.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    /// Per village and month, the counts summed over ledgers.
    pub counts: BTreeMap<(String, Period), MonthCounts>,
    /// Village months with a report (an explicit zero included).
    pub reported: BTreeSet<(String, Period)>,
    /// Refused and unlisted requests per agency category, item and outcome.
    pub flagged: Vec<(AgencyCategory, String, Outcome, u64)>,
}

fn period_of(text: &str) -> Option<Period> {
    Period::parse(text)
}

fn outcome_of(text: &str) -> Option<Outcome> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

impl Storage {
    /// How many administrators exist.
    pub async fn user_count(&self) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Adds an administrator.
    pub async fn create_user(
        &self,
        name: &str,
        password_hash: &str,
        must_change: bool,
    ) -> Result<(), StorageError> {
        sqlx::query(&format!(
            "INSERT INTO users (name, password_hash, must_change, created_at) VALUES (?, ?, ?, {NOW})"
        ))
        .bind(name)
        .bind(password_hash)
        .bind(must_change)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// An administrator by name.
    pub async fn user(&self, name: &str) -> Result<Option<User>, StorageError> {
        let row = sqlx::query("SELECT name, password_hash, must_change FROM users WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| User {
            name: r.get(0),
            password_hash: r.get(1),
            must_change: r.get(2),
        }))
    }

    /// Sets a new password (no longer one-time).
    pub async fn set_password(&self, name: &str, password_hash: &str) -> Result<(), StorageError> {
        sqlx::query("UPDATE users SET password_hash = ?, must_change = 0 WHERE name = ?")
            .bind(password_hash)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Starts a session for `user`, valid for `hours`.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &str,
        hours: u32,
    ) -> Result<(), StorageError> {
        sqlx::query(&format!(
            "INSERT INTO sessions (token_hash, user, created_at, expires_at)
             VALUES (?, ?, {NOW}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || ? || ' hours'))"
        ))
        .bind(token_hash)
        .bind(user)
        .bind(i64::from(hours))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The administrator of a live session.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<User>, StorageError> {
        let row = sqlx::query(&format!(
            "SELECT u.name, u.password_hash, u.must_change FROM sessions s JOIN users u ON u.name = s.user
             WHERE s.token_hash = ? AND s.expires_at > {NOW}"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| User {
            name: r.get(0),
            password_hash: r.get(1),
            must_change: r.get(2),
        }))
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every village, by code.
    pub async fn villages(&self) -> Result<Vec<Village>, StorageError> {
        let rows = sqlx::query("SELECT code, name FROM villages ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Village {
                code: r.get(0),
                name: r.get(1),
            })
            .collect())
    }

    /// Adds a village; `false` if the code is taken.
    pub async fn create_village(&self, code: &str, name: &str) -> Result<bool, StorageError> {
        let done = sqlx::query(&format!(
            "INSERT INTO villages (code, name, created_at) VALUES (?, ?, {NOW}) ON CONFLICT (code) DO NOTHING"
        ))
        .bind(code)
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Renames a village; `false` if there is none with that code.
    pub async fn rename_village(&self, code: &str, name: &str) -> Result<bool, StorageError> {
        let done = sqlx::query("UPDATE villages SET name = ? WHERE code = ?")
            .bind(name)
            .bind(code)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Sets a setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Sets baselines (village, month, count) from `source`, all or none.
    pub async fn set_baselines(
        &self,
        baselines: &[(String, Period, u64)],
        source: &str,
    ) -> Result<(), StorageError> {
        let mut tx = self.write().await?;
        for (village, period, count) in baselines {
            sqlx::query(&format!(
                "INSERT INTO baselines (village, period, count, source, updated_at) VALUES (?, ?, ?, ?, {NOW})
                 ON CONFLICT (village, period) DO UPDATE SET count = excluded.count,
                     source = excluded.source, updated_at = excluded.updated_at"
            ))
            .bind(village)
            .bind(period.to_string())
            .bind(i64::try_from(*count).unwrap_or(i64::MAX))
            .bind(source)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The baselines of `year`.
    pub async fn baselines(&self, year: i32) -> Result<Vec<Baseline>, StorageError> {
        let rows = sqlx::query(
            "SELECT village, period, count, source FROM baselines
             WHERE period BETWEEN ? AND ? ORDER BY village, period",
        )
        .bind(format!("{year:04}-01"))
        .bind(format!("{year:04}-12"))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(Baseline {
                    village: r.get(0),
                    period: period_of(&r.get::<String, _>(1))?,
                    count: r.get::<i64, _>(2).max(0) as u64,
                    source: r.get(3),
                })
            })
            .collect())
    }

    /// Everything the dashboard shows for the months `first..=last`.
    pub async fn figures(&self, first: Period, last: Period) -> Result<Figures, StorageError> {
        let (from, to) = (first.to_string(), last.to_string());
        let mut figures = Figures::default();
        // One row per village, its months packed as
        // `period issued refused unlisted voided reported;...`: a county's
        // 10,000 village months cross from SQLite in a few hundred rows.
        let months = sqlx::query_as::<_, (String, String)>(
            "SELECT village, group_concat(
                 period || ' ' || issued || ' ' || refused || ' ' || unlisted || ' ' || voided || ' ' || reported, ';')
             FROM village_months WHERE period BETWEEN ? AND ? GROUP BY village",
        )
        .bind(&from)
        .bind(&to)
        .fetch_all(&self.pool);
        let flagged = sqlx::query(
            "SELECT agency, item, outcome, SUM(count) FROM flagged_month_totals
             WHERE period BETWEEN ? AND ? GROUP BY agency, item, outcome",
        )
        .bind(&from)
        .bind(&to)
        .fetch_all(&self.pool);
        let (rows, flagged) = tokio::try_join!(months, flagged)?;
        for (village, packed) in rows {
            for month in packed.split(';') {
                let fields: Vec<&str> = month.split(' ').collect();
                let [period, issued, refused, unlisted, voided, reported] = fields[..] else {
                    continue;
                };
                let Some(period) = period_of(period) else {
                    continue;
                };
                let n = |f: &str| f.parse::<u64>().unwrap_or(0);
                if reported == "1" {
                    figures.reported.insert((village.clone(), period));
                }
                figures.counts.insert(
                    (village.clone(), period),
                    MonthCounts {
                        issued: n(issued),
                        refused: n(refused),
                        unlisted: n(unlisted),
                        voided: n(voided),
                    },
                );
            }
        }
        figures.flagged = flagged
            .into_iter()
            .filter_map(|r| {
                let agency = serde_json::from_value(serde_json::Value::String(r.get(0))).ok()?;
                let outcome = outcome_of(&r.get::<String, _>(2))?;
                Some((agency, r.get(1), outcome, r.get::<i64, _>(3).max(0) as u64))
            })
            .collect();
        Ok(figures)
    }
}

impl Storage {
    /// The tablets of `village`, each with whether it has been silent
    /// (no upload, or none) for more than `days` days.
    pub async fn devices_with_staleness(
        &self,
        village: &str,
        days: u32,
    ) -> Result<Vec<(super::Device, bool)>, StorageError> {
        let silent: Vec<(Vec<u8>, i64, bool)> = sqlx::query_as(
            "SELECT device_key, incarnation,
                    COALESCE(last_seen_at, enrolled_at) < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ? || ' days')
             FROM devices WHERE village = ?",
        )
        .bind(i64::from(days))
        .bind(village)
        .fetch_all(&self.pool)
        .await?;
        Ok(self
            .devices(village)
            .await?
            .into_iter()
            .map(|d| {
                let stale = silent
                    .iter()
                    .any(|(k, i, s)| k[..] == d.key[..] && *i == i64::from(d.incarnation) && *s);
                (d, stale)
            })
            .collect())
    }
}

impl Storage {
    /// Every list draft.
    pub async fn list_drafts(&self) -> Result<Vec<jianzheng_core::catalogue::List>, StorageError> {
        let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM list_drafts ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(bodies
            .iter()
            .filter_map(|b| serde_json::from_str(b).ok())
            .collect())
    }

    /// Saves the draft of a list (replacing an earlier one).
    pub async fn save_draft(
        &self,
        list: &jianzheng_core::catalogue::List,
    ) -> Result<(), StorageError> {
        let body = serde_json::to_string(list).expect("lists serialize");
        sqlx::query(&format!(
            "INSERT INTO list_drafts (id, body, updated_at) VALUES (?, ?, {NOW})
             ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at"
        ))
        .bind(&list.id)
        .bind(body)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Discards the draft of list `id`.
    pub async fn delete_draft(&self, id: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM list_drafts WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The server's date, `YYYY-MM-DD` (UTC).
    pub async fn today(&self) -> Result<String, StorageError> {
        Ok(sqlx::query_scalar("SELECT date('now')")
            .fetch_one(&self.pool)
            .await?)
    }
}
