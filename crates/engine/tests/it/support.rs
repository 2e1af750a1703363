//! The harness: a platform server that can be stopped and started again on the same port
//! and database, and engines over temp profiles. `crates/cli`'s tests use it too.

use std::path::Path;
use std::time::Duration;

use engine::profile::Profile;
use engine::{Engine, EngineOptions};
use protocol::Secret;
use reqwest::Method;
use serde_json::Value;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use testkit::{Database, InProcessServer};

/// A platform server over a SQLite file that outlives its restarts (testkit's in-process
/// server).
pub struct Platform {
    pub base: String,
    server: InProcessServer,
}

impl Platform {
    /// A platform with the demo data, serving.
    pub async fn start() -> Self {
        Self::start_with_token_ttl(None).await
    }

    /// A platform whose access tokens live `ttl` (default: the server's).
    pub async fn start_with_token_ttl(access_token_ttl: Option<Duration>) -> Self {
        let server = InProcessServer::start(Database::sqlite(), |settings| {
            if let Some(ttl) = access_token_ttl {
                settings.access_token_ttl = ttl;
            }
        })
        .await;
        Self {
            base: server.base(),
            server,
        }
    }

    /// Stops serving; the port refuses connections until [`Platform::restart`].
    pub async fn stop(&mut self) {
        self.server.stop().await;
    }

    /// Serves again on the same port and database.
    pub async fn restart(&mut self) {
        self.server.restart().await;
    }

    /// A connection to the platform's own database, to compare against.
    pub async fn database(&self) -> AnyPool {
        sqlx::any::install_default_drivers();
        AnyPoolOptions::new()
            .max_connections(1)
            .connect(self.server.database().url())
            .await
            .expect("the platform's database")
    }

    /// Signs in over REST (not through an engine) and returns the access token.
    pub async fn token(&self, email: &str) -> String {
        let answer = self
            .call(
                Method::POST,
                "/api/auth/login",
                None,
                Some(serde_json::json!({"email": email, "password": "switchboard"})),
            )
            .await;
        answer["accessToken"].as_str().expect("a token").to_owned()
    }

    /// Posts `content` into `channel` as the holder of `token`, over REST.
    pub async fn post_message(&self, token: &str, channel: &str, content: &str) -> Value {
        self.call(
            Method::POST,
            &format!("/api/chat/channels/{channel}/messages"),
            Some(token),
            Some(serde_json::json!({ "content": content })),
        )
        .await
    }

    /// A REST call that must succeed; its JSON answer.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Value {
        let mut request =
            reqwest::Client::new().request(method.clone(), format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .expect("the platform answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON")
        }
    }
}

/// Where profiles live for one test.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// An engine over profile `name` (the file keeps the refresh token: no keyring in tests).
    pub fn engine(&self, name: &str) -> Engine {
        let profile = Profile::at(self.path(), name).expect("a profile");
        Engine::open(
            profile,
            EngineOptions {
                use_keyring: false,
                ..EngineOptions::default()
            },
        )
        .expect("the engine opens")
    }

    /// An engine signed in as `email`.
    pub async fn signed_in(&self, name: &str, platform: &Platform, email: &str) -> Engine {
        let mut engine = self.engine(name);
        engine
            .login(&platform.base, email, Secret::new("switchboard"), None)
            .await
            .expect("sign in");
        engine
    }
}
