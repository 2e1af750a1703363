//! The harness: a real server on port 0 over a fresh database with the demo data (testkit's
//! in-process server), and what tests ask of it.

use std::time::Duration;

use protocol::rest::LoginResponse;
use protocol::Channel;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::{Settings, Store};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Row};
use testkit::{Database, InProcessServer};

/// Which database a test runs on.
pub use testkit::DbKind as Db;

/// A running server and what a test needs to talk to it and look under it.
pub struct TestServer {
    pub base: String,
    pub http: reqwest::Client,
    pub db: AnyPool,
    pub database_url: String,
    _server: InProcessServer,
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub login: LoginResponse,
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl TestServer {
    /// Starts a server with the demo data on a fresh database.
    pub async fn start(db: Db) -> Self {
        Self::start_with(db, |_| {}).await
    }

    /// Starts a server, letting the test adjust its settings.
    pub async fn start_with(db: Db, adjust: impl FnOnce(&mut Settings)) -> Self {
        // The server's logs, when RUST_LOG asks for them.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        Self::serve(Database::fresh(db).await, adjust).await
    }

    /// Another node of the same platform: the same database, its own port.
    pub async fn another_node(&self, adjust: impl FnOnce(&mut Settings)) -> Self {
        Self::serve(Database::at(self.database_url.clone()), adjust).await
    }

    async fn serve(database: Database, adjust: impl FnOnce(&mut Settings)) -> Self {
        let server = InProcessServer::start(database, adjust).await;
        let database_url = server.database().url().to_owned();
        let pool = AnyPoolOptions::new()
            .max_connections(2)
            .connect(&database_url)
            .await
            .expect("connect to the test database");
        Self {
            base: server.base(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("an HTTP client"),
            db: pool,
            database_url,
            _server: server,
        }
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            body,
            headers,
        }
    }

    /// Signs in as `email` (password `switchboard`), optionally in `tenant`.
    pub async fn login_in(&self, email: &str, tenant: Option<&str>) -> Session {
        let mut body = json!({"email": email, "password": "switchboard"});
        if let Some(tenant) = tenant {
            body["tenantId"] = json!(tenant);
        }
        let answer = self
            .call(Method::POST, "/api/auth/login", None, Some(body))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "login {email}: {:?}",
            answer.body
        );
        let login: LoginResponse = serde_json::from_value(answer.body).expect("a login answer");
        Session {
            token: login.access_token.expose().to_owned(),
            login,
        }
    }

    /// Signs in as `email` in its only tenant.
    pub async fn login(&self, email: &str) -> Session {
        self.login_in(email, None).await
    }

    /// Opens a channel described by `body` as `who`: the channel the platform answered.
    pub async fn open_channel(&self, who: &Session, body: Value) -> Channel {
        let answer = self
            .call(
                Method::POST,
                "/api/chat/channels",
                Some(&who.token),
                Some(body),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        serde_json::from_value(answer.body).expect("a channel")
    }

    /// `GET path` as `who`, which must answer 200, read as `T`.
    pub async fn get<T: serde::de::DeserializeOwned>(&self, who: &Session, path: &str) -> T {
        let answer = self.call(Method::GET, path, Some(&who.token), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {:?}", answer.body);
        serde_json::from_value(answer.body).expect("the answer's shape")
    }

    /// The channels `session` sees (first 200).
    pub async fn queue(&self, session: &Session) -> Vec<Channel> {
        let answer = self
            .call(
                Method::GET,
                "/api/chat/channels?limit=200",
                Some(&session.token),
                None,
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        serde_json::from_value(answer.body).expect("channels")
    }

    /// The id of tenant `slug`.
    pub async fn tenant_id(&self, slug: &str) -> String {
        sqlx::query("SELECT id FROM tenants WHERE slug = $1")
            .bind(slug)
            .fetch_one(&self.db)
            .await
            .expect("the tenant")
            .try_get("id")
            .expect("an id")
    }

    /// The id of user `email`.
    pub async fn user_id(&self, email: &str) -> String {
        sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&self.db)
            .await
            .expect("the user")
            .try_get("id")
            .expect("an id")
    }

    /// Every row of tenant `tenant`'s chat data, as text: equal snapshots mean nothing
    /// changed.
    pub async fn snapshot(&self, tenant: &str) -> Vec<String> {
        let queries = [
            "SELECT 'channel', id, status, COALESCE(assigned_to, ''), COALESCE(escalated_to, ''), CAST(last_seq AS TEXT), CAST(updated_at AS TEXT), CAST(change_seq AS TEXT) FROM channels WHERE tenant_id = $1 ORDER BY id",
            "SELECT 'ticket', id, status, priority, category, COALESCE(assigned_to, ''), COALESCE(resolution, ''), CAST(updated_at AS TEXT) FROM tickets WHERE tenant_id = $1 ORDER BY id",
            "SELECT 'message', id, channel_id, sender_id, content, CAST(seq AS TEXT), '', '' FROM messages WHERE tenant_id = $1 ORDER BY id",
            "SELECT 'participant', p.channel_id, p.user_id, p.role, COALESCE(CAST(p.left_at AS TEXT), ''), '', '', '' FROM participants p JOIN channels c ON c.id = p.channel_id WHERE c.tenant_id = $1 ORDER BY p.channel_id, p.user_id",
            "SELECT 'canned', id, scope, COALESCE(owner_id, ''), short_code, title, content, CAST(updated_at AS TEXT) FROM canned_responses WHERE tenant_id = $1 ORDER BY id",
            "SELECT 'read', r.channel_id, r.user_id, CAST(r.last_read_seq AS TEXT), '', '', '', '' FROM read_markers r JOIN channels c ON c.id = r.channel_id WHERE c.tenant_id = $1 ORDER BY r.channel_id, r.user_id",
        ];
        let mut rows = Vec::new();
        for query in queries {
            for row in sqlx::query(query)
                .bind(tenant)
                .fetch_all(&self.db)
                .await
                .expect("snapshot query")
            {
                let cells: Vec<String> = (0..8)
                    .map(|i| row.try_get::<String, _>(i).unwrap_or_default())
                    .collect();
                rows.push(cells.join("|"));
            }
        }
        rows
    }

    /// Counts rows of `table` (for "nothing was written").
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.db)
            .await
            .expect("count")
            .try_get::<i64, _>(0)
            .expect("a number")
    }

    /// Opens the store directly (for the store-level cases).
    pub async fn store(&self) -> Store {
        Store::connect(&self.database_url).await.expect("the store")
    }
}

/// The nodes of one platform sharing rooms through the tests' Redis (started by `cargo xtask
/// test`), under a prefix of their own so other tests' clusters stay apart.
#[derive(Debug, Clone)]
pub struct Cluster {
    redis: String,
    prefix: String,
}

impl Cluster {
    /// A new cluster.
    pub fn new() -> Self {
        Self {
            redis: std::env::var("SWITCHBOARD_TEST_REDIS_URL")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned()),
            prefix: format!("sb-test-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    /// Its Redis URL and key prefix (for a node started as a process).
    pub fn address(&self) -> (String, String) {
        (self.redis.clone(), self.prefix.clone())
    }

    /// Makes `settings` a node's of this cluster.
    pub fn join(&self, settings: &mut Settings) {
        settings.redis_url = Some(self.redis.clone());
        settings.redis_prefix = self.prefix.clone();
    }
}

/// Runs the given async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($(async fn $name:ident($db:ident: Db) $body:block)+) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn case($db: $crate::support::Db) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    case($crate::support::Db::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    case($crate::support::Db::Postgres).await
                }
            }
        )+
    };
}
