//! Numbered migrations, applied in order and recorded in `PRAGMA user_version`.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Every migration, in order; the cache's version is how many have run.
const MIGRATIONS: &[&str] = &[include_str!("migrations/001_initial.sql")];

/// Brings the cache up to date, each migration in its own transaction.
pub fn run(conn: &mut Connection) -> Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > MIGRATIONS.len() {
        return Err(Error::Local(format!(
            "the cache was written by a newer Switchboard (version {version}); update Switchboard"
        )));
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
        tracing::debug!(version = index + 1, "cache migrated");
    }
    Ok(())
}
