//! SIGTERM drains: the server stops accepting connections, closes each socket with
//! Engine.IO's close packet (clients reconnect from it), finishes the request in flight
//! (its body still arriving after the signal), and exits 0.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use protocol::events::NAMESPACE;
use protocol::socketio::{EnginePacket, SocketPacket};
use serde_json::json;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Row};
use testkit::Database;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;

use super::{first_channel, http, login, start, token};

const PATIENCE: Duration = Duration::from_secs(15);

/// Reads from `stream` until what arrived contains `marker`; returns all of it.
async fn read_until(stream: &mut TcpStream, marker: &str) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(marker) {
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut buffer))
            .await
            .unwrap_or_else(|_| panic!("no {marker:?} in time: {}", String::from_utf8_lossy(&seen)))
            .expect("a read");
        assert!(
            n > 0,
            "closed before {marker:?}: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buffer[..n]);
    }
    String::from_utf8_lossy(&seen).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_flight_says_goodbye_and_exits_0() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("platform.db");
    let database = Database::sqlite_at(&file);
    let mut server = start(database, &[], &dir.path().join("server.log")).await;
    let base = server.base();
    let port = server.port();
    let http = http();
    let admin = login(&http, &base, "admin@acme.test").await;
    let token = token(&admin);
    let channel = first_channel(&http, &base, &token).await;

    // A socket, through its handshake.
    let url = format!("ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket");
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("the WebSocket opens");
    let connect = EnginePacket::Message(SocketPacket::Connect {
        namespace: NAMESPACE.to_owned(),
        data: Some(json!({ "token": token })),
    });
    ws.send(Frame::text(connect.encode())).await.expect("sent");
    loop {
        if let EnginePacket::Message(SocketPacket::Connect { .. }) = next_packet(&mut ws).await {
            break;
        }
    }

    // A request whose body is half sent: the server has begun it (100 Continue).
    let body = json!({"content": "sent across the stop"}).to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut request = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connected");
    let head = format!(
        "POST /api/chat/channels/{channel}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        body.len()
    );
    request.write_all(head.as_bytes()).await.expect("written");
    read_until(&mut request, "100 Continue").await;
    request.write_all(first.as_bytes()).await.expect("written");

    server.signal_terminate().expect("SIGTERM sent");

    // The socket is told goodbye with Engine.IO's close packet, from which a client
    // reconnects; never a Socket.IO DISCONNECT, after which socket.io-client would not.
    let deadline = Instant::now() + PATIENCE;
    loop {
        match next_packet(&mut ws).await {
            EnginePacket::Close => break,
            EnginePacket::Message(SocketPacket::Disconnect { .. }) => {
                panic!("a Socket.IO DISCONNECT: socket.io-client would not come back")
            }
            other => assert!(Instant::now() < deadline, "no close packet: {other:?}"),
        }
    }
    // No new connection is taken.
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The request in flight still completes.
    request.write_all(rest.as_bytes()).await.expect("written");
    let answer = read_until(&mut request, "}").await;
    assert!(answer.contains("HTTP/1.1 201"), "{answer}");

    let status = server
        .wait_exit(Duration::from_secs(30))
        .await
        .expect("the server exits");
    assert_eq!(status.code(), Some(0), "{status}");
    let mut conn = SqliteConnectOptions::new()
        .filename(&file)
        .read_only(true)
        .connect()
        .await
        .expect("the database opens");
    let kept: i64 = sqlx::query("SELECT COUNT(*) FROM messages WHERE content = $1")
        .bind("sent across the stop")
        .fetch_one(&mut conn)
        .await
        .expect("a count")
        .get(0);
    assert_eq!(kept, 1);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_across_sigterm_is_answered_or_refused_and_every_answer_holds() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("platform.db");
    let mut server = start(
        Database::sqlite_at(&file),
        &[("RUST_LOG", "warn")],
        &dir.path().join("server.log"),
    )
    .await;
    let base = server.base();
    let http = http();
    let admin = login(&http, &base, "admin@acme.test").await;
    let token = token(&admin);
    let channel = first_channel(&http, &base, &token).await;

    // 20 clients post one message after another until their connection is refused.
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut clients = Vec::new();
    for client in 0..20 {
        let (base, token, answered) = (base.clone(), token.clone(), answered.clone());
        clients.push(tokio::spawn(async move {
            let http = super::http();
            let mut outcomes = Vec::new();
            for n in 0..200 {
                let content = format!("burst {client}-{n}");
                match super::send(&http, &base, &token, channel, &content).await {
                    Ok(answer) => {
                        answered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        outcomes.push((content, Some(answer.status())));
                    }
                    Err(_) => {
                        outcomes.push((content, None));
                        break;
                    }
                }
            }
            outcomes
        }));
    }
    let deadline = Instant::now() + PATIENCE;
    while answered.load(std::sync::atomic::Ordering::Relaxed) < 100 {
        assert!(Instant::now() < deadline, "the burst is stuck");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.signal_terminate().expect("SIGTERM sent");
    let mut outcomes = Vec::new();
    for client in clients {
        outcomes.extend(client.await.expect("a client ends well"));
    }
    let status = server
        .wait_exit(Duration::from_secs(30))
        .await
        .expect("the server exits");
    assert_eq!(status.code(), Some(0), "{status}");

    let statuses: Vec<_> = outcomes.iter().filter_map(|(_, s)| *s).collect();
    assert!(
        statuses.iter().all(|s| *s == reqwest::StatusCode::CREATED),
        "every answer is a 201: {statuses:?}"
    );
    let mut conn = SqliteConnectOptions::new()
        .filename(&file)
        .read_only(true)
        .connect()
        .await
        .expect("the database opens");
    for (content, answer) in &outcomes {
        if answer.is_some() {
            let kept: i64 = sqlx::query("SELECT COUNT(*) FROM messages WHERE content = $1")
                .bind(content)
                .fetch_one(&mut conn)
                .await
                .expect("a count")
                .get(0);
            assert_eq!(kept, 1, "{content} was answered 201");
        }
    }
    eprintln!(
        "{} answered 201 across the stop, {} refused",
        statuses.len(),
        outcomes.len() - statuses.len()
    );
}
