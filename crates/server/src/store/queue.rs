//! The queue and single reads: channels the actor may see, one page at a time or by id,
//! each with its ticket, participants, last message and the reader's unread count.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};
use protocol::rest::{AssigneeFilter, ChannelListQuery, QueueSort};
use protocol::sla::{SlaFilter, DUE_SOON_MINUTES};
use protocol::validate::PAGE_DEFAULT;
use protocol::{Audience, Channel, ChannelId, FieldError, TenantId, UserId};

use sqlx::Row;

use super::audience;
use super::rows::{
    self, CHANNEL_COLUMNS, CHANNEL_FROM, CHANNEL_READER_JOINS, PARTICIPANT_COLUMNS,
    PARTICIPANT_JOINS, UNREAD_COLUMN,
};
use super::sql::Sql;
use super::visibility::push_visible;
use super::{parse_col, parse_opt_col, Store, StoreError, StoreResult};
use crate::actor::Actor;

/// The number `#1042` names, if `q` is one.
fn ticket_number(q: &str) -> Option<i64> {
    q.strip_prefix('#')
        .filter(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
        .and_then(|digits| digits.parse().ok())
}

/// A cursor this server did not give (for this order).
fn bad_cursor() -> StoreError {
    StoreError::Invalid(vec![FieldError::new(
        "cursor",
        "is not a cursor this server gave for this order",
    )])
}

/// An opaque queue cursor: the order's tag (`v1` latest activity, `d1` due time), the last
/// row's sort key, and its id.
fn encode_cursor(tag: &str, key: &str, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{tag}:{key}:{id}"))
}

/// The sort key and the id of a cursor this server gave for the order tagged `tag`.
fn decode_cursor(cursor: &str, tag: &str) -> StoreResult<(String, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad_cursor())?;
    let text = String::from_utf8(bytes).map_err(|_| bad_cursor())?;
    let mut parts = text.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(found), Some(key), Some(id)) if found == tag => {
            id.parse::<ChannelId>().map_err(|_| bad_cursor())?;
            Ok((key.to_owned(), id.to_owned()))
        }
        _ => Err(bad_cursor()),
    }
}

/// A cursor of the latest-activity order: the last row's activity time and id.
fn activity_cursor(cursor: &str) -> StoreResult<(i64, String)> {
    let (at, id) = decode_cursor(cursor, "v1")?;
    let at = at.parse().map_err(|_| bad_cursor())?;
    Ok((at, id))
}

/// `SELECT c.id, t.sla_next_due … WHERE <visible to the actor> AND 1 = 1`, for filters to
/// follow: the queue's ids and
/// due times, light enough to sort by due time. `due`: the tickets with an open due time,
/// read from `tickets` first so the order comes from its `(tenant_id, sla_next_due)` index;
/// otherwise the channels without one.
fn select_ids(actor: &Actor, due: bool) -> Sql {
    let mut sql = if due {
        let mut sql = Sql::new(
            "SELECT c.id AS id, t.sla_next_due AS t_next_due FROM tickets t \
             JOIN channels c ON c.id = t.channel_id WHERE t.sla_next_due IS NOT NULL AND ",
        );
        sql.push_scope("t.tenant_id", actor).push(" AND ");
        sql
    } else {
        Sql::new(
            "SELECT c.id AS id, t.sla_next_due AS t_next_due FROM channels c \
             LEFT JOIN tickets t ON t.channel_id = c.id WHERE t.sla_next_due IS NULL AND ",
        )
    };
    push_visible(&mut sql, actor);
    sql.push(" AND 1 = 1");
    sql
}

/// `SELECT <channel with unread count> … WHERE <visible to the actor> AND `.
fn select_channels(actor: &Actor) -> Sql {
    let mut sql = select_channels_where(actor, actor.audience());
    push_visible(&mut sql, actor);
    sql.push(" AND ");
    sql
}

/// `SELECT <channel with unread count> … WHERE `, for the caller to restrict, with the
/// last message and unread count a reader of `reader`'s audience may receive.
fn select_channels_where(actor: &Actor, reader: Audience) -> Sql {
    let user = actor.user_id().to_string();
    let mut sql = Sql::new("SELECT ");
    sql.push(CHANNEL_COLUMNS)
        // A ticket's SLA is the agents' business.
        .push(if Audience::Agents.reaches(reader) {
            ", t.sla AS t_sla"
        } else {
            ", CAST(NULL AS TEXT) AS t_sla"
        })
        .push(UNREAD_COLUMN)
        .bind(user.clone());
    audience::push_reaches(&mut sql, reader, "um")
        .push(") AS unread_count")
        .push(CHANNEL_FROM);
    audience::push_last_message_join(&mut sql, reader);
    sql.push(CHANNEL_READER_JOINS).bind(user).push(" WHERE ");
    sql
}

