//! The row writers every change shares: messages, read markers, participants and the
//! audit log. Each takes the [`VisibleChannel`] the caller's check produced, never a bare id.

use protocol::{
    Audience, ChannelId, Message, MessageId, ParticipantRole, Role, SenderType, UserId,
};
use sqlx::{Any, Row, Transaction};

use super::audience;
use super::message_reads::written_message;
use super::rows;
use super::sql::Sql;
use super::visibility::VisibleChannel;
use super::{new_id, now_micros, StoreError, StoreResult};
use crate::actor::Actor;

/// A message about to be written.
#[derive(Debug, Clone)]
pub(super) struct Posting<'a> {
    /// Who it is from, as the channel shows it.
    pub sender_type: SenderType,
    /// The text, trimmed.
    pub content: &'a str,
    /// Structured detail (a SYSTEM message's event).
    pub metadata: Option<serde_json::Value>,
    /// The sender's idempotency key.
    pub client_message_id: Option<&'a str>,
    /// Who may read it.
    pub audience: Audience,
}

/// The user's display name, read inside the action's transaction: a query on the pool
/// while holding SQLite's write lock can wait forever for a connection held by a writer
/// that waits for this lock.
pub(super) async fn display_name(
    tx: &mut Transaction<'_, Any>,
    user: UserId,
) -> StoreResult<String> {
    let mut sql = Sql::new("SELECT name FROM users WHERE id = ");
    sql.bind(user.to_string());
    let row = sql.fetch_one(&mut **tx).await?;
    Ok(row.try_get("name")?)
}

