//! `Events`: what the platform tells sockets when something happens, whichever side
//! caused it (a REST call or a socket event) and whichever node the sockets are on (the
//! Redis adapter carries broadcasts between nodes). Only [`Chat`](super::Chat) reaches it,
//! after its store call has committed.

use std::sync::{Arc, Mutex};

use protocol::canned::CannedResponse;
use protocol::events::{
    name as names, ChannelAssigned, ChannelRef, ChannelUpdated, Empty, NewMessage, ReadMarker,
    TicketEscalated, NAMESPACE,
};
use protocol::model::Seq;
use protocol::{Audience, Channel, ChannelId, Message, UserId};
use serde::Serialize;
use socketioxide::adapter::{Adapter, Emitter, LocalAdapter};
use socketioxide::operators::BroadcastOperators;
use socketioxide::socket::Sid;
use socketioxide::SocketIo;
use socketioxide_redis::RedisAdapter;

use crate::actor::Actor;
use crate::rooms;
use crate::store::{ChannelChange, Recipients, Store};

/// The socket server, over whichever adapter it was built with.
#[derive(Clone)]
pub enum Io {
    /// One node.
    Local(SocketIo<LocalAdapter>),
    /// Several nodes sharing rooms through Redis.
    Redis(SocketIo<RedisAdapter<Emitter>>),
}

impl std::fmt::Debug for Io {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Local(_) => "Io::Local",
            Self::Redis(_) => "Io::Redis",
        })
    }
}

/// What a channel change was, beyond the new state everyone hears about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChangeKind {
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

/// Where a broadcast goes: to every socket in any of `rooms`, leaving out those in any of
/// `except` (reader rooms, or the socket that caused it), each socket once.
struct Target {
    rooms: Vec<String>,
    except: Vec<String>,
    except_socket: Option<Sid>,
}

impl Target {
    fn to(rooms: Vec<String>) -> Self {
        Self {
            rooms,
            except: Vec::new(),
            except_socket: None,
        }
    }

    /// Leaves out the readers `audience` does not reach.
    fn reaching(mut self, audience: Audience) -> Self {
        self.except
            .extend(rooms::unreached(audience).into_iter().map(str::to_owned));
        self
    }

    /// Leaves out the readers of every audience but `reader`'s.
    fn readers_of(mut self, reader: Audience) -> Self {
        self.except.extend(
            Audience::ALL
                .into_iter()
                .filter(|other| *other != reader)
                .map(|other| rooms::readers(other).to_owned()),
        );
        self
    }
}

/// The broadcaster. Cheap to clone; until the gateway is built it drops what it is given.
#[derive(Clone)]
pub(super) struct Events {
    // The socket server holds the gateway's state, which holds this broadcaster: a cycle,
    // broken by `detach` when the server stops (or its task is dropped), so the store's
    // connections close.
    io: Arc<Mutex<Option<Io>>>,
    store: Store,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("ready", &self.io().is_some())
            .finish()
    }
}

impl Events {
    /// A broadcaster over `store`, to be connected to the socket server by the gateway.
    pub(super) fn new(store: Store) -> Self {
        Self {
            io: Arc::new(Mutex::new(None)),
            store,
        }
    }

    pub(super) fn connect(&self, io: Io) {
        match self.io.lock() {
            Ok(mut slot) if slot.is_none() => *slot = Some(io),
            _ => tracing::warn!("the gateway was connected twice; keeping the first"),
        }
    }

    /// The socket server, while connected.
    fn io(&self) -> Option<Io> {
        self.io.lock().ok().and_then(|slot| slot.clone())
    }

    /// Lets go of the socket server (nothing is sent after).
    pub(super) fn detach(&self) {
        if let Ok(mut slot) = self.io.lock() {
            slot.take();
        }
    }

    /// Sends `event` to `target`.
    async fn emit<T: Serialize + ?Sized>(&self, target: Target, event: &'static str, data: &T) {
        let result = match self.io() {
            None => return,
            Some(Io::Local(io)) => emit_on(&io, target, event, data).await,
            Some(Io::Redis(io)) => emit_on(&io, target, event, data).await,
        };
        if let Err(error) = result {
            // A full per-socket buffer drops the event for that socket only; its console
            // catches up through sync when it reconnects (see ARCHITECTURE.md).
            tracing::warn!(event, %error, "broadcast incomplete");
        }
    }

    /// Takes every socket out of `room`.
    async fn empty_room(&self, room: String) {
        let result = match self.io() {
            None => return,
            Some(Io::Local(io)) => empty_room_on(&io, room).await,
            Some(Io::Redis(io)) => empty_room_on(&io, room).await,
        };
        if let Err(error) = result {
            tracing::warn!(%error, "emptying a room failed");
        }
    }

    /// Disconnects every socket of this node (shutdown; other nodes' sockets stay). Each
    /// transport is sent Engine.IO's close packet, then closed: clients see a transport
    /// close and reconnect, to another node or to this one restarted. Not a Socket.IO
    /// DISCONNECT: to socket.io-client (the original web client) that means "io server
    /// disconnect", after which it never reconnects by itself.
    pub(super) async fn close(&self) {
        match self.io() {
            None => {}
            Some(Io::Local(io)) => io.close().await,
            Some(Io::Redis(io)) => io.close().await,
        }
        self.detach();
    }