impl Store {
    /// The queue: channels the actor may see, newest activity first, one page, and the
    /// cursor of the next page if there is one.
    pub async fn list_channels(
        &self,
        actor: &Actor,
        query: &ChannelListQuery,
    ) -> StoreResult<(Vec<Channel>, Option<String>)> {
        let limit = i64::from(query.limit.unwrap_or(PAGE_DEFAULT));
        let by_due = query.sort == Some(QueueSort::Due);
        if (by_due || query.sla.is_some()) && !actor.role().is_agent() {
            return Err(StoreError::Forbidden(
                "sorting and filtering by SLA is for agents",
            ));
        }
        if by_due {
            return self.list_by_due(actor, query, limit).await;
        }
        let mut sql = select_channels(actor);
        sql.push("1 = 1");
        push_filters(&mut sql, actor, query);
        if let Some(cursor) = &query.cursor {
            let (at, id) = activity_cursor(cursor)?;
            sql.push(" AND (c.updated_at < ")
                .bind(at)
                .push(" OR (c.updated_at = ")
                .bind(at)
                .push(" AND c.id < ")
                .bind(id)
                .push("))");
        }
        sql.push(" ORDER BY c.updated_at DESC, c.id DESC LIMIT ")
            .bind(limit + 1);
        let rows = sql.fetch_all(&self.pool).await?;
        let mut channels = rows
            .iter()
            .map(rows::channel)
            .collect::<StoreResult<Vec<_>>>()?;
        let next = if channels.len() as i64 > limit {
            channels.truncate(limit as usize);
            channels.last().map(|last| {
                let at = last.updated_at.timestamp_micros().to_string();
                encode_cursor("v1", &at, &last.id.to_string())
            })
        } else {
            None
        };
        self.attach_participants(&mut channels, actor.audience())
            .await?;
        Ok((channels, next))
    }

    /// One channel with its participants and ticket, if the actor may see it.
    pub async fn get_channel(&self, actor: &Actor, id: ChannelId) -> StoreResult<Channel> {
        self.get_channel_for(actor, id, actor.audience()).await
    }

    /// One channel the actor may see, as a reader of `reader`'s audience is told it (its
    /// last message and unread count): what a broadcast to that audience carries. Never
    /// more than the actor itself may read.
    pub async fn get_channel_for(
        &self,
        actor: &Actor,
        id: ChannelId,
        reader: Audience,
    ) -> StoreResult<Channel> {
        let reader = audience::narrower(actor.audience(), reader);
        let mut channels = self.channels_by_id_for(actor, &[id], reader).await?;
        channels.pop().ok_or(StoreError::NotFound("channel"))
    }

    /// The given channels the actor may see, with participants.
    pub(super) async fn channels_by_id(
        &self,
        actor: &Actor,
        ids: &[ChannelId],
    ) -> StoreResult<Vec<Channel>> {
        self.channels_by_id_for(actor, ids, actor.audience()).await
    }

    async fn channels_by_id_for(
        &self,
        actor: &Actor,
        ids: &[ChannelId],
        reader: Audience,
    ) -> StoreResult<Vec<Channel>> {
        let mut sql = select_channels_where(actor, reader);
        push_visible(&mut sql, actor);
        sql.push(" AND c.id IN ")
            .bind_list(ids.iter().map(|id| id.to_string()))
            .push(" ORDER BY c.change_seq, c.id");
        let rows = sql.fetch_all(&self.pool).await?;
        let mut channels = rows
            .iter()
            .map(rows::channel)
            .collect::<StoreResult<Vec<_>>>()?;
        self.attach_participants(&mut channels, reader).await?;
        Ok(channels)
    }

