//! SLA clocks heard live: a breach recorded once by two nodes and across a restart, and the
//! `channel_updated` agents hear when a ticket's clocks move, which customers hear without
//! them.

use chrono::{TimeDelta, Utc};
use protocol::events::name;
use protocol::sla::{SlaKind, TicketSla};
use protocol::sla_clock::SlaEvent;
use protocol::{Channel, ChannelId, TicketPriority};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::sla::{minutes, post, put_policy, update};
use crate::socket::{Offer, SocketClient};
use crate::support::{Cluster, Db, TestServer};

/// The breaches of `channel` the database holds.
async fn breaches_stored(server: &TestServer, channel: ChannelId) -> Vec<SlaKind> {
    let row = sqlx::query("SELECT sla FROM tickets WHERE channel_id = $1")
        .bind(channel.to_string())
        .fetch_one(&server.db)
        .await
        .expect("the ticket");
    let text: Option<String> = sqlx::Row::try_get(&row, "sla").expect("a column");
    let sla: TicketSla = serde_json::from_str(&text.expect("an sla")).expect("json");
    sla.breaches.iter().map(|b| b.kind).collect()
}

/// Waits for `channel_updated` of `channel` carrying a breach; returns the events before it.
async fn breach_heard(socket: &mut SocketClient, channel: ChannelId) {
    loop {
        let (event, _) = socket.next(name::CHANNEL_UPDATED).await;
        let updated: Channel = serde_json::from_value(event["channel"].clone()).expect("a channel");
        let breached = updated
            .ticket
            .as_ref()
            .and_then(|t| t.sla.as_ref())
            .is_some_and(|s| !s.breaches.is_empty());
        if updated.id == channel && breached {
            return;
        }
    }
}

/// Two nodes wake for the same due time: the breach is recorded once and told once; a node
/// started afterwards (a restart) records the next one and not that one again.
#[tokio::test]
async fn a_breach_is_recorded_once_across_two_nodes_and_a_restart() {
    let nodes = Cluster::new();
    let cluster = |settings: &mut server::Settings| {
        nodes.join(settings);
        settings.sla_check_interval = std::time::Duration::from_millis(300);
    };
    let node_a = TestServer::start_with(Db::Postgres, cluster).await;
    let node_b = node_a.another_node(cluster).await;
    let admin = node_a.login("admin@acme.test").await;
    let alice = node_a.login("alice@acme.test").await;
    let put = put_policy(
        &node_a,
        &admin,
        "URGENT",
        json!({"firstResponseMinutes": 60}),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);
    let mut agent = SocketClient::connect(&node_b.base, Offer::Auth(&admin.token))
        .await
        .expect("node B");
    let mut customer = SocketClient::connect(&node_b.base, Offer::Auth(&alice.token))
        .await
        .expect("node B");
    let store = node_a.store().await;

    // Due a second from now, on both nodes' watch.
    let first = node_a
        .open_channel(
            &alice,
            json!({"type": "SUPPORT", "subject": "Due soon", "priority": "URGENT"}),
        )
        .await;
    let now = Utc::now();
    store
        .replay_sla(
            first.id,
            &[(SlaEvent::Created, now - minutes(60) + TimeDelta::seconds(1))],
            now,
        )
        .await
        .expect("replayed");
    breach_heard(&mut agent, first.id).await;
    let heard: usize = agent
        .received_all()
        .await
        .iter()
        .filter(|(event, payload)| {
            event == name::CHANNEL_UPDATED
                && payload["channel"]["id"] == first.id.to_string()
                && payload["channel"]["ticket"]["sla"]["breaches"]
                    .as_array()
                    .is_some_and(|b| !b.is_empty())
        })
        .count();
    assert_eq!(heard, 0, "the breach was told once");
    assert_eq!(
        breaches_stored(&node_a, first.id).await,
        [SlaKind::FirstResponse]
    );

    // A restart: node A goes, node C comes; a ticket already overdue is recorded, the first
    // ticket's breach is not recorded again.
    drop(node_a);
    let node_c = node_b.another_node(cluster).await;
    let second = node_c
        .open_channel(
            &alice,
            json!({"type": "SUPPORT", "subject": "Overdue", "priority": "URGENT"}),
        )
        .await;
    let now = Utc::now();
    store
        .replay_sla(
            second.id,
            &[(SlaEvent::Created, now - minutes(61))],
            now - minutes(30),
        )
        .await
        .expect("replayed");
    breach_heard(&mut agent, second.id).await;
    assert_eq!(
        breaches_stored(&node_c, second.id).await,
        [SlaKind::FirstResponse]
    );
    assert_eq!(
        breaches_stored(&node_c, first.id).await,
        [SlaKind::FirstResponse]
    );
    // The customer heard none of it.
    let customer_heard = customer.received_all().await;
    assert!(
        customer_heard
            .iter()
            .all(|(_, payload)| !payload.to_string().contains("\"sla\"")),
        "{customer_heard:?}"
    );
}

