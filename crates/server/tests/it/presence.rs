//! Presence (collision awareness), heard live: two agents on two nodes see each other view
//! and type, a customer hears none of it, a console that dies (its connection cut without a
//! goodbye) and a node killed with SIGKILL leave every list, and bad `viewing` events are
//! answered with errors and tell no one anything.

use std::time::Duration;

use protocol::events::name;
use protocol::presence::{Presence, PresenceState};
use protocol::UserId;
use serde_json::{json, Value};
use testkit::{Database, ServerCommand};

use crate::socket::{Offer, SocketClient};
use crate::support::{Cluster, Db, Session, TestServer};

/// Waits for the `presence` of `channel` that `done` accepts; earlier ones are skipped.
async fn presence_until(
    socket: &mut SocketClient,
    channel: &str,
    done: impl Fn(&Presence) -> bool,
) -> Presence {
    loop {
        let (event, _) = socket.next(name::PRESENCE).await;
        let presence: Presence = serde_json::from_value(event).expect("a presence event");
        if presence.channel_id.to_string() == channel && done(&presence) {
            return presence;
        }
    }
}

/// Who is in the list, and doing what.
fn states(presence: &Presence) -> Vec<(UserId, PresenceState)> {
    presence
        .agents
        .iter()
        .map(|agent| (agent.user_id, agent.state))
        .collect()
}

fn user(session: &Session) -> UserId {
    session.login.user.id
}

async fn socket(server: &TestServer, who: &Session) -> SocketClient {
    SocketClient::connect(&server.base, Offer::Auth(&who.token))
        .await
        .expect("the handshake succeeds")
}

/// Two agents on two nodes see each other; typing shows; a customer following the ticket
/// hears nothing and may not ask; a console whose connection is cut leaves the list.
#[tokio::test]
async fn agents_on_two_nodes_see_each_other_and_customers_nothing() {
    let nodes = Cluster::new();
    let cluster = |settings: &mut server::Settings| nodes.join(settings);
    let node_a = TestServer::start_with(Db::Postgres, cluster).await;
    let node_b = node_a.another_node(cluster).await;
    let admin = node_a.login("admin@acme.test").await;
    let qm = node_a.login("qm@acme.test").await;
    let alice = node_a.login("alice@acme.test").await;
    let globex = node_a.login("admin@globex.test").await;
    let ticket = node_a
        .open_channel(
            &alice,
            json!({"type": "SUPPORT", "subject": "Who is on it?", "priority": "HIGH", "category": "QUESTION_ISSUE"}),
        )
        .await
        .id
        .to_string();

    let mut customer = socket(&node_b, &alice).await;
    let joined = customer
        .call(name::JOIN_CHANNEL, json!({"channelId": ticket}))
        .await;
    assert_eq!(joined["ok"], true, "{joined}");
    let mut outsider = socket(&node_b, &globex).await;
    let mut on_a = socket(&node_a, &admin).await;
    let mut on_b = socket(&node_b, &qm).await;

    // The admin opens it on node A: the ack lists them; the colleague on B hears it without
    // having joined the room.
    let viewing = on_a.call(name::VIEWING, json!({"channelId": ticket})).await;
    assert_eq!(viewing["ok"], true, "{viewing}");
    assert_eq!(
        viewing["agents"][0]["userId"],
        admin.login.user.id.to_string()
    );
    assert_eq!(viewing["agents"][0]["state"], "VIEWING");
    let heard = presence_until(&mut on_b, &ticket, |p| !p.agents.is_empty()).await;
    assert_eq!(states(&heard), vec![(user(&admin), PresenceState::Viewing)]);

    // The colleague opens it on node B, then types: the admin hears both.
    let viewing = on_b.call(name::VIEWING, json!({"channelId": ticket})).await;
    assert_eq!(viewing["ok"], true, "{viewing}");
    assert_eq!(
        viewing["agents"].as_array().map(Vec::len),
        Some(2),
        "{viewing}"
    );
    presence_until(&mut on_a, &ticket, |p| p.agents.len() == 2).await;
    let typed = on_b.call(name::TYPING, json!({"channelId": ticket})).await;
    assert_eq!(typed["ok"], true, "{typed}");
    let heard = presence_until(&mut on_a, &ticket, |p| {
        states(p).contains(&(user(&qm), PresenceState::Typing))
    })
    .await;
    assert_eq!(
        heard
            .agents
            .iter()
            .find(|a| a.user_id == user(&qm))
            .map(|a| a.user_name.as_str()),
        Some(qm.login.user.name.as_str())
    );
    let stopped = on_b
        .call(name::STOP_TYPING, json!({"channelId": ticket}))
        .await;
    assert_eq!(stopped["ok"], true, "{stopped}");
    presence_until(&mut on_a, &ticket, |p| {
        states(p).contains(&(user(&qm), PresenceState::Viewing))
    })
    .await;

    // A customer may not ask for the list, and never hears one.
    let refused = customer
        .call(name::VIEWING, json!({"channelId": ticket}))
        .await;
    assert_eq!(refused["ok"], false, "{refused}");
    assert_eq!(refused["error"]["code"], "FORBIDDEN", "{refused}");

    // The colleague's console dies: its connection is cut without a goodbye.
    drop(on_b);
    let heard = presence_until(&mut on_a, &ticket, |p| p.agents.len() == 1).await;
    assert_eq!(states(&heard), vec![(user(&admin), PresenceState::Viewing)]);

    // The admin closes it: the list empties.
    let closed = on_a
        .call(name::STOP_VIEWING, json!({"channelId": ticket}))
        .await;
    assert_eq!(closed["ok"], true, "{closed}");
    presence_until(&mut on_a, &ticket, |p| p.agents.is_empty()).await;

    for (who, socket) in [
        ("the customer", &mut customer),
        ("another tenant", &mut outsider),
    ] {
        let heard: Vec<String> = socket
            .received_all()
            .await
            .into_iter()
            .map(|(event, _)| event)
            .collect();
        assert!(
            !heard.iter().any(|event| event == name::PRESENCE),
            "{who} heard presence: {heard:?}"
        );
    }
}

