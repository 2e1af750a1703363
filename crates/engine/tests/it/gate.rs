//! A gate in front of the platform, for trouble the platform does not make on demand: it
//! passes everything through (optionally terminating TLS with a test's certificate), or
//! refuses the Socket.IO handshake with a chosen `connect_error` (`"CODE: text"`), or
//! answers every request with a chosen HTTP status. Changing its mode cuts the connections
//! it carries, as a deploy would.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::socketio::{EnginePacket, SocketPacket};
use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::WebSocketStream;

/// The longest a request head may be.
const MAX_HEAD: usize = 64 * 1024;
/// How long the gate's own exchanges with a client may take.
const PATIENCE: Duration = Duration::from_secs(10);

/// What the gate does with what comes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Everything goes through to the platform.
    Pass,
    /// The Socket.IO handshake on `/chat` is refused with this message (`"CODE: text"`);
    /// REST goes through.
    Refuse(String),
    /// Every request is answered with this status and the contract's error body.
    Fail(u16),
}

/// A running gate; stops when dropped.
pub struct Gate {
    /// Its base URL (`http://…` or, with TLS, `https://…`).
    pub base: String,
    mode: watch::Sender<Mode>,
    task: JoinHandle<()>,
}

impl Gate {
    /// A gate on a free port of 127.0.0.1 in front of the platform at `platform`
    /// (`http://host:port`), in `Pass` mode; with `tls`, it speaks HTTPS.
    pub async fn start(platform: &str, tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let upstream = platform
            .strip_prefix("http://")
            .expect("the platform serves http://")
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = listener.local_addr().expect("the gate's address");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let (mode, watching) = watch::channel(Mode::Pass);
        let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let watching = watching.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor {
                        Some(acceptor) => {
                            // A client that does not trust the certificate hangs up here.
                            if let Ok(Ok(stream)) =
                                tokio::time::timeout(PATIENCE, acceptor.accept(stream)).await
                            {
                                serve(stream, &upstream, watching).await;
                            }
                        }
                        None => serve(stream, &upstream, watching).await,
                    }
                });
            }
        });
        Self {
            base: format!("{scheme}://{address}"),
            mode,
            task,
        }
    }

    /// From now on, `mode`; the connections carried so far are cut.
    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One client connection.
async fn serve<S>(mut client: S, upstream: &str, mut watching: watch::Receiver<Mode>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Some(head) = read_head(&mut client).await else {
        return;
    };
    let mode = watching.borrow_and_update().clone();
    let text = String::from_utf8_lossy(&head).into_owned();
    let socket_io = text.starts_with("GET /socket.io/");
    match mode {
        Mode::Fail(status) => {
            let body = json!({
                "statusCode": status,
                "error": "Trouble",
                "message": "the gate is failing on purpose",
            })
            .to_string();
            let answer = format!(
                "HTTP/1.1 {status} Trouble\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = client.write_all(answer.as_bytes()).await;
            let _ = client.shutdown().await;
        }
        Mode::Refuse(message) if socket_io => {
            let _ = tokio::time::timeout(PATIENCE, refuse(client, &text, &message)).await;
        }
        Mode::Pass | Mode::Refuse(_) => {
            let Ok(mut platform) = TcpStream::connect(upstream).await else {
                return;
            };
            if platform.write_all(&head).await.is_err() {
                return;
            }
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut platform) => {}
                _ = watching.changed() => {}
            }
        }
    }
}

/// The request head (and whatever followed it in the same reads), or `None` if the client
/// went away first.
async fn read_head<S: AsyncRead + Unpin>(client: &mut S) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut chunk = [0_u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return None;
        }
        let read = tokio::time::timeout(PATIENCE, client.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if read == 0 {
            return None;
        }
        head.extend_from_slice(&chunk[..read]);
    }
    Some(head)
}

/// Accepts the WebSocket, opens Engine.IO, and answers the namespace's CONNECT with a
/// `connect_error` carrying `message`.
async fn refuse<S>(mut client: S, head: &str, message: &str)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Some(key) = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("sec-websocket-key")
            .then(|| value.trim().to_owned())
    }) else {
        return;
    };
    let accept = format!(
        "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\
         sec-websocket-accept: {}\r\n\r\n",
        derive_accept_key(key.as_bytes())
    );
    if client.write_all(accept.as_bytes()).await.is_err() {
        return;
    }
    let mut ws = WebSocketStream::from_raw_socket(client, Role::Server, None).await;
    let open = EnginePacket::Open(json!({
        "sid": "gate", "upgrades": [], "pingInterval": 25000, "pingTimeout": 20000,
        "maxPayload": 1_000_000,
    }));
    if ws.send(Frame::text(open.encode())).await.is_err() {
        return;
    }
    while let Some(Ok(frame)) = ws.next().await {
        let Frame::Text(text) = frame else { continue };
        if let Ok(EnginePacket::Message(SocketPacket::Connect { namespace, .. })) =
            EnginePacket::decode(text.as_str())
        {
            let refusal = EnginePacket::Message(SocketPacket::ConnectError {
                namespace,
                data: json!({ "message": message }),
            });
            let _ = ws.send(Frame::text(refusal.encode())).await;
            break;
        }
    }
    let _ = ws.close(None).await;
}
