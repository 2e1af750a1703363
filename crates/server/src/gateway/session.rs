//! The handshake: who a socket is, from its access token alone (`auth.token`, or the
//! `token` query parameter), and the end of its session when that token expires.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use protocol::error::ErrorCode;
use protocol::events::{name as names, ConnectErrorData, ErrorEvent};
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{SocketRef, State, TryData};
use tokio::task::AbortHandle;

use super::GatewayState;
use crate::actor::Actor;
use crate::auth::tokens::TokenError;
use crate::rooms;

/// What a connected socket is: kept in its extensions for every event it sends.
#[derive(Debug)]
pub struct SocketSession {
    /// Who acts.
    pub actor: Actor,
    /// The user's display name, from the store (never from the client).
    pub name: String,
    /// Typing events allowed in the current window.
    typing: Mutex<Allowance>,
    /// `viewing` / `stop_viewing` events allowed in the current window.
    viewing: Mutex<Allowance>,
    /// The timer that ends the session when the token expires.
    expiry: Mutex<Option<AbortHandle>>,
}

/// At most `per_window` events per `window`.
#[derive(Debug)]
struct Allowance {
    started: Instant,
    count: u32,
    window: Duration,
    per_window: u32,
}

impl Allowance {
    fn new(window: Duration, per_window: u32) -> Mutex<Self> {
        Mutex::new(Self {
            started: Instant::now(),
            count: 0,
            window,
            per_window,
        })
    }
}

/// Counts one event against `allowance`; false when it is spent.
fn spend(allowance: &Mutex<Allowance>) -> bool {
    let Ok(mut allowance) = allowance.lock() else {
        return false;
    };
    if allowance.started.elapsed() >= allowance.window {
        allowance.started = Instant::now();
        allowance.count = 0;
    }
    allowance.count += 1;
    allowance.count <= allowance.per_window
}

/// Typing: at most 10 events per 5 s.
const TYPING_WINDOW: Duration = Duration::from_secs(5);
const TYPING_PER_WINDOW: u32 = 10;

/// Viewing: at most 40 `viewing` / `stop_viewing` per 10 s (a console sends two per ticket
/// it moves to, and an agent triaging with the keyboard moves quickly).
pub const VIEWING_WINDOW: Duration = Duration::from_secs(10);
const VIEWING_PER_WINDOW: u32 = 40;

impl SocketSession {
    /// Counts one typing event; false when the socket is over its allowance.
    pub fn allow_typing(&self) -> bool {
        spend(&self.typing)
    }

    /// Counts one `viewing` / `stop_viewing`; false when the socket is over its allowance.
    pub fn allow_viewing(&self) -> bool {
        spend(&self.viewing)
    }

    /// Stops the expiry timer (the socket is gone).
    pub fn end(&self) {
        if let Some(timer) = self.expiry.lock().ok().and_then(|mut t| t.take()) {
            timer.abort();
        }
    }
}

/// The token a client offered: `auth.token` first, else the `token` query parameter.
fn offered_token<A: Adapter>(socket: &SocketRef<A>, auth: &Option<Value>) -> Option<String> {
    if let Some(token) = auth
        .as_ref()
        .and_then(|a| a.get("token"))
        .and_then(Value::as_str)
    {
        return Some(token.to_owned());
    }
    let query = socket.req_parts().uri.query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "token")
        .map(|(_, value)| value.into_owned())
}

/// Checks the handshake: refuses the socket with a coded reason, or records its session,
/// puts it in its rooms and arms the expiry timer.
pub async fn authenticate<A: Adapter>(
    socket: SocketRef<A>,
    TryData(auth): TryData<Value>,
    State(state): State<GatewayState>,
) -> Result<(), ConnectErrorData> {
    let auth = auth.ok();
    let token = offered_token(&socket, &auth)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            ConnectErrorData::new(
                ErrorCode::MissingToken,
                "sign in first: pass the access token as auth.token",
            )
        })?;
    let claims = state
        .keys
        .verify(token.trim())
        .map_err(|error| match error {
            TokenError::Expired => ConnectErrorData::new(
                ErrorCode::TokenExpired,
                "the access token has expired; refresh it and reconnect",
            ),
            TokenError::Invalid => {
                ConnectErrorData::new(ErrorCode::InvalidToken, "the access token is not valid")
            }
        })?;
    let invalid =
        || ConnectErrorData::new(ErrorCode::InvalidToken, "the access token is not valid");
    let actor = Actor::vouched(claims.sub, claims.tid, claims.role).map_err(|_| invalid())?;
    let user = state
        .store
        .find_user(actor.user_id())
        .await
        .map_err(|error| {
            tracing::warn!(%error, "handshake: cannot read the user");
            ConnectErrorData::new(
                ErrorCode::Internal,
                "the platform cannot check the token now",
            )
        })?
        .ok_or_else(invalid)?;

    let session = Arc::new(SocketSession {
        actor,
        name: user.name,
        typing: Allowance::new(TYPING_WINDOW, TYPING_PER_WINDOW),
        viewing: Allowance::new(VIEWING_WINDOW, VIEWING_PER_WINDOW),
        expiry: Mutex::new(None),
    });
    let timer = tokio::spawn(end_at_expiry(socket.clone(), claims.exp));
    if let Ok(mut slot) = session.expiry.lock() {
        *slot = Some(timer.abort_handle());
    }
    socket.join(rooms::of_actor(&session.actor));
    tracing::debug!(socket = %socket.id, user = %session.actor.user_id(), "socket signed in");
    socket.extensions.insert(session);
    socket
        .extensions
        .insert(super::reply::AnswerLine::default());
    Ok(())
}

/// Waits until the token stops verifying (after second `exp`, since the epoch), then tells
/// the socket why and drops it.
async fn end_at_expiry<A: Adapter>(socket: SocketRef<A>, exp: u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let left = (exp as f64 + 1.0 - now).max(0.0);
    tokio::time::sleep(Duration::from_secs_f64(left)).await;
    let event = ErrorEvent {
        message: "the access token has expired; refresh it and reconnect".to_owned(),
        code: Some(ErrorCode::TokenExpired),
    };
    if socket.emit(names::ERROR, &event).is_err() {
        tracing::debug!(socket = %socket.id, "expired socket was already gone");
    }
    tracing::info!(socket = %socket.id, "access token expired; disconnecting the socket");
    let _ = socket.disconnect();
}
