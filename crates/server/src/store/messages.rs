//! Messages: pages of a channel's history, idempotent sending, and read markers that never
//! move backwards.

use protocol::rest::{MessagesQuery, SendMessageRequest};
use protocol::validate::PAGE_DEFAULT;
use protocol::{Audience, ChannelId, Message, MessageId, ParticipantRole, TenantId, UserId};
use sqlx::{Any, AnyPool, Row, Transaction};

use super::message_reads::readable_messages;
use super::rows;
use super::sla::{self, ClockChange};
use super::sql::Sql;
use super::users::is_unique_violation;
use super::visibility::load_visible;
use super::write::{add_participant, insert_message, message_by_id, upsert_read_marker, Posting};
use super::{next_change, now_micros, parse_col, Store, StoreError, StoreResult};
use crate::actor::Actor;

/// A message to post.
pub type NewMessage = SendMessageRequest;

/// What a send did.
#[derive(Debug, Clone)]
pub struct SendOutcome {
    /// The stored message: the new one, or the first one with the same client id.
    pub message: Message,
    /// `false` when the send repeated an earlier one.
    pub created: bool,
    /// Whom its `new_message` goes to, as of its commit, when the send read it already
    /// (a batched send does); `None`: ask the store.
    pub recipients: Option<Recipients>,
    /// The tenant of the ticket whose SLA the message changed (an agent's first reply, a
    /// customer starting the next-response clock): its agents are told.
    pub sla_changed: Option<TenantId>,
}

/// The channel's tenant and current participants, whom a new message is broadcast to.
#[derive(Debug, Clone)]
pub struct Recipients {
    /// The channel's tenant.
    pub tenant: TenantId,
    /// Its current participants.
    pub members: Vec<UserId>,
}

impl Store {
    /// A page of the channel's messages in `seq` order: the newest page, or the page before
    /// or after a seq.
    pub async fn list_messages(
        &self,
        actor: &Actor,
        channel: ChannelId,
        query: &MessagesQuery,
    ) -> StoreResult<Vec<Message>> {
        let limit = i64::from(query.limit.unwrap_or(PAGE_DEFAULT));
        let mut sql = readable_messages(actor);
        sql.push("m.channel_id = ").bind(channel.to_string());
        let newest_first = match (query.before, query.after) {
            (_, Some(after)) => {
                sql.push(" AND m.seq > ")
                    .bind(after)
                    .push(" ORDER BY m.seq ASC");
                false
            }
            (Some(before), None) => {
                sql.push(" AND m.seq < ")
                    .bind(before)
                    .push(" ORDER BY m.seq DESC");
                true
            }
            (None, None) => {
                sql.push(" ORDER BY m.seq DESC");
                true
            }
        };
        sql.push(" LIMIT ").bind(limit);
        let rows = sql.fetch_all(&self.pool).await?;
        if rows.is_empty() {
            // An empty page and an invisible channel must not look alike: tell them apart.
            let mut tx = self.begin().await?;
            load_visible(&mut tx, actor, channel).await?;
            tx.rollback().await?;
        }
        let mut messages = rows
            .iter()
            .map(rows::message)
            .collect::<StoreResult<Vec<_>>>()?;
        if newest_first {
            messages.reverse();
        }
        Ok(messages)
    }

    /// Posts a message. Sending the same `clientMessageId` again returns the first message.
    /// Sends wait for the store's writer, which commits every send waiting in one
    /// transaction (see `writer`).
    pub async fn send_message(
        &self,
        actor: &Actor,
        channel: ChannelId,
        new: &NewMessage,
    ) -> StoreResult<SendOutcome> {
        self.writer.send(actor, channel, new).await
    }
    /// Moves the actor's read marker to `seq` (never backwards, never past the newest
    /// message). Returns the marker as it now stands.
    pub async fn mark_read(&self, actor: &Actor, channel: ChannelId, seq: i64) -> StoreResult<i64> {
        let mut tx = self.begin().await?;
        let change = next_change(&mut tx).await?;
        let visible = load_visible(&mut tx, actor, channel).await?;
        // The newest message the actor may read: a customer's marker never lands on a note.
        let mut sql = Sql::new(
            "SELECT COALESCE(MAX(m.seq), 0) AS last_seq FROM messages m WHERE m.channel_id = ",
        );
        sql.bind(channel.to_string());
        super::audience::push_reaches(&mut sql, actor.audience(), "m");
        let last_seq: i64 = sql.fetch_one(&mut *tx).await?.try_get("last_seq")?;
        upsert_read_marker(&mut tx, &visible, actor, seq.min(last_seq), now_micros()).await?;
        // The caller's unread count changed: let its other devices' sync see the channel.
        let mut sql = Sql::new("UPDATE channels SET change_seq = ");
        sql.bind(change)
            .push(" WHERE id = ")
            .bind(channel.to_string());
        sql.execute(&mut *tx).await?;
        let mut sql = Sql::new("SELECT last_read_seq FROM read_markers WHERE channel_id = ");
        sql.bind(channel.to_string())
            .push(" AND user_id = ")
            .bind(actor.user_id().to_string());
        let marker: i64 = sql.fetch_one(&mut *tx).await?.try_get("last_read_seq")?;
        tx.commit().await?;
        Ok(marker)
    }
}

