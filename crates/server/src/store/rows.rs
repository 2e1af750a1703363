//! Reading channels, tickets, participants and messages back from rows, with the column
//! lists the queries select.

use protocol::{Channel, Message, Participant, Ticket};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::users::summary_from_row;
use super::{parse_col, parse_opt_col, to_opt_time, to_time, StoreError, StoreResult};

/// The columns of a channel with its ticket, the caller's unread count and its last
/// message, over `channels c`, `tickets t`, `participants me`, `messages lm`, `users lu`.
/// The caller's user id is bound where `{me}` stands. The ticket's `sla` (`t_sla`) follows,
/// as the reader may be told it (see `queue::select_channels_where`).
pub const CHANNEL_COLUMNS: &str = "c.id, c.tenant_id, c.type, c.status, c.context_id, \
    c.subject, c.created_by, c.assigned_to, c.escalated_to, c.created_at, c.updated_at, \
    c.last_seq, c.change_seq, \
    t.id AS t_id, t.number AS t_number, t.subject AS t_subject, t.category AS t_category, t.priority AS t_priority, \
    t.status AS t_status, t.assigned_to AS t_assigned_to, t.escalated_at AS t_escalated_at, \
    t.resolved_at AS t_resolved_at, t.resolved_by AS t_resolved_by, \
    t.resolution AS t_resolution, t.created_at AS t_created_at, t.updated_at AS t_updated_at, \
    lm.id AS lm_id, lm.seq AS lm_seq, lm.sender_id AS lm_sender_id, \
    lm.sender_type AS lm_sender_type, lm.content AS lm_content, lm.metadata AS lm_metadata, \
    lm.client_message_id AS lm_client_message_id, lm.created_at AS lm_created_at, \
    lm.edited_at AS lm_edited_at, lm.internal AS lm_internal, lu.id AS lm_u_id, lu.email AS lm_u_email, \
    lu.name AS lm_u_name, \
    CASE WHEN lu.is_super_admin = 1 THEN 'SUPER_ADMIN' ELSE (SELECT lut.role FROM user_tenants lut \
        WHERE lut.user_id = lu.id AND lut.tenant_id = c.tenant_id) END AS lm_u_role";

/// The first joins that go with [`CHANNEL_COLUMNS`]; the last message's join
/// (`audience::push_last_message_join`) and [`CHANNEL_READER_JOINS`] follow.
pub const CHANNEL_FROM: &str = " FROM channels c LEFT JOIN tickets t ON t.channel_id = c.id";

/// The joins after the last message's: its sender, and the caller's read marker. The
/// caller's user id is bound right after.
pub const CHANNEL_READER_JOINS: &str = " LEFT JOIN users lu ON lu.id = lm.sender_id \
    LEFT JOIN read_markers me ON me.channel_id = c.id AND me.user_id = ";

/// The unread count: others' messages after the caller's read marker. Needs the caller's
/// user id bound right after it, then the audience rule on `um`, then `)`.
pub const UNREAD_COLUMN: &str = ", (SELECT COUNT(*) FROM messages um WHERE um.channel_id = c.id \
    AND um.seq > COALESCE(me.last_read_seq, 0) AND um.sender_id <> ";

/// The columns of a participant with its user and read marker, over `participants p`,
/// `users u`, `channels c`, `read_markers rm`; its `last_read_seq` is pushed after them
/// (see `queue::push_read_seq`), as the reader may be told it.
pub const PARTICIPANT_COLUMNS: &str = "p.channel_id, p.user_id, p.role, p.user_type, \
    p.joined_at, rm.last_read_at, p.notifications_enabled, \
    u.id AS u_id, u.email AS u_email, u.name AS u_name, \
    CASE WHEN u.is_super_admin = 1 THEN 'SUPER_ADMIN' ELSE (SELECT put.role FROM user_tenants put \
        WHERE put.user_id = u.id AND put.tenant_id = c.tenant_id) END AS u_role";

/// The joins that go with [`PARTICIPANT_COLUMNS`].
pub const PARTICIPANT_JOINS: &str = " FROM participants p JOIN channels c ON c.id = p.channel_id \
    JOIN users u ON u.id = p.user_id \
    LEFT JOIN read_markers rm ON rm.channel_id = p.channel_id AND rm.user_id = p.user_id";

fn metadata(text: Option<String>) -> StoreResult<Option<serde_json::Value>> {
    text.map(|text| {
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("metadata: {e}")))
    })
    .transpose()
}

