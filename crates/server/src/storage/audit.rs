//! The audit trail as stored: one row per change made through the town's
//! API, appended and never changed (triggers refuse an update or a delete,
//! on both databases).

use super::backend::{each, Tx};
use super::{now, Storage, StorageError};
use jianzheng_core::api::audit::{AuditEntry, AuditKind, AuditQuery, Said, AUDIT_PAGE};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// One change to record.
#[derive(Clone, Debug)]
pub struct AuditRecord<'a> {
    /// Who, if known.
    pub account: Option<&'a str>,
    /// From which address.
    pub address: Option<IpAddr>,
    /// What.
    pub kind: AuditKind,
    /// On which area.
    pub area: Option<&'a str>,
    /// Before and after, in a short form, in both languages.
    pub detail: &'a Said,
}

/// A change's row of the trail, written in the change's own transaction
/// ([`Storage::audited`]): the change and its row commit together, or
/// neither does.
#[derive(Clone, Debug)]
pub struct Audit {
    /// Who.
    pub account: Option<String>,
    /// From which address.
    pub address: Option<IpAddr>,
    /// What.
    pub kind: AuditKind,
    /// On which area.
    pub area: Option<String>,
    /// Before and after, in a short form, in both languages.
    pub detail: Said,
}

/// Writes one row of the trail in `tx`.
pub(super) async fn insert(tx: &mut Tx, record: AuditRecord<'_>) -> Result<(), StorageError> {
    let detail = record.detail.stored();
    each!(tx, t => sqlx::query(
        "INSERT INTO audit (at, account, address, kind, area, detail) VALUES ($1, $2, $3, $4, $5, $6)"
    )
        .bind(now())
        .bind(record.account)
        .bind(record.address.map(|a| a.to_string()))
        .bind(record.kind.as_str())
        .bind(record.area)
        .bind(&detail)
        .execute(&mut **t)
        .await
        .map(|_| ()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: String,
    account: Option<String>,
    address: Option<String>,
    kind: String,
    area: Option<String>,
    detail: String,
}

impl Storage {
    /// This handle with `audit` to write in the transaction of the next
    /// change made through it.
    pub fn audited(&self, audit: Audit) -> Storage {
        Storage {
            audit: Some(Arc::new(Mutex::new(Some(audit)))),
            ..self.clone()
        }
    }

    /// Commits `tx`, first writing in it the pending audit row, if any
    /// (its detail followed by `note`: what only the change itself knew).
    pub(super) async fn commit(&self, mut tx: Tx, note: Option<&Said>) -> Result<(), StorageError> {
        let pending = self
            .audit
            .as_ref()
            .and_then(|slot| slot.lock().expect("not poisoned").take());
        if let Some(audit) = pending {
            let detail = match note {
                Some(note) => audit.detail.clone().then(note),
                None => audit.detail.clone(),
            };
            let record = AuditRecord {
                account: audit.account.as_deref(),
                address: audit.address,
                kind: audit.kind,
                area: audit.area.as_deref(),
                detail: &detail,
            };
            insert(&mut tx, record).await?;
        }
        each!(tx, t => t.commit().await)?;
        Ok(())
    }

    /// Appends one row to the trail on its own (a login, a failed one).
    pub async fn append_audit(&self, record: AuditRecord<'_>) -> Result<(), StorageError> {
        let mut tx = self.write().await?;
        insert(&mut tx, record).await?;
        each!(tx, t => t.commit().await)?;
        Ok(())
    }

    /// A page of the trail, newest first: the rows `query` asks for, on
    /// one of `areas` when given (an area and those below it).
    pub async fn audit(
        &self,
        query: &AuditQuery,
        areas: Option<&[String]>,
    ) -> Result<Vec<AuditEntry>, StorageError> {
        let area_list = areas.map(|a| serde_json::to_string(a).expect("strings serialise"));
        let rows: Vec<AuditRow> = each!(&self.pool, p => sqlx::query_as(&format!(
            "SELECT id, at, account, address, kind, area, detail FROM audit
             WHERE (CAST($1 AS TEXT) IS NULL OR account = $1)
               AND (CAST($2 AS TEXT) IS NULL OR kind = $2)
               AND (CAST($3 AS TEXT) IS NULL OR at >= $3)
               AND (CAST($4 AS TEXT) IS NULL OR at < $4)
               AND (CAST($5 AS BIGINT) IS NULL OR id < $5)
               AND (CAST($6 AS TEXT) IS NULL OR area IN {})
             ORDER BY id DESC LIMIT {AUDIT_PAGE}",
            self.pool.text_list("$6")
        ))
        .bind(query.account.as_deref())
        .bind(query.kind.map(AuditKind::as_str))
        .bind(query.from.as_deref())
        .bind(query.to.as_deref())
        .bind(query.before)
        .bind(area_list.as_deref())
        .fetch_all(p)
        .await)?;
        rows.into_iter()
            .map(|row| {
                Ok(AuditEntry {
                    id: row.id,
                    at: row.at,
                    account: row.account,
                    address: row.address,
                    kind: row.kind.parse().map_err(|()| {
                        StorageError::Unreadable(format!("audit kind {}", row.kind))
                    })?,
                    area: match row.area {
                        Some(a) => Some(
                            a.parse()
                                .map_err(|_| StorageError::Unreadable(format!("audit area {a}")))?,
                        ),
                        None => None,
                    },
                    detail: Said::read(&row.detail),
                })
            })
            .collect()
    }
}
