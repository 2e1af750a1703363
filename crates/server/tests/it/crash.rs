//! The crash suite: 20 clients (10 over REST, 10 over Socket.IO) send 10,000 messages into
//! four channels of the real `switchboard-server` binary, which is killed with SIGKILL three
//! times while they send and started again on the same port and database. Each client does
//! what the console's outbox does: it resends a message, with the same `clientMessageId`,
//! until the platform acknowledges it. Afterwards every message is stored exactly once, with
//! the id and seq its acknowledgement named, each client's messages in the order it sent
//! them, and each channel read through REST shows `seq` 1, 2, 3… with no hole.
//!
//! On SQLite it runs with the other tests; on PostgreSQL (about a minute on two cores) in
//! `cargo xtask soak`. `SWITCHBOARD_CRASH_SENDS` changes the number of messages (10,000 by
//! default).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use protocol::events::{name, NAMESPACE};
use protocol::socketio::{EnginePacket, SocketPacket};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Row;
use testkit::{Database, ServerCommand, ServerProcess};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::Db;

const CLIENTS: usize = 20;
const CHANNELS: usize = 4;
const KILLS: usize = 3;
const SECRET: &str = "the crash suite's secret, long enough for HS256";
/// How long one request may take before the client gives up on it and resends.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the whole run may take before the suite fails instead of hanging.
const RUN_DEADLINE: Duration = Duration::from_secs(600);
/// A client's pause before resending while the platform is down.
const RETRY_PAUSE: Duration = Duration::from_millis(25);
/// The users the clients send as (each holds a few clients' sessions).
const SENDERS: [&str; 5] = [
    "admin@acme.test",
    "alice@acme.test",
    "bob@acme.test",
    "qm@acme.test",
    "billing@acme.test",
];

fn sends() -> usize {
    std::env::var("SWITCHBOARD_CRASH_SENDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

/// What the platform acknowledged for one message.
#[derive(Debug, Clone)]
struct Acked {
    client_message_id: String,
    channel: String,
    id: String,
    seq: i64,
}

impl Acked {
    fn from_message(client_message_id: &str, message: &Value) -> Result<Self, Failure> {
        let field = |key: &str| {
            message[key]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| Failure::Fatal(format!("no {key} in {message}")))
        };
        Ok(Self {
            client_message_id: client_message_id.to_owned(),
            channel: field("channelId")?,
            id: field("id")?,
            seq: message["seq"]
                .as_i64()
                .ok_or_else(|| Failure::Fatal(format!("no seq in {message}")))?,
        })
    }
}

/// Why a send did not come back acknowledged.
#[derive(Debug)]
enum Failure {
    /// The platform is away or busy: send it again.
    Retry(String),
    /// The platform answered what it never should (a 5xx, a refusal of a valid message).
    Fatal(String),
}

/// How one client reaches the platform.
enum Transport {
    Rest(reqwest::Client),
    Socket(Option<Box<WebSocketStream<MaybeTlsStream<TcpStream>>>>, u64),
}

struct Client {
    number: usize,
    base: String,
    token: String,
    transport: Transport,
}

impl Client {
    async fn send(&mut self, channel: &str, cmid: &str) -> Result<Acked, Failure> {
        let body = json!({"content": cmid, "clientMessageId": cmid});
        match &mut self.transport {
            Transport::Rest(http) => {
                let url = format!("{}/api/chat/channels/{channel}/messages", self.base);
                let answer = http
                    .post(url)
                    .bearer_auth(&self.token)
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| Failure::Retry(e.to_string()))?;
                let status = answer.status();
                let text = answer
                    .text()
                    .await
                    .map_err(|e| Failure::Retry(e.to_string()))?;
                if status == StatusCode::CREATED || status == StatusCode::OK {
                    let message: Value = serde_json::from_str(&text)
                        .map_err(|e| Failure::Fatal(format!("{e}: {text}")))?;
                    Acked::from_message(cmid, &message)
                } else if status == StatusCode::TOO_MANY_REQUESTS {
                    Err(Failure::Retry(format!("{status}")))
                } else {
                    Err(Failure::Fatal(format!("{status} {text}")))
                }
            }
            Transport::Socket(ws, next_ack) => {
                if ws.is_none() {
                    *ws = Some(Box::new(
                        open_socket(&self.base, &self.token)
                            .await
                            .map_err(Failure::Retry)?,
                    ));
                }
                *next_ack += 1;
                let ack = *next_ack;
                let mut payload = body;
                payload["channelId"] = json!(channel);
                let outcome = match ws.as_mut() {
                    Some(socket) => socket_call(socket, ack, payload).await,
                    None => Err(Failure::Retry("no socket".to_owned())),
                };
                match outcome {
                    Ok(answer) if answer["ok"] == true => {
                        Acked::from_message(cmid, &answer["message"])
                    }
                    Ok(answer) => match answer["error"]["code"].as_str() {
                        Some("RATE_LIMITED") => Err(Failure::Retry(answer.to_string())),
                        _ => Err(Failure::Fatal(answer.to_string())),
                    },
                    Err(failure) => {
                        // The connection is gone or stuck: the next try opens a new one.
                        *ws = None;
                        Err(failure)
                    }
                }
            }
        }
    }
}

