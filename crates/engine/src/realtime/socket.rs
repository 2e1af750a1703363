//! One Socket.IO v5 connection over a WebSocket, with nothing of the platform in it: the
//! handshake with a token, events in and out, acks, the Engine.IO heartbeat, closing.
//!
//! [`Socket::connect`] opens `/socket.io/?EIO=4&transport=websocket` under a base URL, waits
//! for Engine.IO's `open`, then connects to one namespace with `{token}` as the auth object;
//! a `connect_error` becomes [`Error::Refused`] with the code its message starts with
//! (`"CODE: text"`). From then on [`Socket::next_event`] yields what the server sends,
//! answering its pings along the way, and [`Socket::emit`] and [`Socket::emit_with_ack`]
//! send. Frames are read and written with `protocol::socketio`'s codec; nothing read from
//! the network is trusted to be well formed.
//!
//! An `https://` base is reached over `wss://` with rustls on ring, trusting webpki's roots
//! ([`Tls`]; the same roots and provider as the REST client), plus any given ones.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::events::ConnectErrorData;
use protocol::socketio::{EnginePacket, SocketPacket};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::error::{Error, Result};

/// How long opening the WebSocket, and then the handshake, may each take.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Engine.IO's defaults, for a server whose `open` packet does not say.
const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(25);
const DEFAULT_PING_TIMEOUT: Duration = Duration::from_secs(20);

/// What a `wss://` connection trusts: webpki's roots (Mozilla's), and any added.
#[derive(Debug, Clone)]
pub struct Tls {
    config: Arc<rustls::ClientConfig>,
}

impl Tls {
    /// webpki's roots only.
    pub fn webpki_roots() -> Result<Self> {
        Self::with_extra_roots([])
    }

    /// webpki's roots and `extra` (DER certificates: a private CA, or a test's
    /// self-signed certificate).
    pub fn with_extra_roots(
        extra: impl IntoIterator<Item = rustls::pki_types::CertificateDer<'static>>,
    ) -> Result<Self> {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for certificate in extra {
            roots
                .add(certificate)
                .map_err(|e| Error::Local(format!("a trusted certificate is not usable: {e}")))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Local(format!("cannot set up TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self {
            config: Arc::new(config),
        })
    }
}

/// An event the server sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Its name.
    pub name: String,
    /// Its arguments.
    pub args: Vec<Value>,
    /// The id to answer with [`Socket::ack`], when the server wants an answer.
    pub ack: Option<u64>,
}

impl Event {
    /// The first argument (the payload, in this product's events), or `null`.
    pub fn into_payload(self) -> Value {
        self.args.into_iter().next().unwrap_or(Value::Null)
    }
}

/// How a connection ended from the server's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disconnect {
    /// The server disconnected this socket from the namespace (Socket.IO `disconnect`).
    ByServer,
    /// The connection itself closed (Engine.IO `close`, a WebSocket close, or the end of
    /// the stream).
    Closed,
}

impl fmt::Display for Disconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ByServer => "the platform ended the session",
            Self::Closed => "the platform closed the connection",
        })
    }
}

/// What [`Socket::next_event`] yields.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// An event.
    Event(Event),
    /// The server ended the connection; nothing more will come.
    Disconnected(Disconnect),
}

/// What one read brought that the caller may care about.
enum Received {
    Event(Event),
    Ack { id: u64, args: Vec<Value> },
    Disconnected(Disconnect),
}

/// A connected Socket.IO socket on one namespace.
pub struct Socket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    namespace: String,
    sid: Option<String>,
    /// The server's ping interval plus its ping timeout: silence longer than that means
    /// the connection is dead.
    heartbeat: Duration,
    /// When silence starts to mean that.
    deadline: Instant,
    /// A ping was read and its pong is not yet sent (kept across a cancelled read).
    pong_due: bool,
    next_ack: u64,
    /// Events (and the end) that arrived while waiting for an ack, in order.
    pending: VecDeque<Incoming>,
    ended: Option<Disconnect>,
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Socket")
            .field("namespace", &self.namespace)
            .field("sid", &self.sid)
            .field("heartbeat", &self.heartbeat)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