    /// `new_message` to the channel's members and whoever joined it, among the readers
    /// `audience` reaches.
    /// `recipients`, when the send already read them in its transaction, spare a query.
    pub(super) async fn message_posted(
        &self,
        actor: &Actor,
        message: &Message,
        audience: Audience,
        recipients: Option<&Recipients>,
    ) {
        let rooms = match recipients {
            Some(known) => rooms::members(message.channel_id, known.tenant, &known.members),
            None => match self.store.members(actor, message.channel_id).await {
                Ok((tenant, members)) => rooms::members(message.channel_id, tenant, &members),
                Err(error) => {
                    tracing::warn!(%error, "cannot read the channel's members; telling the room only");
                    vec![rooms::channel(message.channel_id)]
                }
            },
        };
        let event = NewMessage {
            channel_id: message.channel_id,
            message: message.clone(),
        };
        self.emit(
            Target::to(rooms).reaching(audience),
            names::NEW_MESSAGE,
            &event,
        )
        .await;
        crate::telemetry::metrics::broadcast(message.created_at);
    }

    /// Everything a channel change means: its SYSTEM message, `channel_updated` to whoever
    /// may see the channel (each reader audience told the channel as it may read it), and
    /// what `kind` adds.
    pub(super) async fn channel_changed(
        &self,
        actor: &Actor,
        change: &ChannelChange,
        kind: ChangeKind,
    ) {
        let channel = shared_view(&change.channel);
        if kind == ChangeKind::Recategorised {
            // Who may see it changed: everyone leaves its room and is told so; those who
            // still see it hear `channel_updated` below and join again.
            let event = ChannelRef {
                channel_id: channel.id,
            };
            self.emit(
                Target::to(vec![rooms::channel(channel.id)]),
                names::LEFT_CHANNEL,
                &event,
            )
            .await;
            self.empty_room(rooms::channel(channel.id)).await;
        }
        if let Some(message) = &change.system_message {
            self.message_posted(actor, message, Audience::Everyone, None)
                .await;
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
                    self.emit(Target::to(to), names::CHANNEL_ASSIGNED, &event)
                        .await;
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
                        Target::to(vec![rooms::SUPER_ADMINS.to_owned()]),
                        names::TICKET_ESCALATED,
                        &event,
                    )
                    .await;
                }
            }
            ChangeKind::Created | ChangeKind::Updated | ChangeKind::Recategorised => {}
        }
        let audience_rooms = rooms::audience(&channel);
        for reader in Audience::ALL {
            // Each reader audience is told the channel as it may read it (its last message,
            // read markers, and for agents the ticket's SLA): the actor's view serves the
            // actor's own audience, the others' is read for them (the agents' as the
            // platform when a customer acted).
            let view = if reader == actor.audience() {
                channel.clone()
            } else {
                let reading = if Audience::Agents.reaches(reader) {
                    Actor::platform(channel.tenant_id)
                } else {
                    actor.clone()
                };
                match self
                    .store
                    .get_channel_for(&reading, channel.id, reader)
                    .await
                {
                    Ok(view) => shared_view(&view),
                    Err(error) => {
                        tracing::warn!(%error, ?reader, "cannot read the channel for an audience; not telling it");
                        continue;
                    }
                }
            };
            self.emit(
                Target::to(audience_rooms.clone()).readers_of(reader),
                names::CHANNEL_UPDATED,
                &ChannelUpdated { channel: view },
            )
            .await;
        }
    }

    /// A new channel: `channel_updated` to whoever may see it, and its first message.
    pub(super) async fn channel_created(&self, actor: &Actor, channel: &Channel) {
        let change = ChannelChange {
            channel: channel.clone(),
            system_message: channel.last_message.clone(),
        };
        self.channel_changed(actor, &change, ChangeKind::Created)
            .await;
    }

    /// `read_updated` to every socket of `user` but `except_socket` (the one that moved
    /// it has its ack).
    pub(super) async fn read_moved(
        &self,
        user: UserId,
        channel: ChannelId,
        seq: Seq,
        except_socket: Option<Sid>,
    ) {
        let event = ReadMarker {
            channel_id: channel,
            seq,
        };
        let target = Target {
            except_socket,
            ..Target::to(vec![rooms::user(user)])
        };
        self.emit(target, names::READ_UPDATED, &event).await;
    }
}

impl Events {
    /// `channel_updated` about a ticket whose SLA changed (a breach recorded, a policy
    /// changed): to the agents who may see it; what everyone else is told of it did not
    /// change.
    pub(super) async fn sla_changed(&self, channel: &Channel) {
        let channel = shared_view(channel);
        self.emit(
            Target::to(rooms::audience(&channel)).readers_of(Audience::Agents),
            names::CHANNEL_UPDATED,
            &ChannelUpdated { channel },
        )
        .await;
    }

    /// `presence` of `channel` to the agents who may see it (joined or not).
    pub(super) async fn presence(
        &self,
        channel: &Channel,
        presence: &protocol::presence::Presence,
    ) {
        self.emit(
            Target::to(rooms::audience(channel)).readers_of(Audience::Agents),
            names::PRESENCE,
            presence,
        )
        .await;
    }

    /// `canned_responses_changed {}` to whoever may use `response`: the tenant's agents for
    /// the tenant's, the owner's sockets in that tenant for an agent's own.
    pub(super) async fn canned_changed(&self, response: &CannedResponse) {
        let target = match response.owner_id {
            Some(owner) => Target::to(vec![rooms::member(response.tenant_id, owner)]),
            None => {
                Target::to(vec![rooms::tenant(response.tenant_id)]).readers_of(Audience::Agents)
            }
        };
        self.emit(target, names::CANNED_RESPONSES_CHANGED, &Empty {})
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
    target: Target,
    event: &'static str,
    data: &T,
) -> Result<(), String> {
    let mut to = chat(io)?.to(target.rooms);
    if !target.except.is_empty() {
        to = to.except(target.except);
    }
    if let Some(socket) = target.except_socket {
        to = to.except(socket);
    }
    to.emit(event, data).await.map_err(|e| e.to_string())
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
