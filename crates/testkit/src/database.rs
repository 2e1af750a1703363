//! The platform's database for one test or benchmark: a fresh SQLite file (in a temp dir or
//! at a given path), a fresh PostgreSQL database (feature `in-process`), or a given URL.

use std::path::{Path, PathBuf};

/// Which kind of database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server `cargo xtask services` runs, unless `SWITCHBOARD_TEST_POSTGRES_URL`
/// names another (its database part is where new databases are created from).
#[cfg(feature = "in-process")]
const DEFAULT_POSTGRES: &str = "postgres://switchboard:switchboard@127.0.0.1:5432/postgres";

/// A database URL, and what keeps the database alive (a temp dir for a fresh SQLite file).
#[derive(Debug)]
pub struct Database {
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Database {
    /// A fresh SQLite file in a temp dir of its own, removed when this is dropped.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir for the platform's database");
        let url = sqlite_url(&dir.path().join("platform.db"));
        Self {
            url,
            _dir: Some(dir),
        }
    }

    /// A fresh SQLite file at `path`: an old one there (with its `-wal` and `-shm`) is
    /// removed; the new one stays after the test, to look at.
    pub fn sqlite_at(path: &Path) -> Self {
        for suffix in ["", "-wal", "-shm"] {
            let mut file = PathBuf::from(path).into_os_string();
            file.push(suffix);
            let _ = std::fs::remove_file(file);
        }
        Self::at(sqlite_url(path))
    }

    /// The database at `url` (a `DATABASE_URL`), as it is.
    pub fn at(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            _dir: None,
        }
    }

    /// A fresh, empty database of kind `kind`.
    #[cfg(feature = "in-process")]
    pub async fn fresh(kind: DbKind) -> Self {
        match kind {
            DbKind::Sqlite => Self::sqlite(),
            DbKind::Postgres => Self::postgres().await,
        }
    }

    /// A fresh, empty database on the test PostgreSQL server (it is left there afterwards).
    #[cfg(feature = "in-process")]
    pub async fn postgres() -> Self {
        use sqlx::any::AnyPoolOptions;

        let admin_url = std::env::var("SWITCHBOARD_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES.to_owned());
        sqlx::any::install_default_drivers();
        let admin = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is not reachable at {admin_url} ({e}); `cargo xtask services` \
                     starts it (`cargo xtask test` does too)"
                )
            });
        let name = format!("sb_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .expect("create a test database");
        admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base.to_owned())
            .expect("a PostgreSQL URL with a database path");
        Self::at(format!("{base}/{name}"))
    }

    /// Its URL, as `--database-url` and `DATABASE_URL` take it.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// The URL of the SQLite file at `path`, created on first use.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}
