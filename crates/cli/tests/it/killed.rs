//! `switchboard-cli` killed with SIGKILL in the middle of delivering its outbox: the next
//! run delivers the rest, and every queued message arrives exactly once, in order.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

use engine::cache::outbox::OutboxState;
use sqlx::Row;

use crate::support::{cli, cli_command, queued_offline, Home, Platform};

const QUEUED: usize = 500;
/// Delivered before the kill: enough to be well inside the delivery.
const KILL_AFTER: i64 = 100;

async fn delivered(database: &sqlx::AnyPool) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM messages WHERE content LIKE 'killed note %'")
        .fetch_one(database)
        .await
        .expect("a count")
        .get(0)
}

#[tokio::test]
async fn a_cli_killed_mid_delivery_loses_and_duplicates_nothing() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let (engine, channel) = queued_offline(&mut platform, &home, QUEUED, |n| {
        format!("killed note {n:04}")
    })
    .await;
    drop(engine);
    platform.restart().await;
    let database = platform.database().await;

    // Deliver in a process of its own, and kill it -9 once part of it has landed.
    let mut run = cli_command(&home, &["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the CLI starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while delivered(&database).await < KILL_AFTER {
        assert!(
            run.try_wait().expect("the CLI's status").is_none(),
            "the CLI finished before it could be killed"
        );
        assert!(Instant::now() < deadline, "the CLI delivers nothing");
        tokio::task::yield_now().await;
    }
    run.start_kill().expect("kill -9");
    run.wait().await.expect("the CLI ends");
    let landed = delivered(&database).await;
    assert!(
        (KILL_AFTER..QUEUED as i64).contains(&landed),
        "killed mid-delivery: {landed} of {QUEUED} landed"
    );

    // The next run delivers the rest: every message once, in the order written.
    let (code, stdout, stderr) = cli(&home, &["sync"]).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    let rows = sqlx::query(
        "SELECT content, client_message_id FROM messages \
         WHERE channel_id = $1 AND content LIKE 'killed note %' ORDER BY seq",
    )
    .bind(channel.to_string())
    .fetch_all(&database)
    .await
    .expect("messages");
    let contents: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
    let expected: Vec<String> = (0..QUEUED).map(|n| format!("killed note {n:04}")).collect();
    assert_eq!(contents, expected, "each once, in order");
    let client_ids: BTreeSet<String> = rows.iter().map(|r| r.get::<String, _>(1)).collect();
    assert_eq!(client_ids.len(), QUEUED);
    println!("CLI killed after {landed} of {QUEUED} delivered: 0 lost, 0 duplicated");
    let items = home.engine("default").outbox().await.expect("the outbox");
    assert!(
        items.iter().all(|i| i.state == OutboxState::Sent),
        "{items:?}"
    );
}
