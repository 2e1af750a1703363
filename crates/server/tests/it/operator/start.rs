//! Starting on a plain SQLite path (issue 18): `sqlite://dir/file.db` without `?mode=rwc`
//! is created, with its directory when that directory's parent exists; a path that cannot
//! be used is one line naming it, and exit code 2; with no database named, `serve` uses
//! `./switchboard.db` and says so.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use reqwest::StatusCode;
use testkit::Database;

use super::{binary, http, start};

/// What one run of `migrate` with `database_url` said, and how it ended.
async fn migrate(database_url: &str) -> Output {
    tokio::process::Command::new(binary())
        .arg("--database-url")
        .arg(database_url)
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .output()
        .await
        .expect("the command runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_creates_a_plain_sqlite_file_and_its_directory() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("data").join("x.db");
    let url = format!("sqlite://{}", file.display());
    let server = start(Database::at(url), &[], &dir.path().join("server.log")).await;
    let health = http()
        .get(format!("{}/api/health", server.base()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(health.status(), StatusCode::OK);
    assert!(file.is_file());
}

#[tokio::test]
async fn an_unusable_path_is_one_line_naming_it_and_exit_code_2() {
    let dir = tempfile::tempdir().expect("a temp dir");
    // Two directories missing: only the last one is ever created.
    let missing = dir.path().join("no").join("such");
    let refused = migrate(&format!("sqlite://{}/x.db", missing.display())).await;
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    let lines: Vec<&str> = said.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{said}");
    assert!(lines[0].contains(&missing.display().to_string()), "{said}");

    // A file where a directory should be.
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a directory").expect("written");
    let refused = migrate(&format!("sqlite://{}/x.db", blocker.display())).await;
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains(&blocker.display().to_string()), "{said}");
    assert!(!said.contains("unable to open database file"), "{said}");
}

#[tokio::test]
async fn a_path_no_one_may_write_is_one_line_with_the_reason_and_exit_code_2() {
    // Even root cannot create a file in /proc.
    let refused = migrate("sqlite:///proc/switchboard-test.db").await;
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    let lines: Vec<&str> = said.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{said}");
    let line = lines[0];
    assert!(line.contains("/proc/switchboard-test.db"), "{said}");
    // The path, then why: `…: <the OS's reason>`.
    let reason = line
        .rsplit_once("/proc/switchboard-test.db")
        .map(|(_, after)| after)
        .unwrap_or_default();
    assert!(
        reason.contains(": ") && reason.len() > 4,
        "no reason: {said}"
    );
}

/// How long the server may take to say which database it uses.
const PATIENCE: Duration = Duration::from_secs(30);

/// The binary with `args`, run in `dir` with no database named.
fn without_a_database(dir: &Path, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(binary());
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .env_remove("LOG_FORMAT")
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn serve_without_a_database_uses_switchboard_db_here_and_says_so() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut server = without_a_database(dir.path(), &["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env_remove("JWT_SECRET")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let stderr = server.stderr.take().expect("its stderr");
    let mut lines = BufReader::new(stderr).lines();
    let said = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await.expect("stderr reads") {
            if line.contains("no database named") {
                return Some(line);
            }
        }
        None
    })
    .await
    .expect("said in time")
    .expect("the server says which database it uses");
    assert!(said.contains("using ./switchboard.db"), "{said}");
    let file = dir.path().join("switchboard.db");
    assert!(said.contains(&file.display().to_string()), "{said}");
    assert!(file.is_file(), "./switchboard.db was not created");
    server.kill().await.expect("stopped");

    // Any other command uses the same file.
    let migrated = without_a_database(dir.path(), &["migrate"])
        .output()
        .await
        .expect("migrate runs");
    assert!(migrated.status.success(), "{migrated:?}");
    let said = String::from_utf8_lossy(&migrated.stderr);
    assert!(said.contains("using ./switchboard.db"), "{said}");
    // Nothing but the database (and SQLite's files beside it): no `data/` any more.
    let written: Vec<String> = std::fs::read_dir(dir.path())
        .expect("listed")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        written
            .iter()
            .all(|name| name.starts_with("switchboard.db")),
        "{written:?}"
    );
}