/// A message from the columns `message_reads` selects.
pub fn message(row: &AnyRow) -> StoreResult<Message> {
    Ok(Message {
        id: parse_col(row, "id")?,
        channel_id: parse_col(row, "channel_id")?,
        sender_id: parse_col(row, "sender_id")?,
        sender_type: parse_col(row, "sender_type")?,
        sender: summary_from_row(row, "u_")?,
        content: row.try_get("content")?,
        metadata: metadata(row.try_get("metadata")?)?,
        client_message_id: row.try_get("client_message_id")?,
        created_at: to_time(row.try_get("created_at")?)?,
        edited_at: to_opt_time(row.try_get("edited_at")?)?,
        seq: row.try_get("seq")?,
        internal: row.try_get::<i64, _>("internal")? != 0,
    })
}

/// A participant from [`PARTICIPANT_COLUMNS`].
pub fn participant(row: &AnyRow) -> StoreResult<Participant> {
    Ok(Participant {
        user_id: parse_col(row, "user_id")?,
        user: summary_from_row(row, "u_")?,
        user_type: parse_col(row, "user_type")?,
        role: parse_col(row, "role")?,
        joined_at: to_time(row.try_get("joined_at")?)?,
        last_read_at: to_opt_time(row.try_get("last_read_at")?)?,
        last_read_seq: row.try_get("last_read_seq")?,
        notifications_enabled: row.try_get::<i64, _>("notifications_enabled")? == 1,
    })
}

/// A channel from [`CHANNEL_COLUMNS`] and [`UNREAD_COLUMN`], without its participants.
pub fn channel(row: &AnyRow) -> StoreResult<Channel> {
    let ticket = match parse_opt_col::<protocol::TicketId>(row, "t_id")? {
        None => None,
        Some(id) => Some(Ticket {
            id,
            number: row.try_get("t_number")?,
            channel_id: parse_col(row, "id")?,
            subject: row.try_get("t_subject")?,
            category: parse_col(row, "t_category")?,
            priority: parse_col(row, "t_priority")?,
            status: parse_col(row, "t_status")?,
            assigned_to: parse_opt_col(row, "t_assigned_to")?,
            escalated_at: to_opt_time(row.try_get("t_escalated_at")?)?,
            resolved_at: to_opt_time(row.try_get("t_resolved_at")?)?,
            resolved_by: parse_opt_col(row, "t_resolved_by")?,
            resolution: row.try_get("t_resolution")?,
            created_at: to_time(row.try_get("t_created_at")?)?,
            updated_at: to_time(row.try_get("t_updated_at")?)?,
            sla: row
                .try_get::<Option<String>, _>("t_sla")?
                .map(|text| serde_json::from_str(&text))
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("sla: {e}")))?,
        }),
    };
    let last_message = match parse_opt_col::<protocol::MessageId>(row, "lm_id")? {
        None => None,
        Some(id) => Some(Message {
            id,
            channel_id: parse_col(row, "id")?,
            sender_id: parse_col(row, "lm_sender_id")?,
            sender_type: parse_col(row, "lm_sender_type")?,
            sender: summary_from_row(row, "lm_u_")?,
            content: row.try_get("lm_content")?,
            metadata: metadata(row.try_get("lm_metadata")?)?,
            client_message_id: row.try_get("lm_client_message_id")?,
            created_at: to_time(row.try_get("lm_created_at")?)?,
            edited_at: to_opt_time(row.try_get("lm_edited_at")?)?,
            seq: row.try_get("lm_seq")?,
            internal: row.try_get::<i64, _>("lm_internal")? != 0,
        }),
    };
    let unread: i64 = row.try_get("unread_count")?;
    Ok(Channel {
        id: parse_col(row, "id")?,
        tenant_id: parse_col(row, "tenant_id")?,
        channel_type: parse_col(row, "type")?,
        status: parse_col(row, "status")?,
        context_id: row.try_get("context_id")?,
        subject: row.try_get("subject")?,
        created_by: parse_col(row, "created_by")?,
        assigned_to: parse_opt_col(row, "assigned_to")?,
        escalated_to: parse_opt_col(row, "escalated_to")?,
        created_at: to_time(row.try_get("created_at")?)?,
        updated_at: to_time(row.try_get("updated_at")?)?,
        last_message,
        unread_count: u32::try_from(unread).unwrap_or(u32::MAX),
        participants: Vec::new(),
        ticket,
    })
}
