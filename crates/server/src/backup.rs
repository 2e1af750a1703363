//! `switchboard-server backup <file>`: a consistent copy of a SQLite database taken while
//! the platform runs (`VACUUM INTO`, one read transaction: writers go on, the copy holds
//! exactly what was committed when it began), checked before it is reported. PostgreSQL
//! has its own tool for this, `pg_dump`, and the command says so.
//!
//! Restoring is a copy the other way with the server stopped: put the file where the
//! database URL points, remove any `-wal` and `-shm` files beside it, start the server.

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};

use crate::database_url::sqlite_file;

/// Why a backup was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The target exists: a backup never overwrites.
    #[error("{} already exists; a backup never overwrites a file, choose a new name", .0.display())]
    Exists(PathBuf),
    /// The database is PostgreSQL.
    #[error(
        "the database is PostgreSQL: back it up with pg_dump (`pg_dump --format=custom --file=FILE \"$DATABASE_URL\"`) and restore it with pg_restore"
    )]
    Postgres,
    /// Neither SQLite nor PostgreSQL, or an in-memory database.
    #[error("only a SQLite file or PostgreSQL can be backed up, not {0}")]
    Unsupported(String),
    /// The database file is not there.
    #[error("there is no database at {}", .0.display())]
    Missing(PathBuf),
    /// The target cannot be created.
    #[error("cannot create {}: {source}", .path.display())]
    Create {
        /// The target.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The target's path is not UTF-8 (SQLite takes it as text).
    #[error("the path {} is not valid UTF-8", .0.display())]
    Path(PathBuf),
    /// SQLite failed.
    #[error("the copy failed: {0}")]
    Database(#[from] sqlx::Error),
    /// The copy does not read back whole.
    #[error("the copy at {} does not pass SQLite's check: {reason}", .path.display())]
    Damaged {
        /// The copy.
        path: PathBuf,
        /// What the check said.
        reason: String,
    },
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// The copy.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Messages it holds.
    pub messages: i64,
}

/// Copies the SQLite database of `database_url` into the new file `to`, then reads the
/// copy back and checks it.
pub async fn backup(database_url: &str, to: &Path) -> Result<Backup, BackupError> {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        return Err(BackupError::Postgres);
    }
    let source = sqlite_file(database_url)
        .ok_or_else(|| BackupError::Unsupported(crate::settings::redact_url(database_url)))?;
    if !source.is_file() {
        return Err(BackupError::Missing(source));
    }
    let target = to
        .to_str()
        .ok_or_else(|| BackupError::Path(to.to_owned()))?;
    // Created empty first, so two backups to one name cannot both win; SQLite writes into
    // an empty file.
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(|source| match source.kind() {
            io::ErrorKind::AlreadyExists => BackupError::Exists(to.to_owned()),
            _ => BackupError::Create {
                path: to.to_owned(),
                source,
            },
        })?;
    let copied = copy(&source, target).await;
    let checked = match copied {
        Ok(()) => check(to).await,
        Err(error) => Err(error),
    };
    if checked.is_err() {
        let _ = std::fs::remove_file(to);
    }
    checked
}

async fn copy(source: &Path, target: &str) -> Result<(), BackupError> {
    let mut conn = SqliteConnectOptions::new()
        .filename(source)
        .create_if_missing(false)
        .connect()
        .await?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

async fn check(copy: &Path) -> Result<Backup, BackupError> {
    let url = format!("sqlite://{}", copy.display());
    let mut conn = SqliteConnectOptions::from_str(&url)?
        .read_only(true)
        .connect()
        .await?;
    let verdict: String = sqlx::query("PRAGMA quick_check")
        .fetch_one(&mut conn)
        .await?
        .try_get(0)?;
    if verdict != "ok" {
        return Err(BackupError::Damaged {
            path: copy.to_owned(),
            reason: verdict,
        });
    }
    let messages: i64 = sqlx::query("SELECT COUNT(*) FROM messages")
        .fetch_one(&mut conn)
        .await?
        .try_get(0)?;
    conn.close().await?;
    let bytes = std::fs::metadata(copy)
        .map_err(|source| BackupError::Create {
            path: copy.to_owned(),
            source,
        })?
        .len();
    Ok(Backup {
        path: copy.to_owned(),
        bytes,
        messages,
    })
}
