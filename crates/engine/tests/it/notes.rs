//! Agent workflow in the engine: an internal note written while the platform is down goes
//! out once, as a note, after a restart of both; ticket numbers are cached, survive a
//! restart of the engine, and `#N` finds exactly its ticket offline.

use engine::cache::channels::QueueFilter;
use engine::cache::outbox::OutboxState;
use engine::cache::search::Hit;
use engine::Error;
use protocol::{ChannelId, Message};
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::Row;

use crate::support::{Home, Platform};

/// Alice opens a ticket over REST; its id and number.
async fn ticket(platform: &Platform, alice: &str, subject: &str) -> (ChannelId, i64) {
    let channel = platform
        .call(
            Method::POST,
            "/api/chat/channels",
            Some(alice),
            Some(json!({"type": "SUPPORT", "subject": subject, "initialMessage": "Help"})),
        )
        .await;
    let id = channel["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("an id");
    let number = channel["ticket"]["number"].as_i64().expect("a number");
    assert!(number > 0, "{channel}");
    (id, number)
}

/// A channel's messages as the holder of `token` reads them over REST.
async fn messages(platform: &Platform, token: &str, channel: ChannelId) -> Vec<Message> {
    let page: Value = platform
        .call(
            Method::GET,
            &format!("/api/chat/channels/{channel}/messages?limit=100"),
            Some(token),
            None,
        )
        .await;
    serde_json::from_value(page).expect("messages")
}

#[tokio::test]
async fn a_note_written_offline_goes_out_once_as_a_note_after_both_restart() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let engine = home
        .signed_in("default", &platform, "admin@acme.test")
        .await;
    let alice = platform.token("alice@acme.test").await;
    let (channel, _) = ticket(&platform, &alice, "Refund for the finals").await;
    engine.sync().await.expect("the first sync");

    // A participant may not write one: refused before anything is queued.
    let participant = home.signed_in("alice", &platform, "alice@acme.test").await;
    participant.sync().await.expect("alice's sync");
    let refused = participant.send_note(channel, "not for me").await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    assert!(participant.outbox().await.expect("the outbox").is_empty());

    platform.stop().await;
    let note = "Refund approved by billing, tell her tomorrow";
    let sent = engine.send_note(channel, note).await.expect("queued");
    assert_eq!(sent.item.state, OutboxState::Queued, "{sent:?}");
    assert!(sent.message.is_none());
    // Why it waits, in words (the technical cause kept beside them).
    let problem = sent.item.problem.as_ref().expect("why it waits");
    assert_eq!(
        problem.sentence(),
        format!(
            "Can't reach the platform at {}",
            protocol::problem::host_of(&platform.base).expect("a host")
        )
    );
    assert!(sent.item.last_error.is_some(), "{sent:?}");
    drop(engine);

    platform.restart().await;
    let engine = home.engine("default");
    let (flushed, _) = engine.sync().await.expect("the sync after the restart");
    assert_eq!(flushed.sent, 1, "{flushed:?}");
    let (again, _) = engine.sync().await.expect("a second sync");
    assert_eq!(again.sent, 0, "{again:?}");

    // On the platform: once, as a note, with the outbox row's id.
    let database = platform.database().await;
    let rows = sqlx::query(
        "SELECT internal, client_message_id FROM messages WHERE channel_id = $1 AND content = $2",
    )
    .bind(channel.to_string())
    .bind(note)
    .fetch_all(&database)
    .await
    .expect("messages");
    assert_eq!(rows.len(), 1, "exactly once");
    assert_eq!(rows[0].get::<i64, _>(0), 1, "stored as a note");
    assert_eq!(rows[0].get::<String, _>(1), sent.item.id.to_string());

    // Agents read it as a note; the customer does not read it at all.
    let admin = platform.token("admin@acme.test").await;
    let agents = messages(&platform, &admin, channel).await;
    assert!(
        agents.iter().any(|m| m.content == note && m.internal),
        "{agents:?}"
    );
    let customers = messages(&platform, &alice, channel).await;
    assert!(customers.iter().all(|m| m.content != note && !m.internal));

    // The agent's cache holds it as a note, across a restart of the engine.
    drop(engine);
    let engine = home.engine("default");
    let (_, cached) = engine.channel(channel, 50).await.expect("cached");
    assert!(
        cached.iter().any(|m| m.content == note && m.internal),
        "{cached:?}"
    );
}

#[tokio::test]
async fn ticket_numbers_survive_a_restart_and_hash_n_finds_exactly_that_ticket_offline() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let engine = home
        .signed_in("default", &platform, "admin@acme.test")
        .await;
    let alice = platform.token("alice@acme.test").await;
    let (first, one) = ticket(&platform, &alice, "Timer froze").await;
    let (second, two) = ticket(&platform, &alice, "Certificate missing").await;
    assert_ne!(one, two);
    // A message that mentions the first number is not what `#N` finds.
    platform
        .post_message(&alice, &second.to_string(), &format!("same as {one}?"))
        .await;
    engine.sync().await.expect("sync");
    drop(engine);
    platform.stop().await;

    let engine = home.engine("default");
    for (id, number) in [(first, one), (second, two)] {
        let (channel, _) = engine.channel(id, 1).await.expect("cached");
        assert_eq!(channel.ticket.map(|t| t.number), Some(number));

        let hits = engine
            .search(&format!("#{number}"), 20)
            .await
            .expect("search");
        let found: Vec<(ChannelId, Option<i64>)> = hits
            .iter()
            .map(|hit| match hit {
                Hit::Channel { channel } => (channel.id, channel.ticket.as_ref().map(|t| t.number)),
                Hit::Message { message } => panic!("a message for #{number}: {message:?}"),
            })
            .collect();
        assert_eq!(found, vec![(id, Some(number))]);

        let filter = QueueFilter {
            number: Some(number),
            ..QueueFilter::default()
        };
        let queue = engine.queue(filter).await.expect("the queue");
        assert_eq!(queue.iter().map(|c| c.id).collect::<Vec<_>>(), vec![id]);
        let named = engine.find_channel(&format!("#{number}")).await;
        assert_eq!(named.ok(), Some(id));
    }
    let unknown = one.max(two) + 1000;
    let none = engine
        .search(&format!("#{unknown}"), 20)
        .await
        .expect("search");
    assert!(none.is_empty(), "{none:?}");
    // Without the `#`, the number is words: the message that mentions it.
    let words = engine.search(&one.to_string(), 20).await.expect("search");
    assert!(
        words
            .iter()
            .any(|hit| matches!(hit, Hit::Message { message } if message.channel_id == second)),
        "{words:?}"
    );
}
