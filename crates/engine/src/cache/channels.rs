//! Channels in the cache: upsert what the platform sent, remove what the user lost, and
//! read the queue the way the platform's filters do.

use protocol::rest::AssigneeFilter;
use protocol::{Channel, ChannelId, ChannelStatus, TicketCategory, TicketPriority, UserId};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use super::{from_json, micros, to_json};
use crate::error::Result;

/// Stores `channels` as they are now (the newest state wins).
pub fn upsert(conn: &Connection, channels: &[Channel]) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO channels (id, tenant_id, type, status, subject, assigned_to, priority, category, updated_at, unread_count, json) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
         ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, type = excluded.type, \
         status = excluded.status, subject = excluded.subject, assigned_to = excluded.assigned_to, \
         priority = excluded.priority, category = excluded.category, updated_at = excluded.updated_at, \
         unread_count = excluded.unread_count, json = excluded.json",
    )?;
    for channel in channels {
        statement.execute(params![
            channel.id.to_string(),
            channel.tenant_id.to_string(),
            channel.channel_type.as_str(),
            channel.status.as_str(),
            channel.subject,
            channel.assigned_to.map(|u| u.to_string()),
            channel.ticket.as_ref().map(|t| t.priority.as_str()),
            channel.ticket.as_ref().map(|t| t.category.as_str()),
            micros(channel.updated_at),
            channel.unread_count,
            to_json(channel)?,
        ])?;
    }
    Ok(())
}

/// Forgets `ids` and their messages (the user may no longer see them).
pub fn remove(conn: &Connection, ids: &[ChannelId]) -> Result<()> {
    for id in ids {
        conn.execute(
            "DELETE FROM messages WHERE channel_id = ?1",
            params![id.to_string()],
        )?;
        conn.execute(
            "DELETE FROM channels WHERE id = ?1",
            params![id.to_string()],
        )?;
    }
    Ok(())
}

/// Sets the user's unread count of a channel (after reading it here).
pub fn set_unread(conn: &Connection, id: ChannelId, unread: u32) -> Result<()> {
    let Some(mut channel) = get(conn, id)? else {
        return Ok(());
    };
    channel.unread_count = unread;
    upsert(conn, &[channel])
}

/// One channel, if cached.
pub fn get(conn: &Connection, id: ChannelId) -> Result<Option<Channel>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT json FROM channels WHERE id = ?1",
            params![id.to_string()],
            |row| row.get(0),
        )
        .optional()?;
    json.as_deref().map(from_json).transpose()
}

/// What the queue shows: the platform's filters, over the cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Only this status.
    pub status: Option<ChannelStatus>,
    /// Only tickets of this priority.
    pub priority: Option<TicketPriority>,
    /// Only tickets of this category.
    pub category: Option<TicketCategory>,
    /// Only channels assigned so (`me` is resolved against `me`).
    pub assigned: Option<AssigneeFilter>,
    /// At most this many (default 200).
    pub limit: Option<u32>,
}

/// The queue, newest activity first.
pub fn queue(conn: &Connection, filter: &QueueFilter, me: Option<UserId>) -> Result<Vec<Channel>> {
    let mut sql = String::from("SELECT json FROM channels WHERE 1 = 1");
    let mut values: Vec<String> = Vec::new();
    let mut bind = |sql: &mut String, clause: &str, value: String| {
        values.push(value);
        sql.push_str(&format!(" AND {clause} ?{}", values.len()));
    };
    if let Some(status) = filter.status {
        bind(&mut sql, "status =", status.as_str().to_owned());
    }
    if let Some(priority) = filter.priority {
        bind(&mut sql, "priority =", priority.as_str().to_owned());
    }
    if let Some(category) = filter.category {
        bind(&mut sql, "category =", category.as_str().to_owned());
    }
    match filter.assigned {
        None => {}
        Some(AssigneeFilter::Unassigned) => sql.push_str(" AND assigned_to IS NULL"),
        Some(AssigneeFilter::Me) => match me {
            Some(me) => bind(&mut sql, "assigned_to =", me.to_string()),
            None => sql.push_str(" AND 1 = 0"),
        },
        Some(AssigneeFilter::User(user)) => bind(&mut sql, "assigned_to =", user.to_string()),
    }
    sql.push_str(&format!(
        " ORDER BY updated_at DESC, id LIMIT {}",
        filter.limit.unwrap_or(200).min(10_000)
    ));
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(values.iter()), |row| {
        row.get::<_, String>(0)
    })?;
    let mut channels = Vec::new();
    for json in rows {
        channels.push(from_json(&json?)?);
    }
    Ok(channels)
}

/// How many channels are cached.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM channels", [], |row| row.get(0))?)
}

/// Stores a channel from a broadcast, which carries no per-reader unread count: the cached
/// count is kept. Returns the channel as stored.
pub fn upsert_keeping_unread(conn: &Connection, mut channel: Channel) -> Result<Channel> {
    if let Some(cached) = get(conn, channel.id)? {
        channel.unread_count = cached.unread_count;
    }
    upsert(conn, std::slice::from_ref(&channel))?;
    Ok(channel)
}

/// A new message arrived live: the channel's last message, activity time and (for others'
/// messages) unread count follow.
pub fn message_arrived(conn: &Connection, message: &protocol::Message, mine: bool) -> Result<()> {
    let Some(mut channel) = get(conn, message.channel_id)? else {
        return Ok(());
    };
    if channel
        .last_message
        .as_ref()
        .is_none_or(|last| last.seq < message.seq)
    {
        channel.last_message = Some(message.clone());
        channel.updated_at = channel.updated_at.max(message.created_at);
    }
    if !mine {
        channel.unread_count = channel.unread_count.saturating_add(1);
    }
    upsert(conn, &[channel])
}
