//! The cross-tenant attack suite over Socket.IO: every event of
//! `protocol::client_events::ClientEvent::ALL` (an exhaustive match, so a new event without
//! an attack case does not compile), with and without an ack, aimed at the other tenant's
//! channel, ticket and user ids by a user of every role (acme's seven, the consultant
//! signed in to acme, globex's admin and participant, and a super admin signed in to
//! globex). Each attempt is sent again with an unknown id: the two answers must be equal
//! (the ids put back), and not a success unless the event cannot reveal or change anything
//! (leaving a room one is not in). Then the victims' own activity (messages, a ticket change,
//! typing) must reach none of the attackers' sockets, so no attempt joined a foreign room;
//! and the victims' rows are unchanged by the attempts.

use std::collections::BTreeSet;

use protocol::client_events::ClientEvent;
use protocol::events::name;
use protocol::{ChannelStatus, Role};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::socket::{Offer, SocketClient};
use crate::support::{Session, TestServer};

/// Typing events a socket may send before the rate limit (10 per 5 s) would answer instead.
const TYPING_PER_SOCKET: u32 = 10;

/// The payloads each event is attacked with, aimed at `id` (the `n`th attempt). The match is
/// exhaustive: an event added to the protocol needs its case here.
fn attack_payloads(event: ClientEvent, id: &str, n: usize) -> Vec<Value> {
    match event {
        ClientEvent::JoinChannel
        | ClientEvent::LeaveChannel
        | ClientEvent::Typing
        | ClientEvent::StopTyping
        | ClientEvent::Viewing
        | ClientEvent::StopViewing => vec![json!({ "channelId": id })],
        ClientEvent::SendMessage => vec![
            json!({"channelId": id, "content": "let me in", "clientMessageId": format!("attack-{n}")}),
            json!({"channelId": id, "content": "a note of mine", "internal": true}),
        ],
        ClientEvent::MarkRead => vec![
            json!({"channelId": id, "seq": 1}),
            json!({"channelId": id, "seq": 1_000_000}),
        ],
    }
}

/// Whether a success may answer an attack: only where the event reads nothing and changes
/// nothing of the channel (leaving a room the socket is not in, closing a channel it did not
/// view).
fn harmless(event: ClientEvent) -> bool {
    match event {
        ClientEvent::LeaveChannel | ClientEvent::StopViewing => true,
        ClientEvent::JoinChannel
        | ClientEvent::SendMessage
        | ClientEvent::Typing
        | ClientEvent::StopTyping
        | ClientEvent::MarkRead
        | ClientEvent::Viewing => false,
    }
}

/// Events with a per-socket rate limit: sent on a spare socket, replaced in time.
fn is_limited(event: ClientEvent) -> bool {
    matches!(
        event,
        ClientEvent::Typing
            | ClientEvent::StopTyping
            | ClientEvent::Viewing
            | ClientEvent::StopViewing
    )
}

/// Presence is for agents: a customer's `viewing` is refused whatever the channel.
fn agents_only(event: ClientEvent) -> bool {
    matches!(event, ClientEvent::Viewing)
}

/// A user of one tenant with a socket, aiming at the other tenant.
struct Attacker {
    who: String,
    session: Session,
    socket: SocketClient,
    /// A fresh socket for typing events, replaced before the rate limit would answer.
    typing: Option<(SocketClient, u32)>,
    /// Every event its sockets were sent that answered none of its attempts.
    heard: Vec<(String, Value)>,
}

impl Attacker {
    async fn new(server: &TestServer, who: String, session: Session) -> Self {
        let socket = connect(server, &session).await;
        Self {
            who,
            session,
            socket,
            typing: None,
            heard: Vec::new(),
        }
    }

    /// The socket to send `event` on (`sends` of them in a row).
    async fn socket_for(
        &mut self,
        server: &TestServer,
        event: ClientEvent,
        sends: u32,
    ) -> &mut SocketClient {
        if !is_limited(event) {
            return &mut self.socket;
        }
        if self
            .typing
            .as_ref()
            .is_none_or(|(_, used)| used + sends > TYPING_PER_SOCKET)
        {
            let fresh = (connect(server, &self.session).await, 0);
            if let Some((mut old, _)) = self.typing.replace(fresh) {
                self.heard.extend(old.received_all().await);
            }
        }
        let (socket, used) = self.typing.as_mut().expect("a typing socket");
        *used += sends;
        socket
    }
}

