//! A database URL as an operator writes it, made ready to open. `sqlite://data/x.db` opens
//! read-write and is created when absent (SQLite's default would refuse a missing file):
//! the file is created here, and its directory too when that directory's parent exists, so
//! a mistyped path fails at once with the path and the reason. A URL that names a `mode`,
//! an in-memory database or PostgreSQL is left as it is.

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};

/// Why a SQLite file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseUrlError {
    /// Its directory is missing and cannot be created.
    #[error("cannot create the directory {} for the database: {source}", .path.display())]
    Directory {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file cannot be opened or created for writing.
    #[error("cannot open the database file {} for writing: {source}", .path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// The file of a SQLite URL (`sqlite://path`, `sqlite:path`, parameters after `?`); `None`
/// for another database or an in-memory one.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// `url`, ready to open: for a SQLite file without a `mode`, the file exists (created with
/// its directory when needed) and the URL asks for `mode=rwc`.
pub fn prepare(url: &str) -> Result<String, DatabaseUrlError> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(url.to_owned());
    };
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    let names_mode = query.is_some_and(|q| q.split('&').any(|pair| pair.starts_with("mode=")));
    if path.is_empty() || path == ":memory:" || names_mode {
        return Ok(url.to_owned());
    }
    create(Path::new(path))?;
    Ok(match query {
        Some(query) if !query.is_empty() => format!("{url}&mode=rwc"),
        Some(_) => format!("{url}mode=rwc"),
        None => format!("{url}?mode=rwc"),
    })
}

/// Creates `file` (and its directory, when that directory's parent exists) unless it
/// exists, and checks it opens for writing.
fn create(file: &Path) -> Result<(), DatabaseUrlError> {
    if let Some(directory) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !directory.exists() {
            std::fs::create_dir(directory).map_err(|source| DatabaseUrlError::Directory {
                path: directory.to_owned(),
                source,
            })?;
            tracing::info!(directory = %directory.display(), "created the database's directory");
        }
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .map(drop)
        .map_err(|source| DatabaseUrlError::File {
            path: file.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_file_url_is_created_with_its_directory_and_opened_read_write_create() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let file = dir.path().join("data").join("x.db");
        let url = format!("sqlite://{}", file.display());
        assert_eq!(prepare(&url).expect("ready"), format!("{url}?mode=rwc"));
        assert!(file.is_file());
        // Twice is fine: the file stays.
        assert_eq!(prepare(&url).expect("ready"), format!("{url}?mode=rwc"));
    }

    #[test]
    fn urls_that_say_how_to_open_are_left_alone() {
        for url in [
            "sqlite::memory:",
            "sqlite://x.db?mode=ro",
            "postgres://u:p@db/switchboard",
        ] {
            assert_eq!(prepare(url).expect("ready"), url);
        }
    }

    #[test]
    fn other_parameters_are_kept() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let file = dir.path().join("y.db");
        let url = format!("sqlite:{}?cache=shared", file.display());
        assert_eq!(prepare(&url).expect("ready"), format!("{url}&mode=rwc"));
    }

    #[test]
    fn a_directory_two_levels_missing_is_refused_naming_it() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let missing = dir.path().join("no").join("such");
        let url = format!("sqlite://{}/x.db", missing.display());
        let error = prepare(&url).expect_err("refused").to_string();
        assert!(error.contains(&missing.display().to_string()), "{error}");
        assert!(!missing.exists());
    }
}
