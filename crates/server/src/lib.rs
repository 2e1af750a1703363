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
//!
//! Roles, permissions and input rules come from [`protocol`], the one table both ends share.

pub mod actor;
pub mod auth;
pub mod chat;
pub mod demo;
pub mod error;
pub mod gateway;
pub mod http;
pub mod rooms;
pub mod settings;
pub mod store;

pub use protocol;

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;

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
    /// Serving failed.
    #[error("serving failed: {0}")]
    Serve(#[from] std::io::Error),
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

/// Serves the platform on `listener` until `shutdown` completes, then finishes the requests
/// in flight.
pub async fn launch(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), LaunchError> {
    let store = open_store(&settings).await?;
    let address = listener.local_addr()?;
    tracing::info!(%address, settings = ?settings, "serving");
    let redis = settings
        .redis_url
        .clone()
        .map(|url| (url, settings.redis_prefix.clone()));
    let buffer = settings.socket_buffer_packets;
    let state = AppState::new(store.clone(), settings);
    let gateway = gateway::GatewayState {
        store: store.clone(),
        keys: state.keys.clone(),
        chat: state.chat.clone(),
    };
    let chat = state.chat.clone();
    // However serving ends (even dropped mid-way), the socket server lets go of the chat
    // service, so nothing keeps the store's connections open.
    let _detach = Detach(state.chat.clone());
    let redis = redis
        .as_ref()
        .map(|(url, prefix)| (url.as_str(), prefix.as_str()));
    let router = gateway::attach(app(state), gateway, redis, buffer).await?;
    // Open sockets would hold the graceful shutdown forever: close them first.
    let shutdown = async move {
        shutdown.await;
        chat.close().await;
    };
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Detaches the chat service from the socket server when dropped.
#[derive(Debug)]
struct Detach(chat::Chat);

impl Drop for Detach {
    fn drop(&mut self) {
        self.0.detach();
    }
}
