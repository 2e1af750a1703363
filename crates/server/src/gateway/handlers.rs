//! The `/chat` events a socket may send, each checked against the same store code, role
//! table and visibility predicate as REST.

use std::sync::Arc;

use protocol::client_events::ClientEvent;
use protocol::error::{CodedError, ErrorCode};
use protocol::events::{
    name as names, ChannelRef, Empty, ReadMarker, SendMessagePayload, SentMessage, UserStopTyping,
    UserTyping,
};
use protocol::rest::SendMessageRequest;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{SocketRef, State, TryData};
use socketioxide::ParserError;

use super::payload::{coded, decode, session};
use super::presence;
use super::reply::Reply;
use super::session::SocketSession;
use super::typing::TypingTarget;
use super::GatewayState;
use crate::chat::Origin;
use crate::error::ApiError;
use crate::rooms;

/// Registers the event handlers of a socket that passed the handshake (the gateway's connect
/// middleware calls it, before CONNECT is answered), one per entry of
/// `protocol::client_events`: the match is exhaustive, so an event added there without a
/// handler here does not compile.
pub fn register<A: Adapter>(socket: &SocketRef<A>) {
    for &event in ClientEvent::ALL {
        let name = event.name();
        match event {
            ClientEvent::JoinChannel => socket.on(name, join_channel::<A>),
            ClientEvent::LeaveChannel => socket.on(name, leave_channel::<A>),
            ClientEvent::SendMessage => socket.on(name, send_message::<A>),
            ClientEvent::Typing => socket.on(name, typing::<A>),
            ClientEvent::StopTyping => socket.on(name, stop_typing::<A>),
            ClientEvent::MarkRead => socket.on(name, mark_read::<A>),
            ClientEvent::Viewing => socket.on(name, presence::viewing::<A>),
            ClientEvent::StopViewing => socket.on(name, presence::stop_viewing::<A>),
        }
    }
    socket.on_fallback(unknown_event::<A>);
    socket.on_disconnect(on_disconnect::<A>);
}

/// The namespace's connect handler: the socket is ready (its handlers are registered by the
/// handshake).
pub async fn on_connect<A: Adapter>(socket: SocketRef<A>) {
    tracing::debug!(socket = %socket.id, "socket connected");
}

async fn on_disconnect<A: Adapter>(socket: SocketRef<A>, State(state): State<GatewayState>) {
    if let Some(session) = socket.extensions.get::<Arc<SocketSession>>() {
        session.end();
        presence::gone(&socket, &state).await;
        crate::telemetry::metrics::socket_disconnected();
        tracing::debug!(socket = %socket.id, user = %session.actor.user_id(), "socket left");
    }
}

async fn join_channel<A: Adapter>(
    socket: SocketRef<A>,
    TryData(data): TryData<Value>,
    reply: Reply<A>,
    State(state): State<GatewayState>,
) {
    let outcome = async {
        let session = session(&socket)?;
        let target: ChannelRef = decode(data)?;
        // The same answer for a channel out of sight as for one that does not exist.
        state
            .store
            .ensure_visible(&session.actor, target.channel_id)
            .await
            .map_err(coded)?;
        socket.join(rooms::channel(target.channel_id));
        if socket.emit(names::JOINED_CHANNEL, &target).is_err() {
            tracing::debug!(socket = %socket.id, "joined_channel not sent");
        }
        Ok(Empty {})
    };
    reply.result(outcome.await).await;
}

async fn leave_channel<A: Adapter>(
    socket: SocketRef<A>,
    TryData(data): TryData<Value>,
    reply: Reply<A>,
) {
    let outcome = (|| {
        session(&socket)?;
        let target: ChannelRef = decode(data)?;
        socket.leave(rooms::channel(target.channel_id));
        if socket.emit(names::LEFT_CHANNEL, &target).is_err() {
            tracing::debug!(socket = %socket.id, "left_channel not sent");
        }
        Ok(Empty {})
    })();
    reply.result(outcome).await;
}

