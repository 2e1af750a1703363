//! `switchboard-server backup <file>` while the platform takes writes: the copy passes
//! SQLite's check and holds every message acknowledged before the backup began; a second
//! backup to the same file is refused and leaves it alone; PostgreSQL is sent to pg_dump.

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Row};
use testkit::Database;

use super::{binary, first_channel, http, login, send, start, token};

async fn backup(database_url: &str, file: &Path) -> Output {
    tokio::process::Command::new(binary())
        .arg("--database-url")
        .arg(database_url)
        .arg("backup")
        .arg(file)
        .env_remove("DATABASE_URL")
        .output()
        .await
        .expect("the backup command runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_holds_every_acknowledged_message() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let database = Database::sqlite_at(&dir.path().join("platform.db"));
    let url = database.url().to_owned();
    let server = start(
        database,
        &[("RUST_LOG", "warn")],
        &dir.path().join("server.log"),
    )
    .await;
    let base = server.base();
    let http = http();
    let admin = login(&http, &base, "admin@acme.test").await;
    let token = token(&admin);
    let channel = first_channel(&http, &base, &token).await;

    // Four writers post until told to stop, keeping the ids the platform acknowledged.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let answer = send(&http, &base, &token, channel, &format!("w{writer} #{n}"))
                    .await
                    .expect("an answer");
                assert_eq!(answer.status(), StatusCode::CREATED);
                let message: Value = answer.json().await.expect("a message");
                let id = message["id"].as_str().expect("an id").to_owned();
                acknowledged.lock().expect("the list").push(id);
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().expect("the list").len() < 100 {
        assert!(Instant::now() < deadline, "the writers are stuck");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let before: Vec<String> = acknowledged.lock().expect("the list").clone();
    let copy = dir.path().join("copy.db");
    let made = backup(&url, &copy).await;
    let during = acknowledged.lock().expect("the list").len() - before.len();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.expect("a writer ends well");
    }
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(said.contains("backed up to"), "{said}");
    eprintln!("{said}({during} more acknowledged while it ran)");

    let mut conn = SqliteConnectOptions::new()
        .filename(&copy)
        .read_only(true)
        .connect()
        .await
        .expect("the copy opens");
    let check: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .expect("a check")
        .get(0);
    assert_eq!(check, "ok");
    let mut missing = Vec::new();
    for id in &before {
        let found: i64 = sqlx::query("SELECT COUNT(*) FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .expect("a count")
            .get(0);
        if found != 1 {
            missing.push(id.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged messages are missing from the copy",
        missing.len(),
        before.len()
    );

    // A second backup to the same file is refused and leaves the first alone.
    let size = std::fs::metadata(&copy).expect("the copy").len();
    let again = backup(&url, &copy).await;
    assert_eq!(again.status.code(), Some(1));
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("already exists"), "{said}");
    assert_eq!(std::fs::metadata(&copy).expect("the copy").len(), size);
}

#[tokio::test]
async fn postgresql_is_sent_to_pg_dump() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("copy.db");
    let refused = backup("postgres://nobody:secret@127.0.0.1:1/none", &file).await;
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("pg_dump"), "{said}");
    assert!(!said.contains("secret"), "{said}");
    assert!(!file.exists());
}
