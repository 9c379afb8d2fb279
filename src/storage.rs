//! The app's one storage module: the only place that speaks IndexedDB.
//!
//! Writes that a person must be able to rely on use strict durability, so a
//! record the app reported as saved survives a killed tab or a power cut.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The database name the app uses; tests open their own names.
pub const DB_NAME: &str = "jianzheng";

/// The schema version this build creates or upgrades to.
pub const SCHEMA_VERSION: u32 = 1;

/// Small facts about this device (first start, schema history), keyed by name.
pub const META_STORE: &str = "meta";

/// Every object store of the current schema.
pub const STORES: &[&str] = &[META_STORE];

/// A failure of the device database.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database could not be opened or upgraded.
    #[error("cannot open the device database: {0}")]
    Open(String),
    /// A read or write failed.
    #[error("device database error: {0}")]
    Io(String),
}

impl From<indexed_db_futures::error::Error> for StorageError {
    fn from(err: indexed_db_futures::error::Error) -> Self {
        StorageError::Io(err.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StorageError {
    fn from(err: indexed_db_futures::error::OpenDbError) -> Self {
        StorageError::Open(err.to_string())
    }
}

/// An open device database.
pub struct Storage {
    db: Database,
}

impl Storage {
    /// Opens `name`, creating or upgrading its schema to [`SCHEMA_VERSION`].
    pub async fn open(name: &str) -> Result<Storage, StorageError> {
        let db = Database::open(name)
            .with_version(SCHEMA_VERSION)
            .with_on_upgrade_needed(|event, db| {
                // One arm per schema step, applied in order from the old version.
                if event.old_version() < 1.0 {
                    db.create_object_store(META_STORE).build()?;
                }
                Ok(())
            })
            .await?;
        Ok(Storage { db })
    }

    /// The names of the object stores present.
    pub fn store_names(&self) -> Vec<String> {
        self.db.object_store_names().collect()
    }

    /// The schema version the database is at.
    pub fn version(&self) -> u32 {
        self.db.version() as u32
    }

    /// Reads one meta value.
    pub async fn get_meta<T: DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StorageError> {
        let tx = self.db.transaction(META_STORE).build()?;
        let store = tx.object_store(META_STORE)?;
        let value: Option<T> = store.get(key).serde()?.await?;
        Ok(value)
    }

    /// Writes one meta value with strict durability; returns once it is on disk.
    pub async fn put_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(META_STORE)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()?;
        let store = tx.object_store(META_STORE)?;
        store
            .put(value)
            .with_key(key)
            .without_key_type()
            .serde()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes the connection (for tests and upgrades).
    pub fn close(self) {
        self.db.close();
    }
}

fn strict() -> TransactionOptions {
    let mut options = TransactionOptions::new();
    options.set_durability(TransactionDurability::Strict);
    options
}