/// Opens an authenticated `/chat` socket.
async fn open_socket(
    base: &str,
    token: &str,
) -> Result<WebSocketStream<MaybeTlsStream<TcpStream>>, String> {
    let url = format!(
        "{}/socket.io/?EIO=4&transport=websocket",
        base.replacen("http", "ws", 1)
    );
    let (mut ws, _) = tokio::time::timeout(REQUEST_TIMEOUT, tokio_tungstenite::connect_async(url))
        .await
        .map_err(|_| "the WebSocket did not open in time".to_owned())?
        .map_err(|e| e.to_string())?;
    let connect = EnginePacket::Message(SocketPacket::Connect {
        namespace: NAMESPACE.to_owned(),
        data: Some(json!({ "token": token })),
    });
    ws.send(Frame::text(connect.encode()))
        .await
        .map_err(|e| e.to_string())?;
    loop {
        match next_packet(&mut ws).await.map_err(|f| format!("{f:?}"))? {
            EnginePacket::Ping => ws
                .send(Frame::text(EnginePacket::Pong.encode()))
                .await
                .map_err(|e| e.to_string())?,
            EnginePacket::Message(SocketPacket::Connect { .. }) => return Ok(ws),
            EnginePacket::Message(SocketPacket::ConnectError { data, .. }) => {
                return Err(format!("refused: {data}"))
            }
            _ => {}
        }
    }
}

async fn next_packet(
    ws: &mut WebSocketStream<MaybeTlsStream<TcpStream>>,
) -> Result<EnginePacket, Failure> {
    loop {
        let frame = tokio::time::timeout(REQUEST_TIMEOUT, ws.next())
            .await
            .map_err(|_| Failure::Retry("no frame in time".to_owned()))?
            .ok_or_else(|| Failure::Retry("the socket closed".to_owned()))?
            .map_err(|e| Failure::Retry(e.to_string()))?;
        let Ok(text) = frame.to_text() else { continue };
        if text.is_empty() {
            continue;
        }
        return EnginePacket::decode(text)
            .map_err(|e| Failure::Fatal(format!("the server sent a bad frame: {e}")));
    }
}

/// Sends `send_message` with ack id `ack` and waits for that ack (answering pings, passing
/// over broadcasts).
async fn socket_call(
    ws: &mut WebSocketStream<MaybeTlsStream<TcpStream>>,
    ack: u64,
    payload: Value,
) -> Result<Value, Failure> {
    let event = EnginePacket::Message(SocketPacket::Event {
        namespace: NAMESPACE.to_owned(),
        ack: Some(ack),
        name: name::SEND_MESSAGE.to_owned(),
        args: vec![payload],
    });
    ws.send(Frame::text(event.encode()))
        .await
        .map_err(|e| Failure::Retry(e.to_string()))?;
    loop {
        match next_packet(ws).await? {
            EnginePacket::Ping => ws
                .send(Frame::text(EnginePacket::Pong.encode()))
                .await
                .map_err(|e| Failure::Retry(e.to_string()))?,
            EnginePacket::Message(SocketPacket::Ack { ack: id, args, .. }) if id == ack => {
                return Ok(args.into_iter().next().unwrap_or(Value::Null))
            }
            EnginePacket::Close | EnginePacket::Message(SocketPacket::Disconnect { .. }) => {
                return Err(Failure::Retry("the server closed the socket".to_owned()))
            }
            _ => {}
        }
    }
}

