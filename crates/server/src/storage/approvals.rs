//! Approved months and their pending corrections
//! (`jianzheng_core::rate::approval`): an approved village month's cells
//! are not raised by uploads; what an upload would have raised waits in
//! `pending_corrections` until an officer accepts or dismisses it.

use super::backend::{each, Backend, Tx};
use super::{now, Storage, StorageError};
use jianzheng_core::ledger::Period;
use jianzheng_core::rate::approval::Correction;
use jianzheng_core::sync::CountsPayload;
use std::collections::{BTreeMap, BTreeSet};

/// Corrections listed at most at once (the rest wait their turn).
const CORRECTIONS_SHOWN: i64 = 1_000;

/// Keeps, of `cells` (an accepted upload's, as JSON), those that would
/// raise a count of an approved month as pending corrections (the highest
/// pushed so far); `upsert_cells` leaves those months' cells alone.
pub(super) async fn hold_corrections(
    tx: &mut Tx,
    at: &str,
    payload: &CountsPayload,
    cells: &str,
) -> Result<(), StorageError> {
    let sql = format!(
        "INSERT INTO pending_corrections
             (village, ledger, period, item, outcome, agency, count, device_key, incarnation, received_at)
         SELECT $2, $3, j.period, j.item, j.outcome, j.agency, j.count, $4, $5, $6
         FROM {cells_table} j
         WHERE EXISTS (SELECT 1 FROM approved_months a WHERE a.village = $2 AND a.period = j.period)
           AND j.count > COALESCE((SELECT c.count FROM ledger_cells c
                WHERE c.village = $2 AND c.ledger = $3 AND c.period = j.period
                  AND c.item = j.item AND c.outcome = j.outcome AND c.agency = j.agency), 0)
         ON CONFLICT (village, period, ledger, item, outcome, agency)
         DO UPDATE SET count = excluded.count, device_key = excluded.device_key,
                       incarnation = excluded.incarnation, received_at = excluded.received_at
         WHERE excluded.count > pending_corrections.count",
        cells_table = tx.cells_table()
    );
    each!(tx, t => sqlx::query(&sql)
        .bind(cells)
        .bind(&payload.village)
        .bind(&payload.ledger)
        .bind(&payload.device_key[..])
        .bind(i64::from(payload.incarnation))
        .bind(at)
        .execute(&mut **t)
        .await
        .map(|_| ()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct CorrectionRow {
    village: String,
    name: String,
    period: String,
    ledger: String,
    item: String,
    outcome: String,
    agency: String,
    stored: i64,
    count: i64,
    received_at: String,
}

impl Storage {
    /// Approves `period` for those of `villages` the server has, by `by`;
    /// returns how many were not approved before.
    pub async fn approve(
        &self,
        villages: &BTreeSet<String>,
        period: Period,
        by: &str,
    ) -> Result<u32, StorageError> {
        let list = serde_json::to_string(villages).expect("strings serialise");
        let sql = format!(
            "INSERT INTO approved_months (village, period, approved_at, approved_by)
             SELECT code, $2, $3, $4 FROM villages WHERE code IN {list}
             ON CONFLICT (village, period) DO NOTHING",
            list = self.pool.text_list("$1")
        );
        let mut tx = self.write().await?;
        // An upload locks its village years before anything else, then
        // reads the approvals: taking the same locks first, an approval
        // waits for the uploads in flight, and the later ones see it.
        if let Backend::Postgres(t) = &mut tx {
            sqlx::query(&format!(
                "SELECT 1 FROM village_years WHERE village IN {} AND year = $2 ORDER BY village FOR UPDATE",
                self.pool.text_list("$1")
            ))
            .bind(&list)
            .bind(format!("{:04}", period.year))
            .execute(&mut **t)
            .await?;
        }
        let done = each!(&mut tx, t => sqlx::query(&sql)
            .bind(&list)
            .bind(period.to_string())
            .bind(now())
            .bind(by)
            .execute(&mut **t)
            .await
            .map(|r| r.rows_affected()))?;
        self.commit(tx, None).await?;
        Ok(u32::try_from(done).unwrap_or(u32::MAX))
    }

    /// Withdraws the approval of `period` for those of `villages` that
    /// have one: the month is open again, and what uploads pushed for it
    /// while it was locked (its pending corrections) is taken into the
    /// figures, as if it had never been locked. Returns how many village
    /// months were approved, and how many corrections were taken in.
    pub async fn withdraw_approvals(
        &self,
        villages: &BTreeSet<String>,
        period: Period,
    ) -> Result<(u32, u32), StorageError> {
        let list = serde_json::to_string(villages).expect("strings serialise");
        let within = self.pool.text_list("$1");
        let (month, year) = (period.to_string(), format!("{:04}", period.year));
        let mut tx = self.write().await?;
        // An upload locks its village years first: so does this.
        if let Backend::Postgres(t) = &mut tx {
            sqlx::query(&format!(
                "SELECT 1 FROM village_years WHERE village IN {within} AND year = $2 ORDER BY village FOR UPDATE"
            ))
            .bind(&list)
            .bind(&year)
            .execute(&mut **t)
            .await?;
        }
        let taken = each!(&mut tx, t => sqlx::query(&format!(
            "INSERT INTO ledger_cells (village, ledger, period, item, outcome, agency, count, device_key, incarnation, updated_at)
             SELECT village, ledger, period, item, outcome, agency, count, device_key, incarnation, $3
             FROM pending_corrections
             WHERE village IN {within} AND period = $2
               AND village IN (SELECT village FROM approved_months WHERE period = $2)
             ORDER BY village, ledger, item, outcome, agency
             ON CONFLICT (village, ledger, period, item, outcome, agency)
             DO UPDATE SET count = excluded.count, device_key = excluded.device_key,
                           incarnation = excluded.incarnation, updated_at = excluded.updated_at
             WHERE excluded.count > ledger_cells.count"
        ))
        .bind(&list)
        .bind(&month)
        .bind(now())
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
        if let Backend::Postgres(t) = &mut tx {
            sqlx::query(&format!(
                "SELECT repack_village_year(v.village, $2) FROM (
                     SELECT DISTINCT village FROM pending_corrections
                     WHERE village IN {within} AND period = $3 ORDER BY village) v"
            ))
            .bind(&list)
            .bind(&year)
            .bind(&month)
            .execute(&mut **t)
            .await?;
        }
        each!(&mut tx, t => sqlx::query(&format!(
            "DELETE FROM pending_corrections WHERE village IN {within} AND period = $2
               AND village IN (SELECT village FROM approved_months WHERE period = $2)"
        ))
        .bind(&list)
        .bind(&month)
        .execute(&mut **t)
        .await
        .map(|_| ()))?;
        let withdrawn = each!(&mut tx, t => sqlx::query(&format!(
            "DELETE FROM approved_months WHERE village IN {within} AND period = $2"
        ))
        .bind(&list)
        .bind(&month)
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
        // Nothing was approved: nothing happened, and no row says it did.
        if withdrawn == 0 {
            return Ok((0, 0));
        }
        self.commit(tx, None).await?;
        let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok((count(withdrawn), count(taken)))
    }

    /// Per village within `villages` (every one when `None`), in order, its
    /// approved months of `first..=last`: one row per village.
    pub async fn approved_within(
        &self,
        first: Period,
        last: Period,
        villages: Option<&BTreeSet<String>>,
    ) -> Result<BTreeMap<String, Vec<Period>>, StorageError> {
        self.months_by_village(
            "period",
            "approved_months",
            (first, last),
            villages,
            Period::parse,
        )
        .await
    }

    /// The pending corrections of `villages` (every one when `None`), by
    /// village and month, at most [`CORRECTIONS_SHOWN`].
    pub async fn corrections(
        &self,
        villages: Option<&BTreeSet<String>>,
    ) -> Result<Vec<Correction>, StorageError> {
        let list = villages.map(|v| serde_json::to_string(v).expect("strings serialise"));
        let within = match &list {
            None => "CAST($1 AS TEXT) IS NULL".to_owned(),
            Some(_) => format!("p.village IN {}", self.pool.text_list("$1")),
        };
        let sql = format!(
            "SELECT p.village, COALESCE(v.name, p.village) AS name, p.period, p.ledger, p.item,
                    p.outcome, p.agency, COALESCE(c.count, 0) AS stored, p.count, p.received_at
             FROM pending_corrections p
             LEFT JOIN villages v ON v.code = p.village
             LEFT JOIN ledger_cells c ON c.village = p.village AND c.ledger = p.ledger
                 AND c.period = p.period AND c.item = p.item AND c.outcome = p.outcome
                 AND c.agency = p.agency
             WHERE {within}
             ORDER BY p.village, p.period, p.ledger, p.item, p.outcome, p.agency LIMIT $2"
        );
        let rows: Vec<CorrectionRow> = each!(&self.pool, p => sqlx::query_as(&sql)
            .bind(list.as_deref())
            .bind(CORRECTIONS_SHOWN)
            .fetch_all(p)
            .await)?;
        rows.into_iter()
            .map(|row| {
                let unreadable = || {
                    StorageError::Unreadable(format!("correction {}/{}", row.village, row.period))
                };
                Ok(Correction {
                    period: Period::parse(&row.period).ok_or_else(unreadable)?,
                    item: row.item.parse().map_err(|_| unreadable())?,
                    outcome: super::town::by_name(&row.outcome).ok_or_else(unreadable)?,
                    agency: super::town::by_name(&row.agency).ok_or_else(unreadable)?,
                    stored: u64::try_from(row.stored).map_err(|_| unreadable())?,
                    pushed: u64::try_from(row.count).map_err(|_| unreadable())?,
                    village: row.village,
                    name: row.name,
                    ledger: row.ledger,
                    received_at: row.received_at,
                })
            })
            .collect()
    }

    /// Accepts (into the figures) or dismisses every pending correction of
    /// `village`'s `period`; returns how many there were.
    pub async fn decide_corrections(
        &self,
        village: &str,
        period: Period,
        accept: bool,
    ) -> Result<u32, StorageError> {
        let (month, year) = (period.to_string(), format!("{:04}", period.year));
        let mut tx = self.write().await?;
        if accept {
            // An upload locks its village years before any other row: so
            // does this.
            if let Backend::Postgres(t) = &mut tx {
                sqlx::query(
                    "SELECT 1 FROM village_years WHERE village = $1 AND year = $2 FOR UPDATE",
                )
                .bind(village)
                .bind(&year)
                .execute(&mut **t)
                .await?;
            }
            each!(&mut tx, t => sqlx::query(
                "INSERT INTO ledger_cells (village, ledger, period, item, outcome, agency, count, device_key, incarnation, updated_at)
                 SELECT village, ledger, period, item, outcome, agency, count, device_key, incarnation, $3
                 FROM pending_corrections WHERE village = $1 AND period = $2
                 ON CONFLICT (village, ledger, period, item, outcome, agency)
                 DO UPDATE SET count = excluded.count, device_key = excluded.device_key,
                               incarnation = excluded.incarnation, updated_at = excluded.updated_at
                 WHERE excluded.count > ledger_cells.count"
            )
            .bind(village)
            .bind(&month)
            .bind(now())
            .execute(&mut **t)
            .await
            .map(|_| ()))?;
            if let Backend::Postgres(t) = &mut tx {
                sqlx::query("SELECT repack_village_year($1, $2)")
                    .bind(village)
                    .bind(&year)
                    .execute(&mut **t)
                    .await?;
            }
        }
        let decided = each!(&mut tx, t => sqlx::query(
            "DELETE FROM pending_corrections WHERE village = $1 AND period = $2"
        )
        .bind(village)
        .bind(&month)
        .execute(&mut **t)
        .await
        .map(|r| r.rows_affected()))?;
        self.commit(tx, None).await?;
        Ok(u32::try_from(decided).unwrap_or(u32::MAX))
    }
}
