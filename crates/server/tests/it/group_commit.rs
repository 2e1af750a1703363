//! Group commit: sends from sockets and REST at once, committed many per transaction, land
//! each exactly once, in order, with idempotent retries inside and across batches, a refused
//! send failing alone, and sync equal to the database afterwards.

use std::collections::{HashMap, HashSet};

use futures_util::future::join_all;
use futures_util::{stream, StreamExt};
use protocol::events::name;
use protocol::rest::SyncResponse;
use protocol::{Channel, Message};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Row;

use crate::on_both_databases;
use crate::socket::{Offer, SocketClient};
use crate::support::{Db, Session, TestServer};

const CHANNELS: usize = 10;
const SOCKETS: usize = 20;
const PER_SOCKET: usize = 75;
const BY_REST: usize = 500;

async fn team(server: &TestServer, who: &Session, subject: &str) -> Channel {
    server
        .open_channel(who, json!({"type": "TEAM", "subject": subject}))
        .await
}

async fn socket(server: &TestServer, who: &Session) -> SocketClient {
    SocketClient::connect(&server.base, Offer::Auth(&who.token))
        .await
        .expect("the socket connects")
}

/// A send over REST: the status and the body.
async fn rest_send(
    server: &TestServer,
    who: &Session,
    channel: &str,
    body: Value,
) -> (StatusCode, Value) {
    let answer = server
        .call(
            Method::POST,
            &format!("/api/chat/channels/{channel}/messages"),
            Some(&who.token),
            Some(body),
        )
        .await;
    (answer.status, answer.body)
}

/// A send over a socket: its ack.
async fn socket_send(socket: &SocketClient, channel: &str, body: Value) -> Value {
    let mut payload = body;
    payload["channelId"] = json!(channel);
    socket.call(name::SEND_MESSAGE, payload).await
}

/// Every message of `channels` in the database: (id, channel, seq, change, client id).
async fn stored(
    server: &TestServer,
    channels: &[String],
) -> Vec<(String, String, i64, i64, Option<String>)> {
    let mut rows = Vec::new();
    for channel in channels {
        for row in sqlx::query(
            "SELECT id, channel_id, seq, change_seq, client_message_id FROM messages \
             WHERE channel_id = $1 ORDER BY seq",
        )
        .bind(channel)
        .fetch_all(&server.db)
        .await
        .expect("messages")
        {
            rows.push((
                row.get("id"),
                row.get("channel_id"),
                row.get("seq"),
                row.get("change_seq"),
                row.get("client_message_id"),
            ));
        }
    }
    rows
}

/// Everything sync hands `who` from the beginning.
async fn sync_messages(server: &TestServer, who: &Session) -> Vec<Message> {
    let mut cursor: Option<String> = None;
    let mut messages = Vec::new();
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/chat/sync?since={c}&limit=100"),
            None => "/api/chat/sync?limit=100".to_owned(),
        };
        let answer = server
            .call(Method::GET, &path, Some(&who.token), None)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        let batch: SyncResponse = serde_json::from_value(answer.body).expect("a sync answer");
        messages.extend(batch.messages);
        cursor = Some(batch.cursor);
        if !batch.has_more {
            return messages;
        }
    }
}

