//! The platform server: the multi-tenant chat system the console talks to.
//!
//! Usable as a library — [`app`] builds the router, [`launch`] serves it on a listener until a
//! shutdown signal — behind the thin `switchboard-server` binary. The modules:
//! - [`settings`]: typed configuration; `Debug` redacts secrets.
//! - [`error`]: `ApiError`, mapped to status codes and the contract's error body.
//! - [`actor`]: who acts, from a verified token; every store call over tenant data takes one.
//! - [`auth`]: argon2id passwords, JWT access tokens, rotating refresh tokens, rate limits.
//! - [`store`]: SQLite and PostgreSQL through one portable implementation.
//! - [`chat`]: the one service every change goes through: store, commit, then broadcast.
//! - [`rooms`]: Socket.IO room names, and who hears what.
//! - [`http`]: the axum router of every REST route of PLATFORM.md.
//! - [`gateway`]: Socket.IO `/chat` on the same port, optionally shared through Redis.
//! - [`telemetry`]: Prometheus metrics on a listener of their own, logs as text or JSON.
//! - [`backup`]: a consistent copy of a running SQLite database.
//! - [`database_url`]: a SQLite URL made ready to open (the file created when absent).
//!
//! Roles, permissions and input rules come from [`protocol`], the one table both ends share.

pub mod actor;
pub mod auth;
pub mod backup;
pub mod chat;
pub mod database_url;
pub mod demo;
pub mod error;
pub mod gateway;
pub mod http;
pub mod presence;
pub mod rooms;
pub mod settings;
pub mod store;
pub mod telemetry;

pub use protocol;

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::presence::Presence;

pub use http::{app, AppState};
pub use settings::Settings;
pub use store::Store;

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The database could not be opened or migrated.
    #[error("cannot open the database: {0}")]
    Store(#[from] store::StoreError),
    /// Seeding the demo data failed.
    #[error("cannot seed the demo data: {0}")]
    Demo(#[from] demo::DemoError),
    /// The real-time gateway could not start.
    #[error("cannot start the gateway: {0}")]
    Gateway(#[from] gateway::GatewayError),
    /// Presence could not reach Redis.
    #[error("cannot keep presence in Redis at {url}: {source}")]
    Presence {
        /// The URL, without credentials.
        url: String,
        /// What failed.
        source: presence::PresenceError,
    },
    /// Serving failed.
    #[error("serving failed: {0}")]
    Serve(#[from] std::io::Error),
    /// Metrics were asked for and cannot be recorded.
    #[error(transparent)]
    Metrics(#[from] telemetry::metrics::MetricsError),
    /// The metrics address cannot be listened on.
    #[error("cannot listen on {address} for metrics: {source}")]
    MetricsListen {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Opens and migrates the store of `settings`, seeding the demo data when asked.
pub async fn open_store(settings: &Settings) -> Result<Store, LaunchError> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    if settings.demo && demo::seed(&store).await? {
        tracing::info!("seeded the demo data (password of every demo user: switchboard)");
    }
    Ok(store)
}

/// Serves the platform on `listener` until `shutdown` completes, then drains: no new
/// connections, every socket closed (Engine.IO's close packet: clients reconnect), the
/// requests in flight finished — for at most `settings.drain_timeout`, after which it
/// stops anyway. With `settings.metrics_listen`, `/metrics` is served there meanwhile.
pub async fn launch(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), LaunchError> {
    let store = open_store(&settings).await?;
    let address = listener.local_addr()?;
    let metrics = match settings.metrics_listen {
        Some(at) => {
            let handle = telemetry::metrics::install()?;
            let listener =
                TcpListener::bind(at)
                    .await
                    .map_err(|source| LaunchError::MetricsListen {
                        address: at,
                        source,
                    })?;
            tracing::info!(address = %listener.local_addr()?, "serving metrics at /metrics");
            Some((handle, listener))
        }
        None => None,
    };
    tracing::info!(%address, settings = ?settings, "serving");
    let redis = settings
        .redis_url
        .clone()
        .map(|url| (url, settings.redis_prefix.clone()));
    let buffer = settings.socket_buffer_packets;
    let drain = settings.drain_timeout;
    let sla_interval = settings.sla_check_interval;
    let presence_ttl = settings.presence_ttl;
    let presence = match &redis {
        Some((url, prefix)) => {
            Presence::shared(url, prefix, presence_ttl)
                .await
                .map_err(|source| LaunchError::Presence {
                    url: settings::redact_url(url),
                    source,
                })?
        }
        None => Presence::local(),
    };
    let state = AppState::new(store.clone(), settings);
    let gateway = gateway::GatewayState {
        store: store.clone(),
        keys: state.keys.clone(),
        chat: state.chat.clone(),
        presence: presence.clone(),
    };
    let chat = state.chat.clone();
    // However serving ends (even dropped mid-way), the socket server lets go of the chat
    // service, so nothing keeps the store's connections open.
    let _detach = Detach(state.chat.clone());
    let redis = redis
        .as_ref()
        .map(|(url, prefix)| (url.as_str(), prefix.as_str()));
    let router = gateway::attach(app(state), gateway, redis, buffer).await?;
    let (stopping, stopped) = watch::channel(false);
    let stopping = std::sync::Arc::new(stopping);
    let metrics = metrics.map(|(handle, listener)| {
        tokio::spawn(telemetry::metrics::serve(
            handle,
            listener,
            stop_asked(stopped.clone()),
        ))
    });
    let breaches = tokio::spawn(chat::breaches::watch(
        chat.clone(),
        sla_interval,
        stopped.clone(),
    ));
    let presence_keeper = tokio::spawn(presence::keeper::run(
        presence,
        chat.clone(),
        presence_ttl / 3,
        stopped.clone(),
    ));
    // Open sockets would hold the graceful shutdown forever: close them first.
    let asked = stopping.clone();
    let shutdown = async move {
        shutdown.await;
        tracing::info!(
            ?drain,
            "stopping: no new connections, sockets closed, requests in flight finishing"
        );
        let _ = asked.send(true);
        chat.close().await;
    };
    // Small frames go out at once: with Nagle's algorithm a socket's next event waited for
    // the client's delayed acknowledgement of the one before.
    let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY on a connection");
        }
    });
    let serve = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .into_future();
    let deadline = async move {
        stop_asked(stopped).await;
        tokio::time::sleep(drain).await;
    };
    let drained = tokio::select! {
        served = serve => {
            served?;
            true
        }
        () = deadline => {
            tracing::warn!(?drain, "requests still in flight after the drain timeout; stopping anyway");
            false
        }
    };
    // Serving may also have ended on its own (an error): the metrics listener and the
    // breach task stop too.
    let _ = stopping.send(true);
    if let Err(error) = breaches.await {
        tracing::warn!(%error, "the SLA breach task failed");
    }
    if let Err(error) = presence_keeper.await {
        tracing::warn!(%error, "the presence keeper failed");
    }
    if let Some(metrics) = metrics {
        if let Ok(Err(error)) = metrics.await {
            tracing::warn!(%error, "the metrics listener failed");
        }
    }
    if drained {
        store.close().await;
    }
    tracing::info!(drained, "stopped");
    Ok(())
}

/// Completes once a stop is asked for through `stopped` (never, if the asking side is gone
/// without asking).
async fn stop_asked(mut stopped: watch::Receiver<bool>) {
    if stopped.wait_for(|asked| *asked).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Detaches the chat service from the socket server when dropped.
#[derive(Debug)]
struct Detach(chat::Chat);

impl Drop for Detach {
    fn drop(&mut self) {
        self.0.detach();
    }
}