/// The WebSocket URL of the Socket.IO endpoint under `base` (`http://host:port`, or
/// `https://…`, which becomes `wss://…`).
pub fn websocket_url(base: &str) -> Result<String> {
    let base = base.trim_end_matches('/');
    let (scheme, rest) = [
        ("http://", "ws://"),
        ("https://", "wss://"),
        ("ws://", "ws://"),
        ("wss://", "wss://"),
    ]
    .iter()
    .find_map(|(from, to)| base.strip_prefix(from).map(|rest| (*to, rest)))
    .ok_or_else(|| Error::Local(format!("not an http:// or https:// URL: {base}")))?;
    Ok(format!(
        "{scheme}{rest}/socket.io/?EIO=4&transport=websocket"
    ))
}

/// The refusal in a `connect_error`'s data (`{message}`, or a bare string from old
/// servers).
fn refusal(data: &Value) -> Error {
    let message = match data {
        Value::String(message) => Some(message.as_str()),
        _ => data.get("message").and_then(Value::as_str),
    }
    .unwrap_or("the server refused the connection without a reason")
    .to_owned();
    let code = ConnectErrorData {
        message: message.clone(),
    }
    .code();
    Error::Refused { code, message }
}

fn millis(open: &Value, field: &str) -> Option<Duration> {
    open.get(field)
        .and_then(Value::as_u64)
        .map(Duration::from_millis)
}

impl Socket {
    /// Connects to `namespace` of the Socket.IO server under `base`, with `{token}` as the
    /// handshake's auth object.
    ///
    /// Fails with [`Error::Refused`] when the server answers `connect_error`, and with
    /// [`Error::Offline`] when it cannot be reached or does not finish the handshake within
    /// [`HANDSHAKE_TIMEOUT`]. A `wss://` connection trusts webpki's roots.
    pub async fn connect(base: &str, namespace: &str, token: &str) -> Result<Self> {
        Self::connect_with(base, namespace, token, None).await
    }

    /// [`Socket::connect`], trusting `tls` (when given) for a `wss://` connection.
    pub async fn connect_with(
        base: &str,
        namespace: &str,
        token: &str,
        tls: Option<&Tls>,
    ) -> Result<Self> {
        let url = websocket_url(base)?;
        let connector = if url.starts_with("wss://") {
            let tls = match tls {
                Some(tls) => tls.clone(),
                None => Tls::webpki_roots()?,
            };
            Some(Connector::Rustls(tls.config))
        } else {
            None
        };
        let open = tokio_tungstenite::connect_async_tls_with_config(url, None, false, connector);
        let (ws, _) = tokio::time::timeout(HANDSHAKE_TIMEOUT, open)
            .await
            .map_err(|_| Error::Offline("the WebSocket did not open in time".to_owned()))?
            .map_err(|e| Error::Offline(e.to_string()))?;
        let mut socket = Self {
            ws,
            namespace: namespace.to_owned(),
            sid: None,
            heartbeat: HANDSHAKE_TIMEOUT,
            deadline: Instant::now() + HANDSHAKE_TIMEOUT,
            pong_due: false,
            next_ack: 0,
            pending: VecDeque::new(),
            ended: None,
        };
        tokio::time::timeout(HANDSHAKE_TIMEOUT, socket.handshake(token))
            .await
            .map_err(|_| Error::Offline("the handshake did not finish in time".to_owned()))??;
        Ok(socket)
    }

