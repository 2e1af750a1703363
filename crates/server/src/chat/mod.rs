//! `Chat`: the one service every change goes through, from REST and from sockets alike. It
//! calls the store, which commits, and only then tells the sockets ([`events`]). No handler
//! reaches the broadcaster itself; reads go to the store directly.

pub mod breaches;
mod events;

use chrono::{DateTime, Utc};
use protocol::canned::{CannedResponse, CreateCannedResponseRequest, UpdateCannedResponseRequest};
use protocol::rest::{CreateChannelRequest, SendMessageRequest, UpdateTicketRequest};
use protocol::sla::{PutSlaPolicyRequest, SlaPolicy};
use protocol::{Audience, CannedResponseId, Channel, ChannelId, TenantId, TicketPriority, UserId};
use socketioxide::socket::Sid;

pub use events::Io;

use crate::actor::Actor;
use crate::store::{ChannelChange, SendOutcome, Store, StoreResult};
use events::{ChangeKind, Events};

/// Where a change came from: a REST call, or a socket (which has its ack, so events about
/// the change that only its own user hears leave it out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A REST request.
    Rest,
    /// A socket event, from this socket.
    Socket(Sid),
}

impl Origin {
    fn socket(self) -> Option<Sid> {
        match self {
            Self::Rest => None,
            Self::Socket(sid) => Some(sid),
        }
    }
}

/// The store and the broadcaster, together. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Chat {
    store: Store,
    events: Events,
}

impl Chat {
    /// A service over `store`; its events go nowhere until the gateway connects.
    pub fn new(store: Store) -> Self {
        Self {
            events: Events::new(store.clone()),
            store,
        }
    }

    /// Connects the socket server the events go out through (the gateway does, once).
    pub fn connect(&self, io: Io) {
        self.events.connect(io);
    }

    /// Disconnects every socket (shutdown).
    pub async fn close(&self) {
        self.events.close().await;
    }

    /// Lets go of the socket server without waiting (what a stopped or dropped server does,
    /// so the socket server, which holds this service, and the store's connections go).
    pub fn detach(&self) {
        self.events.detach();
    }

    /// Opens a channel; whoever may see it hears `channel_updated` and its first message.
    pub async fn create_channel(
        &self,
        actor: &Actor,
        request: &CreateChannelRequest,
    ) -> StoreResult<Channel> {
        let channel = self.store.create_channel(actor, request).await?;
        self.events.channel_created(actor, &channel).await;
        Ok(channel)
    }

    /// Posts a message; a new one goes out as `new_message` to its readers, a repeat of an
    /// earlier `clientMessageId` to no one.
    pub async fn send_message(
        &self,
        actor: &Actor,
        channel: ChannelId,
        request: &SendMessageRequest,
    ) -> StoreResult<SendOutcome> {
        let outcome = self.store.send_message(actor, channel, request).await?;
        if outcome.created {
            self.events
                .message_posted(
                    actor,
                    &outcome.message,
                    Audience::of_message(&outcome.message),
                    outcome.recipients.as_ref(),
                )
                .await;
        }
        if let Some(tenant) = outcome.sla_changed {
            self.tell_sla_changed(channel, tenant).await;
        }
        Ok(outcome)
    }

    /// Moves the actor's read marker; the user's other sockets hear `read_updated`. Returns
    /// the marker as it now stands.
    pub async fn mark_read(
        &self,
        actor: &Actor,
        channel: ChannelId,
        seq: i64,
        origin: Origin,
    ) -> StoreResult<i64> {
        let seq = self.store.mark_read(actor, channel, seq).await?;
        self.events
            .read_moved(actor.user_id(), channel, seq, origin.socket())
            .await;
        Ok(seq)
    }

    /// Assigns the channel to `member`.
    pub async fn assign(
        &self,
        actor: &Actor,
        channel: ChannelId,
        member: UserId,
    ) -> StoreResult<Channel> {
        let change = self.store.assign(actor, channel, member).await?;
        self.changed(actor, change, ChangeKind::Assigned).await
    }

    /// Escalates the channel to platform support.
    pub async fn escalate(
        &self,
        actor: &Actor,
        channel: ChannelId,
        reason: &str,
    ) -> StoreResult<Channel> {
        let change = self.store.escalate(actor, channel, reason).await?;
        self.changed(actor, change, ChangeKind::Escalated).await
    }

    /// Resolves the channel and its ticket.
    pub async fn resolve(
        &self,
        actor: &Actor,
        channel: ChannelId,
        resolution: Option<&str>,
    ) -> StoreResult<Channel> {
        let change = self.store.resolve(actor, channel, resolution).await?;
        self.changed(actor, change, ChangeKind::Updated).await
    }

