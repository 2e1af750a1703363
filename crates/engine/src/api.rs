//! The typed REST client: every route of PLATFORM.md over reqwest (rustls), answers decoded
//! with `protocol`'s types, failures mapped to [`Error`]. It holds the current access
//! token; the session decides when to refresh it.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use protocol::rest::{
    AssignRequest, ChannelListQuery, CreateChannelRequest, EscalateRequest, LoginRequest,
    LoginResponse, LogoutRequest, MarkReadRequest, MeResponse, RefreshRequest, ResolveRequest,
    SendMessageRequest, SyncQuery, SyncResponse, TokenPair, UpdateTicketRequest,
};
use protocol::{Channel, ChannelId, ErrorBody, Message, Secret, UserId, UserSummary};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};

/// How long one request may take before the platform counts as unreachable.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// A client of one platform.
#[derive(Clone)]
pub struct Api {
    base: String,
    http: reqwest::Client,
    token: Arc<RwLock<Option<Secret>>>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("base", &self.base).finish()
    }
}

fn query_string<Q: Serialize>(query: &Q) -> Result<String> {
    serde_urlencoded::to_string(query).map_err(|e| Error::Local(format!("bad query: {e}")))
}

impl Api {
    /// A client of the platform at `base` (`http://host:port`).
    pub fn new(base: &str) -> Result<Self> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::Invalid {
                fields: vec![protocol::FieldError::new(
                    "server",
                    "must be an http:// or https:// URL",
                )],
            });
        }
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("switchboard-engine/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Local(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            base,
            http,
            token: Arc::default(),
        })
    }

    /// The platform's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Uses `token` as the bearer of the following requests.
    pub fn set_token(&self, token: Option<Secret>) {
        if let Ok(mut slot) = self.token.write() {
            *slot = token;
        }
    }

    /// The current access token.
    pub fn token(&self) -> Option<Secret> {
        self.token.read().ok().and_then(|t| t.clone())
    }

    async fn request<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T> {
        let response = self.send(method, path, body).await?;
        let text = response
            .text()
            .await
            .map_err(|e| Error::Offline(e.to_string()))?;
        protocol::json::from_str(&text)
            .map_err(|e| Error::Server(format!("unexpected answer from {path}: {e}")))
    }

    async fn request_empty<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<()> {
        self.send(method, path, body).await.map(drop)
    }

    async fn send<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<reqwest::Response> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = self.token() {
            request = request.bearer_auth(token.expose());
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_connect() || e.is_timeout() || e.is_request() {
                Error::Offline(e.to_string())
            } else {
                Error::Server(e.to_string())
            }
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let body: Option<ErrorBody> = response.json().await.ok();
        let message = body
            .as_ref()
            .map(|b| b.message.clone())
            .unwrap_or_else(|| status.to_string());
        Err(match status {
            StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE => Error::Invalid {
                fields: body
                    .and_then(|b| b.fields)
                    .unwrap_or_else(|| vec![protocol::FieldError::new("body", message)]),
            },
            StatusCode::UNAUTHORIZED => Error::Unauthorized(message),
            StatusCode::FORBIDDEN => Error::Forbidden(message),
            StatusCode::NOT_FOUND => Error::NotFound(message),
            StatusCode::CONFLICT => Error::Conflict(message),
            StatusCode::TOO_MANY_REQUESTS => Error::RateLimited { retry_after },
            StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::BAD_GATEWAY
            | StatusCode::GATEWAY_TIMEOUT => Error::Offline(message),
            _ => Error::Server(message),
        })
    }

    /// `POST /api/auth/login`.
    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse> {
        self.request(Method::POST, "/api/auth/login", Some(request))
            .await
    }

    /// `POST /api/auth/refresh`.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenPair> {
        let body = RefreshRequest {
            refresh_token: refresh_token.clone(),
        };
        self.request(Method::POST, "/api/auth/refresh", Some(&body))
            .await
    }

    /// `POST /api/auth/logout`.
    pub async fn logout(&self, refresh_token: &Secret) -> Result<()> {
        let body = LogoutRequest {
            refresh_token: refresh_token.clone(),
        };
        self.request_empty(Method::POST, "/api/auth/logout", Some(&body))
            .await
    }

    /// `GET /api/users/me`.
    pub async fn me(&self) -> Result<MeResponse> {
        self.request::<(), _>(Method::GET, "/api/users/me", None)
            .await
    }

    /// `GET /api/users?q=`: users of the active tenant (for the assign picker).
    pub async fn users(&self, q: Option<&str>) -> Result<Vec<UserSummary>> {
        let path = match q {
            Some(q) => format!("/api/users?{}", query_string(&[("q", q)])?),
            None => "/api/users".to_owned(),
        };
        self.request::<(), _>(Method::GET, &path, None).await
    }

    /// `GET /api/chat/channels`: one page of the queue.
    pub async fn channels(&self, query: &ChannelListQuery) -> Result<Vec<Channel>> {
        let path = format!("/api/chat/channels?{}", query_string(query)?);
        self.request::<(), _>(Method::GET, &path, None).await
    }

    /// `POST /api/chat/channels`.
    pub async fn create_channel(&self, request: &CreateChannelRequest) -> Result<Channel> {
        self.request(Method::POST, "/api/chat/channels", Some(request))
            .await
    }

    /// `GET /api/chat/channels/{id}`.
    pub async fn channel(&self, id: ChannelId) -> Result<Channel> {
        self.request::<(), _>(Method::GET, &format!("/api/chat/channels/{id}"), None)
            .await
    }

    /// `GET /api/chat/channels/{id}/messages?after=`.
    pub async fn messages_after(
        &self,
        id: ChannelId,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Message>> {
        let path = format!("/api/chat/channels/{id}/messages?after={after}&limit={limit}");
        self.request::<(), _>(Method::GET, &path, None).await
    }

    /// `POST /api/chat/channels/{id}/messages` (idempotent on `clientMessageId`).
    pub async fn send_message(
        &self,
        id: ChannelId,
        request: &SendMessageRequest,
    ) -> Result<Message> {
        self.request(
            Method::POST,
            &format!("/api/chat/channels/{id}/messages"),
            Some(request),
        )
        .await
    }

    /// `PUT /api/chat/channels/{id}/read`.
    pub async fn mark_read(&self, id: ChannelId, seq: i64) -> Result<()> {
        let body = MarkReadRequest { seq };
        self.request_empty(
            Method::PUT,
            &format!("/api/chat/channels/{id}/read"),
            Some(&body),
        )
        .await
    }

    /// `PUT /api/chat/channels/{id}/assign`.
    pub async fn assign(&self, id: ChannelId, member: UserId) -> Result<Channel> {
        let body = AssignRequest {
            team_member_id: member,
        };
        self.request(
            Method::PUT,
            &format!("/api/chat/channels/{id}/assign"),
            Some(&body),
        )
        .await
    }

    /// `PUT /api/chat/channels/{id}/escalate`.
    pub async fn escalate(&self, id: ChannelId, reason: &str) -> Result<Channel> {
        let body = EscalateRequest {
            reason: reason.to_owned(),
        };
        self.request(
            Method::PUT,
            &format!("/api/chat/channels/{id}/escalate"),
            Some(&body),
        )
        .await
    }

    /// `PUT /api/chat/channels/{id}/resolve`.
    pub async fn resolve(&self, id: ChannelId, resolution: Option<&str>) -> Result<Channel> {
        let body = ResolveRequest {
            resolution: resolution.map(str::to_owned),
        };
        self.request(
            Method::PUT,
            &format!("/api/chat/channels/{id}/resolve"),
            Some(&body),
        )
        .await
    }

    /// `PUT /api/chat/channels/{id}/reopen`.
    pub async fn reopen(&self, id: ChannelId) -> Result<Channel> {
        self.request::<(), _>(
            Method::PUT,
            &format!("/api/chat/channels/{id}/reopen"),
            None,
        )
        .await
    }

    /// `PUT /api/chat/channels/{id}/ticket`.
    pub async fn update_ticket(
        &self,
        id: ChannelId,
        update: &UpdateTicketRequest,
    ) -> Result<Channel> {
        self.request(
            Method::PUT,
            &format!("/api/chat/channels/{id}/ticket"),
            Some(update),
        )
        .await
    }

    /// `DELETE /api/chat/channels/{id}`: archive.
    pub async fn archive(&self, id: ChannelId) -> Result<()> {
        self.request_empty::<()>(Method::DELETE, &format!("/api/chat/channels/{id}"), None)
            .await
    }

    /// `GET /api/chat/sync`.
    pub async fn sync(&self, query: &SyncQuery) -> Result<SyncResponse> {
        let path = format!("/api/chat/sync?{}", query_string(query)?);
        self.request::<(), _>(Method::GET, &path, None).await
    }
}
