//! The typed REST client: every endpoint of `protocol::endpoints` (which holds each one's
//! method and path) over reqwest (rustls), answers decoded with `protocol`'s types, failures
//! mapped to [`Error`]. It holds the current access
//! token (the session decides when to refresh it), and the profile's extra trusted CAs, if
//! any, which the live connection uses too.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use protocol::canned::{
    CannedResponse, CannedResponseQuery, CreateCannedResponseRequest, UpdateCannedResponseRequest,
};
use protocol::endpoints::{self, Endpoint};
use protocol::rest::{
    AssignRequest, ChannelListQuery, CreateChannelRequest, EscalateRequest, LoginRequest,
    LoginResponse, LogoutRequest, MarkReadRequest, MeResponse, MessagesQuery, RefreshRequest,
    ResolveRequest, SendMessageRequest, SyncQuery, SyncResponse, TokenPair, UpdateTicketRequest,
    UserListQuery,
};
use protocol::sla::{PutSlaPolicyRequest, SlaPolicy};
use protocol::{
    CannedResponseId, Channel, ChannelId, ErrorBody, Message, Secret, TicketPriority, UserId,
    UserSummary,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::realtime::socket::Tls;
use crate::trust::Trust;

/// How long one request may take before the platform counts as unreachable.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// A client of one platform.
#[derive(Clone)]
pub struct Api {
    base: String,
    http: reqwest::Client,
    token: Arc<RwLock<Option<Secret>>>,
    /// The profile's extra roots, for the live connection.
    tls: Option<Tls>,
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
    /// A client of the platform at `base` (`http://host:port`), trusting the standard roots.
    pub fn new(base: &str) -> Result<Self> {
        Self::trusting(base, None)
    }

    /// A client of the platform at `base` trusting `extra` beside the standard roots, over
    /// REST and for the live connection ([`Api::tls`]).
    pub fn trusting(base: &str, extra: Option<&Trust>) -> Result<Self> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::Invalid {
                fields: vec![protocol::FieldError::new(
                    "server",
                    "must be an http:// or https:// URL",
                )],
            });
        }
        let mut builder = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("switchboard-engine/", env!("CARGO_PKG_VERSION")));
        if let Some(extra) = extra {
            builder = extra.add_to(builder)?;
        }
        let http = builder
            .build()
            .map_err(|e| Error::Local(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            base,
            http,
            token: Arc::default(),
            tls: extra.map(|extra| extra.tls().clone()),
        })
    }

    /// What the live connection's `wss://` trusts beyond webpki's roots (`None`: nothing).
    pub fn tls(&self) -> Option<&Tls> {
        self.tls.as_ref()
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

    /// Calls endpoint `E` (from `protocol::endpoints`, which holds its method and path),
    /// on `channel` when its path names one, and decodes its answer.
    async fn call<E>(
        &self,
        channel: Option<ChannelId>,
        query: Option<&E::Query>,
        body: Option<&E::Body>,
    ) -> Result<E::Response>
    where
        E: Endpoint,
        E::Query: Serialize,
        E::Body: Serialize,
        E::Response: DeserializeOwned,
    {
        let path = match channel {
            Some(id) => E::ROUTE.path_for(&id),
            None => E::ROUTE.path.to_owned(),
        };
        self.call_at::<E>(path, query, body).await
    }

    /// Calls endpoint `E` at `path` (its route's path, with any id filled in).
    async fn call_at<E>(
        &self,
        mut path: String,
        query: Option<&E::Query>,
        body: Option<&E::Body>,
    ) -> Result<E::Response>
    where
        E: Endpoint,
        E::Query: Serialize,
        E::Body: Serialize,
        E::Response: DeserializeOwned,
    {
        let route = E::ROUTE;
        if let Some(query) = query {
            let query = query_string(query)?;
            if !query.is_empty() {
                path.push('?');
                path.push_str(&query);
            }
        }
        let response = self.send(method(route.method), &path, body).await?;
        let text = response
            .text()
            .await
            .map_err(|e| Error::Offline(e.to_string()))?;
        // No content decodes as `null`, which is what `()` answers are.
        let text = if text.trim().is_empty() {
            "null"
        } else {
            &text
        };
        protocol::json::from_str(text)
            .map_err(|e| Error::Server(format!("unexpected answer from {}: {e}", route.path)))
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
                Error::Offline(with_causes(&e))
            } else {
                Error::Server(with_causes(&e))
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
            _ => Error::Status {
                status: status.as_u16(),
                message,
            },
        })
    }

    /// Signs in.
    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse> {
        self.call::<endpoints::Login>(None, None, Some(request))
            .await
    }

    /// Trades a refresh token for a new pair.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenPair> {
        let body = RefreshRequest {
            refresh_token: refresh_token.clone(),
        };
        self.call::<endpoints::Refresh>(None, None, Some(&body))
            .await
    }

    /// Revokes a refresh token.
    pub async fn logout(&self, refresh_token: &Secret) -> Result<()> {
        let body = LogoutRequest {
            refresh_token: refresh_token.clone(),
        };
        self.call::<endpoints::Logout>(None, None, Some(&body))
            .await
    }

    /// The caller, its tenant, role and permissions.
    pub async fn me(&self) -> Result<MeResponse> {
        self.call::<endpoints::Me>(None, None, None).await
    }

    /// Users of the active tenant (for the assign picker).
    pub async fn users(&self, q: Option<&str>) -> Result<Vec<UserSummary>> {
        let query = UserListQuery {
            q: q.map(str::to_owned),
            role: None,
        };
        self.call::<endpoints::ListUsers>(None, Some(&query), None)
            .await
    }

    /// One page of the queue.
    pub async fn channels(&self, query: &ChannelListQuery) -> Result<Vec<Channel>> {
        self.call::<endpoints::ListChannels>(None, Some(query), None)
            .await
    }

    /// Opens a channel or ticket.
    pub async fn create_channel(&self, request: &CreateChannelRequest) -> Result<Channel> {
        self.call::<endpoints::CreateChannel>(None, None, Some(request))
            .await
    }

    /// One channel.
    pub async fn channel(&self, id: ChannelId) -> Result<Channel> {
        self.call::<endpoints::GetChannel>(Some(id), None, None)
            .await
    }

    /// The messages after seq `after`, at most `limit`.
    pub async fn messages_after(
        &self,
        id: ChannelId,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Message>> {
        let query = MessagesQuery {
            before: None,
            after: Some(after),
            limit: Some(limit),
        };
        self.call::<endpoints::ListMessages>(Some(id), Some(&query), None)
            .await
    }

    /// Posts a message (idempotent on `clientMessageId`).
    pub async fn send_message(
        &self,
        id: ChannelId,
        request: &SendMessageRequest,
    ) -> Result<Message> {
        self.call::<endpoints::SendMessage>(Some(id), None, Some(request))
            .await
    }

    /// Moves the read marker.
    pub async fn mark_read(&self, id: ChannelId, seq: i64) -> Result<()> {
        let body = MarkReadRequest { seq };
        self.call::<endpoints::MarkRead>(Some(id), None, Some(&body))
            .await
    }

    /// Assigns the channel to `member`.
    pub async fn assign(&self, id: ChannelId, member: UserId) -> Result<Channel> {
        let body = AssignRequest {
            team_member_id: member,
        };
        self.call::<endpoints::Assign>(Some(id), None, Some(&body))
            .await
    }

    /// Escalates the channel to platform support.
    pub async fn escalate(&self, id: ChannelId, reason: &str) -> Result<Channel> {
        let body = EscalateRequest {
            reason: reason.to_owned(),
        };
        self.call::<endpoints::Escalate>(Some(id), None, Some(&body))
            .await
    }

    /// Resolves the channel.
    pub async fn resolve(&self, id: ChannelId, resolution: Option<&str>) -> Result<Channel> {
        let body = ResolveRequest {
            resolution: resolution.map(str::to_owned),
        };
        self.call::<endpoints::Resolve>(Some(id), None, Some(&body))
            .await
    }

    /// Reopens a resolved channel.
    pub async fn reopen(&self, id: ChannelId) -> Result<Channel> {
        self.call::<endpoints::Reopen>(Some(id), None, None).await
    }

    /// Changes the ticket's status, priority or category.
    pub async fn update_ticket(
        &self,
        id: ChannelId,
        update: &UpdateTicketRequest,
    ) -> Result<Channel> {
        self.call::<endpoints::UpdateTicket>(Some(id), None, Some(update))
            .await
    }

    /// Archives the channel.
    pub async fn archive(&self, id: ChannelId) -> Result<()> {
        self.call::<endpoints::Archive>(Some(id), None, None).await
    }

    /// What changed since a cursor.
    pub async fn sync(&self, query: &SyncQuery) -> Result<SyncResponse> {
        self.call::<endpoints::Sync>(None, Some(query), None).await
    }

    /// The canned responses the caller may use (the tenant's and its own).
    pub async fn canned_responses(&self) -> Result<Vec<CannedResponse>> {
        self.call::<endpoints::ListCannedResponses>(
            None,
            Some(&CannedResponseQuery::default()),
            None,
        )
        .await
    }

    /// Saves a canned response.
    pub async fn create_canned(
        &self,
        request: &CreateCannedResponseRequest,
    ) -> Result<CannedResponse> {
        self.call::<endpoints::CreateCannedResponse>(None, None, Some(request))
            .await
    }

    /// Changes canned response `id`.
    pub async fn update_canned(
        &self,
        id: CannedResponseId,
        request: &UpdateCannedResponseRequest,
    ) -> Result<CannedResponse> {
        let path = <endpoints::UpdateCannedResponse as Endpoint>::ROUTE.path_for(&id);
        self.call_at::<endpoints::UpdateCannedResponse>(path, None, Some(request))
            .await
    }

    /// Deletes canned response `id`.
    pub async fn delete_canned(&self, id: CannedResponseId) -> Result<()> {
        let path = <endpoints::DeleteCannedResponse as Endpoint>::ROUTE.path_for(&id);
        self.call_at::<endpoints::DeleteCannedResponse>(path, None, None)
            .await
    }

    /// The SLA policies of the caller's tenant, one per priority that has one.
    pub async fn sla_policies(&self) -> Result<Vec<SlaPolicy>> {
        self.call::<endpoints::ListSlaPolicies>(None, None, None)
            .await
    }

    /// Replaces the SLA policy of `priority` (an admin's).
    pub async fn put_sla_policy(
        &self,
        priority: TicketPriority,
        request: &PutSlaPolicyRequest,
    ) -> Result<SlaPolicy> {
        let path = <endpoints::PutSlaPolicy as Endpoint>::ROUTE.path_for(&priority);
        self.call_at::<endpoints::PutSlaPolicy>(path, None, Some(request))
            .await
    }
}

/// The error and what caused it (reqwest's own message leaves out why a connection failed,
/// such as a certificate no root vouches for).
fn with_causes(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        let said = inner.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = inner.source();
    }
    text
}

/// reqwest's name for a contract method.
fn method(method: endpoints::Method) -> Method {
    match method {
        endpoints::Method::Get => Method::GET,
        endpoints::Method::Post => Method::POST,
        endpoints::Method::Put => Method::PUT,
        endpoints::Method::Delete => Method::DELETE,
    }
}
