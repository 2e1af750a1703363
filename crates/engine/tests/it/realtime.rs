//! The live connection: events land in the cache and on the change stream; a restart of
//! the platform is survived without missing or doubling anything; an expiring token is
//! refreshed while connected; offline, each report says why in words, since when and when
//! the next attempt comes, and `retry_now` does not wait for it.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use engine::changes::Change;
use engine::Engine;
use protocol::ipc::ConnectionState;
use protocol::problem::ProblemKind;
use reqwest::Method;
use serde_json::json;
use tokio::sync::broadcast::Receiver;

use crate::support::{Home, Platform};

const PATIENCE: Duration = Duration::from_secs(30);

/// The next change that `wanted` accepts (others are skipped).
async fn until(changes: &mut Receiver<Change>, mut wanted: impl FnMut(&Change) -> bool) -> Change {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let change = changes.recv().await.expect("the stream is open");
            if wanted(&change) {
                return change;
            }
        }
    })
    .await
    .expect("the change came in time")
}

fn is_state(change: &Change, wanted: ConnectionState) -> bool {
    matches!(change, Change::Connection { state, .. } if *state == wanted)
}

/// Alice's engine, live, with a ticket of hers in the cache.
async fn alice_live(platform: &Platform, home: &Home) -> (Engine, Receiver<Change>, String) {
    let alice = platform.token("alice@acme.test").await;
    let ticket = platform
        .call(
            Method::POST,
            "/api/chat/channels",
            Some(&alice),
            Some(json!({"type": "SUPPORT", "subject": "Live", "initialMessage": "hi"})),
        )
        .await;
    let engine = home.signed_in("alice", platform, "alice@acme.test").await;
    let changes = engine.subscribe();
    (
        engine,
        changes,
        ticket["id"].as_str().expect("an id").to_owned(),
    )
}

async fn cached_contents(engine: &Engine, prefix: &'static str) -> HashMap<String, u32> {
    engine
        .cache()
        .read(move |conn| {
            let mut statement =
                conn.prepare("SELECT content FROM messages WHERE content LIKE ?1 || '%'")?;
            let mut counts = HashMap::new();
            for content in statement.query_map([prefix], |row| row.get::<_, String>(0))? {
                *counts.entry(content?).or_insert(0) += 1;
            }
            Ok(counts)
        })
        .await
        .expect("the cache")
}

#[tokio::test]
async fn live_messages_reach_the_cache_and_the_stream() {
    let platform = Platform::start().await;
    let home = Home::new();
    let (engine, mut changes, ticket) = alice_live(&platform, &home).await;
    let live = engine.connect().expect("connect");
    until(&mut changes, |c| is_state(c, ConnectionState::Online)).await;

    let admin = platform.token("admin@acme.test").await;
    platform.post_message(&admin, &ticket, "live reply").await;
    let change = until(
        &mut changes,
        |c| matches!(c, Change::Message { message } if message.content == "live reply"),
    )
    .await;
    let Change::Message { message } = change else {
        unreachable!()
    };
    assert_eq!(message.channel_id.to_string(), ticket);
    assert_eq!(
        cached_contents(&engine, "live reply")
            .await
            .get("live reply"),
        Some(&1)
    );
    let queue = engine.queue(Default::default()).await.expect("the queue");
    let channel = queue
        .iter()
        .find(|c| c.id.to_string() == ticket)
        .expect("the ticket");
    assert_eq!(channel.unread_count, 1, "someone else's message is unread");

    // A status change arrives as the channel's new state.
    platform
        .call(
            Method::PUT,
            &format!("/api/chat/channels/{ticket}/resolve"),
            Some(&admin),
            Some(json!({"resolution": "done"})),
        )
        .await;
    until(&mut changes, |c| matches!(c, Change::Channel { channel } if channel.id.to_string() == ticket && channel.status == protocol::ChannelStatus::Resolved)).await;
    live.stop().await;
}