async fn connect(server: &TestServer, who: &Session) -> SocketClient {
    SocketClient::connect(&server.base, Offer::Auth(&who.token))
        .await
        .expect("the handshake succeeds")
}

/// One tenant's ids the other tenant aims at, and who acts for it.
struct Victim {
    tenant: String,
    /// What its own messages say, so an attacker hearing one is caught.
    secret: String,
    admin: Session,
    channels: Vec<String>,
    ticket_channel: String,
    probes: Vec<String>,
}

impl Victim {
    async fn of(server: &TestServer, slug: &str, admin: &str) -> Self {
        let tenant = server.tenant_id(slug).await;
        let admin = server.login(admin).await;
        let queue = server.queue(&admin).await;
        // Channels its admin can still post in, so its own activity can be heard.
        let open: Vec<&protocol::Channel> = queue
            .iter()
            .filter(|c| !matches!(c.status, ChannelStatus::Resolved | ChannelStatus::Archived))
            .collect();
        let channels: Vec<String> = open.iter().take(4).map(|c| c.id.to_string()).collect();
        assert!(!channels.is_empty(), "{slug} has open channels");
        let ticket = open
            .iter()
            .find(|c| c.ticket.is_some())
            .expect("an open ticket among the demo channels");
        let ticket_id = ticket
            .ticket
            .as_ref()
            .map(|t| t.id.to_string())
            .unwrap_or_default();
        let mut probes = channels.clone();
        probes.push(ticket_id);
        probes.push(admin.login.user.id.to_string());
        Self {
            tenant,
            secret: format!("{slug}-secret"),
            ticket_channel: ticket.id.to_string(),
            channels,
            admin,
            probes,
        }
    }
}

/// An answer with the probed id written as `<id>`, so a foreign id's and an unknown id's
/// answers compare.
fn normalized(answer: &Value, id: &str) -> String {
    answer.to_string().replace(id, "<id>")
}

#[derive(Default)]
struct Tally {
    attempts: usize,
    leaks: Vec<String>,
}

impl Tally {
    fn record(&mut self, what: impl FnOnce() -> String, real: String, unknown: String, ok: bool) {
        self.attempts += 1;
        if real != unknown || ok {
            self.leaks
                .push(format!("{}: {real} vs unknown id {unknown}", what()));
        }
    }
}

/// The event a socket is sent back for `event` besides its ack: `left_channel` after a
/// leave, `joined_channel` after a join that worked; none for the others.
fn echo(event: ClientEvent) -> Option<&'static str> {
    match event {
        ClientEvent::JoinChannel => Some(name::JOINED_CHANNEL),
        ClientEvent::LeaveChannel => Some(name::LEFT_CHANNEL),
        ClientEvent::SendMessage
        | ClientEvent::Typing
        | ClientEvent::StopTyping
        | ClientEvent::MarkRead
        | ClientEvent::Viewing
        | ClientEvent::StopViewing => None,
    }
}

/// What answers `event` sent without an ack: its echo when it may succeed, else `error`;
/// nothing for a harmless success without an echo (attacked with an ack only).
fn answer_without_ack(event: ClientEvent) -> Option<&'static str> {
    match echo(event) {
        Some(echo) if harmless(event) => Some(echo),
        None if harmless(event) => None,
        _ => Some(name::ERROR),
    }
}

/// `payload` with `probe` replaced by `id`.
fn aimed_at(payload: &Value, probe: &str, id: &str) -> Value {
    serde_json::from_str(&payload.to_string().replace(probe, id)).expect("the payload as JSON")
}

