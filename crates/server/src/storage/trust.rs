//! What the trust list is made of: every tablet key with its village,
//! ledger, day of enrolment and of revocation; the voided numbers tablets
//! sent; and the town's own signing key, made at first use.

use super::backend::{each, Tx};
use super::{Storage, StorageError};
use jianzheng_core::certificate::{IssueDate, NumberedYear, TrustDevice, TrustList, VoidedRun};
use jianzheng_core::sync::{CountsPayload, MAX_VOIDED_PER_YEAR};
use std::collections::BTreeSet;

/// The `server_meta` key of the town's trust-list signing key (hex). It
/// signs nothing else, is never logged, and travels only in backups.
const TRUST_KEY: &str = "trust_signing_key";

#[derive(sqlx::FromRow)]
struct DeviceRow {
    device_key: Vec<u8>,
    village: String,
    ledger: String,
    enrolled_at: String,
    revoked_at: Option<String>,
    retired_at: Option<String>,
    numbered_at_revocation: Option<String>,
}

#[derive(sqlx::FromRow)]
struct VoidedRow {
    village: String,
    ledger: String,
    year: i64,
    sequence: i64,
}

/// Keeps the voided numbers of an accepted upload (its device was checked
/// in the same transaction); one already kept is left as it was. A
/// ledger's year keeps at most [`MAX_VOIDED_PER_YEAR`], the first sent:
/// one tablet, or a stolen key, cannot grow the trust list every verifier
/// downloads. Returns how many new numbers were not kept for that.
pub(super) async fn store_voided(
    tx: &mut Tx,
    at: &str,
    payload: &CountsPayload,
) -> Result<u64, StorageError> {
    let years: BTreeSet<i32> = payload.voided.iter().map(|v| v.year).collect();
    let mut keep: Vec<(i32, u32)> = Vec::new();
    let mut refused = 0u64;
    for year in years {
        // At most the ceiling's rows: the bound is kept.
        let kept: Vec<i64> = each!(tx, t => sqlx::query_scalar(
            "SELECT sequence FROM voided_numbers WHERE village = $1 AND ledger = $2 AND year = $3"
        )
        .bind(&payload.village)
        .bind(&payload.ledger)
        .bind(i64::from(year))
        .fetch_all(&mut **t)
        .await)?;
        let kept: BTreeSet<i64> = kept.into_iter().collect();
        let room = (MAX_VOIDED_PER_YEAR as usize).saturating_sub(kept.len());
        let new: Vec<u32> = payload
            .voided
            .iter()
            .filter(|v| v.year == year && !kept.contains(&i64::from(v.sequence)))
            .map(|v| v.sequence)
            .collect();
        refused += new.len().saturating_sub(room) as u64;
        keep.extend(new.into_iter().take(room).map(|sequence| (year, sequence)));
    }
    if keep.is_empty() {
        return Ok(refused);
    }
    let numbers = serde_json::to_string(&keep).expect("numbers serialize");
    let sql = format!(
        "INSERT INTO voided_numbers (village, ledger, year, sequence, received_at)
         SELECT $2, $3, j.year, j.sequence, $4 FROM {table} j WHERE true
         ON CONFLICT (village, ledger, year, sequence) DO NOTHING",
        table = tx.voided_table()
    );
    each!(tx, t => sqlx::query(&sql)
        .bind(&numbers)
        .bind(&payload.village)
        .bind(&payload.ledger)
        .bind(at)
        .execute(&mut **t)
        .await
        .map(|_| ()))?;
    Ok(refused)
}

/// How many certificates of each year the ledger has numbered in what
/// reached the town (issued, and issued outside the list: each takes the
/// next number), as the trust list keeps them for a tablet that stops:
/// JSON `[[year, through], …]`.
pub(super) async fn numbered_now(
    tx: &mut Tx,
    village: &str,
    ledger: &str,
) -> Result<String, StorageError> {
    let numbered: Vec<(String, i64)> = each!(tx, t => sqlx::query_as(
        "SELECT substr(period, 1, 4) AS year, CAST(SUM(count) AS BIGINT) FROM ledger_cells
         WHERE village = $1 AND ledger = $2 AND outcome IN ('issued', 'issued_unlisted')
         GROUP BY substr(period, 1, 4) ORDER BY 1"
    )
    .bind(village)
    .bind(ledger)
    .fetch_all(&mut **t)
    .await)?;
    let numbered: Vec<(i32, u32)> = numbered
        .into_iter()
        .filter_map(|(year, through)| {
            Some((
                year.parse().ok()?,
                u32::try_from(through).unwrap_or(u32::MAX),
            ))
        })
        .collect();
    Ok(serde_json::to_string(&numbered).expect("numbers serialize"))
}

