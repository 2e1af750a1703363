//! The local cache: a SQLite file (rusqlite, bundled SQLite, WAL) holding the channels,
//! messages, canned responses, composer drafts, sync cursor and outbox of one profile. Everything the console shows is read
//! from here; the network only writes into it.
//!
//! All work runs in closures on a blocking thread ([`Cache::read`], [`Cache::write`]); a
//! write is one transaction. The submodules are the typed operations:
//! - [`canned`]: canned responses: upsert, remove, the list, offline search.
//! - [`channels`]: upsert, remove, the queue, one channel.
//! - [`window`]: the queue as a window: filters, text and order applied in SQLite, only the
//!   rows in view read, with the totals.
//! - [`drafts`]: one composer draft per channel.
//! - [`messages`]: insert, history.
//! - [`search`]: offline full-text search (FTS5).
//! - [`sla_warnings`]: the SLA warnings already shown.
//! - [`state`]: named values (the sync cursor).
//! - [`outbox`]: queued work.

pub mod canned;
pub mod channels;
pub mod drafts;
pub mod messages;
mod migrations;
pub mod outbox;
pub mod search;
pub mod sla_warnings;
pub mod state;
pub mod window;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, Transaction};

use crate::error::{Error, Result};

/// The page size of a new cache file, in bytes.
const PAGE_SIZE: i64 = 16_384;
/// The page cache a connection keeps while it catches up, in KiB (as a negative
/// `cache_size`): a sync batch of 5,000 messages dirties megabytes of index pages all over;
/// with SQLite's default 2 MB they spill to the WAL mid-transaction and are read back. Pages
/// are only allocated as they are used, and given back when the catch-up ends
/// ([`Cache::roomy`]).
pub const SYNC_CACHE_KIB: i64 = -65_536;
/// The page cache otherwise (SQLite's default, 2 MB): the console reads windows of the
/// queue, and a large cache would only keep a second copy of the file in memory.
pub const CACHE_KIB: i64 = -2_000;
/// Pages the WAL may hold before a commit checkpoints it (32 MB; SQLite's default is 1,000
/// pages): a catch-up then checkpoints every few batches instead of after each one, and
/// writes an index page changed by several batches into the file once.
const CHECKPOINT_PAGES: i64 = 2_048;

/// An open cache. Cheap to clone.
#[derive(Clone)]
pub struct Cache {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").finish_non_exhaustive()
    }
}

impl Cache {
    /// Opens (creating and migrating if needed) the cache at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        // Only a new file takes it (before WAL): fewer, larger pages to write and checksum
        // into the WAL; an existing cache keeps its page size.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", CACHE_KIB)?;
        conn.pragma_update(None, "wal_autocheckpoint", CHECKPOINT_PAGES)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrations::run(&mut conn)?;
        let tx = conn.transaction()?;
        let derived = channels::derive_missing(&tx)?;
        tx.commit()?;
        if derived > 0 {
            tracing::info!(
                channels = derived,
                "queue columns derived for cached channels"
            );
        }
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Gives the connection the large page cache of a catch-up (`true`), or the small one
    /// back, releasing what it held (`false`).
    pub async fn roomy(&self, roomy: bool) -> Result<()> {
        self.read(move |conn| {
            let kib = if roomy { SYNC_CACHE_KIB } else { CACHE_KIB };
            conn.pragma_update(None, "cache_size", kib)?;
            if !roomy {
                conn.execute_batch("PRAGMA shrink_memory")?;
            }
            Ok(())
        })
        .await
    }

    /// Runs `work` on a blocking thread with the connection.
    pub async fn read<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conn
                .lock()
                .map_err(|_| Error::Local("the cache's lock is poisoned".to_owned()))?;
            work(&conn)
        })
        .await
        .map_err(|e| Error::Local(format!("cache task failed: {e}")))?
    }

    /// Runs `work` in one transaction on a blocking thread; commits if it succeeds.
    pub async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn
                .lock()
                .map_err(|_| Error::Local("the cache's lock is poisoned".to_owned()))?;
            let tx = conn.transaction()?;
            let value = work(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
        .map_err(|e| Error::Local(format!("cache task failed: {e}")))?
    }
}

/// Microseconds since the epoch, as the cache stores times.
pub(crate) fn micros(time: chrono::DateTime<chrono::Utc>) -> i64 {
    time.timestamp_micros()
}

/// Decodes a stored JSON column.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::Local(format!("a cached row is damaged: {e}")))
}

/// Encodes a JSON column.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Local(format!("cannot encode a row: {e}")))
}