/// A console that stops typing without saying so (a draft left, a window closed) shows as
/// viewing again once it has been quiet for the idle time.
#[tokio::test]
async fn typing_left_without_a_stop_goes_back_to_viewing() {
    let server = TestServer::start(Db::Sqlite).await;
    let admin = server.login("admin@acme.test").await;
    let qm = server.login("qm@acme.test").await;
    let alice = server.login("alice@acme.test").await;
    let ticket = server
        .open_channel(
            &alice,
            json!({"type": "SUPPORT", "subject": "Half a reply", "category": "QUESTION_ISSUE"}),
        )
        .await
        .id
        .to_string();
    let mut watcher = socket(&server, &admin).await;
    let typist = socket(&server, &qm).await;
    for who in [&watcher, &typist] {
        let viewing = who.call(name::VIEWING, json!({"channelId": ticket})).await;
        assert_eq!(viewing["ok"], true, "{viewing}");
    }
    let typed = typist
        .call(name::TYPING, json!({"channelId": ticket}))
        .await;
    assert_eq!(typed["ok"], true, "{typed}");
    let typing = presence_until(&mut watcher, &ticket, |p| {
        states(p).contains(&(user(&qm), PresenceState::Typing))
    })
    .await;
    let since = typing
        .agents
        .iter()
        .find(|a| a.user_id == user(&qm))
        .map(|a| a.since)
        .expect("the typist");
    let viewing = presence_until(&mut watcher, &ticket, |p| {
        states(p).contains(&(user(&qm), PresenceState::Viewing))
    })
    .await;
    let back = viewing
        .agents
        .iter()
        .find(|a| a.user_id == user(&qm))
        .map(|a| a.since)
        .expect("the typist");
    let quiet = back - since;
    assert!(
        quiet >= chrono::TimeDelta::from_std(server::presence::TYPING_IDLE).expect("a delta"),
        "back to viewing after only {quiet}"
    );
    drop(typist);
}