/// Posts a message in a transaction of its own: what a send does when its batch failed.
pub(super) async fn send_alone(
    pool: &AnyPool,
    actor: &Actor,
    channel: ChannelId,
    new: &NewMessage,
) -> StoreResult<SendOutcome> {
    // Two sends with one client id can race (from two nodes); the loser's retry finds the
    // winner's message.
    let mut attempts = 0;
    loop {
        attempts += 1;
        match try_alone(pool, actor, channel, new).await {
            Err(StoreError::Database(error)) if is_unique_violation(&error) && attempts < 3 => {}
            other => return other,
        }
    }
}

async fn try_alone(
    pool: &AnyPool,
    actor: &Actor,
    channel: ChannelId,
    new: &NewMessage,
) -> StoreResult<SendOutcome> {
    let mut tx = pool.begin().await?;
    let change = next_change(&mut tx).await?;
    let outcome = post(&mut tx, actor, channel, new, change).await?;
    if outcome.created {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(outcome)
}

/// One send inside `tx`, as change number `change` if it writes: the visibility check, the
/// repeat of an earlier `clientMessageId` (answered with the first message, nothing
/// written), the sender's checks, then the writes. Every refusal comes before any write, so
/// a refused send leaves `tx` as it found it.
pub(super) async fn post(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    channel: ChannelId,
    new: &NewMessage,
    change: i64,
) -> StoreResult<SendOutcome> {
    let visible = load_visible(tx, actor, channel).await?;
    if let Some(client_id) = new.client_message_id.as_deref() {
        let mut sql = Sql::new("SELECT id FROM messages WHERE channel_id = ");
        sql.bind(channel.to_string())
            .push(" AND sender_id = ")
            .bind(actor.user_id().to_string())
            .push(" AND client_message_id = ")
            .bind(client_id.to_owned());
        if let Some(row) = sql.fetch_optional(&mut **tx).await? {
            let id: MessageId = parse_col(&row, "id")?;
            let message = message_by_id(&mut **tx, id).await?;
            return Ok(SendOutcome {
                message,
                created: false,
                recipients: None,
                sla_changed: None,
            });
        }
    }
    let audience = Audience::of_posting(new.internal.unwrap_or(false));
    if !audience.reaches(Audience::Everyone) && !actor.role().is_agent() {
        return Err(StoreError::Forbidden("only agents may post internal notes"));
    }
    if !visible.status().accepts_messages() {
        return Err(StoreError::Conflict(format!(
            "the channel is {}; messages cannot be posted",
            visible.status().as_str().to_lowercase()
        )));
    }
    let mut sql = Sql::new("SELECT role, left_at FROM participants WHERE channel_id = ");
    sql.bind(channel.to_string())
        .push(" AND user_id = ")
        .bind(actor.user_id().to_string());
    let membership = sql.fetch_optional(&mut **tx).await?;
    let is_current = match &membership {
        Some(row) => row.try_get::<Option<i64>, _>("left_at")?.is_none(),
        None => false,
    };
    if is_current {
        let role: ParticipantRole = parse_col(
            membership
                .as_ref()
                .ok_or(StoreError::NotFound("participant"))?,
            "role",
        )?;
        if role == ParticipantRole::Observer {
            return Err(StoreError::Forbidden(
                "observers cannot post in this channel",
            ));
        }
    } else if audience == Audience::Everyone {
        // Whoever may see a channel joins it by posting (a note does not join).
        add_participant(
            tx,
            &visible,
            actor.user_id(),
            actor.role(),
            ParticipantRole::Member,
            now_micros(),
        )
        .await?;
    }
    let posting = Posting {
        sender_type: actor.role().sender_type(),
        content: new.content.trim(),
        metadata: new.metadata.clone(),
        client_message_id: new.client_message_id.as_deref(),
        audience,
    };
    let event = sla::reply_event(posting.sender_type, posting.audience);
    let message = insert_message(tx, &visible, actor, posting, change).await?;
    let mut sla_changed = None;
    if let Some(event) = event.filter(|_| visible.has_ticket()) {
        let change = ClockChange::event(channel, event, message.created_at);
        if !sla::advance(tx, &[change]).await?.is_empty() {
            sla_changed = Some(visible.tenant_id());
        }
    }
    Ok(SendOutcome {
        message,
        created: true,
        recipients: None,
        sla_changed,
    })
}
