//! Messages: pages of a channel's history, idempotent sending, and read markers that never
//! move backwards.

use protocol::rest::{MessagesQuery, SendMessageRequest};
use protocol::validate::PAGE_DEFAULT;
use protocol::{ChannelId, Message, MessageId, ParticipantRole, SenderType, TenantId};
use sqlx::{Any, Row, Transaction};

use super::channels::{add_participant, visible_state};
use super::rows::{self, MESSAGE_COLUMNS, MESSAGE_JOINS};
use super::sql::Sql;
use super::users::is_unique_violation;
use super::{new_id, next_change, now_micros, parse_col, Store, StoreError, StoreResult};
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
}

/// Inserts a message as the channel's next seq, moving the channel's activity and the
/// sender's read marker along.
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_message(
    tx: &mut Transaction<'static, Any>,
    channel: ChannelId,
    tenant: TenantId,
    actor: &Actor,
    sender_type: SenderType,
    content: &str,
    metadata: Option<serde_json::Value>,
    client_message_id: Option<&str>,
    change: i64,
) -> StoreResult<Message> {
    let now = now_micros();
    let mut sql = Sql::new("UPDATE channels SET last_seq = last_seq + 1, updated_at = ");
    sql.bind(now)
        .push(", change_seq = ")
        .bind(change)
        .push(" WHERE id = ")
        .bind(channel.to_string())
        .push(" RETURNING last_seq");
    let seq: i64 = sql.fetch_one(&mut **tx).await?.try_get("last_seq")?;
    let id = new_id();
    let mut sql = Sql::new(
        "INSERT INTO messages (id, channel_id, tenant_id, seq, sender_id, sender_type, content, \
         metadata, client_message_id, created_at, change_seq) VALUES (",
    );
    sql.bind(id.clone())
        .push(", ")
        .bind(channel.to_string())
        .push(", ")
        .bind(tenant.to_string())
        .push(", ")
        .bind(seq)
        .push(", ")
        .bind(actor.user_id().to_string())
        .push(", ")
        .bind(sender_type.as_str().to_owned())
        .push(", ")
        .bind(content.to_owned())
        .push(", ")
        .bind(metadata.map(|m| m.to_string()))
        .push(", ")
        .bind(client_message_id.map(str::to_owned))
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(change)
        .push(")");
    sql.execute(&mut **tx).await?;
    if sender_type != SenderType::System {
        upsert_read_marker(tx, channel, actor, seq, now).await?;
    }
    let id: MessageId = id
        .parse()
        .map_err(|e| StoreError::Corrupt(format!("new id: {e}")))?;
    message_by_id(&mut **tx, id).await
}

async fn message_by_id<'e, E>(executor: E, id: MessageId) -> StoreResult<Message>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let mut sql = Sql::new("SELECT ");
    sql.push(MESSAGE_COLUMNS)
        .push(MESSAGE_JOINS)
        .push(" WHERE m.id = ")
        .bind(id.to_string());
    rows::message(&sql.fetch_one(executor).await?)
}