/// Sends `payload` (with its id `probe`) with an ack, then again with an unknown id; the
/// events the socket heard meanwhile go to `heard`.
async fn attack_with_ack(
    socket: &mut SocketClient,
    event: ClientEvent,
    payload: &Value,
    probe: &str,
    heard: &mut Vec<(String, Value)>,
) -> (String, String, bool) {
    let unknown = uuid::Uuid::new_v4().to_string();
    let real = socket.call(event.name(), payload.clone()).await;
    let random = socket
        .call(event.name(), aimed_at(payload, probe, &unknown))
        .await;
    // A success's echo was sent before its ack: take it off the queue.
    if let Some(echo) = echo(event) {
        for answer in [&real, &random] {
            if answer["ok"] == true {
                let (_, skipped) = socket.next(echo).await;
                heard.extend(skipped);
            }
        }
    }
    let ok = real["ok"] == true;
    (normalized(&real, probe), normalized(&random, &unknown), ok)
}

/// Sends `payload` without an ack, then again with an unknown id: the event that answers
/// each (an `error`, or the echo of a harmless success); other events go to `heard`.
async fn attack_without_ack(
    socket: &mut SocketClient,
    event: ClientEvent,
    payload: &Value,
    probe: &str,
    heard: &mut Vec<(String, Value)>,
) -> (String, String, bool) {
    let unknown = uuid::Uuid::new_v4().to_string();
    let Some(answer) = answer_without_ack(event) else {
        return (String::new(), String::new(), false);
    };
    socket.emit(event.name(), payload.clone());
    let (real, skipped) = socket.next(answer).await;
    heard.extend(skipped);
    socket.emit(event.name(), aimed_at(payload, probe, &unknown));
    let (random, skipped) = socket.next(answer).await;
    heard.extend(skipped);
    let ok = answer != name::ERROR;
    (normalized(&real, probe), normalized(&random, &unknown), ok)
}

/// Each attacker's own channel: every event must work there (so the refusals above are
/// about the foreign id, not a malformed attack).
async fn control(server: &TestServer, attacker: &mut Attacker) {
    let own = server
        .open_channel(
            &attacker.session,
            json!({"type": "TEAM", "subject": "our room"}),
        )
        .await
        .id
        .to_string();
    let agent = attacker.session.login.user.role.is_agent();
    for &event in ClientEvent::ALL {
        let payload = attack_payloads(event, &own, 0)[0].clone();
        let socket = attacker.socket_for(server, event, 1).await;
        let answer = socket.call(event.name(), payload).await;
        if agents_only(event) && !agent {
            assert_eq!(
                answer["error"]["code"],
                "FORBIDDEN",
                "{} {}: {answer}",
                attacker.who,
                event.name()
            );
            continue;
        }
        assert_eq!(
            answer["ok"],
            true,
            "{} {}: {answer}",
            attacker.who,
            event.name()
        );
    }
}

/// The victims' own activity in every attacked channel: a message, a ticket change, typing.
async fn victim_activity(server: &TestServer, victim: &Victim) -> SocketClient {
    let mut observer = connect(server, &victim.admin).await;
    for channel in &victim.channels {
        let joined = observer
            .call(name::JOIN_CHANNEL, json!({"channelId": channel}))
            .await;
        assert_eq!(joined["ok"], true, "{joined}");
    }
    let mut typist = connect(server, &victim.admin).await;
    for channel in &victim.channels {
        let path = format!("/api/chat/channels/{channel}/messages");
        let body = json!({"content": format!("{} in {channel}", victim.secret)});
        let answer = server
            .call(Method::POST, &path, Some(&victim.admin.token), Some(body))
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        let viewed = typist
            .call(name::VIEWING, json!({"channelId": channel}))
            .await;
        assert_eq!(viewed["ok"], true, "{viewed}");
        let typed = typist
            .call(name::TYPING, json!({"channelId": channel}))
            .await;
        assert_eq!(typed["ok"], true, "{typed}");
    }
    let path = format!("/api/chat/channels/{}/ticket", victim.ticket_channel);
    let answer = server
        .call(
            Method::PUT,
            &path,
            Some(&victim.admin.token),
            Some(json!({"priority": "URGENT"})),
        )
        .await;
    assert!(answer.status.is_success(), "{:?}", answer.body);
    // The leak detector works: the victim's own observer hears it all.
    let (message, _) = observer.next(name::NEW_MESSAGE).await;
    assert!(message.to_string().contains(&victim.secret), "{message}");
    let _ = typist.received_all().await;
    observer
}