    /// Reopens a resolved channel.
    pub async fn reopen(&self, actor: &Actor, channel: ChannelId) -> StoreResult<Channel> {
        let change = self.store.reopen(actor, channel).await?;
        self.changed(actor, change, ChangeKind::Updated).await
    }

    /// Changes the ticket's status, priority or category (a new category changes who may
    /// see the channel).
    pub async fn update_ticket(
        &self,
        actor: &Actor,
        channel: ChannelId,
        update: &UpdateTicketRequest,
    ) -> StoreResult<Channel> {
        let change = self.store.update_ticket(actor, channel, update).await?;
        let kind = if update.category.is_some() {
            ChangeKind::Recategorised
        } else {
            ChangeKind::Updated
        };
        self.changed(actor, change, kind).await
    }

    /// Archives the channel.
    pub async fn archive(&self, actor: &Actor, channel: ChannelId) -> StoreResult<Channel> {
        let change = self.store.archive(actor, channel).await?;
        self.changed(actor, change, ChangeKind::Updated).await
    }

    /// Saves a canned response; whoever may use it hears `canned_responses_changed`.
    pub async fn create_canned(
        &self,
        actor: &Actor,
        request: &CreateCannedResponseRequest,
    ) -> StoreResult<CannedResponse> {
        let created = self.store.create_canned(actor, request).await?;
        self.events.canned_changed(&created).await;
        Ok(created)
    }

    /// Changes a canned response; whoever may use it hears `canned_responses_changed`.
    pub async fn update_canned(
        &self,
        actor: &Actor,
        id: CannedResponseId,
        update: &UpdateCannedResponseRequest,
    ) -> StoreResult<CannedResponse> {
        let updated = self.store.update_canned(actor, id, update).await?;
        self.events.canned_changed(&updated).await;
        Ok(updated)
    }

    /// Deletes a canned response; whoever could use it hears `canned_responses_changed`.
    pub async fn delete_canned(&self, actor: &Actor, id: CannedResponseId) -> StoreResult<()> {
        let deleted = self.store.delete_canned(actor, id).await?;
        self.events.canned_changed(&deleted).await;
        Ok(())
    }

    async fn changed(
        &self,
        actor: &Actor,
        change: ChannelChange,
        kind: ChangeKind,
    ) -> StoreResult<Channel> {
        self.events.channel_changed(actor, &change, kind).await;
        Ok(change.channel)
    }

    /// Records the SLA breaches that fell due by `now` (a batch of at most `limit` tickets)
    /// and tells each ticket's agents. Returns how many tickets had one.
    pub async fn record_due_breaches(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<usize> {
        let recorded = self.store.record_due_breaches(now, limit).await?;
        for (channel, tenant) in &recorded {
            self.tell_sla_changed(*channel, *tenant).await;
        }
        Ok(recorded.len())
    }

    /// When the next SLA breach falls due.
    pub async fn next_breach_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        self.store.next_breach_at().await
    }

    /// Replaces an SLA policy; the agents of the tickets it recomputed hear of each.
    pub async fn put_sla_policy(
        &self,
        actor: &Actor,
        priority: TicketPriority,
        request: &PutSlaPolicyRequest,
    ) -> StoreResult<SlaPolicy> {
        let (policy, recomputed) = self.store.put_sla_policy(actor, priority, request).await?;
        for channel in recomputed {
            self.tell_sla_changed(channel, policy.tenant_id).await;
        }
        Ok(policy)
    }

    /// `presence` of a channel of `tenant` to the agents who may see it.
    pub async fn tell_presence(&self, tenant: TenantId, presence: protocol::presence::Presence) {
        let platform = Actor::platform(tenant);
        match self
            .store
            .get_channel_for(&platform, presence.channel_id, Audience::Agents)
            .await
        {
            Ok(channel) => self.events.presence(&channel, &presence).await,
            Err(error) => {
                tracing::debug!(%error, channel = %presence.channel_id, "presence of a channel gone")
            }
        }
    }

    async fn tell_sla_changed(&self, channel: ChannelId, tenant: TenantId) {
        let platform = Actor::platform(tenant);
        match self
            .store
            .get_channel_for(&platform, channel, Audience::Agents)
            .await
        {
            Ok(view) => self.events.sla_changed(&view).await,
            Err(error) => {
                tracing::warn!(%error, %channel, "cannot read a ticket whose SLA changed")
            }
        }
    }
}
