//! Channels in the cache: upsert what the platform sent, remove what the user lost, and
//! read the queue the way the platform's filters do.

use protocol::queue;
use protocol::rest::AssigneeFilter;
use protocol::{Channel, ChannelId, ChannelStatus, TicketCategory, TicketPriority, UserId};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use super::{from_json, micros, to_json};
use crate::error::Result;

/// Stores `channels` as they are now (the newest state wins), with the columns the queue
/// window filters, orders and searches by (`cache::window`).
pub fn upsert(conn: &Connection, channels: &[Channel]) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO channels (id, tenant_id, type, status, subject, assigned_to, priority, category, updated_at, unread_count, json, number, \
         activity, created, rank, due, haystack, first_due, next_due, resolution_due, derived) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, 1) \
         ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, type = excluded.type, \
         status = excluded.status, subject = excluded.subject, assigned_to = excluded.assigned_to, \
         priority = excluded.priority, category = excluded.category, updated_at = excluded.updated_at, \
         unread_count = excluded.unread_count, json = excluded.json, number = excluded.number, \
         activity = excluded.activity, created = excluded.created, rank = excluded.rank, \
         due = excluded.due, haystack = excluded.haystack, first_due = excluded.first_due, \
         next_due = excluded.next_due, resolution_due = excluded.resolution_due, derived = 1",
    )?;
    for channel in channels {
        let clock = channel.ticket.as_ref().and_then(|t| t.counting_sla());
        let due = |pick: fn(&protocol::sla::TicketSla) -> Option<chrono::DateTime<chrono::Utc>>| {
            clock.and_then(pick).map(micros)
        };
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
            number(channel),
            micros(queue::last_activity(channel)),
            micros(channel.created_at),
            queue::priority_rank(queue::priority(channel)),
            queue::channel_due(channel).map(micros),
            queue::haystack(channel),
            due(|sla| sla.first_response_due_at),
            due(|sla| sla.next_response_due_at),
            due(|sla| sla.resolution_due_at),
        ])?;
    }
    Ok(())
}

/// Derives the queue's columns of channels cached before they existed (once, when the
/// cache opens after the migration that added them). Returns how many.
pub fn derive_missing(conn: &Connection) -> Result<usize> {
    let mut statement = conn.prepare("SELECT json FROM channels WHERE derived = 0")?;
    let jsons = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let channels = jsons
        .iter()
        .map(|json| from_json(json))
        .collect::<Result<Vec<Channel>>>()?;
    upsert(conn, &channels)?;
    Ok(channels.len())
}

/// A ticket's number as the indexed column holds it: `None` for a team channel, and for a
/// ticket from a platform that does not number tickets (its number reads as 0).
fn number(channel: &Channel) -> Option<i64> {
    channel
        .ticket
        .as_ref()
        .map(|t| t.number)
        .filter(|&number| number > 0)
}

/// The ticket numbered `number`, if cached (a cache holds one tenant, where numbers are
/// unique).
pub fn by_number(conn: &Connection, number: i64) -> Result<Option<Channel>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT json FROM channels WHERE number = ?1 LIMIT 1",
            params![number],
            |row| row.get(0),
        )
        .optional()?;
    json.as_deref().map(from_json).transpose()
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
    /// Only the ticket with this number (`#1042`).
    pub number: Option<i64>,
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
    if let Some(number) = filter.number {
        bind(&mut sql, "number =", number.to_string());
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
        filter.limit.unwrap_or(200)
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

/// The channels with unread messages that are not archived, and how many each has.
pub fn unread(conn: &Connection) -> Result<Vec<(ChannelId, u32)>> {
    let mut statement = conn.prepare(
        "SELECT id, unread_count FROM channels WHERE unread_count > 0 AND status <> 'ARCHIVED'",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, u32>(1)?))
    })?;
    let mut unread = Vec::new();
    for row in rows {
        let (id, count) = row?;
        unread.push((ChannelId::from(parse_id(&id)?), count));
    }
    Ok(unread)
}

/// Who each cached channel is assigned to (ids only: no channel is decoded).
pub fn assignees(conn: &Connection) -> Result<Vec<(ChannelId, Option<UserId>)>> {
    let mut statement = conn.prepare("SELECT id, assigned_to FROM channels")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?))
    })?;
    let mut assignees = Vec::new();
    for row in rows {
        let (id, assignee) = row?;
        let assignee = assignee.as_deref().map(parse_id).transpose()?;
        assignees.push((ChannelId::from(parse_id(&id)?), assignee.map(UserId::from)));
    }
    Ok(assignees)
}