    /// The given channels of the actor's tenant as they are now, for channels the actor
    /// may no longer see: their state, participants and ticket, but not their messages
    /// (no last message, no unread count).
    pub(super) async fn departed_channels_by_id(
        &self,
        actor: &Actor,
        ids: &[ChannelId],
    ) -> StoreResult<Vec<Channel>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = select_channels_where(actor, actor.audience());
        sql.push_scope("c.tenant_id", actor)
            .push(" AND c.id IN ")
            .bind_list(ids.iter().map(|id| id.to_string()))
            .push(" ORDER BY c.change_seq, c.id");
        let rows = sql.fetch_all(&self.pool).await?;
        let mut channels = rows
            .iter()
            .map(rows::channel)
            .collect::<StoreResult<Vec<_>>>()?;
        for channel in &mut channels {
            channel.last_message = None;
            channel.unread_count = 0;
        }
        self.attach_participants(&mut channels, actor.audience())
            .await?;
        Ok(channels)
    }

    /// `Ok` if the actor may see channel `id`; the same `NotFound` as a missing one
    /// otherwise. One indexed lookup, for checks on hot paths (socket joins, typing).
    pub async fn ensure_visible(&self, actor: &Actor, id: ChannelId) -> StoreResult<()> {
        let mut sql = Sql::new("SELECT 1 AS visible FROM channels c WHERE c.id = ");
        sql.bind(id.to_string()).push(" AND ");
        push_visible(&mut sql, actor);
        sql.fetch_optional(&self.pool)
            .await?
            .map(drop)
            .ok_or(StoreError::NotFound("channel"))
    }

    /// The tenant and current participants of channel `id`, if the actor may see it.
    pub async fn members(
        &self,
        actor: &Actor,
        id: ChannelId,
    ) -> StoreResult<(TenantId, Vec<UserId>)> {
        let mut sql = Sql::new(
            "SELECT c.tenant_id, p.user_id FROM channels c \
             LEFT JOIN participants p ON p.channel_id = c.id AND p.left_at IS NULL WHERE c.id = ",
        );
        sql.bind(id.to_string()).push(" AND ");
        push_visible(&mut sql, actor);
        let rows = sql.fetch_all(&self.pool).await?;
        let first = rows.first().ok_or(StoreError::NotFound("channel"))?;
        let tenant = parse_col(first, "tenant_id")?;
        let members = rows
            .iter()
            .map(|row| parse_opt_col(row, "user_id"))
            .collect::<StoreResult<Vec<Option<UserId>>>>()?;
        Ok((tenant, members.into_iter().flatten().collect()))
    }

    /// Fills in the current participants of `channels`, in one query, their read markers as
    /// a reader of `reader`'s audience may be told them.
    async fn attach_participants(
        &self,
        channels: &mut [Channel],
        reader: Audience,
    ) -> StoreResult<()> {
        if channels.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new("SELECT ");
        sql.push(PARTICIPANT_COLUMNS);
        push_read_seq(&mut sql, reader);
        sql.push(PARTICIPANT_JOINS)
            .push(" WHERE p.left_at IS NULL AND p.channel_id IN ")
            .bind_list(channels.iter().map(|c| c.id.to_string()))
            .push(" ORDER BY p.joined_at, p.user_id");
        for row in sql.fetch_all(&self.pool).await? {
            let channel_id: ChannelId = parse_col(&row, "channel_id")?;
            let participant = rows::participant(&row)?;
            if let Some(channel) = channels.iter_mut().find(|c| c.id == channel_id) {
                channel.participants.push(participant);
            }
        }
        Ok(())
    }
}

/// Appends `, … AS last_read_seq`: a participant's read marker, as a reader of `reader`'s
/// audience may be told it: the last message at or before the marker that the reader may
/// receive, so an agent who read an internal note does not show a customer that there is
/// one.
fn push_read_seq(sql: &mut Sql, reader: Audience) {
    if Audience::ALL.iter().all(|a| a.reaches(reader)) {
        sql.push(", COALESCE(rm.last_read_seq, 0) AS last_read_seq");
        return;
    }
    sql.push(
        ", COALESCE((SELECT MAX(rs.seq) FROM messages rs WHERE rs.channel_id = p.channel_id \
         AND rs.seq <= rm.last_read_seq",
    );
    audience::push_reaches(sql, reader, "rs");
    sql.push("), 0) AS last_read_seq");
}

