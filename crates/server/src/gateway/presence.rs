//! The presence events: `viewing` / `stop_viewing` from agents' consoles, typing turned
//! into presence state, and a socket that goes leaving every list. Each change is told to
//! the channel's agents through [`crate::chat::Chat::tell_presence`].

use protocol::error::CodedError;
use protocol::events::{ChannelRef, Empty};
use protocol::presence::ViewingList;
use protocol::ChannelId;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{SocketRef, State, TryData};

use super::payload::{coded, decode, session};
use super::reply::Reply;
use super::session::{SocketSession, VIEWING_WINDOW};
use super::GatewayState;
use crate::error::ApiError;
use crate::presence::{ListChanged, PresenceError, MAX_VIEWED_PER_SOCKET, TYPING_IDLE};

/// Presence failed (Redis away): the caller may try again.
fn unavailable(error: PresenceError) -> CodedError {
    tracing::warn!(%error, "presence unavailable");
    ApiError::Busy.coded()
}

async fn tell(state: &GatewayState, changed: ListChanged) {
    state
        .chat
        .tell_presence(changed.tenant_id, changed.presence)
        .await;
}

/// Counts one `viewing` / `stop_viewing` against the socket's allowance.
fn allow_viewing(session: &SocketSession) -> Result<(), CodedError> {
    if session.allow_viewing() {
        Ok(())
    } else {
        Err(ApiError::RateLimited(VIEWING_WINDOW.as_secs()).coded())
    }
}

/// `viewing {channelId}`: an agent has a channel it may see open. Acked with the list.
pub(super) async fn viewing<A: Adapter>(
    socket: SocketRef<A>,
    TryData(data): TryData<Value>,
    reply: Reply<A>,
    State(state): State<GatewayState>,
) {
    let outcome = async {
        let session = session(&socket)?;
        let target: ChannelRef = decode(data)?;
        if !session.actor.role().is_agent() {
            return Err(ApiError::Forbidden("presence is for agents only").coded());
        }
        allow_viewing(&session)?;
        // The same answer for a channel out of sight as for one that does not exist.
        let (tenant, _) = state
            .store
            .members(&session.actor, target.channel_id)
            .await
            .map_err(coded)?;
        let sid = socket.id.to_string();
        if state.presence.viewed_by(&sid) >= MAX_VIEWED_PER_SOCKET {
            return Err(ApiError::invalid(
                "channelId",
                format!(
                    "this connection already views {MAX_VIEWED_PER_SOCKET} channels; \
                     send stop_viewing for one first"
                ),
            )
            .coded());
        }
        let (list, changed) = state
            .presence
            .view(
                &sid,
                tenant,
                target.channel_id,
                session.actor.user_id(),
                &session.name,
            )
            .await
            .map_err(unavailable)?;
        let agents = list.presence.agents.clone();
        if changed {
            tell(&state, list).await;
        }
        Ok(ViewingList { agents })
    };
    reply.result(outcome.await).await;
}

/// `stop_viewing {channelId}`: the agent closed the channel (no error when it had not
/// opened it).
pub(super) async fn stop_viewing<A: Adapter>(
    socket: SocketRef<A>,
    TryData(data): TryData<Value>,
    reply: Reply<A>,
    State(state): State<GatewayState>,
) {
    let outcome = async {
        let session = session(&socket)?;
        let target: ChannelRef = decode(data)?;
        allow_viewing(&session)?;
        let changed = state
            .presence
            .stop_viewing(&socket.id.to_string(), target.channel_id)
            .await
            .map_err(unavailable)?;
        if let Some(changed) = changed {
            tell(&state, changed).await;
        }
        Ok(Empty {})
    };
    reply.result(outcome.await).await;
}

/// An agent's socket typed (or stopped) in `channel`: TYPING (or VIEWING) there when it
/// views it.
pub(super) async fn typed<A: Adapter>(
    socket: &SocketRef<A>,
    state: &GatewayState,
    channel: ChannelId,
    typing: bool,
) {
    let sid = socket.id.to_string();
    match state.presence.typing(&sid, channel, typing).await {
        Ok(Some(changed)) => tell(state, changed).await,
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "presence not updated for typing"),
    }
    if typing {
        // Quiet for the idle time without `stop_typing`: viewing again.
        let state = state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(TYPING_IDLE).await;
            match state.presence.typing_idle(&sid, channel).await {
                Ok(Some(changed)) => tell(&state, changed).await,
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "presence not updated after typing"),
            }
        });
    }
}

/// The socket is gone: it leaves every list.
pub(super) async fn gone<A: Adapter>(socket: &SocketRef<A>, state: &GatewayState) {
    match state.presence.drop_socket(&socket.id.to_string()).await {
        Ok(changed) => {
            for list in changed {
                tell(state, list).await;
            }
        }
        Err(error) => {
            // Its entries expire in Redis and the next sweep tells the agents.
            tracing::warn!(%error, "presence not cleared at disconnect; it will expire");
        }
    }
}
