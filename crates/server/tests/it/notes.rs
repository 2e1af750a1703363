//! Internal notes (PLATFORM.md, "Agent workflow"): an agent posts one over REST or the
//! socket; a participant's is refused 403 and not stored; it never reaches a non-agent —
//! message pages, `lastMessage`, `unreadCount`, the queue, sync, `new_message` on one node or
//! across two through Redis — and it does not make its author a participant.

use protocol::events::name;
use protocol::rest::SyncResponse;
use protocol::{Channel, Message};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::socket::{Offer, SocketClient};
use crate::support::{Cluster, Db, Session, TestServer};

async fn post(
    server: &TestServer,
    who: &Session,
    channel: &Channel,
    body: Value,
) -> (StatusCode, Value) {
    let answer = server
        .call(
            Method::POST,
            &format!("/api/chat/channels/{}/messages", channel.id),
            Some(&who.token),
            Some(body),
        )
        .await;
    (answer.status, answer.body)
}

fn contents(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.content.as_str()).collect()
}

async fn ticket(server: &TestServer, alice: &Session) -> Channel {
    server
        .open_channel(
            alice,
            json!({"type": "SUPPORT", "subject": "Refund", "initialMessage": "Help"}),
        )
        .await
}

on_both_databases! {
    async fn a_note_reaches_agents_only_on_every_rest_path(db: Db) {
        let server = TestServer::start(db).await;
        let alice = server.login("alice@acme.test").await;
        let admin = server.login("admin@acme.test").await;
        let ticket = ticket(&server, &alice).await;
        let (status, reply) = post(&server, &admin, &ticket, json!({"content": "On it"})).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        assert_eq!(reply["internal"], false);
        let (status, note) = post(&server, &admin, &ticket, json!({"content": "Customer seems upset", "internal": true})).await;
        assert_eq!(status, StatusCode::CREATED, "{note}");
        assert_eq!(note["internal"], true);

        // A participant's note is refused and not stored.
        let before = server.count("messages").await;
        let (status, refused) = post(&server, &alice, &ticket, json!({"content": "psst", "internal": true})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        assert_eq!(server.count("messages").await, before);

        let page = format!("/api/chat/channels/{}/messages", ticket.id);
        let one = format!("/api/chat/channels/{}", ticket.id);
        let alices: Vec<Message> = server.get(&alice, &page).await;
        assert_eq!(contents(&alices), ["Help", "On it"]);
        assert!(alices.iter().all(|m| !m.internal));
        let seen: Channel = server.get(&alice, &one).await;
        assert_eq!(seen.last_message.as_ref().map(|m| m.content.as_str()), Some("On it"));
        assert_eq!(seen.unread_count, 1);
        let queue: Vec<Channel> = server.get(&alice, "/api/chat/channels?limit=200").await;
        let row = queue.iter().find(|c| c.id == ticket.id).expect("in alice's queue");
        assert_eq!(row.last_message.as_ref().map(|m| m.content.as_str()), Some("On it"));
        assert_eq!(row.unread_count, 1);
        let synced: SyncResponse = server.get(&alice, "/api/chat/sync?limit=1000").await;
        assert!(synced.messages.iter().all(|m| !m.internal), "{:?}", contents(&synced.messages));
        let text = serde_json::to_string(&synced).expect("json");
        assert!(!text.contains("Customer seems upset"));

        // The admin reads it everywhere; the note did not make the admin a participant.
        let admins: Vec<Message> = server.get(&admin, &page).await;
        assert_eq!(contents(&admins), ["Help", "On it", "Customer seems upset"]);
        assert!(admins[2].internal);
        let seen: Channel = server.get(&admin, &one).await;
        assert_eq!(seen.last_message.as_ref().map(|m| m.content.as_str()), Some("Customer seems upset"));
        let admin_id = server.user_id("admin@acme.test").await;
        let participants: Vec<String> = seen.participants.iter().map(|p| p.user_id.to_string()).collect();
        assert!(participants.contains(&admin_id), "the public reply joined the admin");
        let qm = server.login("qm@acme.test").await;
        let billing = server
            .open_channel(&alice, json!({"type": "SUPPORT", "subject": "Question", "category": "QUESTION_ISSUE"}))
            .await;
        let (status, _) = post(&server, &qm, &billing, json!({"content": "Looking", "internal": true})).await;
        assert_eq!(status, StatusCode::CREATED);
        let after: Channel = server.get(&qm, &format!("/api/chat/channels/{}", billing.id)).await;
        let qm_id = server.user_id("qm@acme.test").await;
        assert!(after.participants.iter().all(|p| p.user_id.to_string() != qm_id), "a note does not join");
    }
}

#[tokio::test]
async fn a_note_goes_out_to_agents_only_across_two_nodes() {
    let nodes = Cluster::new();
    let cluster = |settings: &mut server::Settings| nodes.join(settings);
    let node_a = TestServer::start_with(Db::Postgres, cluster).await;
    let node_b = node_a.another_node(cluster).await;
    let alice = node_a.login("alice@acme.test").await;
    let admin = node_a.login("admin@acme.test").await;
    let ticket = ticket(&node_a, &alice).await;

    let admin_on_a = SocketClient::connect(&node_a.base, Offer::Auth(&admin.token))
        .await
        .expect("node A");
    let mut admin_on_b = SocketClient::connect(&node_b.base, Offer::Auth(&admin.token))
        .await
        .expect("node B");
    let mut alice_on_b = SocketClient::connect(&node_b.base, Offer::Auth(&alice.token))
        .await
        .expect("node B");
    for socket in [&admin_on_a, &admin_on_b, &alice_on_b] {
        let joined = socket
            .call(name::JOIN_CHANNEL, json!({"channelId": ticket.id}))
            .await;
        assert_eq!(joined["ok"], true, "{joined}");
    }
    // A participant's note over the socket: FORBIDDEN.
    let refused = alice_on_b
        .call(
            name::SEND_MESSAGE,
            json!({"channelId": ticket.id, "content": "psst", "internal": true}),
        )
        .await;
    assert_eq!(refused["error"]["code"], "FORBIDDEN", "{refused}");

    let note = admin_on_a
        .call(name::SEND_MESSAGE, json!({"channelId": ticket.id, "content": "Refund approved internally", "internal": true}))
        .await;
    assert_eq!(note["ok"], true, "{note}");
    assert_eq!(note["message"]["internal"], true);
    let (heard, _) = admin_on_b.next(name::NEW_MESSAGE).await;
    assert_eq!(heard["message"]["id"], note["message"]["id"]);

    // Then a public reply: alice hears it, and nothing of the note before it.
    let reply = admin_on_a
        .call(
            name::SEND_MESSAGE,
            json!({"channelId": ticket.id, "content": "Your refund is on its way"}),
        )
        .await;
    assert_eq!(reply["ok"], true, "{reply}");
    let (heard, before) = alice_on_b.next(name::NEW_MESSAGE).await;
    assert_eq!(heard["message"]["id"], reply["message"]["id"]);
    let everything = serde_json::to_string(&before).expect("json")
        + &alice_on_b
            .received()
            .await
            .iter()
            .map(|(n, v)| format!("{n} {v}"))
            .collect::<String>();
    assert!(
        !everything.contains("Refund approved internally"),
        "{everything}"
    );
}

on_both_databases! {
    async fn ticket_numbers_count_per_tenant_under_concurrent_creates(db: Db) {
        let server = TestServer::start(db).await;
        let alice = server.login("alice@acme.test").await;
        let carol = server.login("carol@globex.test").await;
        let existing = |queue: Vec<Channel>| queue.iter().filter_map(|c| c.ticket.as_ref().map(|t| t.number)).max().unwrap_or(0);
        let admin = server.login("admin@acme.test").await;
        let acme_before = existing(server.get(&admin, "/api/chat/channels?limit=200&type=SUPPORT").await);
        let gina = server.login("admin@globex.test").await;
        let globex_before = existing(server.get(&gina, "/api/chat/channels?limit=200&type=SUPPORT").await);
        assert!(acme_before >= 1, "the demo tickets are numbered");

        // 200 creates in acme and 50 in globex, all at once.
        let creates = (0..250).map(|n| {
            let (who, tag) = if n % 5 == 0 { (&carol, "globex") } else { (&alice, "acme") };
            server.open_channel(who, json!({"type": "SUPPORT", "subject": format!("{tag} {n}")}))
        });
        let opened = futures_util::future::join_all(creates).await;
        let mut acme: Vec<i64> = Vec::new();
        let mut globex: Vec<i64> = Vec::new();
        for channel in &opened {
            let number = channel.ticket.as_ref().expect("a ticket").number;
            if channel.subject.as_deref().is_some_and(|s| s.starts_with("globex")) {
                globex.push(number);
            } else {
                acme.push(number);
            }
        }
        acme.sort_unstable();
        globex.sort_unstable();
        assert_eq!(acme, (acme_before + 1..=acme_before + 200).collect::<Vec<_>>());
        assert_eq!(globex, (globex_before + 1..=globex_before + 50).collect::<Vec<_>>());

        // `#N` finds exactly that ticket.
        let wanted = &opened[1];
        let number = wanted.ticket.as_ref().expect("a ticket").number;
        let found: Vec<Channel> = server.get(&admin, &format!("/api/chat/channels?q=%23{number}")).await;
        assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), [wanted.id]);
    }
}