/// Moves the actor's read marker of `channel` to `seq`, never backwards.
async fn upsert_read_marker(
    tx: &mut Transaction<'static, Any>,
    channel: ChannelId,
    actor: &Actor,
    seq: i64,
    now: i64,
) -> StoreResult<()> {
    let mut sql = Sql::new(
        "INSERT INTO read_markers (channel_id, user_id, last_read_seq, last_read_at) VALUES (",
    );
    sql.bind(channel.to_string())
        .push(", ")
        .bind(actor.user_id().to_string())
        .push(", ")
        .bind(seq)
        .push(", ")
        .bind(now)
        .push(
            ") ON CONFLICT (channel_id, user_id) DO UPDATE SET \
             last_read_seq = CASE WHEN excluded.last_read_seq > read_markers.last_read_seq \
                 THEN excluded.last_read_seq ELSE read_markers.last_read_seq END, \
             last_read_at = CASE WHEN excluded.last_read_seq > read_markers.last_read_seq \
                 THEN excluded.last_read_at ELSE read_markers.last_read_at END",
        );
    sql.execute(&mut **tx).await?;
    Ok(())
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
        let mut sql = Sql::new("SELECT ");
        sql.push(MESSAGE_COLUMNS)
            .push(MESSAGE_JOINS)
            .push(" WHERE m.channel_id = ")
            .bind(channel.to_string())
            .push(" AND ");
        super::visibility::push_visible(&mut sql, actor);
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
            visible_state(&mut tx, actor, channel).await?;
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
    pub async fn send_message(
        &self,
        actor: &Actor,
        channel: ChannelId,
        new: &NewMessage,
    ) -> StoreResult<SendOutcome> {
        // Two sends with one client id can race; the loser's retry finds the winner's message.
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.try_send(actor, channel, new).await {
                Err(StoreError::Database(error)) if is_unique_violation(&error) && attempts < 3 => {
                }
                other => return other,
            }
        }
    }

    async fn try_send(
        &self,
        actor: &Actor,
        channel: ChannelId,
        new: &NewMessage,
    ) -> StoreResult<SendOutcome> {
        let mut tx = self.begin().await?;
        let change = next_change(&mut tx).await?;
        let state = visible_state(&mut tx, actor, channel).await?;
        if let Some(client_id) = new.client_message_id.as_deref() {
            let mut sql = Sql::new("SELECT id FROM messages WHERE channel_id = ");
            sql.bind(channel.to_string())
                .push(" AND sender_id = ")
                .bind(actor.user_id().to_string())
                .push(" AND client_message_id = ")
                .bind(client_id.to_owned());
            if let Some(row) = sql.fetch_optional(&mut *tx).await? {
                let id: MessageId = parse_col(&row, "id")?;
                let message = message_by_id(&mut *tx, id).await?;
                tx.rollback().await?;
                return Ok(SendOutcome {
                    message,
                    created: false,
                });
            }
        }
        if !state.status.accepts_messages() {
            return Err(StoreError::Conflict(format!(
                "the channel is {}; messages cannot be posted",
                state.status.as_str().to_lowercase()
            )));
        }
        let mut sql = Sql::new("SELECT role, left_at FROM participants WHERE channel_id = ");
        sql.bind(channel.to_string())
            .push(" AND user_id = ")
            .bind(actor.user_id().to_string());
        let membership = sql.fetch_optional(&mut *tx).await?;
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
        } else {
            // Whoever may see a channel joins it by posting.
            add_participant(
                &mut tx,
                channel,
                actor.user_id(),
                actor.role(),
                ParticipantRole::Member,
                now_micros(),
            )
            .await?;
        }
        let message = insert_message(
            &mut tx,
            channel,
            state.tenant_id,
            actor,
            actor.role().sender_type(),
            new.content.trim(),
            new.metadata.clone(),
            new.client_message_id.as_deref(),
            change,
        )
        .await?;
        tx.commit().await?;
        Ok(SendOutcome {
            message,
            created: true,
        })
    }

    /// Moves the actor's read marker to `seq` (never backwards, never past the newest
    /// message). Returns the marker as it now stands.
    pub async fn mark_read(&self, actor: &Actor, channel: ChannelId, seq: i64) -> StoreResult<i64> {
        let mut tx = self.begin().await?;
        let change = next_change(&mut tx).await?;
        visible_state(&mut tx, actor, channel).await?;
        let mut sql = Sql::new("SELECT last_seq FROM channels WHERE id = ");
        sql.bind(channel.to_string());
        let last_seq: i64 = sql.fetch_one(&mut *tx).await?.try_get("last_seq")?;
        upsert_read_marker(&mut tx, channel, actor, seq.min(last_seq), now_micros()).await?;
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