/// Adds `user` to the channel, or brings them back if they had left.
pub(super) async fn add_participant(
    tx: &mut Transaction<'_, Any>,
    channel: &VisibleChannel,
    user: UserId,
    role: Role,
    participant_role: ParticipantRole,
    now: i64,
) -> StoreResult<()> {
    let mut sql = Sql::new(
        "INSERT INTO participants (channel_id, user_id, role, user_type, joined_at) VALUES (",
    );
    sql.bind(channel.id().to_string())
        .push(", ")
        .bind(user.to_string())
        .push(", ")
        .bind(participant_role.as_str().to_owned())
        .push(", ")
        .bind(role.sender_type().as_str().to_owned())
        .push(", ")
        .bind(now)
        .push(") ON CONFLICT (channel_id, user_id) DO UPDATE SET left_at = NULL");
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// Writes an audit-log row about `channel`, in its tenant.
pub(super) async fn audit(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    action: &str,
    channel: &VisibleChannel,
    detail: serde_json::Value,
) -> StoreResult<()> {
    let mut sql = Sql::new("INSERT INTO audit_log (id, tenant_id, actor_id, action, channel_id, detail, created_at) VALUES (");
    sql.bind(new_id())
        .push(", ")
        .bind(channel.tenant_id().to_string())
        .push(", ")
        .bind(actor.user_id().to_string())
        .push(", ")
        .bind(action.to_owned())
        .push(", ")
        .bind(channel.id().to_string())
        .push(", ")
        .bind(detail.to_string())
        .push(", ")
        .bind(now_micros())
        .push(")");
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// Inserts a message as the channel's next seq, moving the channel's activity and the
/// sender's read marker along.
pub(super) async fn insert_message(
    tx: &mut Transaction<'_, Any>,
    channel: &VisibleChannel,
    actor: &Actor,
    posting: Posting<'_>,
    change: i64,
) -> StoreResult<Message> {
    let now = now_micros();
    let mut sql = Sql::new("UPDATE channels SET last_seq = last_seq + 1, updated_at = ");
    sql.bind(now)
        .push(", change_seq = ")
        .bind(change)
        .push(" WHERE id = ")
        .bind(channel.id().to_string())
        .push(" RETURNING last_seq");
    let seq: i64 = sql.fetch_one(&mut **tx).await?.try_get("last_seq")?;
    let id = new_id();
    let mut sql = Sql::new(
        "INSERT INTO messages (id, channel_id, tenant_id, seq, sender_id, sender_type, content, \
         metadata, client_message_id, created_at, change_seq, internal) VALUES (",
    );
    sql.bind(id.clone())
        .push(", ")
        .bind(channel.id().to_string())
        .push(", ")
        .bind(channel.tenant_id().to_string())
        .push(", ")
        .bind(seq)
        .push(", ")
        .bind(actor.user_id().to_string())
        .push(", ")
        .bind(posting.sender_type.as_str().to_owned())
        .push(", ")
        .bind(posting.content.to_owned())
        .push(", ")
        .bind(posting.metadata.map(|m| m.to_string()))
        .push(", ")
        .bind(posting.client_message_id.map(str::to_owned))
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(change)
        .push(", ")
        .bind(audience::stored(posting.audience))
        .push(")");
    sql.execute(&mut **tx).await?;
    if posting.sender_type != SenderType::System {
        upsert_read_marker(tx, channel, actor, seq, now).await?;
    }
    let id: MessageId = id
        .parse()
        .map_err(|e| StoreError::Corrupt(format!("new id: {e}")))?;
    message_by_id(&mut **tx, id).await
}

/// One message by id, with its sender.
pub(super) async fn message_by_id<'e, E>(executor: E, id: MessageId) -> StoreResult<Message>
where
    E: super::sql::Target<'e>,
{
    rows::message(&written_message(id).fetch_one(executor).await?)
}

/// What an inserted read marker does to one already there: moves it forward, never back.
const MARKER_FORWARD_ONLY: &str = " ON CONFLICT (channel_id, user_id) DO UPDATE SET \
     last_read_seq = CASE WHEN excluded.last_read_seq > read_markers.last_read_seq \
         THEN excluded.last_read_seq ELSE read_markers.last_read_seq END, \
     last_read_at = CASE WHEN excluded.last_read_seq > read_markers.last_read_seq \
         THEN excluded.last_read_at ELSE read_markers.last_read_at END";

/// Moves the actor's read marker of `channel` to `seq`, never backwards.
pub(super) async fn upsert_read_marker(
    tx: &mut Transaction<'_, Any>,
    channel: &VisibleChannel,
    actor: &Actor,
    seq: i64,
    now: i64,
) -> StoreResult<()> {
    let mut sql = Sql::new(
        "INSERT INTO read_markers (channel_id, user_id, last_read_seq, last_read_at) VALUES (",
    );
    sql.bind(channel.id().to_string())
        .push(", ")
        .bind(actor.user_id().to_string())
        .push(", ")
        .bind(seq)
        .push(", ")
        .bind(now)
        .push(")")
        .push(MARKER_FORWARD_ONLY);
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// Rows a multi-row statement takes at most, well under both databases' limits on bound
/// values.
const ROWS_PER_STATEMENT: usize = 100;

/// A message row of a batch, its seq and change number already decided.
#[derive(Debug)]
pub(super) struct MessageRow<'a> {
    pub id: String,
    pub channel: &'a VisibleChannel,
    pub sender: UserId,
    pub seq: i64,
    pub change: i64,
    pub posting: Posting<'a>,
}

/// [`add_participant`] for many (channel, user, role) at once, each pair given once.
pub(super) async fn add_participants(
    tx: &mut Transaction<'_, Any>,
    joins: &[(&VisibleChannel, UserId, Role)],
    now: i64,
) -> StoreResult<()> {
    for chunk in joins.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(
            "INSERT INTO participants (channel_id, user_id, role, user_type, joined_at) VALUES ",
        );
        for (i, (channel, user, role)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(channel.id().to_string())
                .push(", ")
                .bind(user.to_string())
                .push(", ")
                .bind(ParticipantRole::Member.as_str().to_owned())
                .push(", ")
                .bind(role.sender_type().as_str().to_owned())
                .push(", ")
                .bind(now)
                .push(")");
        }
        sql.push(" ON CONFLICT (channel_id, user_id) DO UPDATE SET left_at = NULL");
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Inserts message rows, many per statement.
pub(super) async fn insert_messages(
    tx: &mut Transaction<'_, Any>,
    rows: &[MessageRow<'_>],
    now: i64,
) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(
            "INSERT INTO messages (id, channel_id, tenant_id, seq, sender_id, sender_type, content, \
             metadata, client_message_id, created_at, change_seq, internal) VALUES ",
        );
        for (i, row) in chunk.iter().enumerate() {
            let posting = &row.posting;
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(row.id.clone())
                .push(", ")
                .bind(row.channel.id().to_string())
                .push(", ")
                .bind(row.channel.tenant_id().to_string())
                .push(", ")
                .bind(row.seq)
                .push(", ")
                .bind(row.sender.to_string())
                .push(", ")
                .bind(posting.sender_type.as_str().to_owned())
                .push(", ")
                .bind(posting.content.to_owned())
                .push(", ")
                .bind(posting.metadata.as_ref().map(|m| m.to_string()))
                .push(", ")
                .bind(posting.client_message_id.map(str::to_owned))
                .push(", ")
                .bind(now)
                .push(", ")
                .bind(row.change)
                .push(", ")
                .bind(audience::stored(posting.audience))
                .push(")");
        }
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}

/// [`upsert_read_marker`] for many (channel, user, seq) at once, each pair given once.
pub(super) async fn upsert_read_markers(
    tx: &mut Transaction<'_, Any>,
    markers: &[(ChannelId, UserId, i64)],
    now: i64,
) -> StoreResult<()> {
    for chunk in markers.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(
            "INSERT INTO read_markers (channel_id, user_id, last_read_seq, last_read_at) VALUES ",
        );
        for (i, (channel, user, seq)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(channel.to_string())
                .push(", ")
                .bind(user.to_string())
                .push(", ")
                .bind(*seq)
                .push(", ")
                .bind(now)
                .push(")");
        }
        sql.push(MARKER_FORWARD_ONLY);
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}