    async fn handshake(&mut self, token: &str) -> Result<()> {
        let closed =
            || Error::Offline("the server closed the connection during the handshake".to_owned());
        loop {
            match self.read().await?.ok_or_else(closed)? {
                EnginePacket::Open(open) => {
                    let interval = millis(&open, "pingInterval").unwrap_or(DEFAULT_PING_INTERVAL);
                    let timeout = millis(&open, "pingTimeout").unwrap_or(DEFAULT_PING_TIMEOUT);
                    self.heartbeat = interval + timeout;
                    self.deadline = Instant::now() + self.heartbeat;
                    break;
                }
                EnginePacket::Close => return Err(closed()),
                _ => {}
            }
        }
        self.send(EnginePacket::Message(SocketPacket::Connect {
            namespace: self.namespace.clone(),
            data: Some(json!({ "token": token })),
        }))
        .await?;
        loop {
            match self.read().await?.ok_or_else(closed)? {
                EnginePacket::Ping => self.send(EnginePacket::Pong).await?,
                EnginePacket::Close => return Err(closed()),
                EnginePacket::Message(SocketPacket::Connect { namespace, data })
                    if namespace == self.namespace =>
                {
                    self.sid = data
                        .as_ref()
                        .and_then(|data| data.get("sid"))
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    return Ok(());
                }
                EnginePacket::Message(SocketPacket::ConnectError { namespace, data })
                    if namespace == self.namespace =>
                {
                    return Err(refusal(&data));
                }
                _ => {}
            }
        }
    }

    /// The namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The socket's id as the server named it, if it did.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// The next event from the server, answering its pings meanwhile.
    ///
    /// Cancel-safe (it can be raced in `tokio::select!`): nothing read is lost, and a pong
    /// whose sending was cancelled is sent by the next call. Fails with [`Error::Offline`]
    /// when the connection breaks, the server stays silent past its heartbeat, or it had
    /// already ended; with [`Error::Server`] on a frame that is not Socket.IO.
    pub async fn next_event(&mut self) -> Result<Incoming> {
        if let Some(incoming) = self.pending.pop_front() {
            return Ok(incoming);
        }
        loop {
            match self.receive().await? {
                Received::Event(event) => return Ok(Incoming::Event(event)),
                Received::Disconnected(why) => return Ok(Incoming::Disconnected(why)),
                // The answer to a call whose caller stopped waiting.
                Received::Ack { id, .. } => tracing::debug!(id, "late ack ignored"),
            }
        }
    }

    /// Sends an event with `payload`, wanting no answer.
    pub async fn emit(&mut self, name: &str, payload: Value) -> Result<()> {
        self.send_event(name, payload, None).await
    }

    /// Sends an event with `payload` and waits for the server's ack; its arguments.
    ///
    /// Events that arrive meanwhile are kept for [`Socket::next_event`], in order. Not
    /// cancel-safe: bound it with a timeout rather than racing it.
    pub async fn emit_with_ack(&mut self, name: &str, payload: Value) -> Result<Vec<Value>> {
        let id = self.next_ack;
        self.next_ack += 1;
        self.send_event(name, payload, Some(id)).await?;
        loop {
            match self.receive().await? {
                Received::Ack { id: answered, args } if answered == id => return Ok(args),
                Received::Ack { id, .. } => tracing::debug!(id, "late ack ignored"),
                Received::Event(event) => self.pending.push_back(Incoming::Event(event)),
                Received::Disconnected(why) => {
                    self.pending.push_back(Incoming::Disconnected(why));
                    return Err(Error::Offline(format!("{why} before answering `{name}`")));
                }
            }
        }
    }

    /// Answers an event that carried an ack id.
    pub async fn ack(&mut self, id: u64, payload: Value) -> Result<()> {
        self.send(EnginePacket::Message(SocketPacket::Ack {
            namespace: self.namespace.clone(),
            ack: id,
            args: vec![payload],
        }))
        .await
    }

    /// Leaves the namespace and closes the WebSocket.
    pub async fn close(&mut self) -> Result<()> {
        if self.ended.is_none() {
            let leave = EnginePacket::Message(SocketPacket::Disconnect {
                namespace: self.namespace.clone(),
            });
            // The server may be gone already; closing goes on regardless.
            let _ = self.send(leave).await;
            self.ended = Some(Disconnect::Closed);
        }
        self.ws
            .close(None)
            .await
            .map_err(|e| Error::Offline(e.to_string()))
    }

    async fn send_event(&mut self, name: &str, payload: Value, ack: Option<u64>) -> Result<()> {
        self.send(EnginePacket::Message(SocketPacket::Event {
            namespace: self.namespace.clone(),
            ack,
            name: name.to_owned(),
            args: vec![payload],
        }))
        .await
    }

