//! `--log-format json`: every line the server writes is one JSON object, and a session's
//! tokens (access and refresh, by header, body, socket handshake or query) and the JWT
//! secret never reach the log, even at `debug`.

use reqwest::StatusCode;
use serde_json::{json, Value};
use testkit::Database;

use super::{first_channel, http, login, send, start, token, SECRET};
use crate::socket::{Offer, SocketClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_and_no_token_in_them() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let log = dir.path().join("server.log");
    let mut server = start(
        Database::sqlite(),
        &[("LOG_FORMAT", "json"), ("RUST_LOG", "debug")],
        &log,
    )
    .await;
    let base = server.base();
    let http = http();

    let admin = login(&http, &base, "admin@acme.test").await;
    let access = token(&admin);
    let refresh = admin["refreshToken"]
        .as_str()
        .expect("a refresh token")
        .to_owned();
    let channel = first_channel(&http, &base, &access).await;
    let sent = send(&http, &base, &access, channel, "logged?")
        .await
        .expect("an answer");
    assert_eq!(sent.status(), StatusCode::CREATED);
    let forged = http
        .get(format!("{base}/api/users/me"))
        .bearer_auth(format!("{access}x"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    for offer in [Offer::Auth(&access), Offer::Query(&access)] {
        let socket = SocketClient::connect(&base, offer)
            .await
            .expect("the handshake succeeds");
        let joined = socket
            .call(
                protocol::events::name::JOIN_CHANNEL,
                json!({"channelId": channel}),
            )
            .await;
        assert_eq!(joined["ok"], true, "{joined}");
    }
    let renewed: Value = http
        .post(format!("{base}/api/auth/refresh"))
        .json(&json!({"refreshToken": refresh}))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a token pair");
    let renewed_refresh = renewed["refreshToken"].as_str().expect("a refresh token");
    let out = http
        .post(format!("{base}/api/auth/logout"))
        .json(&json!({"refreshToken": renewed_refresh}))
        .send()
        .await
        .expect("an answer");
    assert!(out.status().is_success(), "{}", out.status());
    let killed = server.terminate(std::time::Duration::from_secs(30));
    assert!(!killed, "the server had to be killed");

    let text = std::fs::read_to_string(&log).expect("the log");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() > 10, "{text}");
    for line in &lines {
        let entry: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert!(entry["level"].is_string(), "{line}");
        assert!(entry["fields"].is_object(), "{line}");
    }
    assert!(
        text.contains("\"method\":\"POST\""),
        "request spans are logged: {text}"
    );
    let signature = access.rsplit('.').next().expect("a JWT");
    for (what, secret) in [
        ("the access token", access.as_str()),
        ("the access token's signature", signature),
        ("the refresh token", refresh.as_str()),
        ("the renewed refresh token", renewed_refresh),
        ("the JWT secret", SECRET),
    ] {
        assert!(!text.contains(secret), "{what} is in the log");
    }
}
