//! The engine's Socket.IO client against the official Node server: `tests/interop/server.mjs`
//! runs npm's `socket.io` (pinned by the package-lock; `npm ci` in tests/interop, which
//! `cargo xtask test` does) as a test peer, and [`engine::realtime::socket::Socket`] is
//! checked against it: refusal codes, acks both ways, events, heartbeats, a disconnect
//! from the server's side, and `wss://` to it behind a self-signed certificate.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use engine::realtime::socket::{Disconnect, Event, Incoming, Socket, Tls};
use engine::Error;
use protocol::error::ErrorCode;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The token `server.mjs` accepts.
const TOKEN: &str = "interop-token";
const NAMESPACE: &str = "/chat";
/// The peer's ping interval (`server.mjs`).
const PING_INTERVAL: Duration = Duration::from_millis(300);
const PATIENCE: Duration = Duration::from_secs(15);

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop")
}

/// `node server.mjs` on a free port; killed when dropped (and it exits by itself when its
/// standard input closes, should this process die first).
struct NodePeer {
    base: String,
    _child: Child,
}

impl NodePeer {
    async fn start() -> Self {
        Self::serve(None).await
    }

    /// A peer serving HTTPS with the PEM certificate and key in `tls`.
    async fn start_tls(certificate: &Path, key: &Path) -> Self {
        Self::serve(Some((certificate, key))).await
    }

    async fn serve(tls: Option<(&Path, &Path)>) -> Self {
        let dir = interop_dir();
        assert!(
            dir.join("node_modules/socket.io/package.json").is_file(),
            "the npm package socket.io is not installed in {}: run `npm ci` in tests/interop \
             (`cargo xtask test` does)",
            dir.display()
        );
        let mut command = Command::new("node");
        if let Some((certificate, key)) = tls {
            command.env("TLS_CERT", certificate).env("TLS_KEY", key);
        }
        let mut child = command
            .args(["server.mjs", "0"])
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs (install Node.js, or run `cargo xtask setup`)");
        let stdout = child.stdout.take().expect("the peer's stdout");
        let first = tokio::time::timeout(PATIENCE, BufReader::new(stdout).lines().next_line())
            .await
            .expect("the peer said where it listens in time")
            .expect("the peer's stdout reads");
        let port: u16 = first
            .as_deref()
            .and_then(|line| line.strip_prefix("listening "))
            .and_then(|port| port.trim().parse().ok())
            .unwrap_or_else(|| {
                panic!("the peer's first line is not `listening <port>`: {first:?}")
            });
        let scheme = if tls.is_some() { "https" } else { "http" };
        Self {
            base: format!("{scheme}://127.0.0.1:{port}"),
            _child: child,
        }
    }

    async fn connect(&self) -> Socket {
        tokio::time::timeout(PATIENCE, Socket::connect(&self.base, NAMESPACE, TOKEN))
            .await
            .expect("connected in time")
            .expect("the peer accepts the token")
    }
}

async fn next(socket: &mut Socket) -> Incoming {
    tokio::time::timeout(PATIENCE, socket.next_event())
        .await
        .expect("something came in time")
        .expect("the connection holds")
}

/// The next event, which must be `name`; its payload.
async fn expect_event(socket: &mut Socket, name: &str) -> Event {
    match next(socket).await {
        Incoming::Event(event) if event.name == name => event,
        other => panic!("expected `{name}`, got {other:?}"),
    }
}

async fn acked(socket: &mut Socket, name: &str, payload: Value) -> Vec<Value> {
    tokio::time::timeout(PATIENCE, socket.emit_with_ack(name, payload))
        .await
        .expect("the ack came in time")
        .expect("the ack")
}

