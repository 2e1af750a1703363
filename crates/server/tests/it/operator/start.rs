//! Starting on a plain SQLite path (issue 18): `sqlite://dir/file.db` without `?mode=rwc`
//! is created, with its directory when that directory's parent exists; a path that cannot
//! be used is one line naming it, and exit code 2.

use std::process::Output;

use reqwest::StatusCode;
use testkit::Database;

use super::{binary, http, start};

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