/// One client's run: its share of the messages, each resent until acknowledged.
async fn run_client(
    mut client: Client,
    channels: Arc<Vec<String>>,
    count: usize,
    acked: watch::Sender<usize>,
) -> Result<(Vec<Acked>, usize), String> {
    let deadline = Instant::now() + RUN_DEADLINE;
    let mut done = Vec::with_capacity(count);
    let mut retries = 0;
    for n in 0..count {
        let cmid = format!("crash-{:02}-{n:05}", client.number);
        let channel = &channels[(client.number + n) % channels.len()];
        loop {
            match client.send(channel, &cmid).await {
                Ok(ack) => {
                    done.push(ack);
                    acked.send_modify(|total| *total += 1);
                    break;
                }
                Err(Failure::Retry(why)) => {
                    retries += 1;
                    if Instant::now() > deadline {
                        return Err(format!("client {} gave up on {cmid}: {why}", client.number));
                    }
                    tokio::time::sleep(RETRY_PAUSE).await;
                }
                Err(Failure::Fatal(why)) => {
                    return Err(format!("client {} sending {cmid}: {why}", client.number))
                }
            }
        }
    }
    Ok((done, retries))
}

async fn login(http: &reqwest::Client, base: &str, email: &str) -> (String, String) {
    let answer: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": "switchboard"}))
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("a login answer");
    let token = answer["accessToken"].as_str().expect("a token").to_owned();
    let id = answer["user"]["id"].as_str().expect("a user id").to_owned();
    (token, id)
}

/// Every message of `channel` as a reader pages through them: (seq, clientMessageId).
async fn read_channel(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    channel: &str,
) -> Vec<(i64, Option<String>)> {
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page: Vec<Value> = http
            .get(format!(
                "{base}/api/chat/channels/{channel}/messages?after={after}&limit=200"
            ))
            .bearer_auth(token)
            .send()
            .await
            .expect("the server answers")
            .json()
            .await
            .expect("a page of messages");
        let Some(last) = page.last() else { break };
        after = last["seq"].as_i64().expect("a seq");
        seen.extend(page.iter().map(|m| {
            (
                m["seq"].as_i64().unwrap_or(-1),
                m["clientMessageId"].as_str().map(str::to_owned),
            )
        }));
    }
    seen
}

