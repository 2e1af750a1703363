//! The conformance suite: the platform's behaviour over real HTTP, on SQLite and PostgreSQL.

use std::collections::HashSet;

use protocol::rest::SyncResponse;
use protocol::{Channel, ChannelStatus, ChannelType, Message};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_databases;
use crate::support::{Session, TestServer};

async fn new_ticket(server: &TestServer, who: &Session, subject: &str) -> Channel {
    let body = json!({"type": "SUPPORT", "subject": subject, "category": "BILLING",
                      "priority": "HIGH", "initialMessage": "Hello, I need help."});
    server.open_channel(who, body).await
}

async fn post(
    server: &TestServer,
    who: &Session,
    channel: &Channel,
    text: &str,
    client_id: Option<&str>,
) -> (StatusCode, Message) {
    let mut body = json!({"content": text});
    if let Some(id) = client_id {
        body["clientMessageId"] = json!(id);
    }
    let answer = server
        .call(
            Method::POST,
            &format!("/api/chat/channels/{}/messages", channel.id),
            Some(&who.token),
            Some(body),
        )
        .await;
    assert!(answer.status.is_success(), "{:?}", answer.body);
    (
        answer.status,
        serde_json::from_value(answer.body).expect("a message"),
    )
}

async fn get_channel(server: &TestServer, who: &Session, id: impl std::fmt::Display) -> Channel {
    let answer = server
        .call(
            Method::GET,
            &format!("/api/chat/channels/{id}"),
            Some(&who.token),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    serde_json::from_value(answer.body).expect("a channel")
}

async fn sync_all(
    server: &TestServer,
    who: &Session,
    since: Option<&str>,
) -> (String, Vec<Channel>, Vec<Message>) {
    let mut cursor = since.map(str::to_owned);
    let mut channels = Vec::new();
    let mut messages = Vec::new();
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/chat/sync?since={c}&limit=7"),
            None => "/api/chat/sync?limit=7".to_owned(),
        };
        let answer = server
            .call(Method::GET, &path, Some(&who.token), None)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        let batch: SyncResponse = serde_json::from_value(answer.body).expect("a sync answer");
        channels.extend(batch.channels);
        messages.extend(batch.messages);
        cursor = Some(batch.cursor);
        if !batch.has_more {
            break;
        }
    }
    (cursor.unwrap_or_default(), channels, messages)
}

