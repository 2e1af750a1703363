//! The platform run as an operator runs it: the `switchboard-server` binary as its own
//! process (testkit's `ServerProcess`), with what it offers for operations.
//!
//! - `metrics`: `/metrics` on its own listener, and its counters moving with traffic.
//! - `logs`: `--log-format json` writes JSON lines, and no token reaches them.
//! - `backup`: `backup <file>` copies a database taking writes; the copy holds every
//!   acknowledged message; it never overwrites; PostgreSQL is sent to pg_dump.
//! - `drain`: SIGTERM finishes the request in flight, closes sockets politely, exits 0.
//! - `start`: a plain `sqlite://dir/file.db` URL is created; an unusable one is a one-line
//!   error and exit code 2.

mod backup;
mod drain;
mod logs;
mod metrics;
mod start;

use std::path::Path;
use std::time::Duration;

use protocol::ChannelId;
use reqwest::StatusCode;
use serde_json::{json, Value};
use testkit::{Database, ServerCommand, ServerProcess};

/// The key the servers of these tests sign tokens with.
pub const SECRET: &str = "an operator test secret that is long enough";

/// The binary cargo built for these tests.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_switchboard-server")
}

/// The binary serving the demo data over `database`, with `env` and its output in `log`.
pub async fn start(database: Database, env: &[(&str, &str)], log: &Path) -> ServerProcess {
    let mut command = ServerCommand::new(binary(), database)
        .demo()
        .env("JWT_SECRET", SECRET)
        .log_to(log);
    for (key, value) in env {
        command = command.env(key, value);
    }
    command.spawn().await.expect("the server starts")
}

/// An HTTP client that gives up on a stuck server.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// The login answer of `email` (password `switchboard`).
pub async fn login(http: &reqwest::Client, base: &str, email: &str) -> Value {
    let answer = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": "switchboard"}))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(answer.status(), StatusCode::OK);
    answer.json().await.expect("a login answer")
}

/// The access token of a login answer.
pub fn token(login: &Value) -> String {
    login["accessToken"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// The first channel of the queue `token` sees.
pub async fn first_channel(http: &reqwest::Client, base: &str, token: &str) -> ChannelId {
    let channels: Vec<Value> = http
        .get(format!("{base}/api/chat/channels?limit=1"))
        .bearer_auth(token)
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("channels");
    serde_json::from_value(channels[0]["id"].clone()).expect("a channel id")
}

/// Posts `content` to `channel` over REST.
pub async fn send(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    channel: ChannelId,
    content: &str,
) -> reqwest::Result<reqwest::Response> {
    http.post(format!("{base}/api/chat/channels/{channel}/messages"))
        .bearer_auth(token)
        .json(&json!({"content": content}))
        .send()
        .await
}
