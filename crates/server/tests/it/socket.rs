//! A Socket.IO client for the tests: a real WebSocket (tokio-tungstenite) speaking the
//! protocol crate's codec to the real gateway.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::events::NAMESPACE;
use protocol::socketio::{EnginePacket, SocketPacket};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message as Frame;

/// How long a test waits for something the server owes it before failing.
pub const PATIENCE: Duration = Duration::from_secs(15);

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>;

/// A connected socket on `/chat`.
pub struct SocketClient {
    out: mpsc::UnboundedSender<String>,
    events: mpsc::UnboundedReceiver<(String, Value)>,
    pending: Pending,
    next_ack: AtomicU64,
    task: tokio::task::JoinHandle<()>,
}

/// How a token is offered in the handshake.
#[derive(Debug, Clone, Copy)]
pub enum Offer<'a> {
    /// `auth: {token}`.
    Auth(&'a str),
    /// `?token=`.
    Query(&'a str),
    /// No token at all.
    Nothing,
}

impl SocketClient {
    /// Connects to the server at `base` (`http://…`); `Err` holds the `connect_error`
    /// message.
    pub async fn connect(base: &str, offer: Offer<'_>) -> Result<Self, String> {
        let mut url = format!(
            "{}/socket.io/?EIO=4&transport=websocket",
            base.replacen("http", "ws", 1)
        );
        if let Offer::Query(token) = offer {
            url.push_str("&token=");
            url.push_str(token);
        }
        let (mut ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("the WebSocket opens");
        // Engine.IO open, then the namespace handshake.
        let open = next_packet(&mut ws).await;
        assert!(matches!(open, EnginePacket::Open(_)), "{open:?}");
        let data = match offer {
            Offer::Auth(token) => Some(json!({ "token": token })),
            _ => None,
        };
        let connect = EnginePacket::Message(SocketPacket::Connect {
            namespace: NAMESPACE.to_owned(),
            data,
        });
        ws.send(Frame::text(connect.encode()))
            .await
            .expect("send connect");
        loop {
            match next_packet(&mut ws).await {
                EnginePacket::Ping => {
                    ws.send(Frame::text(EnginePacket::Pong.encode()))
                        .await
                        .expect("pong");
                }
                EnginePacket::Message(SocketPacket::Connect { .. }) => break,
                EnginePacket::Message(SocketPacket::ConnectError { data, .. }) => {
                    return Err(data["message"].as_str().unwrap_or_default().to_owned())
                }
                other => panic!("unexpected during the handshake: {other:?}"),
            }
        }

        let (out, mut outgoing) = mpsc::unbounded_channel::<String>();
        let (events_tx, events) = mpsc::unbounded_channel();
        let pending: Pending = Arc::default();
        let acks = pending.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    frame = outgoing.recv() => {
                        let Some(frame) = frame else { break };
                        if ws.send(Frame::text(frame)).await.is_err() {
                            break;
                        }
                    }
                    frame = ws.next() => {
                        let Some(Ok(frame)) = frame else { break };
                        let Ok(text) = frame.to_text() else { continue };
                        if text.is_empty() {
                            continue;
                        }
                        match EnginePacket::decode(text) {
                            Ok(EnginePacket::Ping) => {
                                if ws.send(Frame::text(EnginePacket::Pong.encode())).await.is_err() {
                                    break;
                                }
                            }
                            Ok(EnginePacket::Message(SocketPacket::Event { name, args, .. })) => {
                                let data = args.into_iter().next().unwrap_or(Value::Null);
                                let _ = events_tx.send((name, data));
                            }
                            Ok(EnginePacket::Message(SocketPacket::Ack { ack, args, .. })) => {
                                let waiter = acks.lock().expect("acks").remove(&ack);
                                if let Some(waiter) = waiter {
                                    let _ = waiter.send(args.into_iter().next().unwrap_or(Value::Null));
                                }
                            }
                            Ok(EnginePacket::Message(SocketPacket::Disconnect { .. }))
                            | Ok(EnginePacket::Close) => {
                                let _ = events_tx.send(("disconnect".to_owned(), Value::Null));
                                break;
                            }
                            Ok(_) => {}
                            Err(error) => panic!("the server sent a bad frame: {error}"),
                        }
                    }
                }
            }
            let _ = events_tx.send(("closed".to_owned(), Value::Null));
        });
        Ok(Self {
            out,
            events,
            pending,
            next_ack: AtomicU64::new(1),
            task,
        })
    }

    /// Sends an event without an ack.
    pub fn emit(&self, name: &str, data: Value) {
        let packet = EnginePacket::Message(SocketPacket::Event {
            namespace: NAMESPACE.to_owned(),
            ack: None,
            name: name.to_owned(),
            args: vec![data],
        });
        self.out.send(packet.encode()).expect("the socket is open");
    }

    /// Sends an event and waits for its ack.
    pub async fn call(&self, name: &str, data: Value) -> Value {
        let id = self.next_ack.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending.lock().expect("acks").insert(id, tx);
        let packet = EnginePacket::Message(SocketPacket::Event {
            namespace: NAMESPACE.to_owned(),
            ack: Some(id),
            name: name.to_owned(),
            args: vec![data],
        });
        self.out.send(packet.encode()).expect("the socket is open");
        tokio::time::timeout(PATIENCE, rx)
            .await
            .unwrap_or_else(|_| panic!("no ack for {name}"))
            .expect("the ack arrives")
    }

    /// The next event of any name.
    pub async fn next_any(&mut self) -> (String, Value) {
        tokio::time::timeout(PATIENCE, self.events.recv())
            .await
            .expect("an event in time")
            .expect("the socket is open")
    }

    /// The next event named `name`; events of other names before it are returned too.
    pub async fn next(&mut self, name: &str) -> (Value, Vec<(String, Value)>) {
        let mut skipped = Vec::new();
        loop {
            let (event, data) = self.next_any().await;
            if event == name {
                return (data, skipped);
            }
            skipped.push((event, data));
        }
    }

    /// Everything received up to now: an ack's round trip orders after every event the
    /// server queued for this socket before it.
    pub async fn received(&mut self) -> Vec<(String, Value)> {
        let barrier = self
            .call(
                protocol::events::name::LEAVE_CHANNEL,
                json!({"channelId": uuid::Uuid::new_v4()}),
            )
            .await;
        assert_eq!(barrier["ok"], true, "{barrier}");
        let mut seen = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            // The barrier's own `left_channel`.
            if event.0 != protocol::events::name::LEFT_CHANNEL {
                seen.push(event);
            }
        }
        seen
    }
}

impl SocketClient {
    /// Everything received up to now, every `left_channel` included but the barrier's own:
    /// an ack's round trip orders after every event the server queued for this socket
    /// before it.
    pub async fn received_all(&mut self) -> Vec<(String, Value)> {
        let barrier = uuid::Uuid::new_v4().to_string();
        let answer = self
            .call(
                protocol::events::name::LEAVE_CHANNEL,
                json!({ "channelId": barrier }),
            )
            .await;
        assert_eq!(answer["ok"], true, "{answer}");
        let mut seen = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            let own = event.0 == protocol::events::name::LEFT_CHANNEL
                && event.1["channelId"] == barrier.as_str();
            if !own {
                seen.push(event);
            }
        }
        seen
    }
}

impl Drop for SocketClient {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn next_packet<S>(ws: &mut S) -> EnginePacket
where
    S: futures_util::Stream<Item = Result<Frame, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let frame = tokio::time::timeout(PATIENCE, ws.next())
            .await
            .expect("a frame in time")
            .expect("the WebSocket is open")
            .expect("a frame");
        if let Ok(text) = frame.to_text() {
            if !text.is_empty() {
                return EnginePacket::decode(text).expect("a Socket.IO frame");
            }
        }
    }
}