/// The next `channel_updated` about `channel` a socket hears, as a channel.
async fn next_update(socket: &mut SocketClient, channel: ChannelId) -> Channel {
    loop {
        let (event, _) = socket.next(name::CHANNEL_UPDATED).await;
        let updated: Channel = serde_json::from_value(event["channel"].clone()).expect("a channel");
        if updated.id == channel {
            return updated;
        }
    }
}

/// Live: agents hear each change of a ticket's clocks (a customer's new ticket, the first
/// reply, a priority change) with its `sla`; the customer hears the same channel updates
/// without it, ever.
#[tokio::test]
async fn agents_hear_the_clocks_move_and_customers_never_see_them() {
    let server = TestServer::start(Db::Sqlite).await;
    let admin = server.login("admin@acme.test").await;
    let alice = server.login("alice@acme.test").await;
    let mut agent = SocketClient::connect(&server.base, Offer::Auth(&admin.token))
        .await
        .expect("the agent's socket");
    let mut customer = SocketClient::connect(&server.base, Offer::Auth(&alice.token))
        .await
        .expect("the customer's socket");

    // A customer opens a ticket: the agents' channel_updated carries its clocks.
    let ticket = server
        .open_channel(&alice, json!({"type": "SUPPORT", "subject": "Live clocks", "priority": "HIGH", "initialMessage": "Hello"}))
        .await;
    let opened = next_update(&mut agent, ticket.id).await;
    let clocks = opened
        .ticket
        .and_then(|t| t.sla)
        .expect("agents hear the clocks");
    assert!(clocks.first_response_due_at.is_some(), "{clocks:?}");
    // The first public reply stops the first-response clock: agents hear it.
    let reply = post(&server, &admin, ticket.id, json!({"content": "Hi Alice"})).await;
    let answered = next_update(&mut agent, ticket.id).await;
    let clocks = answered.ticket.and_then(|t| t.sla).expect("clocks");
    assert_eq!(clocks.first_responded_at, Some(reply.created_at));
    assert_eq!(clocks.first_response_due_at, None);
    // A priority change: agents hear the new due times.
    update(&server, &admin, ticket.id, json!({"priority": "URGENT"})).await;
    let urgent = loop {
        let seen = next_update(&mut agent, ticket.id).await;
        if seen.ticket.as_ref().map(|t| t.priority) == Some(TicketPriority::Urgent) {
            break seen;
        }
    };
    assert!(urgent
        .ticket
        .and_then(|t| t.sla)
        .and_then(|s| s.resolution_due_at)
        .is_some());

    // The customer heard the ticket's updates, and never its clocks.
    let heard = customer.received_all().await;
    let updates: Vec<&Value> = heard
        .iter()
        .filter(|(event, payload)| {
            event == name::CHANNEL_UPDATED && payload["channel"]["id"] == ticket.id.to_string()
        })
        .map(|(_, payload)| payload)
        .collect();
    assert!(!updates.is_empty(), "the customer hears its ticket change");
    for (event, payload) in &heard {
        assert!(
            !payload.to_string().contains("\"sla\""),
            "{event}: {payload}"
        );
    }
}