    async fn send(&mut self, packet: EnginePacket) -> Result<()> {
        if let Some(why) = self.ended {
            return Err(Error::Offline(why.to_string()));
        }
        self.ws
            .send(Frame::text(packet.encode()))
            .await
            .map_err(|e| Error::Offline(e.to_string()))
    }

    /// The next text frame as a packet; `None` once the WebSocket closed. Cancel-safe.
    async fn read(&mut self) -> Result<Option<EnginePacket>> {
        loop {
            let frame = tokio::time::timeout_at(self.deadline, self.ws.next())
                .await
                .map_err(|_| {
                    Error::Offline(format!(
                        "no heartbeat from the platform for {} s",
                        self.heartbeat.as_secs()
                    ))
                })?;
            self.deadline = Instant::now() + self.heartbeat;
            match frame {
                None | Some(Ok(Frame::Close(_))) => return Ok(None),
                Some(Err(error)) => return Err(Error::Offline(error.to_string())),
                Some(Ok(Frame::Text(text))) if !text.is_empty() => {
                    return EnginePacket::decode(&text)
                        .map(Some)
                        .map_err(|e| Error::Server(e.to_string()));
                }
                // Binary frames are not used on this product's namespaces; WebSocket
                // pings are answered by tungstenite.
                Some(Ok(_)) => {}
            }
        }
    }

    /// The next packet the caller may care about, answering pings. Cancel-safe.
    async fn receive(&mut self) -> Result<Received> {
        loop {
            if let Some(why) = self.ended {
                return Err(Error::Offline(why.to_string()));
            }
            if self.pong_due {
                self.send(EnginePacket::Pong).await?;
                self.pong_due = false;
            }
            let packet = match self.read().await? {
                Some(packet) => packet,
                None => EnginePacket::Close,
            };
            let ours = |namespace: &str| namespace == self.namespace;
            let received = match packet {
                EnginePacket::Ping => {
                    self.pong_due = true;
                    continue;
                }
                EnginePacket::Close => Received::Disconnected(Disconnect::Closed),
                EnginePacket::Message(SocketPacket::Disconnect { namespace })
                    if ours(&namespace) =>
                {
                    Received::Disconnected(Disconnect::ByServer)
                }
                EnginePacket::Message(SocketPacket::Event {
                    namespace,
                    ack,
                    name,
                    args,
                }) if ours(&namespace) => Received::Event(Event { name, args, ack }),
                EnginePacket::Message(SocketPacket::Ack {
                    namespace,
                    ack,
                    args,
                }) if ours(&namespace) => Received::Ack { id: ack, args },
                _ => continue,
            };
            if let Received::Disconnected(why) = received {
                self.ended = Some(why);
            }
            return Ok(received);
        }
    }
}

#[cfg(test)]
mod tests {
    use protocol::error::ErrorCode;

    use super::*;

    #[test]
    fn the_socket_url_follows_the_platforms() {
        assert_eq!(
            websocket_url("http://127.0.0.1:3000/").expect("a URL"),
            "ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket"
        );
        assert_eq!(
            websocket_url("https://support.example/base").expect("a URL"),
            "wss://support.example/base/socket.io/?EIO=4&transport=websocket"
        );
        assert!(matches!(websocket_url("ftp://x"), Err(Error::Local(_))));
    }

    #[test]
    fn a_refusal_carries_its_code() {
        let refused = refusal(&json!({"message": "TOKEN_EXPIRED: sign in again"}));
        assert!(
            matches!(&refused, Error::Refused { code: Some(ErrorCode::TokenExpired), message } if message == "TOKEN_EXPIRED: sign in again"),
            "{refused:?}"
        );
        let refused = refusal(&json!("no code here"));
        assert!(
            matches!(&refused, Error::Refused { code: None, message } if message == "no code here"),
            "{refused:?}"
        );
        assert!(matches!(
            refusal(&Value::Null),
            Error::Refused { code: None, .. }
        ));
    }
}
