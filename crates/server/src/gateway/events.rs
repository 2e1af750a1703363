//! `Events`: what the platform tells sockets when something happens, whichever side
//! caused it (a REST call or a socket event) and whichever node the sockets are on (the
//! Redis adapter carries broadcasts between nodes).

use std::sync::{Arc, OnceLock};

use protocol::events::{
    name as names, ChannelAssigned, ChannelRef, ChannelUpdated, NewMessage, ReadMarker,
    TicketEscalated, NAMESPACE,
};
use protocol::model::Seq;
use protocol::{Channel, ChannelId, Message, UserId};
use serde::Serialize;
use socketioxide::adapter::{Adapter, Emitter, LocalAdapter};
use socketioxide::operators::BroadcastOperators;
use socketioxide::SocketIo;
use socketioxide_redis::RedisAdapter;

use super::rooms;
use crate::actor::Actor;
use crate::store::{ChannelChange, Store};

/// The socket server, over whichever adapter it was built with.
#[derive(Clone)]
pub(super) enum Io {
    /// One node.
    Local(SocketIo<LocalAdapter>),
    /// Several nodes sharing rooms through Redis.
    Redis(SocketIo<RedisAdapter<Emitter>>),
}

/// What a channel change was, beyond the new state everyone hears about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A new channel.
    Created,
    /// Status or ticket fields changed.
    Updated,
    /// The ticket moved to another category: who may see the channel changed.
    Recategorised,
    /// Assigned (the assignee hears `channel_assigned`).
    Assigned,
    /// Escalated (super admins hear `ticket_escalated`).
    Escalated,
}

/// The broadcaster. Cheap to clone; until the gateway is built it drops what it is given.
#[derive(Clone)]
pub struct Events {
    io: Arc<OnceLock<Io>>,
    store: Store,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("ready", &self.io.get().is_some())
            .finish()
    }
}

impl Events {
    /// A broadcaster over `store`, to be connected to the socket server by the gateway.
    pub fn new(store: Store) -> Self {
        Self {
            io: Arc::new(OnceLock::new()),
            store,
        }
    }

    pub(super) fn connect(&self, io: Io) {
        if self.io.set(io).is_err() {
            tracing::warn!("the gateway was connected twice; keeping the first");
        }
    }

    /// Sends `event` to every socket in any of `rooms`, each socket once.
    async fn emit<T: Serialize + ?Sized>(&self, rooms: Vec<String>, event: &'static str, data: &T) {
        let result = match self.io.get() {
            None => return,
            Some(Io::Local(io)) => emit_on(io, rooms, event, data).await,
            Some(Io::Redis(io)) => emit_on(io, rooms, event, data).await,
        };
        if let Err(error) = result {
            // A full per-socket buffer drops the event for that socket only; its console
            // catches up through sync when it reconnects (see ARCHITECTURE.md).
            tracing::warn!(event, %error, "broadcast incomplete");
        }
    }

    /// Takes every socket out of `room`.
    async fn empty_room(&self, room: String) {
        let result = match self.io.get() {
            None => return,
            Some(Io::Local(io)) => empty_room_on(io, room).await,
            Some(Io::Redis(io)) => empty_room_on(io, room).await,
        };
        if let Err(error) = result {
            tracing::warn!(%error, "emptying a room failed");
        }
    }

    /// Disconnects every socket (shutdown).
    pub async fn close(&self) {
        match self.io.get() {
            None => {}
            Some(Io::Local(io)) => io.close().await,
            Some(Io::Redis(io)) => io.close().await,
        }
    }

    /// `new_message` to the channel's members and whoever joined it.
    pub async fn message_posted(&self, actor: &Actor, message: &Message) {
        let rooms = match self.store.members(actor, message.channel_id).await {
            Ok((tenant, members)) => rooms::members(message.channel_id, tenant, &members),
            Err(error) => {
                tracing::warn!(%error, "cannot read the channel's members; telling the room only");
                vec![rooms::channel(message.channel_id)]
            }
        };
        let event = NewMessage {
            channel_id: message.channel_id,
            message: message.clone(),
        };
        self.emit(rooms, names::NEW_MESSAGE, &event).await;
    }

