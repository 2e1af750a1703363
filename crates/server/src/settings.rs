//! The server's configuration, as a typed struct. `Debug` redacts the JWT secret and the
//! database password so settings can be logged.

use std::net::SocketAddr;
use std::time::Duration;

use protocol::Secret;

/// Per-socket outgoing queue, in packets, by default. A client that stops reading loses
/// broadcasts that do not fit (logged) and is dropped by the ping timeout; it catches up
/// through sync. Acks wait for room instead (`gateway::reply`).
pub const SOCKET_BUFFER_PACKETS: usize = 256;

/// Everything the server needs to run.
#[derive(Clone)]
pub struct Settings {
    /// Where to listen.
    pub bind: SocketAddr,
    /// `sqlite://path?mode=rwc` or `postgres://…`.
    pub database_url: String,
    /// Redis, for sharing rooms between nodes.
    pub redis_url: Option<String>,
    /// The prefix of the Redis channels: nodes with the same prefix form one cluster.
    pub redis_prefix: String,
    /// The key access tokens are signed with.
    pub jwt_secret: Secret,
    /// Seed the demo tenants, users and tickets into an empty database.
    pub demo: bool,
    /// Origins allowed by CORS (none: same-origin only).
    pub cors_origins: Vec<String>,
    /// The largest request body accepted.
    pub body_limit_bytes: usize,
    /// How long an access token lives.
    pub access_token_ttl: Duration,
    /// How long a refresh token lives.
    pub refresh_token_ttl: Duration,
    /// Failed logins allowed per account and per address in one window.
    pub login_attempts: u32,
    /// The window of the login limit.
    pub login_window: Duration,
    /// Each socket's outgoing queue, in packets ([`SOCKET_BUFFER_PACKETS`] by default).
    pub socket_buffer_packets: usize,
    /// Where `GET /metrics` (Prometheus) is served, apart from the API; none: not served,
    /// and nothing is recorded.
    pub metrics_listen: Option<SocketAddr>,
    /// How often the SLA breach task looks for due times at the latest (it also wakes when
    /// the next one falls due).
    pub sla_check_interval: Duration,
    /// How long a presence entry kept in Redis lives unless its node renews it (every third
    /// of it): how soon the agents of a node that died leave every list.
    pub presence_ttl: Duration,
    /// How long a stop waits for requests in flight once sockets are told goodbye; then
    /// the server stops anyway.
    pub drain_timeout: Duration,
}

impl Settings {
    /// Settings for `database_url` with every other value at its default.
    pub fn new(database_url: impl Into<String>, jwt_secret: Secret) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            database_url: database_url.into(),
            redis_url: None,
            redis_prefix: "switchboard".to_owned(),
            jwt_secret,
            demo: false,
            cors_origins: Vec::new(),
            body_limit_bytes: 256 * 1024,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 60 * 60),
            login_attempts: 10,
            login_window: Duration::from_secs(15 * 60),
            socket_buffer_packets: SOCKET_BUFFER_PACKETS,
            metrics_listen: None,
            drain_timeout: Duration::from_secs(20),
            sla_check_interval: Duration::from_secs(30),
            presence_ttl: Duration::from_secs(45),
        }
    }
}

/// A database URL with its password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:[redacted]{}",
                    &url[..scheme_end + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("database_url", &redact_url(&self.database_url))
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("jwt_secret", &self.jwt_secret)
            .field("demo", &self.demo)
            .field("cors_origins", &self.cors_origins)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("access_token_ttl", &self.access_token_ttl)
            .field("refresh_token_ttl", &self.refresh_token_ttl)
            .field("login_attempts", &self.login_attempts)
            .field("login_window", &self.login_window)
            .field("socket_buffer_packets", &self.socket_buffer_packets)
            .field("metrics_listen", &self.metrics_listen)
            .field("drain_timeout", &self.drain_timeout)
            .field("sla_check_interval", &self.sla_check_interval)
            .field("presence_ttl", &self.presence_ttl)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let settings = Settings::new(
            "postgres://app:hunter2@db:5432/switchboard",
            Secret::new("jwt-secret-value"),
        );
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("jwt-secret-value"), "{shown}");
        assert!(shown.contains("postgres://app:[redacted]@db:5432/switchboard"));
    }
}
