//! The note leak suite: for each non-agent role (PARTICIPANT, PRACTICE_USER) and each path
//! that serves it, internal notes written in a channel that reader sees never reach it — not
//! their text, not their ids, not their length, not a `lastMessage` nor an `unreadCount`.
//!
//! The paths are the contract's own lists, not a list kept here: every REST endpoint of
//! `protocol::endpoints::ALL` has its case in `leak_case` (or
//! `every_endpoint_has_a_leak_case` fails), and every server event is checked by an
//! exhaustive `match` on `protocol::events::ServerEvent` (a new event does not compile
//! without its case). A reader's answers before and after the notes must be equal, but for
//! the activity clocks the contract lets a reader see move (`updatedAt`, the sync cursor; a
//! non-agent may see gaps in `seq`).

use protocol::endpoints::{self, Route};
use protocol::events::{name, ServerEvent};
use protocol::rest::SyncResponse;
use protocol::{Channel, Role};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::socket::{Offer, SocketClient};
use crate::support::{Cluster, Db, Session, TestServer};

/// How one endpoint could carry a note to a non-agent, and how that is checked.
enum LeakCase {
    /// A read of what the reader sees: each query (`{id}` is the reader's channel) is read
    /// before and after the notes; the two answers must be equal (activity clocks aside).
    Reads(Vec<&'static str>),
    /// An action on the reader's channel whose answer is the channel or a message: sent after
    /// the notes, its answer (when it is a success) must hold no note and a `lastMessage`
    /// that is not one. Each entry is a body.
    Acts(Vec<Value>),
    /// The endpoint serves no message or channel to a non-agent; why.
    CarriesNoMessages(&'static str),
}

/// Each endpoint's case, by name. An endpoint added to the protocol without one fails
/// `every_endpoint_has_a_leak_case`.
fn leak_case(route: &Route) -> Option<LeakCase> {
    Some(match route.name {
        "ListChannels" => LeakCase::Reads(vec![
            "?limit=200",
            "?limit=200&type=SUPPORT",
            "?limit=1",
            "?q={number}",
            "?q=Refund",
        ]),
        "GetChannel" => LeakCase::Reads(vec![""]),
        "ListMessages" => LeakCase::Reads(vec![
            "",
            "?after=0&limit=200",
            "?before=1000&limit=200",
            "?limit=1",
        ]),
        // And the changes since a cursor taken before the notes (no message, every channel
        // as the reader saw it), which the test reads besides these.
        "Sync" => LeakCase::Reads(vec!["?limit=1000", "?limit=1"]),
        "SendMessage" => LeakCase::Acts(vec![json!({"content": "still there?"})]),
        "UpdateTicket" => LeakCase::Acts(vec![json!({"priority": "HIGH"})]),
        "Escalate" => LeakCase::Acts(vec![json!({"reason": "faster please"})]),
        "Assign" => LeakCase::Acts(vec![json!({"teamMemberId": uuid::Uuid::nil()})]),
        "Resolve" => LeakCase::Acts(vec![json!({"resolution": "solved it myself"})]),
        "Reopen" => LeakCase::Acts(vec![json!({})]),
        // Answers 204; the marker it sets is checked after the acts: never on a note.
        "MarkRead" => LeakCase::Acts(vec![json!({"seq": 100_000})]),
        "Archive" => LeakCase::CarriesNoMessages("answers 204 with no body, or 403"),
        "CreateChannel" => LeakCase::CarriesNoMessages(
            "answers a new channel, which holds no note: notes are written into channels that exist",
        ),
        "Me" | "ListUsers" => {
            LeakCase::CarriesNoMessages("answers users, never a message or a channel")
        }
        "ListCannedResponses"
        | "CreateCannedResponse"
        | "UpdateCannedResponse"
        | "DeleteCannedResponse" => {
            LeakCase::CarriesNoMessages("canned responses: a non-agent gets 403")
        }
        "Login" | "Refresh" | "Logout" => {
            LeakCase::CarriesNoMessages("answers tokens and the caller's own account")
        }
        "Health" => LeakCase::CarriesNoMessages("answers the same to everyone"),
        "ListSlaPolicies" | "PutSlaPolicy" => {
            LeakCase::CarriesNoMessages("SLA policies: a non-agent gets 403")
        }
        _ => return None,
    })
}

#[test]
fn every_endpoint_has_a_leak_case() {
    let missing: Vec<&str> = endpoints::ALL
        .iter()
        .filter(|route| leak_case(route).is_none())
        .map(|route| route.name)
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints without a leak case: {missing:?}"
    );
    for route in endpoints::ALL {
        match leak_case(route) {
            Some(LeakCase::Reads(_)) => {
                assert_eq!(route.method, endpoints::Method::Get, "{}", route.name)
            }
            // What acts on a channel is checked on the reader's own channel.
            Some(LeakCase::Acts(_)) => assert!(route.takes_channel(), "{}", route.name),
            Some(LeakCase::CarriesNoMessages(why)) => assert!(!why.is_empty(), "{}", route.name),
            None => {}
        }
    }
}

/// A non-agent reader, the ticket it opened, and what it read before the notes.
struct Reader {
    role: Role,
    session: Session,
    ticket: Channel,
}

/// The notes written: their texts and ids, none of which a reader may ever hear of.
#[derive(Default)]
struct Notes {
    texts: Vec<String>,
    ids: Vec<String>,
    seqs: Vec<i64>,
}

impl Notes {
    /// Panics when `answer` mentions a note.
    fn assert_absent(&self, answer: &Value, what: &str) {
        let text = answer.to_string();
        for secret in self.texts.iter().chain(&self.ids) {
            assert!(
                !text.contains(secret.as_str()),
                "{what} holds a note: {text}"
            );
        }
        assert!(
            !text.contains("\"internal\":true"),
            "{what} holds a note: {text}"
        );
    }
}

/// What a reader may see move because something happened in its channel, without learning
/// what: the activity clocks (an agent reading the channel moves its `lastReadAt`) and the
/// sync cursor.
fn without_activity_clocks(mut answer: Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(fields) => {
                fields.remove("updatedAt");
                fields.remove("lastReadAt");
                fields.remove("cursor");
                fields.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut answer);
    answer
}

fn path_of(route: &Route, query: &str, reader: &Reader) -> String {
    let number = reader.ticket.ticket.as_ref().map_or(0, |t| t.number);
    let query = query.replace("{number}", &format!("%23{number}"));
    format!("{}{query}", route.path_for(&reader.ticket.id))
}

/// Everything each reader reads on the `Reads` paths, in a fixed order.
async fn read_everything(server: &TestServer, reader: &Reader) -> Vec<(String, Value)> {
    let mut answers = Vec::new();
    for route in endpoints::ALL {
        if let Some(LeakCase::Reads(queries)) = leak_case(route) {
            for query in queries {
                let path = path_of(route, query, reader);
                let body = server.get::<Value>(&reader.session, &path).await;
                answers.push((path, body));
            }
        }
    }
    answers
}

/// Posts a note over REST; its id and seq.
async fn post_note(
    server: &TestServer,
    agent: &Session,
    channel: &Channel,
    text: &str,
) -> (String, i64) {
    let answer = server
        .call(
            Method::POST,
            &format!("/api/chat/channels/{}/messages", channel.id),
            Some(&agent.token),
            Some(json!({"content": text, "internal": true})),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    assert_eq!(answer.body["internal"], true);
    let id = answer.body["id"].as_str().expect("an id").to_owned();
    (id, answer.body["seq"].as_i64().expect("a seq"))
}

/// The non-agent roles of the demo data, each with a ticket it opened and an agent's public
/// reply in it (so its `lastMessage` and `unreadCount` have something to show).
async fn readers(server: &TestServer, agent: &Session) -> Vec<Reader> {
    let mut readers = Vec::new();
    for (role, email) in [
        (Role::Participant, "alice@acme.test"),
        (Role::PracticeUser, "practice@acme.test"),
    ] {
        let session = server.login(email).await;
        assert_eq!(session.login.user.role, role, "{email}");
        let opened = server
            .open_channel(
                &session,
                json!({"type": "SUPPORT", "subject": "Refund for my season", "initialMessage": "Help"}),
            )
            .await;
        let reply = server
            .call(
                Method::POST,
                &format!("/api/chat/channels/{}/messages", opened.id),
                Some(&agent.token),
                Some(json!({"content": "We are on it"})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        let ticket = server
            .get(&session, &format!("/api/chat/channels/{}", opened.id))
            .await;
        readers.push(Reader {
            role,
            session,
            ticket,
        });
    }
    assert!(
        Role::ALL
            .iter()
            .filter(|role| !role.is_agent())
            .all(|role| readers.iter().any(|r| r.role == *role)),
        "every non-agent role reads"
    );
    readers
}

on_both_databases! {
    async fn notes_reach_no_non_agent_on_any_rest_path(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let readers = readers(&server, &admin).await;
        let mut before = Vec::new();
        let mut cursors = Vec::new();
        for reader in &readers {
            before.push(read_everything(&server, reader).await);
            let synced: SyncResponse = serde_json::from_value(
                server.get::<Value>(&reader.session, "/api/chat/sync?limit=1000").await,
            )
            .expect("a sync answer");
            assert!(!synced.has_more);
            cursors.push(synced.cursor);
        }

        // Notes of different lengths in every reader's ticket.
        let mut notes = Notes::default();
        for reader in &readers {
            for text in ["n", "a longer internal note about the refund", &"x".repeat(3000)] {
                let text = format!("NOTE-{}-{text}", uuid::Uuid::new_v4().simple());
                let (id, seq) = post_note(&server, &admin, &reader.ticket, &text).await;
                notes.ids.push(id);
                notes.seqs.push(seq);
                notes.texts.push(text);
            }
            // The agent reads up to the last note.
            let read = server
                .call(Method::PUT, &format!("/api/chat/channels/{}/read", reader.ticket.id), Some(&admin.token), Some(json!({"seq": 100_000})))
                .await;
            assert_eq!(read.status, StatusCode::NO_CONTENT, "{:?}", read.body);
        }
        // The agent reads them (the notes are there, and these paths carry them to agents).
        for reader in &readers {
            let page = server.get::<Value>(&admin, &format!("/api/chat/channels/{}/messages", reader.ticket.id)).await;
            assert_eq!(page.as_array().map(|m| m.iter().filter(|m| m["internal"] == true).count()), Some(3));
            let channel = server.get::<Value>(&admin, &format!("/api/chat/channels/{}", reader.ticket.id)).await;
            assert_eq!(channel["lastMessage"]["internal"], true, "{channel}");
        }

        for ((reader, before), cursor) in readers.iter().zip(before).zip(cursors) {
            let after = read_everything(&server, reader).await;
            for ((path, was), (_, now)) in before.iter().zip(&after) {
                notes.assert_absent(now, &format!("{:?} reading {path}", reader.role));
                assert_eq!(
                    without_activity_clocks(was.clone()),
                    without_activity_clocks(now.clone()),
                    "{:?} reading {path}: the answer changed with the notes",
                    reader.role
                );
            }
            // Sync from the cursor taken before the notes.
            let path = format!("/api/chat/sync?limit=1000&since={cursor}");
            let since = server.get::<Value>(&reader.session, &path).await;
            notes.assert_absent(&since, &format!("{:?} reading {path}", reader.role));
            let since: SyncResponse = serde_json::from_value(since).expect("a sync answer");
            assert!(since.messages.is_empty(), "{:?}: {:?}", reader.role, since.messages);
            for channel in &since.channels {
                let seen = serde_json::to_value(channel).expect("json");
                let was = serde_json::to_value(&reader.ticket).expect("json");
                assert_eq!(without_activity_clocks(seen), without_activity_clocks(was), "{:?}", reader.role);
            }
        }

        // Actions on the reader's own ticket answer no note, whatever they are allowed.
        for reader in &readers {
            for route in endpoints::ALL {
                let Some(LeakCase::Acts(bodies)) = leak_case(route) else { continue };
                for body in bodies {
                    let method = Method::from_bytes(route.method.as_str().as_bytes()).expect("a method");
                    let path = route.path_for(&reader.ticket.id);
                    let answer = server.call(method, &path, Some(&reader.session.token), Some(body)).await;
                    let what = format!("{:?} {} {path}", reader.role, route.method.as_str());
                    assert!(answer.status.as_u16() < 500, "{what}: {:?}", answer.body);
                    notes.assert_absent(&answer.body, &what);
                    if answer.status.is_success() {
                        assert_ne!(answer.body["lastMessage"]["internal"], true, "{what}");
                    }
                }
            }
            let channel = server.get::<Value>(&reader.session, &format!("/api/chat/channels/{}", reader.ticket.id)).await;
            notes.assert_absent(&channel, &format!("{:?} after acting", reader.role));
            // Read markers, the reader's own (set past the end) and the agent's (on the last
            // note), land on messages the reader may see.
            let channel: Channel = serde_json::from_value(channel).expect("a channel");
            let last = channel.last_message.as_ref().map(|m| m.seq).expect("a last message");
            for participant in &channel.participants {
                assert!(!notes.seqs.contains(&participant.last_read_seq), "{:?} sees a marker on a note: {participant:?}", reader.role);
                if participant.user_id == reader.session.login.user.id {
                    assert_eq!(participant.last_read_seq, last, "{:?}'s own marker", reader.role);
                }
            }
        }
    }
}

/// Panics when an event a non-agent heard mentions a note. The `match` is exhaustive: a new
/// server event has to say here what it carries.
fn check_heard(event: &str, payload: &Value, notes: &Notes, who: Role) {
    let what = format!("{who:?} heard {event}");
    notes.assert_absent(payload, &what);
    let decoded = ServerEvent::decode(event, payload.clone())
        .unwrap_or_else(|e| panic!("{what}: undecodable: {e:?}"))
        .unwrap_or_else(|| panic!("{what}: an event the contract does not name"));
    match decoded {
        ServerEvent::NewMessage(new) => assert!(!new.message.internal, "{what}"),
        ServerEvent::ChannelUpdated(updated) => assert!(
            updated
                .channel
                .last_message
                .as_ref()
                .is_none_or(|m| !m.internal),
            "{what}"
        ),
        // These carry ids, names and read markers, never a message: the text check above is
        // all they need.
        ServerEvent::ReadUpdated(marker) => {
            assert!(
                !notes.seqs.contains(&marker.seq),
                "{what}: a marker on a note"
            )
        }
        ServerEvent::JoinedChannel(_)
        | ServerEvent::LeftChannel(_)
        | ServerEvent::ChannelAssigned(_)
        | ServerEvent::TicketEscalated(_)
        | ServerEvent::UserTyping(_)
        | ServerEvent::UserStopTyping(_)
        | ServerEvent::Error(_) => {}
        ServerEvent::CannedResponsesChanged(_) => {
            panic!("{what}: canned responses are for agents only")
        }
        ServerEvent::Presence(_) => panic!("{what}: presence is for agents only"),
    }
}

/// Every socket path, on two nodes sharing rooms through Redis: the readers listen on node B
/// while an agent writes notes on node A over the socket and over REST; a public reply after
/// them is the fence up to which everything the readers heard is checked.
#[tokio::test]
async fn notes_reach_no_non_agent_over_sockets_on_two_nodes() {
    let nodes = Cluster::new();
    let cluster = |settings: &mut server::Settings| nodes.join(settings);
    let node_a = TestServer::start_with(Db::Postgres, cluster).await;
    let node_b = node_a.another_node(cluster).await;
    let admin = node_a.login("admin@acme.test").await;
    let readers = readers(&node_a, &admin).await;

    let agent_on_a = SocketClient::connect(&node_a.base, Offer::Auth(&admin.token))
        .await
        .expect("node A");
    let mut agent_on_b = SocketClient::connect(&node_b.base, Offer::Auth(&admin.token))
        .await
        .expect("node B");
    let mut listening = Vec::new();
    for reader in &readers {
        let socket = SocketClient::connect(&node_b.base, Offer::Auth(&reader.session.token))
            .await
            .expect("node B");
        let joined = socket
            .call(name::JOIN_CHANNEL, json!({"channelId": reader.ticket.id}))
            .await;
        assert_eq!(joined["ok"], true, "{joined}");
        listening.push(socket);
    }
    for reader in &readers {
        for socket in [&agent_on_a, &agent_on_b] {
            let joined = socket
                .call(name::JOIN_CHANNEL, json!({"channelId": reader.ticket.id}))
                .await;
            assert_eq!(joined["ok"], true, "{joined}");
        }
        // Presence around the notes too (viewing, typing): agents only.
        let viewing = agent_on_a
            .call(name::VIEWING, json!({"channelId": reader.ticket.id}))
            .await;
        assert_eq!(viewing["ok"], true, "{viewing}");
    }

    let mut notes = Notes::default();
    for reader in &readers {
        // One note over the socket, typing around it, one over REST.
        agent_on_a.emit(name::TYPING, json!({"channelId": reader.ticket.id}));
        let text = format!("NOTE-{}-socket", uuid::Uuid::new_v4().simple());
        let sent = agent_on_a
            .call(
                name::SEND_MESSAGE,
                json!({"channelId": reader.ticket.id, "content": text, "internal": true}),
            )
            .await;
        assert_eq!(sent["ok"], true, "{sent}");
        notes
            .ids
            .push(sent["message"]["id"].as_str().expect("an id").to_owned());
        notes
            .seqs
            .push(sent["message"]["seq"].as_i64().expect("a seq"));
        notes.texts.push(text);
        agent_on_a.emit(name::STOP_TYPING, json!({"channelId": reader.ticket.id}));
        let text = format!("NOTE-{}-rest", uuid::Uuid::new_v4().simple());
        let (id, seq) = post_note(&node_a, &admin, &reader.ticket, &text).await;
        notes.ids.push(id);
        notes.seqs.push(seq);
        notes.texts.push(text);
        let read = agent_on_a
            .call(
                name::MARK_READ,
                json!({"channelId": reader.ticket.id, "seq": seq}),
            )
            .await;
        assert_eq!(read["ok"], true, "{read}");
    }
    // The agent on the other node hears every note (the path carries notes to agents).
    let mut heard_notes = 0;
    while heard_notes < notes.ids.len() {
        let (message, _) = agent_on_b.next(name::NEW_MESSAGE).await;
        if message["message"]["internal"] == true {
            heard_notes += 1;
        }
    }

    // The fence: a public reply in each reader's ticket.
    for reader in &readers {
        let fence = agent_on_a
            .call(
                name::SEND_MESSAGE,
                json!({"channelId": reader.ticket.id, "content": "fence"}),
            )
            .await;
        assert_eq!(fence["ok"], true, "{fence}");
    }
    for (reader, socket) in readers.iter().zip(listening.iter_mut()) {
        let (fence, before) = socket.next(name::NEW_MESSAGE).await;
        // The first new message a reader hears is the fence: a note would have come first.
        check_heard(name::NEW_MESSAGE, &fence, &notes, reader.role);
        assert_eq!(fence["message"]["content"], "fence", "{:?}", reader.role);
        let mut heard = before;
        heard.extend(socket.received_all().await);
        for (event, payload) in &heard {
            check_heard(event, payload, &notes, reader.role);
        }
    }
}