/// Appends the query's filters (` AND …` each): SLA, type, status, priority, category,
/// assignee, and the text or `#number`.
fn push_filters(sql: &mut Sql, actor: &Actor, query: &ChannelListQuery) {
    if let Some(filter) = query.sla {
        push_sla_filter(sql, filter, Utc::now());
    }
    if let Some(channel_type) = query.channel_type {
        sql.push(" AND c.type = ")
            .bind(channel_type.as_str().to_owned());
    }
    if let Some(status) = query.status {
        sql.push(" AND c.status = ")
            .bind(status.as_str().to_owned());
    }
    if let Some(priority) = query.priority {
        sql.push(" AND t.priority = ")
            .bind(priority.as_str().to_owned());
    }
    if let Some(category) = query.category {
        sql.push(" AND t.category = ")
            .bind(category.as_str().to_owned());
    }
    match query.assigned_to {
        None => {}
        Some(AssigneeFilter::Me) => {
            sql.push(" AND c.assigned_to = ")
                .bind(actor.user_id().to_string());
        }
        Some(AssigneeFilter::Unassigned) => {
            sql.push(" AND c.assigned_to IS NULL");
        }
        Some(AssigneeFilter::User(user)) => {
            sql.push(" AND c.assigned_to = ").bind(user.to_string());
        }
    }
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if let Some(number) = q.and_then(ticket_number) {
        // `#1042`: exactly that ticket.
        sql.push(" AND t.number = ").bind(number);
    } else if let Some(q) = q {
        let pattern = format!("%{}%", super::users::escape_like(&q.to_lowercase()));
        sql.push(" AND LOWER(COALESCE(c.subject, '')) LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\'");
    }
}

/// Appends ` AND …`: the tickets `filter` keeps at `now`
/// (a recorded breach or an open due time past; an open due time within the hour).
fn push_sla_filter(sql: &mut Sql, filter: SlaFilter, now: DateTime<Utc>) {
    let now = now.timestamp_micros();
    match filter {
        SlaFilter::Breached => {
            sql.push(" AND (t.sla_breach_count > 0 OR t.sla_next_due <= ")
                .bind(now)
                .push(")");
        }
        SlaFilter::DueSoon => {
            let soon = now
                + TimeDelta::minutes(DUE_SOON_MINUTES)
                    .num_microseconds()
                    .unwrap_or(0);
            sql.push(" AND t.sla_next_due > ")
                .bind(now)
                .push(" AND t.sla_next_due <= ")
                .bind(soon);
        }
    }
}

/// A cursor of the due-time order: the last row's due time (`-` for none) and id.
fn due_cursor(cursor: &str) -> StoreResult<(Option<i64>, String)> {
    let (due, id) = decode_cursor(cursor, "d1")?;
    let due = match due.as_str() {
        "-" => None,
        due => Some(due.parse().map_err(|_| bad_cursor())?),
    };
    Ok((due, id))
}

impl Store {
    /// [`Store::list_channels`] for `?sort=due`: soonest open due time first, then the
    /// channels without one, each group by id. Only ids and due times are sorted (two light
    /// queries, one per group); the page's channels are read whole afterwards.
    async fn list_by_due(
        &self,
        actor: &Actor,
        query: &ChannelListQuery,
        limit: i64,
    ) -> StoreResult<(Vec<Channel>, Option<String>)> {
        let after = query.cursor.as_deref().map(due_cursor).transpose()?;
        let mut page: Vec<(ChannelId, Option<i64>)> = Vec::new();
        // The tickets with an open due time, unless the cursor is past them.
        if !matches!(after, Some((None, _))) {
            let mut sql = select_ids(actor, true);
            push_filters(&mut sql, actor, query);
            if let Some((Some(due), id)) = &after {
                sql.push(" AND (t.sla_next_due > ")
                    .bind(*due)
                    .push(" OR (t.sla_next_due = ")
                    .bind(*due)
                    .push(" AND c.id > ")
                    .bind(id.clone())
                    .push("))");
            }
            sql.push(" ORDER BY t.sla_next_due, c.id LIMIT ")
                .bind(limit + 1);
            for row in sql.fetch_all(&self.pool).await? {
                page.push((parse_col(&row, "id")?, row.try_get("t_next_due")?));
            }
        }
        // Then the channels without one.
        if (page.len() as i64) <= limit {
            let mut sql = select_ids(actor, false);
            push_filters(&mut sql, actor, query);
            if let Some((None, id)) = &after {
                sql.push(" AND c.id > ").bind(id.clone());
            }
            sql.push(" ORDER BY c.id LIMIT ")
                .bind(limit + 1 - page.len() as i64);
            for row in sql.fetch_all(&self.pool).await? {
                page.push((parse_col(&row, "id")?, None));
            }
        }
        let next = if page.len() as i64 > limit {
            page.truncate(limit as usize);
            page.last().map(|(id, due)| {
                let due = due.map_or_else(|| "-".to_owned(), |d| d.to_string());
                encode_cursor("d1", &due, &id.to_string())
            })
        } else {
            None
        };
        let ids: Vec<ChannelId> = page.iter().map(|(id, _)| *id).collect();
        let mut channels = self.channels_by_id(actor, &ids).await?;
        channels.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
        Ok((channels, next))
    }
}