#[tokio::test]
async fn after_the_platform_restarts_it_reconnects_and_misses_nothing() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let (engine, mut changes, ticket) = alice_live(&platform, &home).await;
    let live = engine.connect().expect("connect");
    until(&mut changes, |c| is_state(c, ConnectionState::Online)).await;

    platform.stop().await;
    until(&mut changes, |c| is_state(c, ConnectionState::Offline)).await;
    platform.restart().await;
    // Written while the engine is (most likely) still away: sync or the socket brings them.
    let admin = platform.token("admin@acme.test").await;
    for n in 0..20 {
        platform
            .post_message(&admin, &ticket, &format!("while away {n:02}"))
            .await;
    }
    until(&mut changes, |c| is_state(c, ConnectionState::Online)).await;
    // And after it is back, live.
    platform
        .post_message(&admin, &ticket, "while away: back")
        .await;
    until(
        &mut changes,
        |c| matches!(c, Change::Message { message } if message.content == "while away: back"),
    )
    .await;

    let counts = cached_contents(&engine, "while away").await;
    assert_eq!(counts.len(), 21, "{counts:?}");
    assert!(counts.values().all(|n| *n == 1), "each once: {counts:?}");
    live.stop().await;
}

#[tokio::test]
async fn offline_it_says_why_and_when_it_retries_and_retries_now_when_asked() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let (engine, mut changes, _ticket) = alice_live(&platform, &home).await;
    let live = engine.connect().expect("connect");
    until(&mut changes, |c| is_state(c, ConnectionState::Online)).await;

    platform.stop().await;
    let host = protocol::problem::host_of(&platform.base).expect("a host");
    // Waits grow with each failed attempt: wait for one that is a while away.
    let mut first_since = None;
    let (since, retry_at) = loop {
        let change = until(&mut changes, |c| is_state(c, ConnectionState::Offline)).await;
        let Change::Connection {
            outage: Some(outage),
            detail,
            ..
        } = change
        else {
            panic!("offline without an outage: {change:?}");
        };
        assert_eq!(outage.problem.kind, ProblemKind::Unreachable, "{outage:?}");
        assert_eq!(outage.problem.host.as_deref(), Some(host.as_str()));
        assert!(detail.is_some(), "the technical detail is kept");
        let retry_at = outage.retry_at.expect("when the next attempt comes");
        assert!(retry_at >= outage.since);
        assert_eq!(
            *first_since.get_or_insert(outage.since),
            outage.since,
            "the outage's start is kept across attempts"
        );
        if retry_at - Utc::now() > chrono::Duration::seconds(1) {
            break (outage.since, retry_at);
        }
    };
    live.retry_now();
    let again = until(&mut changes, |c| is_state(c, ConnectionState::Connecting)).await;
    assert!(
        Utc::now() < retry_at,
        "the attempt came only when it was due anyway"
    );
    match again {
        Change::Connection {
            outage: Some(outage),
            ..
        } => {
            assert_eq!(outage.since, since);
            assert_eq!(outage.retry_at, None, "being tried now");
        }
        other => panic!("reconnecting without the outage: {other:?}"),
    }

    platform.restart().await;
    live.retry_now();
    let online = until(&mut changes, |c| is_state(c, ConnectionState::Online)).await;
    assert!(
        matches!(online, Change::Connection { outage: None, .. }),
        "{online:?}"
    );
    live.stop().await;
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_while_connected() {
    let platform = Platform::start_with_token_ttl(Some(Duration::from_secs(3))).await;
    let home = Home::new();
    let (engine, mut changes, ticket) = alice_live(&platform, &home).await;
    let live = engine.connect().expect("connect");
    until(&mut changes, |c| is_state(c, ConnectionState::Online)).await;
    // The server ends the socket when the token expires; the engine refreshes and returns.
    until(&mut changes, |c| is_state(c, ConnectionState::Connecting)).await;
    let back = until(&mut changes, |c| matches!(c, Change::Connection { .. })).await;
    assert!(is_state(&back, ConnectionState::Online), "{back:?}");

    let admin = platform.token("admin@acme.test").await;
    platform
        .post_message(&admin, &ticket, "after the refresh")
        .await;
    until(
        &mut changes,
        |c| matches!(c, Change::Message { message } if message.content == "after the refresh"),
    )
    .await;
    live.stop().await;
}
