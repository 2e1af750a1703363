//! The real-time gateway: Socket.IO namespace `/chat` on path `/socket.io`, on the same
//! port as the REST API, over socketioxide.
//!
//! - [`session`]: the token handshake and the session's end at token expiry.
//! - [`handlers`]: the client → server events.
//! - [`payload`]: each event's session, decoded payload and coded errors.
//! - [`reply`]: acks, and `error` events for failures without one.
//! - [`presence`]: who views or types where, for agents.
//! - [`typing`]: the one payload that ignores fields the contract does not name.
//!
//! With a Redis URL, nodes share rooms and broadcasts through `socketioxide-redis`.

mod handlers;
mod payload;
mod presence;
mod reply;
mod session;
mod typing;

use std::time::Duration;

use axum::Router;
use protocol::events::ConnectErrorData;
use protocol::events::NAMESPACE;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{SocketRef, TryData};
use socketioxide::handler::ConnectHandler;
use socketioxide::SocketIo;
use socketioxide_redis::drivers::redis::redis_client as redis;
use socketioxide_redis::{RedisAdapter, RedisAdapterConfig, RedisAdapterCtr};

use crate::auth::TokenKeys;
use crate::chat::{Chat, Io};
use crate::presence::Presence;
use crate::store::Store;

pub use crate::settings::SOCKET_BUFFER_PACKETS;

/// The largest packet a client may send: a message of 10,000 characters and its metadata
/// fit with room to spare.
const MAX_PAYLOAD_BYTES: u64 = 128 * 1024;

/// What the event handlers reach.
#[derive(Debug, Clone)]
pub struct GatewayState {
    /// The data.
    pub store: Store,
    /// Checks handshake tokens.
    pub keys: TokenKeys,
    /// Every change goes through it.
    pub chat: Chat,
    /// Who views what.
    pub presence: Presence,
}

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Redis could not be reached or refused the adapter.
    #[error("cannot use Redis at {url}: {source}")]
    Redis {
        /// The URL, without credentials.
        url: String,
        /// What Redis said.
        source: redis::RedisError,
    },
    /// The namespace could not be set up on the adapter.
    #[error("cannot open the /chat namespace: {0}")]
    Namespace(String),
}

/// Adds the gateway to `router` and connects `state.chat` to it; with `redis` (URL and
/// channel prefix), through the Redis adapter.
pub async fn attach(
    router: Router,
    state: GatewayState,
    redis: Option<(&str, &str)>,
    socket_buffer_packets: usize,
) -> Result<Router, GatewayError> {
    let chat = state.chat.clone();
    let builder = SocketIo::builder()
        .req_path(protocol::events::PATH)
        .max_buffer_size(socket_buffer_packets.max(1))
        .max_payload(MAX_PAYLOAD_BYTES)
        .connect_timeout(Duration::from_secs(10))
        .with_state(state);
    match redis {
        None => {
            let (layer, io) = builder.build_layer();
            io.ns(NAMESPACE, handlers::on_connect.with(admit));
            chat.connect(Io::Local(io));
            Ok(router.layer(layer))
        }
        Some((url, prefix)) => {
            let shown = crate::settings::redact_url(url);
            let redis_error = |source| GatewayError::Redis {
                url: shown.clone(),
                source,
            };
            // The adapter's pub/sub shares one multiplexed connection, which needs RESP3.
            let url = if url.contains("protocol=") {
                url.to_owned()
            } else if url.contains('?') {
                format!("{url}&protocol=resp3")
            } else {
                format!("{url}?protocol=resp3")
            };
            let client = redis::Client::open(url).map_err(redis_error)?;
            let config = RedisAdapterConfig::new().with_prefix(prefix.to_owned());
            let adapter = RedisAdapterCtr::new_with_redis_config(&client, config)
                .await
                .map_err(redis_error)?;
            let (layer, io) = builder
                .with_adapter::<RedisAdapter<_>>(adapter)
                .build_layer();
            io.ns(NAMESPACE, handlers::on_connect.with(admit))
                .await
                .map_err(|e| GatewayError::Namespace(e.to_string()))?;
            chat.connect(Io::Redis(io));
            tracing::info!(redis = %shown, "sharing rooms through Redis");
            Ok(router.layer(layer))
        }
    }
}

/// The connect middleware: authenticates the handshake, then registers the socket's event
/// handlers — before socketioxide answers CONNECT, since its connect handler runs in a task
/// spawned after that answer and handlers registered there could miss an event the client
/// sends at once.
async fn admit<A: Adapter>(
    socket: SocketRef<A>,
    auth: TryData<Value>,
    state: socketioxide::extract::State<GatewayState>,
) -> Result<(), ConnectErrorData> {
    session::authenticate(socket.clone(), auth, state).await?;
    handlers::register(&socket);
    crate::telemetry::metrics::socket_connected();
    Ok(())
}