async fn crash_run(db: Db) {
    let database = match db {
        Db::Sqlite => Database::sqlite(),
        Db::Postgres => Database::postgres().await,
    };
    let database_url = database.url().to_owned();
    let mut server: ServerProcess =
        ServerCommand::new(env!("CARGO_BIN_EXE_switchboard-server"), database)
            .demo()
            .env("JWT_SECRET", SECRET)
            .env("RUST_LOG", "warn")
            .start_timeout(Duration::from_secs(60))
            .spawn()
            .await
            .expect("the server starts");
    let base = server.base();
    let http = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("an HTTP client");

    // Four team rooms every sender is in.
    let mut sessions = HashMap::new();
    for email in SENDERS {
        sessions.insert(email, login(&http, &base, email).await);
    }
    let (admin_token, _) = sessions["admin@acme.test"].clone();
    let members: Vec<String> = SENDERS[1..].iter().map(|e| sessions[e].1.clone()).collect();
    let mut channels = Vec::new();
    for n in 0..CHANNELS {
        let answer: Value = http
            .post(format!("{base}/api/chat/channels"))
            .bearer_auth(&admin_token)
            .json(&json!({"type": "TEAM", "subject": format!("crash room {n}"), "participantIds": members}))
            .send()
            .await
            .expect("the server answers")
            .json()
            .await
            .expect("a channel");
        channels.push(answer["id"].as_str().expect("a channel id").to_owned());
    }
    let channels = Arc::new(channels);

    let total = sends();
    let (acked, mut progress) = watch::channel(0usize);
    let started = Instant::now();
    let mut clients = Vec::new();
    for number in 0..CLIENTS {
        let (token, _) = sessions[SENDERS[number % SENDERS.len()]].clone();
        let transport = if number % 2 == 0 {
            Transport::Rest(http.clone())
        } else {
            Transport::Socket(None, 0)
        };
        let client = Client {
            number,
            base: base.clone(),
            token,
            transport,
        };
        let count = total / CLIENTS + usize::from(number < total % CLIENTS);
        clients.push(tokio::spawn(run_client(
            client,
            channels.clone(),
            count,
            acked.clone(),
        )));
    }
    drop(acked);

    // Kill -9 at a quarter, a half and three quarters of the messages acknowledged.
    for kill in 1..=KILLS {
        let at = total * kill / (KILLS + 1);
        tokio::time::timeout(RUN_DEADLINE, progress.wait_for(|n| *n >= at))
            .await
            .expect("the clients make progress")
            .expect("the clients run");
        server.stop().expect("kill -9");
        server
            .restart()
            .await
            .expect("the server starts again on the same database");
    }

    let mut acks = Vec::new();
    let mut retries = 0;
    for client in clients {
        let (done, tries) = client
            .await
            .expect("the client task")
            .unwrap_or_else(|e| panic!("{e}"));
        acks.extend(done);
        retries += tries;
    }
    let elapsed = started.elapsed();

    // Exactly once, as acknowledged.
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&database_url)
        .await
        .expect("the database");
    let rows = sqlx::query("SELECT client_message_id, id, channel_id, seq FROM messages WHERE client_message_id LIKE 'crash-%'")
        .fetch_all(&pool)
        .await
        .expect("the messages");
    let mut stored: HashMap<String, Vec<(String, String, i64)>> = HashMap::new();
    for row in &rows {
        stored.entry(row.get::<String, _>(0)).or_default().push((
            row.get::<String, _>(1),
            row.get::<String, _>(2),
            row.get::<i64, _>(3),
        ));
    }
    assert_eq!(acks.len(), total, "every message was acknowledged");
    let mut lost = 0;
    let mut duplicated = 0;
    let mut mismatched = Vec::new();
    for ack in &acks {
        match stored.get(&ack.client_message_id).map(Vec::as_slice) {
            None | Some([]) => lost += 1,
            Some([(id, channel, seq)]) => {
                if (id, channel, *seq) != (&ack.id, &ack.channel, ack.seq) {
                    mismatched.push(format!("{ack:?} stored as {id} {channel} {seq}"));
                }
            }
            Some(_) => duplicated += 1,
        }
    }
    println!(
        "crash suite ({db:?}): {total} messages from {CLIENTS} clients in {:.1}s, {KILLS} kills, \
         {retries} resends, {lost} lost, {duplicated} duplicated",
        elapsed.as_secs_f64()
    );
    assert_eq!((lost, duplicated), (0, 0), "lost, duplicated");
    assert_eq!(rows.len(), total, "no message stored but those sent");
    assert!(mismatched.is_empty(), "{}", mismatched.join("\n"));

    // Each client's messages in the order it sent them.
    let mut by_client: BTreeMap<(&str, &str), Vec<i64>> = BTreeMap::new();
    for ack in &acks {
        let client = &ack.client_message_id[..8];
        by_client
            .entry((client, ack.channel.as_str()))
            .or_default()
            .push(ack.seq);
    }
    for ((client, channel), seqs) in &by_client {
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "{client} in {channel}: {seqs:?}"
        );
    }

    // A reader sees seq 1, 2, 3… in every channel, every message among them.
    for channel in channels.iter() {
        let read = read_channel(&http, &base, &admin_token, channel).await;
        let seqs: Vec<i64> = read.iter().map(|(seq, _)| *seq).collect();
        let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
        assert!(seqs == expected, "holes or disorder in {channel}: {seqs:?}");
        let ours = read
            .iter()
            .filter(|(_, c)| c.as_deref().is_some_and(|c| c.starts_with("crash-")))
            .count();
        let sent = acks.iter().filter(|a| &a.channel == channel).count();
        assert_eq!(ours, sent, "a reader of {channel} sees every message once");
    }
}

// SQLite runs in `cargo xtask test` (35 s on two cores); PostgreSQL takes about a minute
// alone and more beside the other tests, so `cargo xtask soak` runs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_sends_survive_three_kills_on_sqlite() {
    crash_run(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "about a minute alone: cargo xtask soak runs it"]
async fn ten_thousand_sends_survive_three_kills_on_postgres() {
    crash_run(Db::Postgres).await;
}
