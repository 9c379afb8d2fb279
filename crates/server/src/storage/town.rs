//! The town's queries: administrators and sessions, villages, baselines,
//! and the figures behind the dashboard and the exports.

use super::{each, now, timestamp, Backend, DeviceRow, Storage, StorageError, DEVICE_COLUMNS};
use jianzheng_core::api::town::{Baseline, BaselineSource, Device};
use jianzheng_core::catalogue::Placed;
use jianzheng_core::certificate::IssueDate;
use jianzheng_core::ledger::Period;
use jianzheng_core::org::settings::AreaSettings;
use jianzheng_core::rate::{packed, FlaggedCount, SpanRefused, StoredMonth, VillageSpan};
use jianzheng_core::values::AreaCode;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;

/// The setting that holds the baseline year the rates compare with.
pub const BASELINE_YEAR_KEY: &str = "baseline_year";

/// The setting that holds the town's complaint phone.
pub const COMPLAINT_PHONE_KEY: &str = "complaint_phone";

/// The setting that holds the number of silent days.
pub const STALE_DAYS_KEY: &str = "stale_days";

/// The setting that holds how many days an enrolment code is valid.
pub const ENROLMENT_CODE_DAYS_KEY: &str = "enrolment_code_days";
/// The settings key of the days after a month's end for an on-time report.
pub const REPORT_DAYS_KEY: &str = "report_days";

/// How long an enrolment code is valid until the town sets otherwise.
pub const ENROLMENT_CODE_DAYS: u32 = 7;

/// An account as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    /// Login name.
    pub name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// The one-time password is still in use.
    pub must_change: bool,
    /// Its role (`jianzheng_core::org::roles::Role`'s name).
    pub role: String,
    /// Its area; `None` is the root's.
    pub area: Option<String>,
    /// The name shown for it.
    pub display_name: Option<String>,
    /// Disabled: it cannot log in, and its sessions are gone.
    pub disabled: bool,
}

/// The columns of a [`User`].
const USER_COLUMNS: &str =
    "u.name, u.password_hash, u.must_change, u.role, u.area, u.display_name, u.disabled_at IS NOT NULL AS disabled";

/// An account to add.
#[derive(Clone, Debug)]
pub struct NewAccount<'a> {
    /// Login name.
    pub name: &'a str,
    /// The name shown.
    pub display_name: Option<&'a str>,
    /// Its role's name.
    pub role: &'a str,
    /// Its area; `None` for the root.
    pub area: Option<&'a str>,
}

/// A village as the town sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Village {
    /// The code (up to 20 letters and digits).
    pub code: String,
    /// Its name.
    pub name: String,
    /// The months it exists in.
    pub span: VillageSpan,
}

/// A `villages` row as read.
#[derive(sqlx::FromRow)]
struct VillageRow {
    code: String,
    name: String,
    first_month: String,
    last_month: Option<String>,
}

impl VillageRow {
    fn village(self) -> Result<Village, StorageError> {
        let unreadable = || StorageError::Unreadable(format!("months of village {}", self.code));
        let first = Period::parse(&self.first_month).ok_or_else(unreadable)?;
        let span = match &self.last_month {
            None => VillageSpan::from(first),
            Some(last) => {
                let last = Period::parse(last).ok_or_else(unreadable)?;
                VillageSpan::from(first)
                    .retired(last)
                    .map_err(|_| unreadable())?
            }
        };
        Ok(Village {
            code: self.code,
            name: self.name,
            span,
        })
    }
}

/// The columns a [`VillageRow`] reads (a village added before spans
/// existed from the month it was added).
const VILLAGE_COLUMNS: &str =
    "code, name, COALESCE(first_month, substr(created_at, 1, 7)) AS first_month, last_month";

/// What renaming a village, changing its months or removing it came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VillageChange {
    /// Done.
    Done,
    /// There is no such village.
    NotFound,
    /// Core refused the months asked for (backwards, no month, the future).
    Refused(SpanRefused),
    /// The village has figures, baselines or tablets: it is retired, not
    /// deleted.
    HasData,
    /// Another village of its town has the name: its code.
    NameTaken(String),
}

/// A `baselines` row.
#[derive(sqlx::FromRow)]
struct BaselineRow {
    village: String,
    period: String,
    count: i64,
    source: String,
}

/// A village's months packed as one text (see [`packed`]).
#[derive(sqlx::FromRow)]
struct PackedRow {
    village: String,
    packed: String,
}

/// Flagged requests of an agency category, item and outcome, summed.
#[derive(sqlx::FromRow)]
struct FlaggedRow {
    agency: String,
    item: String,
    outcome: String,
    count: i64,
}

