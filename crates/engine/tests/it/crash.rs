//! A kill -9 of the platform in the middle of an outbox flush loses nothing and duplicates
//! nothing: the server runs as its own process (the `switchboard-server` binary), is killed
//! while the engine is delivering, and started again on the same port and database.

use engine::cache::outbox::OutboxState;
use protocol::Secret;
use sqlx::Row;
use testkit::{sibling_binary, Database, ServerCommand, ServerProcess};

use crate::support::Home;

const SECRET: &str = "a crash test secret that is long enough";

/// The `switchboard-server` binary (built beside this test by `cargo test --workspace`) with
/// the demo data over a fresh SQLite file, on a free port.
async fn start_server() -> ServerProcess {
    let binary = sibling_binary(
        "switchboard-server",
        "build it with `cargo build -p switchboard-server` (cargo xtask test does)",
    )
    .expect("the server binary");
    ServerCommand::new(binary, Database::sqlite())
        .demo()
        .env("JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .spawn()
        .await
        .expect("the server starts")
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
    let mut server = start_server().await;
    let base = server.base();
    let database = server.database().url().to_owned();

    let home = Home::new();
    let mut engine = home.engine("crash");
    engine
        .login(&base, "alice@acme.test", Secret::new("switchboard"), None)
        .await
        .expect("sign in");
    engine.sync().await.expect("sync");
    let channel = engine.queue(Default::default()).await.expect("queue")[0].id;

    // Queue 300 while the server is down, so the flush below has them all to send.
    // SIGKILL: no shutdown, no flush, mid-request.
    server.stop().expect("kill -9");
    for n in 0..300 {
        engine
            .send(channel, &format!("crash note {n:03}"))
            .await
            .expect("queued");
    }
    server.restart().await.expect("the server starts again");
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
    server.stop().expect("kill -9");
    let interrupted = flushing.await.expect("the flush task");
    assert!(
        interrupted.is_err(),
        "the flush saw the platform go: {interrupted:?}"
    );
    let landed = delivered(&db).await;
    assert!((50..300).contains(&landed), "killed mid-flush: {landed}");

    // Back up: the rest arrives; nothing twice, all in order.
    server.restart().await.expect("the server starts again");
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
