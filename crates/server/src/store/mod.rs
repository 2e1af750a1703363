//! The platform's storage: one store over SQLite (the embedded default, in WAL mode) and
//! PostgreSQL (production), through sqlx's Any driver with portable SQL and per-database
//! migrations.
//!
//! Every function that reads or writes tenant data takes the [`Actor`](crate::actor::Actor):
//! queries take their tenant from its scope (`Sql::push_scope`) and their channels from the
//! one visibility predicate, and writes require the [`VisibleChannel`](visibility) that the
//! check hands out (see [`visibility`]); messages reach a reader only through the audience
//! rule (see [`audience`]). There is no other way in.
//!
//! - `queue`: the channel list and single reads.
//! - `actions`: opening a channel and every action on one.
//! - `messages`: history pages, sending, read markers.
//! - `writer`, `batch`: group commit: every send waiting goes in one transaction.
//! - `write`: the row writers the last two share.
//! - `message_reads`: the only ways to select message rows (visibility and audience built in).
//! - `canned`: canned responses, with their permission rules.
//! - `sync`, `users`, `tokens`: the sync feed, tenants and users, refresh tokens.

mod actions;
mod audience;
mod batch;
mod canned;
mod checkpoint;
mod message_reads;
mod messages;
mod open;
mod queue;
mod rows;
mod sla;
mod sql;
mod sync;
mod tokens;
mod users;
mod visibility;
mod write;
mod writer;

use chrono::{DateTime, Utc};
use protocol::FieldError;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Row, Transaction};
use std::str::FromStr;

pub use actions::ChannelChange;
pub use messages::{NewMessage, Recipients, SendOutcome};
pub use open::NewChannel;
pub use sync::SyncBatch;
pub use tokens::{IssuedRefresh, RefreshOutcome};
pub use users::{NewUser, UserRecord};

use sql::Sql;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row, or not visible to the actor.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The actor sees the row but its role does not permit the change.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The row's state does not allow the change.
    #[error("{0}")]
    Conflict(String),
    /// A value that must be unique is taken; the field is named.
    #[error("{} is taken", .0.field)]
    Taken(FieldError),
    /// The input names something that does not fit (a user of another tenant, say).
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The URL names a database this store does not speak.
    #[error("unsupported database URL `{0}`: use sqlite:// or postgres://")]
    UnsupportedUrl(String),
    /// A stored value could not be read back.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Results of the store.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The platform's data.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: writer::Writer,
}

impl StoreError {
    /// The change was refused for what it asks (not found, forbidden, a conflict, bad
    /// input), not for a failure of the database.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Self::NotFound(_)
                | Self::Forbidden(_)
                | Self::Conflict(_)
                | Self::Taken(_)
                | Self::Invalid(_)
        )
    }

    /// The database was locked, or no connection freed up, for longer than the wait
    /// allows: a passing overload, not a fault. SQLite's BUSY and LOCKED, PostgreSQL's
    /// serialization failure, deadlock and lock timeout.
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Database(sqlx::Error::PoolTimedOut) => true,
            Self::Database(sqlx::Error::Database(error)) => matches!(
                error.code().as_deref(),
                Some("5" | "6" | "261" | "517" | "40001" | "40P01" | "55P03")
            ),
            _ => false,
        }
    }
}

impl Store {
    /// Connects to `url` (`sqlite://file?mode=rwc`, `sqlite::memory:`, `postgres://…`).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(crate::settings::redact_url(url)));
        };
        let pool = match backend {
            Backend::Sqlite => {
                // One writer at a time is SQLite's rule; WAL lets readers go on meanwhile.
                // The Any driver takes a URL only, so the pragmas are set per connection.
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .connect(url)
                    .await?
            }
        };
        let writer = writer::Writer::start(pool.clone(), backend);
        Ok(Self {
            pool,
            backend,
            writer,
        })
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        Sql::new("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    async fn begin(&self) -> StoreResult<Transaction<'static, Any>> {
        Ok(self.pool.begin().await?)
    }
}

/// Takes the next change number inside `tx`. The counter row is locked until the
/// transaction ends, so change numbers are handed out in commit order.
async fn next_change(tx: &mut Transaction<'_, Any>) -> StoreResult<i64> {
    let row = Sql::new("UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value")
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// Now, in the stored form: microseconds since the Unix epoch.
fn now_micros() -> i64 {
    Utc::now().timestamp_micros()
}

/// A stored time as a `DateTime`.
fn to_time(micros: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StoreError::Corrupt(format!("time {micros} is out of range")))
}

fn to_opt_time(micros: Option<i64>) -> StoreResult<Option<DateTime<Utc>>> {
    micros.map(to_time).transpose()
}

/// Reads column `name` and parses it (ids, enums).
fn parse_col<T>(row: &AnyRow, name: &str) -> StoreResult<T>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let text: String = row.try_get(name)?;
    text.parse()
        .map_err(|e| StoreError::Corrupt(format!("{name} = `{text}`: {e}")))
}

/// Reads nullable column `name` and parses it.
fn parse_opt_col<T>(row: &AnyRow, name: &str) -> StoreResult<Option<T>>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let text: Option<String> = row.try_get(name)?;
    text.map(|text| {
        text.parse()
            .map_err(|e| StoreError::Corrupt(format!("{name} = `{text}`: {e}")))
    })
    .transpose()
}

/// A new random id.
fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
