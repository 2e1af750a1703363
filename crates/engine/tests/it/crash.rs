//! A kill -9 of the platform in the middle of an outbox flush loses nothing and duplicates
//! nothing: the server runs as its own process (the `switchboard-server` binary), is killed
//! while the engine is delivering, and started again on the same port and database.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use engine::cache::outbox::OutboxState;
use protocol::Secret;
use sqlx::Row;

use crate::support::Home;

const SECRET: &str = "a crash test secret that is long enough";

/// The server binary `cargo test --workspace` builds beside this test.
fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let binary = dir.join("switchboard-server");
    assert!(
        binary.is_file(),
        "{} is missing: build it with `cargo build -p switchboard-server` (cargo xtask test does)",
        binary.display()
    );
    binary
}

struct ServerProcess {
    child: tokio::process::Child,
}

impl ServerProcess {
    async fn start(database: &str, port: u16) -> Self {
        let child = tokio::process::Command::new(server_binary())
            .args([
                "serve",
                "--demo",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--database-url",
                database,
            ])
            .env("JWT_SECRET", SECRET)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the server starts");
        let http = reqwest::Client::new();
        // Wait for it to answer (it migrates and seeds first).
        for _ in 0..600 {
            if let Ok(response) = http
                .get(format!("http://127.0.0.1:{port}/api/health"))
                .send()
                .await
            {
                if response.status().is_success() {
                    return Self { child };
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not answer within 30 s");
    }

    /// SIGKILL: no shutdown, no flush, mid-request.
    async fn kill_9(mut self) {
        self.child.start_kill().expect("kill");
        let _ = self.child.wait().await;
    }
}

async fn delivered(database: &sqlx::AnyPool) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM messages WHERE content LIKE 'crash note %'")
        .fetch_one(database)
        .await
        .expect("a count")
        .get(0)
}

#[tokio::test]
async fn killing_the_platform_mid_flush_loses_and_duplicates_nothing() {
    let data = tempfile::tempdir().expect("a temp dir");
    let database = format!(
        "sqlite://{}?mode=rwc",
        data.path().join("platform.db").display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let server = ServerProcess::start(&database, port).await;

    let home = Home::new();
    let mut engine = home.engine("crash");
    engine
        .login(&base, "alice@acme.test", Secret::new("switchboard"), None)
        .await
        .expect("sign in");
    engine.sync().await.expect("sync");
    let channel = engine.queue(Default::default()).await.expect("queue")[0].id;

    // Queue 300 while the server is down, so the flush below has them all to send.
    server.kill_9().await;
    for n in 0..300 {
        engine
            .send(channel, &format!("crash note {n:03}"))
            .await
            .expect("queued");
    }
    let server = ServerProcess::start(&database, port).await;
    sqlx::any::install_default_drivers();
    let db = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&database)
        .await
        .expect("the database");

    // Flush in the background; kill the server once part of it has landed.
    let engine = std::sync::Arc::new(engine);
    let flushing = {
        let engine = engine.clone();
        tokio::spawn(async move { engine.sync().await })
    };
    while delivered(&db).await < 50 {
        tokio::task::yield_now().await;
    }
    server.kill_9().await;
    let interrupted = flushing.await.expect("the flush task");
    assert!(
        interrupted.is_err(),
        "the flush saw the platform go: {interrupted:?}"
    );
    let landed = delivered(&db).await;
    assert!((50..300).contains(&landed), "killed mid-flush: {landed}");

    // Back up: the rest arrives; nothing twice, all in order.
    let _server = ServerProcess::start(&database, port).await;
    engine.sync().await.expect("the second flush");
    let rows =
        sqlx::query("SELECT content FROM messages WHERE content LIKE 'crash note %' ORDER BY seq")
            .fetch_all(&db)
            .await
            .expect("messages");
    let contents: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
    let expected: Vec<String> = (0..300).map(|n| format!("crash note {n:03}")).collect();
    assert_eq!(contents, expected);
    let items = engine.outbox().await.expect("the outbox");
    assert!(
        items.iter().all(|i| i.state == OutboxState::Sent),
        "{items:?}"
    );
}