/// A village with its tablets, as the town's list shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VillageDevices {
    /// The village.
    pub village: Village,
    /// Its device incarnations, oldest first.
    pub devices: Vec<Device>,
}

/// The stored time `days` days ago.
pub(super) fn days_ago(days: u32) -> String {
    timestamp(OffsetDateTime::now_utc() - time::Duration::days(i64::from(days)))
}

/// What the dashboard needs for a range of months, straight from the tables.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    /// Per village, in order of month, its months of the range that have
    /// counts (summed over ledgers) or a report (an explicit zero included).
    pub months: BTreeMap<String, Vec<StoredMonth>>,
    /// Refused and unlisted requests per agency category, item and outcome.
    pub flagged: Vec<FlaggedCount>,
}

impl Figures {
    /// A village month, if it has counts or a report.
    pub fn month(&self, village: &str, period: Period) -> Option<&StoredMonth> {
        self.months
            .get(village)?
            .iter()
            .find(|m| m.period == period)
    }
}

fn period_of(text: &str) -> Option<Period> {
    Period::parse(text)
}

/// An outcome or agency category from the name it is stored under (its
/// serde name).
pub(super) fn by_name<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

impl Storage {
    /// How many administrators exist.
    pub async fn user_count(&self) -> Result<i64, StorageError> {
        Ok(
            each!(&self.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(p)
            .await)?,
        )
    }

    /// Adds an administrator of the root area.
    pub async fn create_user(
        &self,
        name: &str,
        password_hash: &str,
        must_change: bool,
    ) -> Result<(), StorageError> {
        let root = NewAccount {
            name,
            display_name: None,
            role: "administrator",
            area: None,
        };
        self.create_account(&root, password_hash, must_change)
            .await
            .map(|_| ())
    }

    /// Adds an account; `false` if the name is taken.
    pub async fn create_account(
        &self,
        account: &NewAccount<'_>,
        password_hash: &str,
        must_change: bool,
    ) -> Result<bool, StorageError> {
        let mut tx = self.write().await?;
        let added = each!(&mut tx, t => sqlx::query(
            "INSERT INTO users (name, password_hash, must_change, created_at, role, area, display_name)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING"
        )
        .bind(account.name)
        .bind(password_hash)
        .bind(must_change)
        .bind(now())
        .bind(account.role)
        .bind(account.area)
        .bind(account.display_name)
        .execute(&mut **t)
        .await
        .map(|done| done.rows_affected()))?;
        if added == 1 {
            self.commit(tx, None).await?;
        }
        Ok(added == 1)
    }