/// A channel out of sight, a malformed payload and a flood are answered with errors, and
/// the agents of the channel hear nothing of them.
#[tokio::test]
async fn bad_viewing_is_refused_and_tells_no_one() {
    let server = TestServer::start(Db::Sqlite).await;
    let admin = server.login("admin@acme.test").await;
    let intruder = server.login("admin@globex.test").await;
    let alice = server.login("alice@acme.test").await;
    let ticket = server
        .open_channel(&alice, json!({"type": "SUPPORT", "subject": "Mine"}))
        .await
        .id
        .to_string();
    let mut watcher = socket(&server, &admin).await;
    let viewing = watcher
        .call(name::VIEWING, json!({"channelId": ticket}))
        .await;
    assert_eq!(viewing["ok"], true, "{viewing}");
    presence_until(&mut watcher, &ticket, |p| p.agents.len() == 1).await;

    let attacker = socket(&server, &intruder).await;
    let foreign = attacker
        .call(name::VIEWING, json!({"channelId": ticket}))
        .await;
    assert_eq!(foreign["error"]["code"], "NOT_FOUND", "{foreign}");
    let unknown = attacker
        .call(name::VIEWING, json!({"channelId": uuid::Uuid::new_v4()}))
        .await;
    assert_eq!(
        unknown["error"], foreign["error"],
        "an unknown id answers the same"
    );
    let malformed = attacker
        .call(name::VIEWING, json!({"channelId": "not-a-uuid"}))
        .await;
    assert_eq!(malformed["error"]["code"], "INVALID", "{malformed}");
    assert!(malformed.to_string().contains("channelId"), "{malformed}");

    // A flood from one socket is cut off.
    let flooder = socket(&server, &admin).await;
    let mut limited = None;
    for n in 0..100 {
        let event = if n % 2 == 0 {
            name::VIEWING
        } else {
            name::STOP_VIEWING
        };
        let answer = flooder.call(event, json!({"channelId": ticket})).await;
        if answer["ok"] == false {
            limited = Some((n, answer));
            break;
        }
    }
    let (n, answer) = limited.expect("the flood is rate-limited");
    assert_eq!(answer["error"]["code"], "RATE_LIMITED", "{answer}");
    assert!((20..=60).contains(&n), "cut off after {n} events");

    // The watcher heard the flooder come and go, never the intruder.
    let heard = watcher.received_all().await;
    for (event, data) in heard {
        if event == name::PRESENCE {
            let presence: Presence = serde_json::from_value(data).expect("presence");
            assert!(
                presence.agents.iter().all(|a| a.user_id == user(&admin)),
                "{presence:?}"
            );
        }
    }
}

/// A node killed with SIGKILL cannot say goodbye: its agents' entries expire in Redis and
/// the surviving node tells the others, within the presence TTL.
#[tokio::test]
async fn a_killed_nodes_agents_leave_every_list() {
    let nodes = Cluster::new();
    let ttl = Duration::from_secs(3);
    let survivor = TestServer::start_with(Db::Postgres, |settings| {
        nodes.join(settings);
        settings.presence_ttl = ttl;
    })
    .await;
    let (redis, prefix) = nodes.address();
    let mut doomed = ServerCommand::new(
        env!("CARGO_BIN_EXE_switchboard-server"),
        Database::at(survivor.database_url.clone()),
    )
    .env("JWT_SECRET", testkit::in_process::SECRET)
    .env("REDIS_URL", &redis)
    .env("REDIS_PREFIX", &prefix)
    .env("PRESENCE_TTL", &ttl.as_secs().to_string())
    .env("RUST_LOG", "warn")
    .start_timeout(Duration::from_secs(60))
    .spawn()
    .await
    .expect("the second node starts");
    let admin = survivor.login("admin@acme.test").await;
    let qm = survivor.login("qm@acme.test").await;
    let alice = survivor.login("alice@acme.test").await;
    let ticket = survivor
        .open_channel(
            &alice,
            json!({"type": "SUPPORT", "subject": "Node loss", "category": "QUESTION_ISSUE"}),
        )
        .await
        .id
        .to_string();

    let mut watcher = socket(&survivor, &admin).await;
    let viewing = watcher
        .call(name::VIEWING, json!({"channelId": ticket}))
        .await;
    assert_eq!(viewing["ok"], true, "{viewing}");
    let colleague = SocketClient::connect(&doomed.base(), Offer::Auth(&qm.token))
        .await
        .expect("the doomed node");
    let viewing: Value = colleague
        .call(name::VIEWING, json!({"channelId": ticket}))
        .await;
    assert_eq!(
        viewing["agents"].as_array().map(Vec::len),
        Some(2),
        "{viewing}"
    );
    presence_until(&mut watcher, &ticket, |p| p.agents.len() == 2).await;

    doomed.stop().expect("kill -9");
    let heard = presence_until(&mut watcher, &ticket, |p| p.agents.len() == 1).await;
    assert_eq!(states(&heard), vec![(user(&admin), PresenceState::Viewing)]);
    drop(colleague);
}
