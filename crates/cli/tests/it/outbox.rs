//! The outbox through the CLI: work written while the platform is down survives a restart
//! of the client (a new `switchboard-cli` process picks it up) and arrives exactly once, in
//! order, when the platform is back.

use std::collections::BTreeSet;

use engine::cache::outbox::OutboxState;
use sqlx::Row;

use crate::support::{cli, queued_offline, Home, Platform};

#[tokio::test]
async fn five_hundred_messages_written_offline_arrive_once_and_in_order_after_a_restart() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let (engine, channel) = queued_offline(&mut platform, &home, 500, |n| {
        format!("offline note {n:03}")
    })
    .await;
    let queued = engine.outbox().await.expect("the outbox");
    assert_eq!(
        queued
            .iter()
            .filter(|i| i.state == OutboxState::Queued)
            .count(),
        500
    );
    // The client goes away; a new process picks the outbox up.
    drop(engine);

    let (code, _, stderr) = cli(&home, &["sync"]).await;
    assert_eq!(code, 3, "still offline: {stderr}");

    platform.restart().await;
    let (code, stdout, stderr) = cli(&home, &["sync"]).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("sent 500 queued item(s)"), "{stdout}");

    // Exactly once, in order, on the platform.
    let database = platform.database().await;
    let rows = sqlx::query("SELECT content, seq, client_message_id FROM messages WHERE channel_id = $1 AND content LIKE 'offline note %' ORDER BY seq")
        .bind(channel.to_string())
        .fetch_all(&database)
        .await
        .expect("messages");
    let contents: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
    let expected: Vec<String> = (0..500).map(|n| format!("offline note {n:03}")).collect();
    assert_eq!(contents, expected);
    let client_ids: BTreeSet<String> = rows.iter().map(|r| r.get::<String, _>(2)).collect();
    assert_eq!(client_ids.len(), 500);

    // A second sync sends nothing again.
    let (code, stdout, _) = cli(&home, &["sync"]).await;
    assert_eq!(code, 0);
    assert!(stdout.contains("sent 0 queued item(s)"), "{stdout}");
    let engine = home.engine("default");
    let items = engine.outbox().await.expect("the outbox");
    assert!(
        items.iter().all(|i| i.state == OutboxState::Sent),
        "{items:?}"
    );
}