on_both_databases! {
    async fn no_event_reaches_or_reveals_another_tenant(db: Db) {
        let server = TestServer::start(db).await;
        let acme = Victim::of(&server, "acme", "admin@acme.test").await;
        let globex = Victim::of(&server, "globex", "admin@globex.test").await;

        // Every role, each aiming at the tenant it is not signed in to.
        let mut attackers: Vec<(Attacker, &Victim)> = Vec::new();
        for email in ["admin@acme.test", "qm@acme.test", "billing@acme.test", "inspector@acme.test",
                      "mod@acme.test", "alice@acme.test", "practice@acme.test"] {
            let session = server.login(email).await;
            attackers.push((Attacker::new(&server, email.to_owned(), session).await, &globex));
        }
        let consultant = server.login_in("consultant@switchboard.test", Some(&acme.tenant)).await;
        attackers.push((Attacker::new(&server, "consultant in acme".to_owned(), consultant).await, &globex));
        for email in ["admin@globex.test", "carol@globex.test"] {
            let session = server.login(email).await;
            attackers.push((Attacker::new(&server, email.to_owned(), session).await, &acme));
        }
        let root = server.login_in("root@switchboard.test", Some(&globex.tenant)).await;
        attackers.push((Attacker::new(&server, "root in globex".to_owned(), root).await, &acme));
        let roles: BTreeSet<Role> = attackers.iter().map(|(a, _)| a.session.login.user.role).collect();
        assert_eq!(roles, Role::ALL.iter().copied().collect(), "every role attacks");

        for (attacker, _) in &mut attackers {
            control(&server, attacker).await;
            let _ = attacker.socket.received_all().await;
        }
        let before = (server.snapshot(&acme.tenant).await, server.snapshot(&globex.tenant).await);

        let mut tally = Tally::default();
        for (attacker, victim) in &mut attackers {
            for &event in ClientEvent::ALL {
                for probe in &victim.probes {
                    for payload in attack_payloads(event, probe, tally.attempts) {
                        let who = attacker.who.clone();
                        let mut heard = Vec::new();
                        let socket = attacker.socket_for(&server, event, 2).await;
                        let (real, unknown, ok) =
                            attack_with_ack(socket, event, &payload, probe, &mut heard).await;
                        tally.record(|| format!("{who} {} {payload} (ack)", event.name()), real, unknown, ok && !harmless(event));
                        let socket = attacker.socket_for(&server, event, 2).await;
                        let (real, unknown, ok) =
                            attack_without_ack(socket, event, &payload, probe, &mut heard).await;
                        tally.record(|| format!("{who} {} {payload} (no ack)", event.name()), real, unknown, ok && !harmless(event));
                        attacker.heard.extend(heard);
                    }
                }
            }
        }
        let after = (server.snapshot(&acme.tenant).await, server.snapshot(&globex.tenant).await);
        assert!(after == before, "the attempts changed a tenant's rows");

        // The victims carry on; none of it may reach an attacker.
        let _observers = (victim_activity(&server, &acme).await, victim_activity(&server, &globex).await);
        for (attacker, victim) in &mut attackers {
            let mut heard = std::mem::take(&mut attacker.heard);
            heard.extend(attacker.socket.received_all().await);
            if let Some((socket, _)) = attacker.typing.as_mut() {
                heard.extend(socket.received_all().await);
            }
            for (event, data) in heard {
                let text = data.to_string();
                let foreign = text.contains(&victim.tenant)
                    || text.contains(&victim.secret)
                    || victim.probes.iter().any(|id| text.contains(id.as_str()));
                if foreign {
                    tally.leaks.push(format!("{} heard {event} {text:.300}", attacker.who));
                }
            }
        }
        println!("socket cross-tenant attack attempts: {}", tally.attempts);
        assert!(tally.attempts >= 500, "the suite ran {} attempts", tally.attempts);
        assert!(tally.leaks.is_empty(), "{} leaks:\n{}", tally.leaks.len(), tally.leaks.join("\n"));
    }
}