on_both_databases! {
    async fn a_storm_of_sends_lands_each_once_in_order_and_sync_equals_the_database(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let mut channels = Vec::new();
        for i in 0..CHANNELS {
            channels.push(team(&server, &admin, &format!("storm {i}")).await.id.to_string());
        }
        let mut sockets = Vec::new();
        for _ in 0..SOCKETS {
            sockets.push(socket(&server, &admin).await);
        }
        // Each send has its own client id; every tenth is sent twice at once (a retry
        // racing its original, over the other transport).
        let client_id = |from: &str, i: usize| format!("{from}-{i}");
        // Many in flight at once (each socket fifteen, REST forty), so batches fill, but
        // not all two thousand: an ack is awaited for at most PATIENCE.
        let by_socket = sockets.iter().enumerate().map(|(s, socket)| {
            let channels = &channels;
            async move {
                let mut acks = Vec::new();
                for window in (0..PER_SOCKET).collect::<Vec<_>>().chunks(15) {
                    let sends = window.iter().map(|&i| {
                        let channel = &channels[(s + i) % CHANNELS];
                        let body = json!({"content": format!("socket {s} #{i}"), "clientMessageId": client_id(&format!("s{s}"), i)});
                        async move { (body["clientMessageId"].as_str().map(str::to_owned), socket_send(socket, channel, body).await) }
                    });
                    acks.extend(join_all(sends).await);
                }
                acks
            }
        });
        let by_rest = stream::iter((0..BY_REST).map(|i| {
            let channel = channels[i % CHANNELS].clone();
            let body = json!({"content": format!("rest #{i}"), "clientMessageId": client_id("r", i)});
            let (server, admin) = (&server, &admin);
            async move { (body["clientMessageId"].as_str().map(str::to_owned), rest_send(server, admin, &channel, body).await) }
        }))
        .buffer_unordered(40)
        .collect::<Vec<_>>();
        let retries = (0..BY_REST).step_by(10).map(|i| {
            let channel = channels[i % CHANNELS].clone();
            let body = json!({"content": format!("rest #{i}"), "clientMessageId": client_id("r", i)});
            let socket = &sockets[i % SOCKETS];
            async move { (body["clientMessageId"].as_str().map(str::to_owned), socket_send(socket, &channel, body).await) }
        });
        let (socket_acks, rest_answers, retry_acks) =
            tokio::join!(join_all(by_socket), by_rest, join_all(retries));

        // Every send answered with its message; a retry with the original's.
        let mut answered: HashMap<String, String> = HashMap::new();
        for (client, ack) in socket_acks.into_iter().flatten() {
            assert_eq!(ack["ok"], true, "{ack}");
            answered.insert(client.expect("a client id"), ack["message"]["id"].as_str().expect("an id").to_owned());
        }
        for (client, (status, body)) in rest_answers {
            assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{status}: {body}");
            answered.insert(client.expect("a client id"), body["id"].as_str().expect("an id").to_owned());
        }
        for (client, ack) in retry_acks {
            assert_eq!(ack["ok"], true, "{ack}");
            let client = client.expect("a client id");
            assert_eq!(Some(ack["message"]["id"].as_str().expect("an id")), answered.get(&client).map(String::as_str), "{client}");
        }
        assert_eq!(answered.len(), SOCKETS * PER_SOCKET + BY_REST);

        // Each exactly once in the database, with the id its sender was told.
        let rows = stored(&server, &channels).await;
        let bench: Vec<_> = rows.iter().filter(|r| r.4.is_some()).collect();
        assert_eq!(bench.len(), answered.len());
        for (id, _, _, _, client) in &bench {
            assert_eq!(answered.get(client.as_deref().unwrap_or_default()), Some(id));
        }
        // Per channel: seq 1, 2, 3… with no gap, and change numbers rising with it.
        for channel in &channels {
            let mine: Vec<_> = rows.iter().filter(|r| &r.1 == channel).collect();
            for (i, pair) in mine.windows(2).enumerate() {
                assert_eq!(pair[1].2, pair[0].2 + 1, "seq in {channel} at {i}");
                assert!(pair[1].3 > pair[0].3, "change numbers in {channel} at {i}");
            }
        }
        // No two messages share a change number.
        let changes: HashSet<i64> = rows.iter().map(|r| r.3).collect();
        assert_eq!(changes.len(), rows.len());

        // Sync from the beginning hands over exactly what the database holds.
        let synced: HashSet<String> = sync_messages(&server, &admin)
            .await
            .into_iter()
            .filter(|m| channels.contains(&m.channel_id.to_string()))
            .map(|m| m.id.to_string())
            .collect();
        let in_database: HashSet<String> = rows.iter().map(|r| r.0.clone()).collect();
        assert_eq!(synced, in_database);
    }

    async fn a_refused_send_fails_alone_and_its_batch_commits(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let open = team(&server, &admin, "open").await.id.to_string();
        let archived = team(&server, &admin, "archived").await.id.to_string();
        let watched = team(&server, &admin, "watched").await.id.to_string();
        let answer = server.call(Method::DELETE, &format!("/api/chat/channels/{archived}"), Some(&admin.token), None).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
        // The admin only watches the third channel.
        sqlx::query("UPDATE participants SET role = 'OBSERVER' WHERE channel_id = $1")
            .bind(&watched)
            .execute(&server.db)
            .await
            .expect("an observer");
        let live = socket(&server, &admin).await;
        let before = stored(&server, &[archived.clone(), watched.clone()]).await;
        let open_before = stored(&server, std::slice::from_ref(&open)).await.len();

        // Good and refused sends at once, over both transports, so they share batches.
        let good = (0..60).map(|i| {
            let open = &open;
            let (server, admin, live) = (&server, &admin, &live);
            async move {
                let body = json!({"content": format!("fine {i}")});
                if i % 2 == 0 {
                    let (status, body) = rest_send(server, admin, open, body).await;
                    assert_eq!(status, StatusCode::CREATED, "{body}");
                } else {
                    let ack = socket_send(live, open, body).await;
                    assert_eq!(ack["ok"], true, "{ack}");
                }
            }
        });
        let refused = (0..20).map(|i| {
            let (archived, watched) = (&archived, &watched);
            let (server, admin, live) = (&server, &admin, &live);
            async move {
                let (channel, status, code) = if i % 2 == 0 {
                    (archived, StatusCode::CONFLICT, "CONFLICT")
                } else {
                    (watched, StatusCode::FORBIDDEN, "FORBIDDEN")
                };
                let body = json!({"content": format!("refused {i}"), "clientMessageId": format!("refused-{i}")});
                if i % 4 < 2 {
                    let (answer, body) = rest_send(server, admin, channel, body).await;
                    assert_eq!(answer, status, "{body}");
                    assert_eq!(body["statusCode"], status.as_u16());
                } else {
                    let ack = socket_send(live, channel, body).await;
                    assert_eq!(ack["ok"], false, "{ack}");
                    assert_eq!(ack["error"]["code"], code, "{ack}");
                }
            }
        });
        tokio::join!(join_all(good), join_all(refused));

        let written = stored(&server, std::slice::from_ref(&open)).await;
        assert_eq!(written.len() - open_before, 60);
        assert_eq!(stored(&server, &[archived, watched]).await, before);
        // A retry of a refused send is refused again, not remembered.
        let (status, _) = rest_send(&server, &admin, &open, json!({"content": "refused 0", "clientMessageId": "refused-0"})).await;
        assert_eq!(status, StatusCode::CREATED);
    }

    async fn retries_inside_and_across_batches_answer_the_first_message(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let channel = team(&server, &admin, "retries").await.id.to_string();
        let live = socket(&server, &admin).await;
        let body = json!({"content": "only once", "clientMessageId": "one-and-only"});
        // Inside batches: the same send thirty times at once, over both transports.
        let at_once = (0..30).map(|i| {
            let (server, admin, live, channel, body) = (&server, &admin, &live, &channel, body.clone());
            async move {
                if i % 2 == 0 {
                    let (status, body) = rest_send(server, admin, channel, body).await;
                    assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{status}: {body}");
                    (status == StatusCode::CREATED, body["id"].as_str().map(str::to_owned))
                } else {
                    let ack = socket_send(live, channel, body).await;
                    assert_eq!(ack["ok"], true, "{ack}");
                    (false, ack["message"]["id"].as_str().map(str::to_owned))
                }
            }
        });
        let answers = join_all(at_once).await;
        let ids: HashSet<_> = answers.iter().map(|(_, id)| id.clone().expect("an id")).collect();
        assert_eq!(ids.len(), 1, "{answers:?}");
        assert!(answers.iter().filter(|(created, _)| *created).count() <= 1);
        // Across batches: again, later, over each transport.
        let (status, again) = rest_send(&server, &admin, &channel, body.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ids.contains(again["id"].as_str().expect("an id")));
        let ack = socket_send(&live, &channel, body).await;
        assert!(ids.contains(ack["message"]["id"].as_str().expect("an id")), "{ack}");
        let rows = stored(&server, std::slice::from_ref(&channel)).await;
        assert_eq!(rows.iter().filter(|r| r.4.as_deref() == Some("one-and-only")).count(), 1);
    }
}

