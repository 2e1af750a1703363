//! The harness: a platform server that can be stopped and started again on the same port
//! and database, and engines over temp profiles. `crates/cli`'s tests use it too.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use engine::profile::Profile;
use engine::{Engine, EngineOptions};
use protocol::Secret;
use reqwest::Method;
use serde_json::Value;
use server::Settings;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use tokio::sync::oneshot;

/// A platform server over a SQLite file that outlives its restarts.
pub struct Platform {
    pub base: String,
    access_token_ttl: Option<Duration>,
    address: SocketAddr,
    database_url: String,
    running: Option<(oneshot::Sender<()>, tokio::task::JoinHandle<()>)>,
    _dir: tempfile::TempDir,
}

impl Platform {
    /// A platform with the demo data, serving.
    pub async fn start() -> Self {
        Self::start_with_token_ttl(None).await
    }

    /// A platform whose access tokens live `ttl` (default: the server's).
    pub async fn start_with_token_ttl(access_token_ttl: Option<Duration>) -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        let database_url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("platform.db").display()
        );
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("port 0");
        let address = listener.local_addr().expect("an address");
        let mut platform = Self {
            base: format!("http://{address}"),
            access_token_ttl,
            address,
            database_url,
            running: None,
            _dir: dir,
        };
        platform.serve(listener).await;
        platform
    }

    fn settings(&self) -> Settings {
        let mut settings = Settings::new(
            self.database_url.clone(),
            Secret::new("a test secret that is long enough"),
        );
        settings.demo = true;
        if let Some(ttl) = self.access_token_ttl {
            settings.access_token_ttl = ttl;
        }
        settings
    }

    async fn serve(&mut self, listener: tokio::net::TcpListener) {
        let settings = self.settings();
        server::open_store(&settings)
            .await
            .expect("open the store")
            .close()
            .await;
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = rx.await;
            };
            server::launch(settings, listener, shutdown)
                .await
                .expect("the server runs");
        });
        self.running = Some((tx, task));
    }

    /// Stops serving; the port refuses connections until [`Platform::restart`].
    pub async fn stop(&mut self) {
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            let _ = task.await;
        }
    }

    /// Serves again on the same port and database.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = tokio::net::TcpListener::bind(self.address)
            .await
            .expect("the same port again");
        self.serve(listener).await;
    }

    /// A connection to the platform's own database, to compare against.
    pub async fn database(&self) -> AnyPool {
        sqlx::any::install_default_drivers();
        AnyPoolOptions::new()
            .max_connections(1)
            .connect(&self.database_url)
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

impl Drop for Platform {
    fn drop(&mut self) {
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            task.abort();
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