#[tokio::test]
async fn a_bad_token_is_refused_with_its_code() {
    let peer = NodePeer::start().await;
    let refused = tokio::time::timeout(
        PATIENCE,
        Socket::connect(&peer.base, NAMESPACE, "not-the-token"),
    )
    .await
    .expect("answered in time");
    match refused {
        Err(Error::Refused { code, message }) => {
            assert_eq!(code, Some(ErrorCode::Unauthorized), "{message}");
            assert_eq!(message, "UNAUTHORIZED: bad token");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn events_and_acks_go_both_ways() {
    let peer = NodePeer::start().await;
    let mut socket = peer.connect().await;
    assert!(socket.sid().is_some_and(|sid| !sid.is_empty()));

    let payload = json!({"channelId": "c-1", "content": "héllo, [1] \"quoted\""});
    assert_eq!(
        acked(&mut socket, "echo", payload.clone()).await,
        vec![json!({"ok": true, "echo": payload})]
    );
    // Ack ids are per call: a second call gets its own answer.
    assert_eq!(
        acked(&mut socket, "echo", json!(2)).await,
        vec![json!({"ok": true, "echo": 2})]
    );

    // An event without an ack, and the server's event back.
    socket
        .emit("shout", json!({"text": "over here"}))
        .await
        .expect("sent");
    let heard = expect_event(&mut socket, "heard").await;
    assert_eq!(heard.ack, None);
    assert_eq!(heard.into_payload(), json!({"text": "over here"}));

    // An event from the server that wants an answer.
    socket
        .emit("ask", json!({"q": "ready?"}))
        .await
        .expect("sent");
    let question = expect_event(&mut socket, "question").await;
    let id = question.ack.expect("the question wants an ack");
    assert_eq!(question.into_payload(), json!({"q": "ready?"}));
    socket.ack(id, json!({"a": "yes"})).await.expect("answered");
    assert_eq!(
        expect_event(&mut socket, "answered").await.into_payload(),
        json!({"a": "yes"})
    );

    // An event that arrives while an ack is awaited is kept, in order.
    socket.emit("shout", json!(1)).await.expect("sent");
    assert_eq!(
        acked(&mut socket, "echo", json!(3)).await,
        vec![json!({"ok": true, "echo": 3})]
    );
    assert_eq!(
        expect_event(&mut socket, "heard").await.into_payload(),
        json!(1)
    );

    // Closing leaves the namespace first, so the server hears a goodbye, not a dropped line.
    socket.close().await.expect("closed");
    let mut witness = peer.connect().await;
    assert_eq!(
        acked(&mut witness, "disconnects", json!({"count": 1})).await,
        vec![json!(["client namespace disconnect"])]
    );
}

#[tokio::test]
async fn server_pings_are_answered() {
    let peer = NodePeer::start().await;
    let mut socket = peer.connect().await;
    let started = tokio::time::Instant::now();
    // The peer pings every 300 ms and drops a socket that leaves one unanswered for 2 s;
    // it says `pinged` after five more pongs, so only a client that answers each ping hears
    // it, past more than three ping intervals.
    socket
        .emit("count_pongs", json!({"count": 5}))
        .await
        .expect("sent");
    assert_eq!(
        expect_event(&mut socket, "pinged").await.into_payload(),
        json!({"pongs": 5})
    );
    assert!(
        started.elapsed() >= PING_INTERVAL * 3,
        "five pongs in {:?}",
        started.elapsed()
    );
    // And the connection is still usable.
    assert_eq!(
        acked(&mut socket, "echo", json!("still here")).await,
        vec![json!({"ok": true, "echo": "still here"})]
    );
}

#[tokio::test]
async fn a_disconnect_from_the_server_is_seen() {
    let peer = NodePeer::start().await;

    let mut socket = peer.connect().await;
    socket
        .emit("disconnect_me", json!({"close": false}))
        .await
        .expect("sent");
    assert_eq!(
        next(&mut socket).await,
        Incoming::Disconnected(Disconnect::ByServer)
    );
    assert!(
        matches!(socket.next_event().await, Err(Error::Offline(_))),
        "nothing comes after the end"
    );
    assert!(socket.emit("echo", json!(1)).await.is_err());

    // Closing the whole connection from the server's side reads as a disconnect too.
    let mut socket = peer.connect().await;
    socket
        .emit("disconnect_me", json!({"close": true}))
        .await
        .expect("sent");
    assert!(
        matches!(next(&mut socket).await, Incoming::Disconnected(_)),
        "a disconnect"
    );
}

#[tokio::test]
async fn wss_is_spoken_to_a_trusted_certificate_only() {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("a self-signed certificate");
    let dir = tempfile::tempdir().expect("a temp dir");
    let certificate = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&certificate, certified.cert.pem()).expect("the certificate written");
    std::fs::write(&key, certified.signing_key.serialize_pem()).expect("the key written");
    let peer = NodePeer::start_tls(&certificate, &key).await;
    assert!(peer.base.starts_with("https://"), "{}", peer.base);

    // webpki's roots alone do not vouch for it.
    let untrusted = tokio::time::timeout(PATIENCE, Socket::connect(&peer.base, NAMESPACE, TOKEN))
        .await
        .expect("answered in time");
    match untrusted {
        Err(Error::Offline(why)) => assert!(why.contains("certificate"), "{why}"),
        other => panic!("expected a TLS failure, got {other:?}"),
    }

    // Trusting it, the same socket works over wss://.
    let tls = Tls::with_extra_roots([certified.cert.der().clone()]).expect("a TLS config");
    let mut socket = tokio::time::timeout(
        PATIENCE,
        Socket::connect_with(&peer.base, NAMESPACE, TOKEN, Some(&tls)),
    )
    .await
    .expect("connected in time")
    .expect("the peer accepts the token over TLS");
    assert_eq!(
        acked(&mut socket, "echo", json!("over TLS")).await,
        vec![json!({"ok": true, "echo": "over TLS"})]
    );
    socket
        .emit("count_pongs", json!({"count": 2}))
        .await
        .expect("sent");
    assert_eq!(
        expect_event(&mut socket, "pinged").await.into_payload(),
        json!({"pongs": 2})
    );
    socket.close().await.expect("closed");
}
