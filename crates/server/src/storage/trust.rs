//! What the trust list is made of: every tablet key with its village,
//! ledger, day of enrolment and of revocation; the voided numbers tablets
//! sent; and the town's own signing key, made at first use.

use super::backend::{each, Tx};
use super::{Storage, StorageError};
use jianzheng_core::certificate::{IssueDate, TrustDevice, TrustList, VoidedRun};
use jianzheng_core::sync::CountsPayload;

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
}

#[derive(sqlx::FromRow)]
struct VoidedRow {
    village: String,
    ledger: String,
    year: i64,
    sequence: i64,
}

/// Keeps the voided numbers of an accepted upload (its device was checked
/// in the same transaction); one already kept is left as it was.
pub(super) async fn store_voided(
    tx: &mut Tx,
    at: &str,
    payload: &CountsPayload,
) -> Result<(), StorageError> {
    if payload.voided.is_empty() {
        return Ok(());
    }
    let numbers: Vec<(i32, u32)> = payload
        .voided
        .iter()
        .map(|v| (v.year, v.sequence))
        .collect();
    let numbers = serde_json::to_string(&numbers).expect("numbers serialize");
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
    Ok(())
}

impl Storage {
    /// A summary that changes whenever the trust list's rows do, by this
    /// server process or another on the same database: an enrolment, a
    /// revocation (or its undoing by a new enrolment), voided numbers.
    /// One cheap read, so a cached list is never served stale.
    pub async fn trust_fingerprint(&self) -> Result<String, StorageError> {
        let row: (i64, i64, Option<String>, Option<String>, i64) = each!(&self.pool, p => sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM devices), (SELECT COUNT(revoked_at) FROM devices),
                    (SELECT MAX(enrolled_at) FROM devices), (SELECT MAX(revoked_at) FROM devices),
                    (SELECT COUNT(*) FROM voided_numbers)"
        )
        .fetch_one(p)
        .await)?;
        Ok(format!("{row:?}"))
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

    /// The trust list as it stands: every device key ever enrolled (a
    /// retired tablet's certificates stay good; only revocation ends a
    /// key), oldest enrolment first so a key's latest enrolment stands, and
    /// every voided number.
    pub async fn trust_list(&self, issued_at: &str) -> Result<TrustList, StorageError> {
        let devices: Vec<DeviceRow> = each!(&self.pool, p => sqlx::query_as(
            "SELECT device_key, village, ledger, enrolled_at, revoked_at FROM devices
             WHERE ledger <> '' ORDER BY enrolled_at, device_key"
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
                    revoked_at: row
                        .revoked_at
                        .map(|at| {
                            IssueDate::from_iso(&at).ok_or_else(|| unreadable("revocation time"))
                        })
                        .transpose()?,
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