on_both_databases! {
    async fn a_support_ticket_opens_with_its_ticket_and_first_message(db: Db) {
        let server = TestServer::start(db).await;
        let alice = server.login("alice@acme.test").await;
        let channel = new_ticket(&server, &alice, "Refund please").await;
        let ticket = channel.ticket.as_ref().expect("a ticket");
        assert_eq!(ticket.subject, "Refund please");
        assert_eq!(ticket.priority, protocol::TicketPriority::High);
        assert_eq!(channel.last_message.as_ref().map(|m| m.content.as_str()), Some("Hello, I need help."));
        assert_eq!(channel.participants.len(), 1);
    }

    async fn sending_twice_with_one_client_id_stores_one_message(db: Db) {
        let server = TestServer::start(db).await;
        let alice = server.login("alice@acme.test").await;
        let channel = new_ticket(&server, &alice, "Idempotency").await;
        let before = server.count("messages").await;
        let (first_status, first) = post(&server, &alice, &channel, "only once", Some("client-1")).await;
        let (second_status, second) = post(&server, &alice, &channel, "only once", Some("client-1")).await;
        assert_eq!(first_status, StatusCode::CREATED);
        assert_eq!(second_status, StatusCode::OK);
        assert_eq!(first.id, second.id);
        assert_eq!(server.count("messages").await, before + 1);
        // Another sender may use the same client id: it is unique per sender.
        let admin = server.login("admin@acme.test").await;
        let (status, other) = post(&server, &admin, &channel, "mine", Some("client-1")).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_ne!(other.id, first.id);
    }

    async fn read_markers_never_move_backwards_and_unread_counts_follow(db: Db) {
        let server = TestServer::start(db).await;
        let alice = server.login("alice@acme.test").await;
        let admin = server.login("admin@acme.test").await;
        let channel = new_ticket(&server, &alice, "Unread").await;
        for n in 0..3 {
            post(&server, &alice, &channel, &format!("message {n}"), None).await;
        }
        let seen = get_channel(&server, &admin, channel.id).await;
        assert_eq!(seen.unread_count, 4, "the opening message and three more");
        assert_eq!(get_channel(&server, &alice, channel.id).await.unread_count, 0, "own messages are read");
        let read_path = format!("/api/chat/channels/{}/read", channel.id);
        let read = |seq: i64| server.call(Method::PUT, &read_path, Some(&admin.token), Some(json!({"seq": seq})));
        assert_eq!(read(3).await.status, StatusCode::NO_CONTENT);
        assert_eq!(get_channel(&server, &admin, channel.id).await.unread_count, 1);
        assert_eq!(read(1).await.status, StatusCode::NO_CONTENT);
        assert_eq!(get_channel(&server, &admin, channel.id).await.unread_count, 1, "the marker did not go back");
        assert_eq!(read(999).await.status, StatusCode::NO_CONTENT);
        assert_eq!(get_channel(&server, &admin, channel.id).await.unread_count, 0);
        let marker: i64 = {
            use sqlx::Row;
            sqlx::query("SELECT last_read_seq FROM read_markers WHERE channel_id = $1 AND user_id = $2")
                .bind(channel.id.to_string())
                .bind(admin.login.user.id.to_string())
                .fetch_one(&server.db).await.expect("a marker").try_get(0).expect("a seq")
        };
        assert_eq!(marker, 4, "clamped to the newest message");
    }

    async fn sync_returns_exactly_what_changed(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let alice = server.login("alice@acme.test").await;
        let (cursor, channels, _) = sync_all(&server, &admin, None).await;
        let queue = server.queue(&admin).await;
        let synced: HashSet<_> = channels.iter().map(|c| c.id).collect();
        let listed: HashSet<_> = queue.iter().map(|c| c.id).collect();
        assert_eq!(synced, listed, "a full sync holds exactly the visible channels");

        let ticket = new_ticket(&server, &alice, "After the cursor").await;
        post(&server, &alice, &ticket, "second", None).await;
        let resolved = server
            .call(Method::PUT, &format!("/api/chat/channels/{}/resolve", queue[0].id), Some(&admin.token), Some(json!({"resolution": "done"})))
            .await;
        assert_eq!(resolved.status, StatusCode::OK, "{:?}", resolved.body);

        let (_, channels, messages) = sync_all(&server, &admin, Some(&cursor)).await;
        let changed: HashSet<_> = channels.iter().map(|c| c.id).collect();
        assert_eq!(changed, HashSet::from([ticket.id, queue[0].id]));
        let texts: Vec<_> = messages.iter().map(|m| m.content.as_str()).collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert!(texts.contains(&"Hello, I need help.") && texts.contains(&"second"));
        assert!(messages.iter().any(|m| m.sender_type == protocol::SenderType::System));
        let resolved_now = channels.iter().find(|c| c.id == queue[0].id).expect("the resolved one");
        assert_eq!(resolved_now.status, ChannelStatus::Resolved);

        // Alice sees only her own: a participant's sync never holds others' channels.
        let (_, hers, _) = sync_all(&server, &alice, None).await;
        assert!(hers.iter().all(|c| c.participants.iter().any(|p| p.user_id == alice.login.user.id)));
    }

    async fn many_concurrent_actions_all_succeed(db: Db) {
        // More writers at once than SQLite's pool has connections: no action may wait on
        // the pool while it holds the write lock, or they all stall and fail.
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let open: Vec<Channel> = server.queue(&admin).await.into_iter().filter(|c| matches!(c.status, ChannelStatus::Active | ChannelStatus::Escalated)).take(24).collect();
        assert_eq!(open.len(), 24, "the demo has enough open channels");
        let mut calls = tokio::task::JoinSet::new();
        for (n, channel) in open.iter().enumerate() {
            let http = server.http.clone();
            let base = server.base.clone();
            let token = admin.token.clone();
            let id = channel.id;
            let admin_id = admin.login.user.id;
            calls.spawn(async move {
                let request = if n % 2 == 0 {
                    http.put(format!("{base}/api/chat/channels/{id}/assign")).json(&json!({"teamMemberId": admin_id}))
                } else {
                    http.post(format!("{base}/api/chat/channels/{id}/messages")).json(&json!({"content": format!("reply {n}")}))
                };
                let response = request.bearer_auth(token).send().await.expect("an answer");
                (response.status(), response.text().await.unwrap_or_default())
            });
        }
        while let Some(done) = calls.join_next().await {
            let (status, body) = done.expect("the call ran");
            assert!(status.is_success(), "{status} {body}");
        }
        let assigned = server.queue(&admin).await.iter().filter(|c| c.assigned_to == Some(admin.login.user.id)).count();
        assert!(assigned >= 12, "{assigned}");
    }

    async fn a_channel_that_becomes_invisible_reaches_the_sync_once_with_its_new_state(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let billing = server.login("billing@acme.test").await;
        let alice = server.login("alice@acme.test").await;
        let ticket = new_ticket(&server, &alice, "Charged twice").await;
        let (cursor, seen, _) = sync_all(&server, &billing, None).await;
        assert!(seen.iter().any(|c| c.id == ticket.id), "billing sees BILLING tickets");

        let moved = server
            .call(Method::PUT, &format!("/api/chat/channels/{}/ticket", ticket.id), Some(&admin.token), Some(json!({"category": "TECHNICAL"})))
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
        post(&server, &alice, &ticket, "Any news?", None).await;

        let (cursor, channels, messages) = sync_all(&server, &billing, Some(&cursor)).await;
        let gone = channels.iter().find(|c| c.id == ticket.id).expect("the departed channel is in the sync");
        let category = gone.ticket.as_ref().map(|t| t.category);
        assert_eq!(category, Some(protocol::TicketCategory::Technical), "with its new state");
        assert!(gone.last_message.is_none(), "and none of what was said after it left");
        assert!(messages.iter().all(|m| m.channel_id != ticket.id), "{messages:?}");
        let visibility = protocol::Role::AccountOfficer.visibility();
        assert!(!visibility.allows(&protocol::roles::ChannelFacts::of(gone, billing.login.user.id, Some(gone.tenant_id))), "the console can tell it must drop it");
        assert_eq!(server.call(Method::GET, &format!("/api/chat/channels/{}", ticket.id), Some(&billing.token), None).await.status, StatusCode::NOT_FOUND);

        // Once told, never again: later activity in it stays out of billing's sync.
        post(&server, &alice, &ticket, "Hello?", None).await;
        let (_, channels, messages) = sync_all(&server, &billing, Some(&cursor)).await;
        assert!(channels.is_empty() && messages.is_empty(), "{channels:?} {messages:?}");
    }

    async fn the_queue_pages_through_everything_once(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let all = server.queue(&admin).await;
        let mut seen = Vec::new();
        let mut path = "/api/chat/channels?limit=7".to_owned();
        loop {
            let answer = server.call(Method::GET, &path, Some(&admin.token), None).await;
            assert_eq!(answer.status, StatusCode::OK);
            let page: Vec<Channel> = serde_json::from_value(answer.body).expect("channels");
            assert!(page.len() <= 7);
            seen.extend(page.into_iter().map(|c| c.id));
            match answer.headers.get("x-next-cursor".to_owned()).and_then(|v| v.to_str().ok()) {
                Some(cursor) => path = format!("/api/chat/channels?limit=7&cursor={cursor}"),
                None => break,
            }
        }
        let expected: Vec<_> = all.iter().map(|c| c.id).collect();
        assert_eq!(seen, expected, "same channels, same order, no repeats");
        assert!(all.windows(2).all(|w| w[0].updated_at >= w[1].updated_at), "newest activity first");
    }

    async fn the_queue_filters_by_type_status_and_assignee(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let get = |q: String| {
            let token = admin.token.clone();
            let server = &server;
            async move {
                let answer = server.call(Method::GET, &format!("/api/chat/channels?limit=200&{q}"), Some(&token), None).await;
                assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
                serde_json::from_value::<Vec<Channel>>(answer.body).expect("channels")
            }
        };
        let team = get("type=TEAM".to_owned()).await;
        assert!(!team.is_empty() && team.iter().all(|c| c.channel_type == ChannelType::Team));
        let escalated = get("status=ESCALATED".to_owned()).await;
        assert!(!escalated.is_empty() && escalated.iter().all(|c| c.status == ChannelStatus::Escalated));
        let unassigned = get("assignedTo=none".to_owned()).await;
        assert!(!unassigned.is_empty() && unassigned.iter().all(|c| c.assigned_to.is_none()));
        let urgent = get("priority=URGENT".to_owned()).await;
        assert!(!urgent.is_empty() && urgent.iter().all(|c| c.ticket.as_ref().map(|t| t.priority) == Some(protocol::TicketPriority::Urgent)));
        let qm = server.user_id("qm@acme.test").await;
        let theirs = get(format!("assignedTo={qm}")).await;
        assert!(theirs.iter().all(|c| c.assigned_to.map(|a| a.to_string()) == Some(qm.clone())));
        let searched = get("q=bracket".to_owned()).await;
        assert!(!searched.is_empty() && searched.iter().all(|c| c.subject.as_deref().unwrap_or("").to_lowercase().contains("bracket")));
    }

    async fn wrong_states_answer_409_and_change_nothing(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let alice = server.login("alice@acme.test").await;
        let channel = new_ticket(&server, &alice, "Will be archived").await;
        let path = |action: &str| format!("/api/chat/channels/{}/{action}", channel.id);
        assert_eq!(server.call(Method::DELETE, &format!("/api/chat/channels/{}", channel.id), Some(&admin.token), None).await.status, StatusCode::NO_CONTENT);
        let tenant = server.tenant_id("acme").await;
        let before = server.snapshot(&tenant).await;
        for (method, action, body) in [
            (Method::POST, "messages", json!({"content": "hello?"})),
            (Method::PUT, "resolve", json!({})),
            (Method::PUT, "escalate", json!({"reason": "why not"})),
            (Method::PUT, "reopen", json!({})),
        ] {
            let answer = server.call(method, &path(action), Some(&admin.token), Some(body)).await;
            assert_eq!(answer.status, StatusCode::CONFLICT, "{action}: {:?}", answer.body);
            assert_eq!(answer.body["statusCode"], 409);
        }
        let again = server.call(Method::DELETE, &format!("/api/chat/channels/{}", channel.id), Some(&admin.token), None).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(server.snapshot(&tenant).await, before);
    }

    async fn the_store_migrates_twice_without_harm(db: Db) {
        let server = TestServer::start(db).await;
        let store = server.store().await;
        store.migrate().await.expect("a second migration is a no-op");
        assert!(!store.is_empty().await.expect("tenants"));
        store.ping().await.expect("ping");
    }
}