/// The `limit` most recently active channels that are not archived, most recent first.
pub fn busiest(conn: &Connection, limit: u32) -> Result<Vec<ChannelId>> {
    let mut statement = conn.prepare(
        "SELECT id FROM channels WHERE status <> 'ARCHIVED' ORDER BY activity DESC, id LIMIT ?1",
    )?;
    let ids = statement
        .query_map(params![limit], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.iter()
        .map(|id| parse_id(id).map(ChannelId::from))
        .collect()
}

/// Hands `each` every cached channel with an SLA clock due after `now` and by `until`, one
/// at a time: a busy hour may have tens of thousands (25,000 in the console bench's 100,000
/// tickets), and holding them all at once, JSON and decoded, kept ~70 MB in the process
/// after the check was done.
pub fn for_each_due(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
    until: chrono::DateTime<chrono::Utc>,
    mut each: impl FnMut(Channel),
) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "SELECT json FROM channels WHERE (first_due > ?1 AND first_due <= ?2) \
         OR (next_due > ?1 AND next_due <= ?2) OR (resolution_due > ?1 AND resolution_due <= ?2)",
    )?;
    let mut rows = statement.query(params![micros(now), micros(until)])?;
    while let Some(row) = rows.next()? {
        let json = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        each(from_json(json)?);
    }
    Ok(())
}