    /// Everything a channel change means: its SYSTEM message, `channel_updated` to whoever
    /// may see the channel, and what `kind` adds.
    pub async fn channel_changed(&self, actor: &Actor, change: &ChannelChange, kind: ChangeKind) {
        let channel = shared_view(&change.channel);
        if kind == ChangeKind::Recategorised {
            // Who may see it changed: everyone leaves its room and is told so; those who
            // still see it hear `channel_updated` below and join again.
            let event = ChannelRef {
                channel_id: channel.id,
            };
            self.emit(
                vec![rooms::channel(channel.id)],
                names::LEFT_CHANNEL,
                &event,
            )
            .await;
            self.empty_room(rooms::channel(channel.id)).await;
        }
        if let Some(message) = &change.system_message {
            self.message_posted(actor, message).await;
        }
        match kind {
            ChangeKind::Assigned => {
                if let Some(assignee) = channel.assigned_to {
                    let event = ChannelAssigned {
                        channel_id: channel.id,
                        assigned_to: assignee,
                        by: actor.user_id(),
                    };
                    let to = vec![rooms::member(channel.tenant_id, assignee)];
                    self.emit(to, names::CHANNEL_ASSIGNED, &event).await;
                }
            }
            ChangeKind::Escalated => {
                if let Some(ticket) = &channel.ticket {
                    let event = TicketEscalated {
                        channel_id: channel.id,
                        ticket_id: ticket.id,
                        tenant_id: channel.tenant_id,
                        subject: ticket.subject.clone(),
                    };
                    self.emit(
                        vec![rooms::SUPER_ADMINS.to_owned()],
                        names::TICKET_ESCALATED,
                        &event,
                    )
                    .await;
                }
            }
            ChangeKind::Created | ChangeKind::Updated | ChangeKind::Recategorised => {}
        }
        self.emit(
            rooms::audience(&channel),
            names::CHANNEL_UPDATED,
            &ChannelUpdated {
                channel: channel.clone(),
            },
        )
        .await;
    }

    /// A new channel: `channel_updated` to whoever may see it, and its first message.
    pub async fn channel_created(&self, actor: &Actor, channel: &Channel) {
        let change = ChannelChange {
            channel: channel.clone(),
            system_message: channel.last_message.clone(),
        };
        self.channel_changed(actor, &change, ChangeKind::Created)
            .await;
    }

    /// `read_updated` to every socket of `user` (a REST read has no socket to spare).
    pub async fn read_moved(&self, user: UserId, channel: ChannelId, seq: Seq) {
        let event = ReadMarker {
            channel_id: channel,
            seq,
        };
        self.emit(vec![rooms::user(user)], names::READ_UPDATED, &event)
            .await;
    }
}

/// The `/chat` namespace's broadcast operators.
fn chat<A: Adapter>(io: &SocketIo<A>) -> Result<BroadcastOperators<A>, String> {
    io.of(NAMESPACE)
        .ok_or_else(|| "no /chat namespace".to_owned())
}

async fn emit_on<A: Adapter, T: Serialize + ?Sized>(
    io: &SocketIo<A>,
    rooms: Vec<String>,
    event: &'static str,
    data: &T,
) -> Result<(), String> {
    chat(io)?
        .to(rooms)
        .emit(event, data)
        .await
        .map_err(|e| e.to_string())
}

async fn empty_room_on<A: Adapter>(io: &SocketIo<A>, room: String) -> Result<(), String> {
    chat(io)?
        .within(room.clone())
        .leave(room)
        .await
        .map_err(|e| e.to_string())
}

/// The channel as every recipient may be told it: without the actor's own unread count.
fn shared_view(channel: &Channel) -> Channel {
    let mut shared = channel.clone();
    shared.unread_count = 0;
    shared
}
