//! The audience rule on every read path: a message meant for agents only (an internal
//! note, written here straight into the database, as the contract's notes will be stored)
//! never reaches a non-agent through message pages, `lastMessage`, `unreadCount` or sync,
//! while agents read it everywhere.

use protocol::{Channel, Message};
use reqwest::{Method, StatusCode};
use serde_json::json;
use sqlx::Row;

use crate::on_both_databases;
use crate::support::TestServer;

/// Writes a message for agents only into `channel`, as the store's writer does: the next
/// change number, the channel's next seq, and the row with `internal = 1`.
async fn write_agents_only(server: &TestServer, channel: &Channel, sender: &str, text: &str) {
    let mut tx = server.db.begin().await.expect("a transaction");
    let change: i64 =
        sqlx::query("UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value")
            .fetch_one(&mut *tx)
            .await
            .expect("a change number")
            .try_get(0)
            .expect("a number");
    let seq: i64 = sqlx::query(
        "UPDATE channels SET last_seq = last_seq + 1, change_seq = $1 WHERE id = $2 RETURNING last_seq",
    )
    .bind(change)
    .bind(channel.id.to_string())
    .fetch_one(&mut *tx)
    .await
    .expect("the channel")
    .try_get(0)
    .expect("a seq");
    sqlx::query(
        "INSERT INTO messages (id, channel_id, tenant_id, seq, sender_id, sender_type, content, \
         created_at, change_seq, internal) VALUES ($1, $2, $3, $4, $5, 'TENANT_ADMIN', $6, $7, $8, 1)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(channel.id.to_string())
    .bind(channel.tenant_id.to_string())
    .bind(seq)
    .bind(sender.to_owned())
    .bind(text.to_owned())
    .bind(chrono::Utc::now().timestamp_micros())
    .bind(change)
    .execute(&mut *tx)
    .await
    .expect("the note");
    tx.commit().await.expect("commit");
}

fn contents(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.content.as_str()).collect()
}

on_both_databases! {
    async fn agents_only_messages_reach_agents_on_every_read_path(db: Db) {
        let server = TestServer::start(db).await;
        let alice = server.login("alice@acme.test").await;
        let admin = server.login("admin@acme.test").await;
        let ticket = server
            .open_channel(&alice, json!({"type": "SUPPORT", "subject": "Notes", "initialMessage": "Help"}))
            .await;
        let reply = server
            .call(
                Method::POST,
                &format!("/api/chat/channels/{}/messages", ticket.id),
                Some(&admin.token),
                Some(json!({"content": "On it"})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        let admin_id = server.user_id("admin@acme.test").await;
        write_agents_only(&server, &ticket, &admin_id, "Customer seems upset").await;

        let page = format!("/api/chat/channels/{}/messages", ticket.id);
        let one = format!("/api/chat/channels/{}", ticket.id);

        // Alice, a participant: the note is nowhere.
        let alices: Vec<Message> = server.get(&alice, &page).await;
        assert_eq!(contents(&alices), ["Help", "On it"]);
        let seen: Channel = server.get(&alice, &one).await;
        assert_eq!(seen.last_message.as_ref().map(|m| m.content.as_str()), Some("On it"));
        assert_eq!(seen.unread_count, 1, "the admin's reply only");
        let queue: Vec<Channel> = server.get(&alice, "/api/chat/channels").await;
        let row = queue.iter().find(|c| c.id == ticket.id).expect("the ticket in alice's queue");
        assert_eq!(row.last_message.as_ref().map(|m| m.content.as_str()), Some("On it"));
        assert_eq!(row.unread_count, 1);
        let synced: protocol::rest::SyncResponse = server.get(&alice, "/api/chat/sync?limit=500").await;
        assert!(
            synced.messages.iter().all(|m| m.content != "Customer seems upset"),
            "{:?}",
            contents(&synced.messages)
        );
        let synced_channel = synced.channels.iter().find(|c| c.id == ticket.id).expect("synced");
        assert_eq!(synced_channel.last_message.as_ref().map(|m| m.content.as_str()), Some("On it"));

        // The admin, an agent: the note everywhere.
        let admins: Vec<Message> = server.get(&admin, &page).await;
        assert_eq!(contents(&admins), ["Help", "On it", "Customer seems upset"]);
        let seen: Channel = server.get(&admin, &one).await;
        assert_eq!(
            seen.last_message.as_ref().map(|m| m.content.as_str()),
            Some("Customer seems upset")
        );
        let synced: protocol::rest::SyncResponse = server.get(&admin, "/api/chat/sync?limit=500").await;
        assert!(synced.messages.iter().any(|m| m.content == "Customer seems upset"));
    }
}
