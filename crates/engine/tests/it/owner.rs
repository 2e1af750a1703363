//! The outbox's one owner: however many callers wake it at once — sends, syncs, bare
//! wake-ups, the live connection's catch-up — a queued action is applied on the platform
//! exactly once and every message arrives exactly once.
//!
//! Were two flushes to run at once, both would take the queued assignment (it stays
//! pending while `sending`), both would find the channel still as expected, and both would
//! assign: two SYSTEM messages and two audit rows. Messages alone would not show it (the
//! platform deduplicates them by `clientMessageId`); the action does.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use engine::cache::channels::QueueFilter;
use engine::cache::outbox::OutboxState;
use engine::changes::Change;
use protocol::ipc::ConnectionState;
use protocol::{ChannelAction, ChannelStatus, ChannelType};
use sqlx::{AnyPool, Row};
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinSet;

use crate::support::{Home, Platform};

/// The longest any step may take.
const PATIENCE: Duration = Duration::from_secs(60);
/// Callers that wake the owner at once.
const CALLERS: usize = 48;
/// Messages queued offline before and after the action.
const BEFORE: usize = 2;
const AFTER: usize = 6;

/// The platform's count for `sql`, bound to the channel's id.
async fn count(database: &AnyPool, sql: &str, channel: &str) -> i64 {
    sqlx::query(sql)
        .bind(channel)
        .fetch_one(database)
        .await
        .expect("a count")
        .get(0)
}

const ASSIGN_AUDITS: &str =
    "SELECT COUNT(*) FROM audit_log WHERE action = 'channel.assign' AND channel_id = $1";
const SYSTEM_MESSAGES: &str =
    "SELECT COUNT(*) FROM messages WHERE sender_type = 'SYSTEM' AND channel_id = $1";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wake_ups_apply_a_queued_action_once_and_deliver_every_message_once() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let engine = home
        .signed_in("default", &platform, "admin@acme.test")
        .await;
    engine.sync().await.expect("the first sync");
    let ticket = engine
        .queue(QueueFilter {
            status: Some(ChannelStatus::Active),
            ..QueueFilter::default()
        })
        .await
        .expect("the queue")
        .into_iter()
        .find(|c| c.channel_type == ChannelType::Support)
        .expect("an active ticket");
    let channel = ticket.id;
    let member = engine
        .users(None)
        .await
        .expect("acme's people")
        .into_iter()
        .find(|u| Some(u.id) != ticket.assigned_to && u.email != "admin@acme.test")
        .expect("someone to assign it to")
        .id;
    let database = platform.database().await;
    let id = channel.to_string();
    let audits_before = count(&database, ASSIGN_AUDITS, &id).await;
    let system_before = count(&database, SYSTEM_MESSAGES, &id).await;

    // Offline: messages, the assignment, more messages, all queued.
    platform.stop().await;
    let mut offline = Vec::new();
    for n in 0..BEFORE + AFTER {
        if n == BEFORE {
            let sent = engine
                .act(channel, ChannelAction::Assign { member })
                .await
                .expect("the assignment is queued");
            assert_eq!(sent.item.state, OutboxState::Queued, "{:?}", sent.item);
        }
        let content = format!("owner note {n:02}");
        let sent = engine.send(channel, &content).await.expect("queued");
        assert_eq!(sent.item.state, OutboxState::Queued, "{:?}", sent.item);
        offline.push(content);
    }

    // Back up: everyone wakes the owner at once.
    platform.restart().await;
    let engine = Arc::new(engine);
    let owner = engine.outbox_handle().expect("the outbox's owner");
    let mut changes = engine.subscribe();
    let live = engine.connect().expect("the live connection");
    let mut callers = JoinSet::new();
    let mut live_messages = Vec::new();
    for n in 0..CALLERS {
        let engine = engine.clone();
        let owner = owner.clone();
        match n % 4 {
            0 => {
                callers.spawn(async move { engine.sync().await.map(|_| ()) });
            }
            1 => {
                callers.spawn(async move {
                    let ticket = owner.wake();
                    owner.drained(ticket).await.map(|_| ())
                });
            }
            2 => {
                owner.wake();
            }
            _ => {
                let content = format!("owner live {n:02}");
                live_messages.push(content.clone());
                callers.spawn(async move {
                    let sent = engine.send(channel, &content).await?;
                    assert_eq!(sent.item.state, OutboxState::Sent, "{:?}", sent.item);
                    Ok(())
                });
            }
        }
    }
    tokio::time::timeout(PATIENCE, async {
        while let Some(joined) = callers.join_next().await {
            joined.expect("a caller").expect("the caller's drain");
        }
        // The live connection drains on connecting too.
        loop {
            match changes.recv().await {
                Ok(Change::Connection {
                    state: ConnectionState::Online,
                    ..
                }) => break,
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => panic!("the change stream closed"),
            }
        }
    })
    .await
    .expect("every caller finished in time");
    live.stop().await;
    // A last drain, after every wake-up above: nothing is left to send.
    let last = tokio::time::timeout(PATIENCE, owner.drain())
        .await
        .expect("the last drain in time")
        .expect("the last drain");
    assert_eq!(
        last.sent + last.remaining + last.failed + last.needs_review,
        0
    );

    let items = engine.outbox().await.expect("the outbox");
    assert!(
        items.iter().all(|i| i.state == OutboxState::Sent),
        "{items:?}"
    );

    // The assignment, exactly once.
    assert_eq!(
        count(&database, ASSIGN_AUDITS, &id).await - audits_before,
        1,
        "one audit row for the assignment"
    );
    assert_eq!(
        count(&database, SYSTEM_MESSAGES, &id).await - system_before,
        1,
        "one SYSTEM message for the assignment"
    );
    let assignee: Option<String> = sqlx::query("SELECT assigned_to FROM channels WHERE id = $1")
        .bind(&id)
        .fetch_one(&database)
        .await
        .expect("the channel")
        .get(0);
    assert_eq!(assignee, Some(member.to_string()));

    // Every message, exactly once; those queued offline in the order they were written.
    let rows = sqlx::query(
        "SELECT content FROM messages WHERE channel_id = $1 AND content LIKE 'owner %' ORDER BY seq",
    )
    .bind(&id)
    .fetch_all(&database)
    .await
    .expect("messages");
    let contents: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
    let mut times: BTreeMap<&str, usize> = BTreeMap::new();
    for content in &contents {
        *times.entry(content.as_str()).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = offline
        .iter()
        .chain(&live_messages)
        .map(|c| (c.as_str(), 1))
        .collect();
    assert_eq!(times, expected);
    let in_order: Vec<&String> = contents
        .iter()
        .filter(|c| c.starts_with("owner note"))
        .collect();
    assert_eq!(in_order, offline.iter().collect::<Vec<_>>());
}