async fn send_message<A: Adapter>(
    socket: SocketRef<A>,
    TryData(data): TryData<Value>,
    reply: Reply<A>,
    State(state): State<GatewayState>,
) {
    let outcome = async {
        let session = session(&socket)?;
        let payload: SendMessagePayload = decode(data)?;
        let request = SendMessageRequest {
            content: payload.content,
            metadata: payload.metadata,
            client_message_id: payload.client_message_id,
            internal: payload.internal,
        };
        let sent = state
            .chat
            .send_message(&session.actor, payload.channel_id, &request)
            .await
            .map_err(coded)?;
        Ok(SentMessage {
            message: sent.message,
        })
    };
    let outcome = outcome.await;
    crate::telemetry::metrics::send("socket", outcome.is_ok());
    reply.result(outcome).await;
}

/// `typing` and `stop_typing`: only into channels the user may see, at a bounded rate;
/// the room hears it, the user's own sockets do not.
async fn typing_event<A: Adapter>(
    socket: &SocketRef<A>,
    data: Result<Value, ParserError>,
    state: &GatewayState,
    started: bool,
) -> Result<Empty, CodedError> {
    let session = session(socket)?;
    let target: ChannelRef = decode::<TypingTarget>(data)?.into();
    if !session.allow_typing() {
        return Err(ApiError::RateLimited(5).coded());
    }
    state
        .store
        .ensure_visible(&session.actor, target.channel_id)
        .await
        .map_err(coded)?;
    let user = session.actor.user_id();
    let to = socket
        .to(rooms::channel(target.channel_id))
        .except(rooms::user(user));
    let sent = if started {
        to.emit(
            names::USER_TYPING,
            &UserTyping {
                channel_id: target.channel_id,
                user_id: user,
                user_name: session.name.clone(),
            },
        )
        .await
    } else {
        to.emit(
            names::USER_STOP_TYPING,
            &UserStopTyping {
                channel_id: target.channel_id,
                user_id: user,
            },
        )
        .await
    };
    if let Err(error) = sent {
        tracing::debug!(%error, "typing broadcast incomplete");
    }
    if session.actor.role().is_agent() {
        presence::typed(socket, state, target.channel_id, started).await;
    }
    Ok(Empty {})
}

async fn typing<A: Adapter>(
    socket: SocketRef<A>,
    TryData(data): TryData<Value>,
    reply: Reply<A>,
    State(state): State<GatewayState>,
) {
    reply
        .result(typing_event(&socket, data, &state, true).await)
        .await;
}

async fn stop_typing<A: Adapter>(
    socket: SocketRef<A>,
    TryData(data): TryData<Value>,
    reply: Reply<A>,
    State(state): State<GatewayState>,
) {
    reply
        .result(typing_event(&socket, data, &state, false).await)
        .await;
}

async fn mark_read<A: Adapter>(
    socket: SocketRef<A>,
    TryData(data): TryData<Value>,
    reply: Reply<A>,
    State(state): State<GatewayState>,
) {
    let outcome = async {
        let session = session(&socket)?;
        let marker: ReadMarker = decode(data)?;
        // The user's other sockets hear it: this one has the ack.
        state
            .chat
            .mark_read(
                &session.actor,
                marker.channel_id,
                marker.seq,
                Origin::Socket(socket.id),
            )
            .await
            .map_err(coded)?;
        Ok(Empty {})
    };
    reply.result(outcome.await).await;
}

/// Any event the platform does not know: answered `UNKNOWN_EVENT` in its ack, so a client
/// never waits for its timeout; without an ack, an `error` event says so.
async fn unknown_event<A: Adapter>(reply: Reply<A>) {
    reply
        .result::<Empty>(Err(CodedError::new(
            ErrorCode::UnknownEvent,
            "the platform does not know this event",
        )))
        .await;
}
