//! The backup file: every event of a device's ledger, checked on restore.

use super::{verify_chain, ChainError, Event};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// The backup format this build writes and reads.
pub const BACKUP_FORMAT: u32 = 1;

/// Largest backup accepted (about 200,000 events).
pub const MAX_BACKUP_BYTES: usize = 256 * 1024 * 1024;

/// A device's ledger as a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    /// [`BACKUP_FORMAT`].
    pub format: u32,
    /// The village the ledger belongs to.
    pub village: String,
    /// The device that wrote it.
    pub device: String,
    /// When it was exported (device clock).
    pub exported_at: String,
    /// Every event, in order.
    pub events: Vec<Event>,
}

/// Why a backup was refused. Nothing on the device is changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    /// Larger than [`MAX_BACKUP_BYTES`].
    #[error("the file is larger than a backup can be")]
    TooLarge,
    /// Not a backup file, or truncated.
    #[error("not a Jianzheng backup, or a damaged one: {0}")]
    Malformed(String),
    /// Written by a newer version.
    #[error("backup format {0} is not supported")]
    UnsupportedFormat(u32),
    /// From another village.
    #[error("this backup belongs to village {found}, not {expected}")]
    WrongVillage {
        /// This device's village.
        expected: String,
        /// The backup's.
        found: String,
    },
    /// The events do not form an unbroken chain.
    #[error("the backup is damaged: {0}")]
    Broken(ChainError),
    /// The device already holds events that the backup does not contain.
    #[error("this tablet holds records the backup does not have")]
    Diverges,
}

impl BackupError {
    /// A sentence for the clerk in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (BackupError::TooLarge, Lang::Zh) => "文件太大，不是本系统的备份。".into(),
            (BackupError::Malformed(_), Lang::Zh) => {
                "这不是减证的备份文件，或者文件已损坏。".into()
            }
            (BackupError::UnsupportedFormat(_), Lang::Zh) => {
                "备份来自更新的版本，请先更新本应用。".into()
            }
            (BackupError::WrongVillage { found, .. }, Lang::Zh) => {
                format!("这是其他村（{found}）的备份，不能恢复到本村。")
            }
            (BackupError::Broken(_), Lang::Zh) => "备份文件已损坏：记录不连续或被改动过。".into(),
            (BackupError::Diverges, Lang::Zh) => {
                "本机已有备份中没有的记录，为防止丢失，不予恢复。".into()
            }
            (other, Lang::En) => format!("{other}."),
        }
    }
}

impl Backup {
    /// Parses and checks a backup file for `village`.
    pub fn parse(bytes: &[u8], village: &str) -> Result<Backup, BackupError> {
        if bytes.len() > MAX_BACKUP_BYTES {
            return Err(BackupError::TooLarge);
        }
        #[derive(Deserialize)]
        struct Probe {
            format: u32,
        }
        let probe: Probe =
            serde_json::from_slice(bytes).map_err(|e| BackupError::Malformed(e.to_string()))?;
        if probe.format != BACKUP_FORMAT {
            return Err(BackupError::UnsupportedFormat(probe.format));
        }
        let backup: Backup =
            serde_json::from_slice(bytes).map_err(|e| BackupError::Malformed(e.to_string()))?;
        if backup.village != village {
            return Err(BackupError::WrongVillage {
                expected: village.to_owned(),
                found: backup.village,
            });
        }
        verify_chain(&backup.events).map_err(BackupError::Broken)?;
        Ok(backup)
    }

    /// The events a device holding `local` (its whole ledger, in order)
    /// must add to match the backup; refuses if `local` is not a prefix of it.
    pub fn missing_from<'a>(&'a self, local: &[Event]) -> Result<&'a [Event], BackupError> {
        if local.len() > self.events.len() || self.events[..local.len()] != *local {
            return Err(BackupError::Diverges);
        }
        Ok(&self.events[local.len()..])
    }

    /// The file's bytes.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("backups serialize")
    }
}