fn parse_id(text: &str) -> Result<uuid::Uuid> {
    text.parse::<uuid::Uuid>()
        .map_err(|error| crate::Error::Local(format!("a cached id is bad: {error}")))
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

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use protocol::{ChannelType, TenantId};

    use super::*;

    fn channel(status: ChannelStatus, unread_count: u32, minutes_ago: i64) -> Channel {
        let at = Utc::now() - chrono::Duration::minutes(minutes_ago);
        Channel {
            id: ChannelId::from(uuid::Uuid::new_v4()),
            tenant_id: TenantId::from(uuid::Uuid::nil()),
            channel_type: ChannelType::Team,
            status,
            context_id: None,
            subject: Some(format!("channel {minutes_ago}")),
            created_by: UserId::from(uuid::Uuid::nil()),
            assigned_to: None,
            escalated_to: None,
            created_at: at,
            updated_at: at,
            last_message: None,
            unread_count,
            participants: Vec::new(),
            ticket: None,
        }
    }

    /// The protocol's channel fixture (a ticket).
    fn fixture() -> Channel {
        serde_json::from_str(include_str!(
            "../../../protocol/tests/fixtures/model/channel.json"
        ))
        .expect("the channel fixture")
    }

    /// A migrated cache file, open, and the directory that holds it.
    fn cache() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("cache.sqlite3");
        drop(crate::cache::Cache::open(&path).expect("the cache opens and migrates"));
        let conn = Connection::open(&path).expect("the migrated cache reopens");
        (dir, conn)
    }

    #[test]
    fn unread_counts_only_channels_that_are_not_archived() {
        let (_dir, conn) = cache();
        let open = channel(ChannelStatus::Active, 3, 1);
        let read = channel(ChannelStatus::Active, 0, 2);
        let archived = channel(ChannelStatus::Archived, 5, 3);
        upsert(&conn, &[open.clone(), read, archived]).expect("stored");
        assert_eq!(unread(&conn).expect("read"), vec![(open.id, 3)]);
    }

    #[test]
    fn the_queue_returns_as_many_channels_as_asked_beyond_ten_thousand() {
        let (_dir, conn) = cache();
        let many: Vec<Channel> = (0..10_050)
            .map(|i| channel(ChannelStatus::Active, 0, i))
            .collect();
        upsert(&conn, &many).expect("stored");
        let filter = QueueFilter {
            limit: Some(50_000),
            ..QueueFilter::default()
        };
        let queue = queue(&conn, &filter, None).expect("read");
        assert_eq!(queue.len(), 10_050);
        assert_eq!(queue[0].id, many[0].id, "newest activity first");
        let default = queue_len(&conn);
        assert_eq!(default, 200, "the default page is 200");
    }

    #[test]
    fn a_ticket_is_found_by_its_number_and_a_team_channel_has_none() {
        let (_dir, conn) = cache();
        let fixture = fixture();
        let mut other = fixture.clone();
        other.id = ChannelId::from(uuid::Uuid::new_v4());
        if let Some(ticket) = other.ticket.as_mut() {
            ticket.number = 7;
        }
        let team = channel(ChannelStatus::Active, 0, 1);
        upsert(&conn, &[fixture.clone(), other.clone(), team]).expect("stored");
        let found = by_number(&conn, 1042).expect("read").expect("#1042");
        assert_eq!(found.id, fixture.id);
        assert_eq!(found.ticket.map(|t| t.number), Some(1042));
        assert!(by_number(&conn, 8).expect("read").is_none());
        let filter = QueueFilter {
            number: Some(7),
            ..QueueFilter::default()
        };
        let ids: Vec<ChannelId> = queue(&conn, &filter, None)
            .expect("read")
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, vec![other.id]);
        let unnumbered: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM channels WHERE number IS NULL",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(unnumbered, 1, "the team channel");
    }

    #[test]
    fn channels_cached_before_the_queue_columns_get_them_once() {
        let (_dir, conn) = cache();
        let fixture = fixture();
        upsert(&conn, &[fixture, channel(ChannelStatus::Active, 0, 5)]).expect("stored");
        let columns = |conn: &Connection| -> Vec<(i64, i64, i64, Option<String>, String, i64)> {
            let mut statement = conn
                .prepare("SELECT activity, created, rank, due || '/' || IFNULL(first_due, '') || '/' || IFNULL(resolution_due, ''), haystack, derived FROM channels ORDER BY id")
                .expect("a query");
            statement
                .query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })
                .expect("rows")
                .collect::<rusqlite::Result<Vec<_>>>()
                .expect("read")
        };
        let derived = columns(&conn);
        assert!(
            derived
                .iter()
                .any(|row| row.4.contains("#1042 timer froze")),
            "{derived:?}"
        );
        // As a cache of version 6 holds them after the migration added the columns.
        conn.execute_batch(
            "UPDATE channels SET activity = 0, created = 0, rank = 3, due = NULL, haystack = '', \
             first_due = NULL, next_due = NULL, resolution_due = NULL, derived = 0",
        )
        .expect("reset");
        assert_eq!(derive_missing(&conn).expect("derived"), 2);
        assert_eq!(columns(&conn), derived);
        assert_eq!(derive_missing(&conn).expect("nothing left"), 0);
    }

    #[test]
    fn only_clocks_due_within_the_window_are_read_for_warnings() {
        use protocol::sla::TicketSla;
        let (_dir, conn) = cache();
        let fixture = fixture();
        let now = Utc::now();
        // A ticket in `status` with its clocks due at these minutes from now.
        let ticket = |status: protocol::TicketStatus, first: i64, next: i64, resolution: i64| {
            let due = |m: i64| (m != 0).then(|| now + chrono::Duration::minutes(m));
            let mut channel = fixture.clone();
            channel.id = ChannelId::from(uuid::Uuid::new_v4());
            if let Some(ticket) = channel.ticket.as_mut() {
                ticket.status = status;
                ticket.sla = Some(TicketSla {
                    first_response_due_at: due(first),
                    next_response_due_at: due(next),
                    resolution_due_at: due(resolution),
                    ..TicketSla::default()
                });
            }
            channel
        };
        use protocol::TicketStatus::{InProgress, Open, PendingUser};
        // First response breached, resolution due in 10 min: it warns for the resolution.
        let resolution_soon = ticket(Open, -30, 0, 10);
        let next_soon = ticket(InProgress, 0, 14, 0);
        let breached_only = ticket(Open, -5, 0, 0);
        let later = ticket(Open, 20, 0, 0);
        let paused = ticket(PendingUser, 5, 0, 0);
        upsert(
            &conn,
            &[
                resolution_soon.clone(),
                next_soon.clone(),
                breached_only,
                later,
                paused,
                channel(ChannelStatus::Active, 0, 1),
            ],
        )
        .expect("stored");
        let mut found: Vec<ChannelId> = Vec::new();
        for_each_due(&conn, now, now + chrono::Duration::minutes(15), |c| {
            found.push(c.id)
        })
        .expect("read");
        found.sort();
        let mut expected = vec![resolution_soon.id, next_soon.id];
        expected.sort();
        assert_eq!(found, expected);
    }

    fn queue_len(conn: &Connection) -> usize {
        queue(conn, &QueueFilter::default(), None)
            .expect("read")
            .len()
    }
}