    /// An account by name.
    pub async fn user(&self, name: &str) -> Result<Option<User>, StorageError> {
        Ok(each!(&self.pool, p => sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.name = $1"
        ))
        .bind(name)
        .fetch_optional(p)
        .await)?)
    }

    /// Every account, by name.
    pub async fn accounts(&self) -> Result<Vec<User>, StorageError> {
        Ok(each!(&self.pool, p => sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.name"
        ))
        .fetch_all(p)
        .await)?)
    }

    /// Disables an account (its sessions end) or enables it again; `false`
    /// if there is no such account.
    pub async fn set_disabled(&self, name: &str, disabled: bool) -> Result<bool, StorageError> {
        let mut tx = self.write().await?;
        let at = disabled.then(now);
        let done = each!(&mut tx, t => sqlx::query("UPDATE users SET disabled_at = $1 WHERE name = $2")
            .bind(at)
            .bind(name)
            .execute(&mut **t)
            .await
            .map(|done| done.rows_affected()))?;
        if done == 0 {
            return Ok(false);
        }
        each!(&mut tx, t => sqlx::query(r#"DELETE FROM sessions WHERE "user" = $1"#)
            .bind(name)
            .execute(&mut **t)
            .await
            .map(|_| ()))?;
        self.commit(tx, None).await?;
        Ok(done == 1)
    }

    /// Gives an account a one-time password (to be changed at its next
    /// login) and ends its sessions; `false` if there is no such account.
    pub async fn reset_password(
        &self,
        name: &str,
        password_hash: &str,
    ) -> Result<bool, StorageError> {
        let mut tx = self.write().await?;
        let done = each!(&mut tx, t => sqlx::query(
            "UPDATE users SET password_hash = $1, must_change = TRUE WHERE name = $2"
        )
        .bind(password_hash)
        .bind(name)
        .execute(&mut **t)
        .await
        .map(|done| done.rows_affected()))?;
        if done == 0 {
            return Ok(false);
        }
        each!(&mut tx, t => sqlx::query(r#"DELETE FROM sessions WHERE "user" = $1"#)
            .bind(name)
            .execute(&mut **t)
            .await
            .map(|_| ()))?;
        self.commit(tx, None).await?;
        Ok(done == 1)
    }

    /// Sets a new password (no longer one-time).
    ///
    /// Every other session of the account ends in the same transaction:
    /// whoever knew the old password is logged out.
    pub async fn set_password(
        &self,
        name: &str,
        password_hash: &str,
        keep_session: &str,
    ) -> Result<(), StorageError> {
        let mut tx = self.write().await?;
        each!(&mut tx, t => sqlx::query(
            "UPDATE users SET password_hash = $1, must_change = FALSE WHERE name = $2"
        )
        .bind(password_hash)
        .bind(name)
        .execute(&mut **t)
        .await.map(|_| ()))?;
        each!(&mut tx, t => sqlx::query(
            r#"DELETE FROM sessions WHERE "user" = $1 AND token_hash <> $2"#
        )
        .bind(name)
        .bind(keep_session)
        .execute(&mut **t)
        .await.map(|_| ()))?;
        self.commit(tx, None).await?;
        Ok(())
    }

    /// Starts a session for `user`, valid for `hours`.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &str,
        hours: u32,
    ) -> Result<(), StorageError> {
        let created = OffsetDateTime::now_utc();
        let expires = created + time::Duration::hours(i64::from(hours));
        each!(&self.pool, p => sqlx::query(
            r#"INSERT INTO sessions (token_hash, "user", created_at, expires_at) VALUES ($1, $2, $3, $4)"#
        )
        .bind(token_hash)
        .bind(user)
        .bind(timestamp(created))
        .bind(timestamp(expires))
        .execute(p)
        .await.map(|_| ()))?;
        Ok(())
    }

    /// The account of a live session (never a disabled one).
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<User>, StorageError> {
        Ok(each!(&self.pool, p => sqlx::query_as(&format!(
            r#"SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.name = s."user"
               WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL"#
        ))
        .bind(token_hash)
        .bind(now())
        .fetch_optional(p)
        .await)?)
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError> {
        each!(&self.pool, p => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(p)
            .await.map(|_| ()))?;
        Ok(())
    }

    /// Every village, by code.
    pub async fn villages(&self) -> Result<Vec<Village>, StorageError> {
        let sql = format!("SELECT {VILLAGE_COLUMNS} FROM villages ORDER BY code");
        let rows: Vec<VillageRow> =
            each!(&self.pool, p => sqlx::query_as(&sql).fetch_all(p).await)?;
        rows.into_iter().map(VillageRow::village).collect()
    }

    /// The villages of `codes` (every one when `None`), by code: an area's
    /// dashboard reads its own, not the whole server's.
    pub async fn villages_within(
        &self,
        codes: Option<&BTreeSet<String>>,
    ) -> Result<Vec<Village>, StorageError> {
        let Some(codes) = codes else {
            return self.villages().await;
        };
        let list = serde_json::to_string(codes).expect("strings serialise");
        let sql = format!(
            "SELECT {VILLAGE_COLUMNS} FROM villages WHERE code IN {} ORDER BY code",
            self.pool.text_list("$1")
        );
        let rows: Vec<VillageRow> =
            each!(&self.pool, p => sqlx::query_as(&sql).bind(&list).fetch_all(p).await)?;
        rows.into_iter().map(VillageRow::village).collect()
    }

    /// One village.
    pub async fn village(&self, code: &str) -> Result<Option<Village>, StorageError> {
        let sql = format!("SELECT {VILLAGE_COLUMNS} FROM villages WHERE code = $1");
        let row: Option<VillageRow> = each!(&self.pool, p => sqlx::query_as(&sql)
            .bind(code)
            .fetch_optional(p)
            .await)?;
        row.map(VillageRow::village).transpose()
    }

    /// Sets the months `village` exists in: `change` moves its span (an
    /// earlier first month for a village that moved in with history, a
    /// last month to retire it), as core rules it. Two changes of one
    /// village take turns (its row is locked on PostgreSQL; SQLite writes
    /// one at a time).
    pub async fn set_village_span(
        &self,
        village: &str,
        change: impl FnOnce(VillageSpan) -> Result<VillageSpan, SpanRefused>,
    ) -> Result<VillageChange, StorageError> {
        let mut tx = self.write().await?;
        let lock = match &tx {
            Backend::Postgres(_) => " FOR UPDATE",
            Backend::Sqlite(_) => "",
        };
        let sql = format!("SELECT {VILLAGE_COLUMNS} FROM villages WHERE code = $1{lock}");
        let row: Option<VillageRow> = each!(&mut tx, t => sqlx::query_as(&sql)
            .bind(village)
            .fetch_optional(&mut **t)
            .await)?;
        let Some(before) = row.map(VillageRow::village).transpose()? else {
            return Ok(VillageChange::NotFound);
        };
        let after = match change(before.span) {
            Ok(after) => after,
            Err(refused) => return Ok(VillageChange::Refused(refused)),
        };
        each!(&mut tx, t => sqlx::query(
            "UPDATE villages SET first_month = $1, last_month = $2 WHERE code = $3"
        )
        .bind(after.first.to_string())
        .bind(after.last.map(|p| p.to_string()))
        .bind(village)
        .execute(&mut **t)
        .await
        .map(|_| ()))?;
        self.commit(tx, None).await?;
        Ok(VillageChange::Done)
    }

    /// Deletes `village` if nothing was ever recorded of it: no tablet,
    /// no figures, no baseline, no list of its own (its unused enrolment
    /// codes and settings go with it).
    pub async fn delete_village(&self, village: &str) -> Result<VillageChange, StorageError> {
        let mut tx = self.write().await?;
        let found: Option<String> = each!(&mut tx, t => sqlx::query_scalar(
            "SELECT code FROM villages WHERE code = $1"
        )
        .bind(village)
        .fetch_optional(&mut **t)
        .await)?;
        if found.is_none() {
            return Ok(VillageChange::NotFound);
        }
        let data: i64 = each!(&mut tx, t => sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM devices WHERE village = $1)
                  + (SELECT COUNT(*) FROM village_months WHERE village = $1)
                  + (SELECT COUNT(*) FROM baselines WHERE village = $1)
                  + (SELECT COUNT(*) FROM approved_months WHERE village = $1)
                  + (SELECT COUNT(*) FROM published_lists WHERE area = $1)
                  + (SELECT COUNT(*) FROM list_drafts WHERE area = $1)"
        )
        .bind(village)
        .fetch_one(&mut **t)
        .await)?;
        if data > 0 {
            return Ok(VillageChange::HasData);
        }
        for sql in [
            "DELETE FROM enrolment_codes WHERE village = $1",
            "DELETE FROM area_settings WHERE area = $1",
            "DELETE FROM villages WHERE code = $1",
        ] {
            each!(&mut tx, t => sqlx::query(sql)
                .bind(village)
                .execute(&mut **t)
                .await
                .map(|_| ()))?;
        }
        self.commit(tx, None).await?;
        Ok(VillageChange::Done)
    }

    /// Adds a village below `parent` (else the default town), refused when
    /// the code is taken or the town has a village of the name.
    pub async fn create_village(
        &self,
        code: &str,
        name: &str,
        parent: Option<&jianzheng_core::values::AreaCode>,
    ) -> Result<super::areas::Added, StorageError> {
        self.add_village(code, name, parent, false).await
    }

    /// Renames a village, refused when another village of its town has
    /// the name.
    pub async fn rename_village(
        &self,
        code: &str,
        name: &str,
    ) -> Result<VillageChange, StorageError> {
        let mut tx = self.write().await?;
        let namesake: Option<String> = each!(&mut tx, t => sqlx::query_scalar(
            "SELECT o.code FROM villages v JOIN villages o ON o.parent = v.parent
             WHERE v.code = $1 AND o.name = $2 AND o.code <> $1"
        )
        .bind(code)
        .bind(name)
        .fetch_optional(&mut **t)
        .await)?;
        if let Some(namesake) = namesake {
            return Ok(VillageChange::NameTaken(namesake));
        }
        let renamed = each!(&mut tx, t => sqlx::query("UPDATE villages SET name = $1 WHERE code = $2")
            .bind(name)
            .bind(code)
            .execute(&mut **t)
            .await
            .map(|done| done.rows_affected()))?;
        if renamed == 1 {
            self.commit(tx, None).await?;
        }
        Ok(if renamed == 1 {
            VillageChange::Done
        } else {
            VillageChange::NotFound
        })
    }

    /// A setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(
            each!(&self.pool, p => sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(p)
            .await)?,
        )
    }

    /// How many days a new enrolment code is valid (the town's setting).
    pub async fn enrolment_code_days(&self) -> Result<u32, StorageError> {
        Ok(self
            .setting(ENROLMENT_CODE_DAYS_KEY)
            .await?
            .and_then(|d| d.parse().ok())
            .unwrap_or(ENROLMENT_CODE_DAYS))
    }

    /// Sets whole-server settings, all in one transaction.
    pub async fn set_settings(&self, settings: &[(&str, String)]) -> Result<(), StorageError> {
        let mut tx = self.write().await?;
        for (key, value) in settings {
            each!(&mut tx, t => sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(&mut **t)
            .await.map(|_| ()))?;
        }
        self.commit(tx, None).await?;
        Ok(())
    }

    /// Every area's own settings, by area code (areas that set none are absent).
    pub async fn area_settings(&self) -> Result<BTreeMap<String, AreaSettings>, StorageError> {
        let rows: Vec<(String, String, String)> = each!(&self.pool, p => sqlx::query_as(
            "SELECT area, key, value FROM area_settings ORDER BY area, key"
        )
        .fetch_all(p)
        .await)?;
        let mut out: BTreeMap<String, AreaSettings> = BTreeMap::new();
        for (area, key, value) in rows {
            let unreadable = || StorageError::Unreadable(format!("setting {key} of area {area}"));
            let own = out.entry(area.clone()).or_default();
            match key.as_str() {
                STALE_DAYS_KEY => own.stale_days = Some(value.parse().map_err(|_| unreadable())?),
                ENROLMENT_CODE_DAYS_KEY => {
                    own.enrolment_code_days = Some(value.parse().map_err(|_| unreadable())?)
                }
                REPORT_DAYS_KEY => own.report_days = Some(value.parse().map_err(|_| unreadable())?),
                BASELINE_YEAR_KEY => {
                    own.baseline_year = Some(value.parse().map_err(|_| unreadable())?)
                }
                COMPLAINT_PHONE_KEY => {
                    own.complaint_phone = Some(value.parse().map_err(|_| unreadable())?)
                }
                _ => return Err(unreadable()),
            }
        }
        Ok(out)
    }

    /// Replaces `area`'s own settings in one transaction (none set: it
    /// inherits them all).
    pub async fn set_area_settings(
        &self,
        area: &str,
        own: &AreaSettings,
    ) -> Result<(), StorageError> {
        let at = now();
        let mut tx = self.write().await?;
        each!(&mut tx, t => sqlx::query("DELETE FROM area_settings WHERE area = $1")
            .bind(area)
            .execute(&mut **t)
            .await
            .map(|_| ()))?;
        let values = [
            (STALE_DAYS_KEY, own.stale_days.map(|d| d.to_string())),
            (
                ENROLMENT_CODE_DAYS_KEY,
                own.enrolment_code_days.map(|d| d.to_string()),
            ),
            (REPORT_DAYS_KEY, own.report_days.map(|d| d.to_string())),
            (BASELINE_YEAR_KEY, own.baseline_year.map(|y| y.to_string())),
            (
                COMPLAINT_PHONE_KEY,
                own.complaint_phone.as_ref().map(ToString::to_string),
            ),
        ];
        for (key, value) in values {
            let Some(value) = value else { continue };
            each!(&mut tx, t => sqlx::query(
                "INSERT INTO area_settings (area, key, value, updated_at) VALUES ($1, $2, $3, $4)"
            )
            .bind(area)
            .bind(key)
            .bind(&value)
            .bind(&at)
            .execute(&mut **t)
            .await
            .map(|_| ()))?;
        }
        self.commit(tx, None).await?;
        Ok(())
    }

    /// Sets baselines (village, month, count) from `source` and makes
    /// `year` the baseline year, in one transaction: all or none.
    pub async fn set_baselines(
        &self,
        year: i32,
        baselines: &[(String, Period, u64)],
        source: &str,
    ) -> Result<(), StorageError> {
        let at = now();
        let mut tx = self.write().await?;
        each!(&mut tx, t => sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(BASELINE_YEAR_KEY)
        .bind(year.to_string())
        .execute(&mut **t)
        .await.map(|_| ()))?;
        for (village, period, count) in baselines {
            each!(&mut tx, t => sqlx::query(
                "INSERT INTO baselines (village, period, count, source, updated_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (village, period) DO UPDATE SET count = excluded.count,
                     source = excluded.source, updated_at = excluded.updated_at"
            )
            .bind(village)
            .bind(period.to_string())
            .bind(i64::try_from(*count).unwrap_or(i64::MAX))
            .bind(source)
            .bind(&at)
            .execute(&mut **t)
            .await.map(|_| ()))?;
        }
        self.commit(tx, None).await?;
        Ok(())
    }

    /// The baselines of `year`.
    pub async fn baselines(&self, year: i32) -> Result<Vec<Baseline>, StorageError> {
        let rows: Vec<BaselineRow> = each!(&self.pool, p => sqlx::query_as(
            "SELECT village, period, count, source FROM baselines
             WHERE period BETWEEN $1 AND $2 ORDER BY village, period",
        )
        .bind(format!("{year:04}-01"))
        .bind(format!("{year:04}-12"))
        .fetch_all(p)
        .await)?;
        rows.into_iter()
            .map(|row| {
                let unreadable =
                    || StorageError::Unreadable(format!("baseline {} {}", row.village, row.period));
                Ok(Baseline {
                    village: row.village.parse().map_err(|_| unreadable())?,
                    period: period_of(&row.period).ok_or_else(unreadable)?,
                    count: u64::try_from(row.count).map_err(|_| unreadable())?,
                    source: BaselineSource::parse(&row.source).ok_or_else(unreadable)?,
                })
            })
            .collect()
    }

    /// The baseline counts of `year` per village and month (January
    /// first), for `villages` only when given: one row per village crosses
    /// from the database, however many months, as the dashboard reads them.
    pub async fn baseline_counts(
        &self,
        year: i32,
        villages: Option<&BTreeSet<String>>,
    ) -> Result<BTreeMap<String, [Option<u64>; 12]>, StorageError> {
        let list = villages.map(|v| serde_json::to_string(v).expect("strings serialise"));
        let sql = format!(
            "SELECT village, {} AS packed FROM baselines
             WHERE period BETWEEN $1 AND $2 {} GROUP BY village",
            self.pool.joined("period || '=' || count"),
            match list {
                Some(_) => format!("AND village IN {}", self.pool.text_list("$3")),
                None => "AND CAST($3 AS TEXT) IS NULL".to_owned(),
            }
        );
        let rows: Vec<(String, String)> = each!(&self.pool, p => sqlx::query_as(&sql)
        .bind(format!("{year:04}-01"))
        .bind(format!("{year:04}-12"))
        .bind(list.as_deref())
        .fetch_all(p)
        .await)?;
        let mut out = BTreeMap::new();
        for (village, packed) in rows {
            let unreadable = || StorageError::Unreadable(format!("baselines of {village}"));
            let mut months = [None; 12];
            for pair in packed.split(',') {
                let (period, count) = pair.split_once('=').ok_or_else(unreadable)?;
                let period = period_of(period).ok_or_else(unreadable)?;
                months[usize::from(period.month) - 1] =
                    Some(count.parse::<u64>().map_err(|_| unreadable())?);
            }
            out.insert(village, months);
        }
        Ok(out)
    }

    /// Per village, its months packed as one text in core's format
    /// ([`packed`]), so that a county's village months cross from the
    /// database in one row per village (or village year). SQLite aggregates
    /// `village_months` over `first..=last`; PostgreSQL reads the packs
    /// `village_years` keeps, whole years, whose months outside the range
    /// the caller drops.
    async fn packed_months(
        &self,
        first: Period,
        last: Period,
        villages: Option<&str>,
    ) -> Result<Vec<PackedRow>, StorageError> {
        // Every village, or those of the JSON list bound as $3.
        let within = match villages {
            None => "CAST($3 AS TEXT) IS NULL".to_owned(),
            Some(_) => format!("village IN {}", self.pool.text_list("$3")),
        };
        Ok(match &self.pool {
            Backend::Sqlite(p) => {
                sqlx::query_as(&format!(
                    "SELECT village, string_agg(
                         period || ' ' || issued || ' ' || refused || ' ' || unlisted || ' ' || voided || ' ' || reported,
                         ';' ORDER BY period) AS packed
                     FROM village_months WHERE period BETWEEN $1 AND $2 AND {within} GROUP BY village",
                ))
                .bind(first.to_string())
                .bind(last.to_string())
                .bind(villages)
                .fetch_all(p)
                .await?
            }
            Backend::Postgres(p) => {
                sqlx::query_as(&format!(
                    "SELECT village, packed FROM village_years
                     WHERE year BETWEEN $1 AND $2 AND packed <> '' AND {within} ORDER BY village, year",
                ))
                .bind(format!("{:04}", first.year))
                .bind(format!("{:04}", last.year))
                .bind(villages)
                .fetch_all(p)
                .await?
            }
        })
    }

    /// Everything the dashboard shows for the months `first..=last`.
    pub async fn figures(&self, first: Period, last: Period) -> Result<Figures, StorageError> {
        self.figures_within(first, last, None).await
    }

    /// The same for `villages` only (an account's area), when given.
    pub async fn figures_within(
        &self,
        first: Period,
        last: Period,
        villages: Option<&BTreeSet<String>>,
    ) -> Result<Figures, StorageError> {
        let (from, to) = (first.to_string(), last.to_string());
        let list = villages.map(|v| serde_json::to_string(v).expect("strings serialise"));
        let flagged = async {
            // The town's sums over every village, or an area's from the cells.
            let sql = match &list {
                None => "SELECT agency, item, outcome, CAST(SUM(count) AS BIGINT) AS count FROM flagged_month_totals
                 WHERE period BETWEEN $1 AND $2 AND CAST($3 AS TEXT) IS NULL GROUP BY agency, item, outcome"
                    .to_owned(),
                Some(_) => format!(
                    "SELECT agency, item, outcome, CAST(SUM(count) AS BIGINT) AS count FROM ledger_cells
                     WHERE period BETWEEN $1 AND $2 AND outcome IN ('refused_redirected', 'issued_unlisted', 'void')
                       AND village IN {} GROUP BY agency, item, outcome",
                    self.pool.text_list("$3")
                ),
            };
            each!(&self.pool, p => sqlx::query_as::<_, FlaggedRow>(&sql)
            .bind(&from)
            .bind(&to)
            .bind(list.as_deref())
            .fetch_all(p)
            .await)
            .map_err(StorageError::from)
        };
        let (rows, flagged) =
            tokio::try_join!(self.packed_months(first, last, list.as_deref()), flagged)?;
        let mut figures = Figures::default();
        for row in rows {
            let months = packed::parse(&row.packed)?;
            figures.months.entry(row.village).or_default().extend(
                months
                    .into_iter()
                    .filter(|m| (first..=last).contains(&m.period)),
            );
        }
        // A flagged row that does not read back is an error, not a row left out.
        figures.flagged = flagged
            .into_iter()
            .map(|row| {
                let unreadable = || {
                    StorageError::Unreadable(format!(
                        "flagged count {}/{}/{}",
                        row.agency, row.item, row.outcome
                    ))
                };
                Ok(FlaggedCount {
                    agency: by_name(&row.agency).ok_or_else(unreadable)?,
                    item: row.item.parse().map_err(|_| unreadable())?,
                    outcome: by_name(&row.outcome).ok_or_else(unreadable)?,
                    count: u64::try_from(row.count).map_err(|_| unreadable())?,
                })
            })
            .collect::<Result<_, StorageError>>()?;
        Ok(figures)
    }

    /// Per village within `villages` (every one when `None`), in order of
    /// month, the day each month of `first..=last` first arrived after its
    /// end (`village_month_arrivals`): one row per village.
    pub async fn arrivals_within(
        &self,
        first: Period,
        last: Period,
        villages: Option<&BTreeSet<String>>,
    ) -> Result<BTreeMap<String, Vec<(Period, IssueDate)>>, StorageError> {
        self.months_by_village(
            "period || ' ' || substr(arrived_at, 1, 10)",
            "village_month_arrivals",
            (first, last),
            villages,
            |month| {
                let (period, day) = month.split_once(' ')?;
                Some((Period::parse(period)?, IssueDate::from_iso(day)?))
            },
        )
        .await
    }

    /// Per village within `villages` (every one when `None`), the rows of
    /// `table` (with `village` and `period` columns) for the months
    /// `first..=last`, each as `text` (an SQL expression) read by `parse`,
    /// in order of month: one row per village crosses from the database.
    pub(super) async fn months_by_village<T>(
        &self,
        text: &str,
        table: &str,
        (first, last): (Period, Period),
        villages: Option<&BTreeSet<String>>,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<BTreeMap<String, Vec<T>>, StorageError> {
        let list = villages.map(|v| serde_json::to_string(v).expect("strings serialise"));
        let within = match &list {
            None => "CAST($3 AS TEXT) IS NULL".to_owned(),
            Some(_) => format!("village IN {}", self.pool.text_list("$3")),
        };
        let sql = format!(
            "SELECT village, string_agg({text}, ';' ORDER BY period)
             FROM {table} WHERE period BETWEEN $1 AND $2 AND {within} GROUP BY village"
        );
        let rows: Vec<(String, String)> = each!(&self.pool, p => sqlx::query_as(&sql)
            .bind(first.to_string())
            .bind(last.to_string())
            .bind(list.as_deref())
            .fetch_all(p)
            .await)?;
        rows.into_iter()
            .map(|(village, packed)| {
                let months = packed
                    .split(';')
                    .map(&parse)
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| StorageError::Unreadable(format!("{table} of {village}")))?;
                Ok((village, months))
            })
            .collect()
    }

    /// Every village, by code, with its tablets, oldest first, each with
    /// whether it has been silent for more than `stale_days(village)`
    /// days: two queries, however many villages.
    pub async fn villages_with_devices(
        &self,
        stale_days: impl Fn(&str) -> u32,
    ) -> Result<Vec<VillageDevices>, StorageError> {
        let mut cutoffs: BTreeMap<u32, String> = BTreeMap::new();
        let (villages, rows) = tokio::try_join!(self.villages(), async {
            let sql = format!(
                "SELECT {DEVICE_COLUMNS} FROM devices ORDER BY village, enrolled_at, ledger"
            );
            let rows: Vec<DeviceRow> = each!(&self.pool, p => sqlx::query_as(&sql)
            .fetch_all(p)
            .await)?;
            Ok(rows)
        })?;
        let mut by_village: BTreeMap<String, Vec<Device>> = BTreeMap::new();
        for row in rows {
            let village = row.village.clone();
            let days = stale_days(&village);
            let cutoff = cutoffs.entry(days).or_insert_with(|| days_ago(days));
            let device = row.device(cutoff)?;
            by_village.entry(village).or_default().push(device);
        }
        Ok(villages
            .into_iter()
            .map(|village| VillageDevices {
                devices: by_village.remove(&village.code).unwrap_or_default(),
                village,
            })
            .collect())
    }

    /// Makes `village`'s tablets last heard from `days` days ago (the
    /// demo's silent tablet).
    pub async fn mark_silent(&self, village: &str, days: u32) -> Result<(), StorageError> {
        let mut tx = self.write().await?;
        each!(&mut tx, t => sqlx::query("UPDATE devices SET last_seen_at = $1 WHERE village = $2")
            .bind(days_ago(days))
            .bind(village)
            .execute(&mut **t)
            .await
            .map(|_| ()))?;
        self.commit(tx, None).await?;
        Ok(())
    }

    /// Makes each of `village`'s months in `arrived` first arrive after its
    /// end the given number of days after the end (the demo's uploads all
    /// come at once; a town's come month by month). A month not yet in
    /// `village_month_arrivals`, or one that would arrive after today, is
    /// left as it is.
    pub async fn backdate_arrivals(
        &self,
        village: &str,
        arrived: &[(Period, u32)],
    ) -> Result<(), StorageError> {
        let mut tx = self.write().await?;
        for &(period, days) in arrived {
            let next = period.next();
            let Ok(month) = time::Month::try_from(next.month) else {
                continue;
            };
            let Ok(first) = time::Date::from_calendar_date(next.year, month, 1) else {
                continue;
            };
            let day = first + time::Duration::days(i64::from(days));
            // Never after the upload's real arrival, today.
            if day > OffsetDateTime::now_utc().date() {
                continue;
            }
            let at = timestamp(day.with_hms(9, 0, 0).expect("a valid time").assume_utc());
            each!(&mut tx, t => sqlx::query(
                "UPDATE village_month_arrivals SET arrived_at = $1 WHERE village = $2 AND period = $3"
            )
            .bind(&at)
            .bind(village)
            .bind(period.to_string())
            .execute(&mut **t)
            .await
            .map(|_| ()))?;
        }
        self.commit(tx, None).await?;
        Ok(())
    }

    /// Every list draft, with the area of its list.
    pub async fn list_drafts(&self) -> Result<Vec<Placed>, StorageError> {
        let rows: Vec<(String, Option<String>)> = each!(&self.pool, p => sqlx::query_as(
            "SELECT body, area FROM list_drafts ORDER BY id"
        )
        .fetch_all(p)
        .await)?;
        rows.into_iter()
            .filter_map(|(body, area)| Some((serde_json::from_str(&body).ok()?, area)))
            .map(|(list, area)| super::placed(area, list))
            .collect()
    }

    /// Saves the draft of a list (replacing an earlier one).
    pub async fn save_draft(&self, draft: &Placed) -> Result<(), StorageError> {
        let body = serde_json::to_string(&draft.list).expect("lists serialize");
        let mut tx = self.write().await?;
        each!(&mut tx, t => sqlx::query(
            "INSERT INTO list_drafts (id, body, updated_at, area) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
                 area = excluded.area"
        )
        .bind(&draft.list.id)
        .bind(&body)
        .bind(now())
        .bind(draft.area.as_ref().map(AreaCode::as_str))
        .execute(&mut **t)
        .await.map(|_| ()))?;
        self.commit(tx, None).await?;
        Ok(())
    }

    /// Discards the draft of list `id`.
    pub async fn delete_draft(&self, id: &str) -> Result<(), StorageError> {
        let mut tx = self.write().await?;
        each!(&mut tx, t => sqlx::query("DELETE FROM list_drafts WHERE id = $1")
            .bind(id)
            .execute(&mut **t)
            .await.map(|_| ()))?;
        self.commit(tx, None).await?;
        Ok(())
    }
}
