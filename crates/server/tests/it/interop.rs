//! Interoperability with the official JavaScript client: `tests/interop/client.mjs` runs
//! npm's `socket.io-client` (pinned by its package-lock; `cargo xtask test` installs it)
//! against this server.

use std::path::PathBuf;
use std::process::Stdio;

use serde_json::{json, Value};

use crate::support::{Db, TestServer};

const SECRET: &str = "a test secret that is long enough";

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop")
}

/// An access token that expired a minute ago, signed with the test server's key.
fn expired_token(user: &str, tenant: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": user, "tid": tenant, "role": "PARTICIPANT", "exp": now - 60, "iat": now - 120});
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("a token")
}

#[tokio::test]
async fn the_official_javascript_client_speaks_with_the_gateway() {
    let dir = interop_dir();
    assert!(
        dir.join("node_modules/socket.io-client").is_dir(),
        "socket.io-client is not installed in {}; run the tests with `cargo xtask test`",
        dir.display()
    );
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.login("alice@acme.test").await;
    let admin = server.login("admin@acme.test").await;
    let channel = server
        .open_channel(
            &alice,
            json!({"type": "SUPPORT", "subject": "From the JS client", "initialMessage": "Hi"}),
        )
        .await
        .id
        .to_string();
    let tenant = alice
        .login
        .tenant
        .as_ref()
        .expect("a tenant")
        .id
        .to_string();

    let output = tokio::process::Command::new("node")
        .arg("client.mjs")
        .current_dir(&dir)
        .env("SERVER", &server.base)
        .env("ALICE_TOKEN", &alice.token)
        .env("ADMIN_TOKEN", &admin.token)
        .env(
            "EXPIRED_TOKEN",
            expired_token(&alice.login.user.id.to_string(), &tenant),
        )
        .env("CHANNEL_ID", &channel)
        .stdin(Stdio::null())
        .output()
        .await
        .expect("node runs (install Node.js, or run `cargo xtask test`)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the JS client failed:\n{stdout}\n{stderr}"
    );

    let steps: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    let step = |name: &str| -> &Value {
        steps
            .iter()
            .find(|s| s["step"] == name)
            .unwrap_or_else(|| panic!("no step {name} in {stdout}"))
    };
    assert!(step("refused-without-token")["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("MISSING_TOKEN")));
    assert!(step("refused-expired")["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("TOKEN_EXPIRED")));
    assert_eq!(step("joined")["ack"], json!({"ok": true}));
    assert_eq!(step("joined")["event"], json!({"channelId": channel}));
    let sent = step("sent");
    assert_eq!(sent["ack"]["ok"], true);
    assert_eq!(
        sent["ack"]["message"]["content"],
        "Hello from socket.io-client"
    );
    assert_eq!(sent["heard"]["message"]["id"], sent["ack"]["message"]["id"]);
    assert_eq!(
        step("typing")["event"]["userName"],
        json!(alice.login.user.name)
    );
    let updated = &step("updated")["event"]["channel"];
    assert_eq!(updated["id"], json!(channel));
    assert_eq!(updated["status"], "RESOLVED");
    let refused = &step("refused-empty")["ack"];
    assert_eq!(refused["ok"], false);
    assert_eq!(refused["error"]["code"], "INVALID", "{refused}");
    assert_eq!(
        refused["error"]["fields"][0]["field"], "content",
        "{refused}"
    );
}