impl Storage {
    /// A summary that changes whenever the trust list's rows do, by this
    /// server process or another on the same database: any change of a
    /// device's row (an enrolment, a revocation, a retirement; the
    /// database's triggers count them) and any voided number kept (they
    /// are only ever added). One cheap read, so a cached list is never
    /// served stale.
    pub async fn trust_fingerprint(&self) -> Result<String, StorageError> {
        let row: (i64, i64) = each!(&self.pool, p => sqlx::query_as(
            "SELECT (SELECT version FROM trust_changes WHERE id = 1),
                    (SELECT COUNT(*) FROM voided_numbers)"
        )
        .fetch_one(p)
        .await)?;
        Ok(format!("{}/{}", row.0, row.1))
    }

    /// The town's secret key for signing trust lists, made and kept the
    /// first time it is asked for (of two servers racing, one key wins).
    pub async fn trust_key(&self) -> Result<[u8; 32], StorageError> {
        let read = || async {
            let found: Option<String> = each!(&self.pool, p => sqlx::query_scalar(
                "SELECT value FROM server_meta WHERE key = $1"
            )
            .bind(TRUST_KEY)
            .fetch_optional(p)
            .await)?;
            found
                .map(|hex| {
                    hex::decode(hex)
                        .ok()
                        .and_then(|b| <[u8; 32]>::try_from(b).ok())
                        .ok_or_else(|| StorageError::Unreadable("trust signing key".into()))
                })
                .transpose()
        };
        if let Some(key) = read().await? {
            return Ok(key);
        }
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret).map_err(|e| StorageError::Random(e.to_string()))?;
        let mut tx = self.write().await?;
        each!(&mut tx, t => sqlx::query(
            "INSERT INTO server_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING"
        )
        .bind(TRUST_KEY)
        .bind(hex::encode(secret))
        .execute(&mut **t)
        .await
        .map(|_| ()))?;
        self.commit(tx, None).await?;
        read()
            .await?
            .ok_or_else(|| StorageError::Unreadable("trust signing key".into()))
    }

    /// The trust list as it stands: every device key ever enrolled, oldest
    /// enrolment first so a key's latest enrolment stands, and every voided
    /// number. A tablet replaced by one continuing its ledger stands as
    /// revoked from its retirement: what it printed before, within what it
    /// had synced, stays good; what it prints after is not vouched for.
    pub async fn trust_list(&self, issued_at: &str) -> Result<TrustList, StorageError> {
        let devices: Vec<DeviceRow> = each!(&self.pool, p => sqlx::query_as(
            "SELECT device_key, village, ledger, enrolled_at, revoked_at, retired_at,
                    numbered_at_revocation
             FROM devices WHERE ledger <> '' ORDER BY enrolled_at, device_key"
        )
        .fetch_all(p)
        .await)?;
        let voided: Vec<VoidedRow> = each!(&self.pool, p => sqlx::query_as(
            "SELECT village, ledger, year, sequence FROM voided_numbers
             ORDER BY village, ledger, year, sequence"
        )
        .fetch_all(p)
        .await)?;
        let unreadable = |what: &str| StorageError::Unreadable(what.into());
        let devices = devices
            .into_iter()
            .map(|row| {
                Ok(TrustDevice {
                    key: <[u8; 32]>::try_from(row.device_key)
                        .map_err(|_| unreadable("device key"))?,
                    village: row.village,
                    ledger: row.ledger,
                    valid_from: IssueDate::from_iso(&row.enrolled_at)
                        .ok_or_else(|| unreadable("enrolment time"))?,
                    revoked_at: [row.revoked_at, row.retired_at]
                        .into_iter()
                        .flatten()
                        .map(|at| {
                            IssueDate::from_iso(&at).ok_or_else(|| unreadable("revocation time"))
                        })
                        .collect::<Result<Vec<_>, _>>()?
                        .into_iter()
                        .min(),
                    numbered: row
                        .numbered_at_revocation
                        .map(|json| {
                            serde_json::from_str::<Vec<(i32, u32)>>(&json)
                                .map_err(|_| unreadable("numbers at revocation"))
                        })
                        .transpose()?
                        .map(|years| {
                            years
                                .into_iter()
                                .map(|(year, through)| NumberedYear { year, through })
                                .collect()
                        }),
                })
            })
            .collect::<Result<_, StorageError>>()?;
        let mut runs: Vec<VoidedRun> = Vec::new();
        for row in voided {
            let (Ok(year), Ok(sequence)) = (i32::try_from(row.year), u32::try_from(row.sequence))
            else {
                return Err(unreadable("voided number"));
            };
            match runs.last_mut() {
                Some(run)
                    if run.village == row.village
                        && run.ledger == row.ledger
                        && run.year == year =>
                {
                    run.sequences.push(sequence);
                }
                _ => runs.push(VoidedRun {
                    village: row.village,
                    ledger: row.ledger,
                    year,
                    sequences: vec![sequence],
                }),
            }
        }
        Ok(TrustList {
            issued_at: issued_at.to_owned(),
            devices,
            voided: runs,
        })
    }
}
