//! The platform for the end-to-end tests: the real `switchboard-server` binary with the demo
//! data on its own SQLite file and port, stoppable and restartable on both; and a REST client
//! that checks what reached it.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use protocol::rest::LoginRequest;
use protocol::{Channel, ChannelId, Message, Secret, UserSummary};
use serde::de::DeserializeOwned;
use serde::Serialize;
use testkit::{sibling_binary, Database, ServerCommand, ServerProcess};

use super::output_dir;

/// The demo users' password.
pub const DEMO_PASSWORD: &str = "switchboard";

/// A running platform; stopped when dropped.
#[derive(Debug)]
pub struct Platform {
    server: ServerProcess,
    http: reqwest::Client,
}

impl Platform {
    /// Starts a platform with the demo data for test `name`.
    pub async fn start(name: &str) -> Result<Self> {
        let dir = output_dir(name)?;
        // The server binary, built by `cargo xtask test` beside this test's binary.
        let binary = sibling_binary(
            "switchboard-server",
            "build it with `cargo build -p switchboard-server` (cargo xtask test does)",
        )?;
        let server = ServerCommand::new(binary, Database::sqlite_at(&dir.join("platform.db")))
            .demo()
            // One secret across restarts, so the console's tokens stay good.
            .env("JWT_SECRET", "end-to-end-tests-secret-of-enough-length")
            .log_to(dir.join("platform.log"))
            .spawn()
            .await?;
        Ok(Self {
            server,
            http: reqwest::Client::new(),
        })
    }

    /// Its base URL.
    pub fn url(&self) -> String {
        self.server.base()
    }

    /// Stops the server (the port closes; its database stays).
    pub fn stop(&mut self) -> Result<()> {
        self.server.stop()
    }

    /// Starts it again on the same port and database.
    pub async fn restart(&mut self) -> Result<()> {
        self.server.restart().await
    }

    /// Signs `email` in (the only tenant it has) and returns a client acting as them.
    pub async fn sign_in(&self, email: &str) -> Result<Rest> {
        let request = LoginRequest {
            email: email.to_owned(),
            password: Secret::new(DEMO_PASSWORD),
            tenant_id: None,
        };
        let answer: protocol::rest::LoginResponse = self
            .http
            .post(format!("{}/api/auth/login", self.url()))
            .json(&request)
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("{email} cannot sign in"))?
            .json()
            .await?;
        Ok(Rest {
            http: self.http.clone(),
            base: self.url(),
            token: answer.access_token.expose().to_owned(),
        })
    }
}

/// The REST API as one user.
#[derive(Debug, Clone)]
pub struct Rest {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Rest {
    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        Ok(self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("GET {path}"))?
            .json()
            .await?)
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        Ok(self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("POST {path}"))?
            .json()
            .await?)
    }

    /// A live Socket.IO connection on `/chat` as this user (the engine's client).
    pub async fn socket(&self) -> Result<engine::realtime::socket::Socket> {
        engine::realtime::socket::Socket::connect(&self.base, "/chat", &self.token)
            .await
            .context("cannot open a socket to the platform")
    }

    /// Every channel they may see (up to 200).
    pub async fn channels(&self) -> Result<Vec<Channel>> {
        self.get("/api/chat/channels?limit=200").await
    }

    /// The ids of every channel they may see (up to 200), as the UI writes them.
    pub async fn channel_ids(&self) -> Result<Vec<String>> {
        Ok(self
            .channels()
            .await?
            .iter()
            .map(|c| c.id.to_string())
            .collect())
    }

    /// One channel.
    pub async fn channel(&self, id: ChannelId) -> Result<Channel> {
        self.get(&format!("/api/chat/channels/{id}")).await
    }

    /// A channel's messages (the first 200).
    pub async fn messages(&self, id: ChannelId) -> Result<Vec<Message>> {
        self.get(&format!(
            "/api/chat/channels/{id}/messages?after=0&limit=200"
        ))
        .await
    }

    /// The tenant's users.
    pub async fn users(&self) -> Result<Vec<UserSummary>> {
        self.get("/api/users").await
    }

    /// Opens a SUPPORT ticket with a first message.
    pub async fn create_ticket(&self, subject: &str, message: &str) -> Result<Channel> {
        let body = protocol::rest::CreateChannelRequest {
            channel_type: protocol::ChannelType::Support,
            participant_ids: None,
            subject: Some(subject.to_owned()),
            category: Some(protocol::TicketCategory::Technical),
            priority: Some(protocol::TicketPriority::High),
            context_id: None,
            initial_message: Some(message.to_owned()),
        };
        self.post("/api/chat/channels", &body).await
    }

    /// Assigns `id` to `member` (an admin's).
    pub async fn assign(&self, id: ChannelId, member: protocol::UserId) -> Result<()> {
        self.http
            .put(format!("{}/api/chat/channels/{id}/assign", self.base))
            .bearer_auth(&self.token)
            .json(&protocol::rest::AssignRequest {
                team_member_id: member,
            })
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("PUT /api/chat/channels/{id}/assign"))?;
        Ok(())
    }

    /// Replaces the SLA policy of `priority` (an admin's).
    pub async fn put_sla_policy(&self, priority: &str, body: &serde_json::Value) -> Result<()> {
        self.http
            .put(format!("{}/api/sla-policies/{priority}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("PUT /api/sla-policies/{priority}"))?;
        Ok(())
    }

    /// The tenant's SLA policies (`GET /api/sla-policies`).
    pub async fn sla_policies(&self) -> Result<Vec<protocol::sla::SlaPolicy>> {
        self.get("/api/sla-policies").await
    }

    /// Posts `content` into `id`.
    pub async fn post_message(&self, id: ChannelId, content: &str) -> Result<Message> {
        let body = protocol::rest::SendMessageRequest {
            content: content.to_owned(),
            metadata: None,
            client_message_id: None,
            internal: None,
        };
        self.post(&format!("/api/chat/channels/{id}/messages"), &body)
            .await
    }
}

/// Waits until `check` holds (it is asked again as the platform's state may lag the UI by a
/// request), or fails saying `what`.
pub async fn eventually<F, Fut>(what: &str, mut check: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool>>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if check().await? {
            return Ok(());
        }
        ensure!(
            Instant::now() < deadline,
            "{what} did not happen within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
