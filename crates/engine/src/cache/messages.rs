//! Messages in the cache, by channel and seq. The same message arriving twice (from sync
//! and from the socket) is stored once.

use protocol::{ChannelId, Message};
use rusqlite::{params, Connection};

use super::{from_json, micros, to_json};
use crate::error::Result;

/// Stores `messages`; ones already cached (same id) are left as they are. Returns how many
/// were new. The new rows are indexed for search by one statement after them all: FTS5
/// writes its pending terms out at every statement savepoint, so indexing row by row (as a
/// trigger would) makes a segment per message and then merges them.
pub fn insert(conn: &Connection, messages: &[Message]) -> Result<usize> {
    // Rows get ever larger rowids, so what this call stores is what lies past the last one.
    let last: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(rowid), 0) FROM messages")?
        .query_row([], |row| row.get(0))?;
    let mut statement = conn.prepare_cached(
        "INSERT INTO messages (id, channel_id, seq, sender_id, client_message_id, created_at, content, json) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
    )?;
    let mut added = 0;
    for message in messages {
        added += statement.execute(params![
            message.id.to_string(),
            message.channel_id.to_string(),
            message.seq,
            message.sender_id.to_string(),
            message.client_message_id,
            micros(message.created_at),
            message.content,
            to_json(message)?,
        ])?;
    }
    if added > 0 {
        conn.prepare_cached(
            "INSERT INTO messages_fts (rowid, content) SELECT rowid, content FROM messages WHERE rowid > ?1",
        )?
        .execute(params![last])?;
    }
    Ok(added)
}

/// A channel's messages in seq order: the newest `limit`, or those before `before`.
pub fn history(
    conn: &Connection,
    channel: ChannelId,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<Message>> {
    let mut statement = conn.prepare_cached(
        "SELECT json FROM messages WHERE channel_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
    )?;
    let rows = statement.query_map(
        params![channel.to_string(), before.unwrap_or(i64::MAX), limit],
        |row| row.get::<_, String>(0),
    )?;
    let mut messages = Vec::new();
    for json in rows {
        messages.push(from_json::<Message>(&json?)?);
    }
    messages.reverse();
    Ok(messages)
}

/// The message sent with client id `client_id`, if cached.
pub fn by_client_id(conn: &Connection, client_id: &str) -> Result<Option<Message>> {
    let json: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT json FROM messages WHERE client_message_id = ?1 LIMIT 1",
        params![client_id],
        |row| row.get(0),
    ))?;
    json.as_deref().map(from_json).transpose()
}

/// How many messages are cached.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM messages", [], |row| row.get(0))?)
}