/// The writer's connection does not checkpoint SQLite's write-ahead log on commit (that
/// stalled the batch whose commit crossed SQLite's threshold); a checkpoint beside it copies
/// the log into the database file after enough sends. Nothing else writes while the sends
/// go on, so the file can only grow by that checkpoint.
#[tokio::test]
async fn the_sqlite_log_is_checkpointed_beside_the_writer() {
    let server = TestServer::start(Db::Sqlite).await;
    let admin = server.login("admin@acme.test").await;
    let channel = team(&server, &admin, "checkpoints").await.id.to_string();
    let file = server
        .database_url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .map(std::path::PathBuf::from)
        .expect("a SQLite file path");
    let size = || std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let before = size();
    let answers = stream::iter((0..1_200).map(|i| {
        let body = json!({"content": format!("checkpoint #{i} {}", "x".repeat(200))});
        let (server, admin, channel) = (&server, &admin, &channel);
        async move { rest_send(server, admin, channel, body).await.0 }
    }))
    .buffer_unordered(40)
    .collect::<Vec<_>>()
    .await;
    assert!(answers.iter().all(|status| *status == StatusCode::CREATED));
    // The checkpoint runs beside the writer, after the sends that started it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while size() <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "{} stayed {before} bytes after 1,200 sends: no checkpoint ran",
            file.display()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
