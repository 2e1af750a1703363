//! Channels and tickets: the queue, single reads, creation, and the actions (assign,
//! escalate, resolve, reopen, ticket updates, archive), each in one transaction with its
//! SYSTEM message and an audit-log row.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use protocol::rest::{AssigneeFilter, ChannelListQuery, CreateChannelRequest, UpdateTicketRequest};
use protocol::roles::ChatAction;
use protocol::validate::PAGE_DEFAULT;
use protocol::{
    Channel, ChannelId, ChannelStatus, FieldError, Message, ParticipantRole, Role, SenderType,
    TenantId, TicketCategory, TicketStatus, UserId,
};
use sqlx::{Any, Row, Transaction};

use super::messages::insert_message;
use super::rows::{
    self, CHANNEL_COLUMNS, CHANNEL_JOINS, PARTICIPANT_COLUMNS, PARTICIPANT_JOINS, UNREAD_COLUMN,
};
use super::sql::Sql;
use super::users::{members_of, user_summary};
use super::visibility::{push_tenant_scope, push_visible};
use super::{
    new_id, next_change, now_micros, parse_col, parse_opt_col, Store, StoreError, StoreResult,
};
use crate::actor::Actor;

/// A channel to open.
pub type NewChannel = CreateChannelRequest;

/// What an action changed: the channel as it is now, and the SYSTEM message it posted.
#[derive(Debug, Clone)]
pub struct ChannelChange {
    /// The channel after the change, as the actor sees it.
    pub channel: Channel,
    /// The message the platform posted about it.
    pub system_message: Option<Message>,
}

/// An action under way: its transaction (holding the write lock), its change number, and
/// the channel's state as read under the lock.
struct Action {
    tx: Transaction<'static, Any>,
    /// The acting user's display name, for the SYSTEM message.
    actor_name: String,
    change: i64,
    state: ChannelState,
    id: ChannelId,
    now: i64,
}

impl Action {
    /// Runs `{set}<value>{where_}<channel id>` in the action's transaction.
    async fn update<T>(&mut self, set: &str, value: T, where_: &str) -> StoreResult<()>
    where
        T: for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + Send + 'static,
    {
        let mut sql = Sql::new(set);
        sql.bind(value).push(where_).bind(self.id.to_string());
        sql.execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Sets the channel's status.
    async fn set_status(&mut self, status: ChannelStatus) -> StoreResult<()> {
        self.update(
            "UPDATE channels SET status = ",
            status.as_str().to_owned(),
            " WHERE id = ",
        )
        .await
    }
}

/// The facts an action decides on, read under the transaction's write lock.
#[derive(Debug, Clone)]
pub(super) struct ChannelState {
    pub tenant_id: TenantId,
    pub status: ChannelStatus,
    pub ticket_id: Option<String>,
    /// The ticket's category, when there is a ticket.
    pub ticket_category: Option<TicketCategory>,
}

/// Loads the state of channel `id` if the actor may see it; 404 otherwise.
pub(super) async fn visible_state(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    id: ChannelId,
) -> StoreResult<ChannelState> {
    let mut sql = Sql::new(
        "SELECT c.tenant_id, c.status, t.id AS t_id, t.category AS t_category \
         FROM channels c LEFT JOIN tickets t ON t.channel_id = c.id WHERE c.id = ",
    );
    sql.bind(id.to_string()).push(" AND ");
    push_visible(&mut sql, actor);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("channel"))?;
    Ok(ChannelState {
        tenant_id: parse_col(&row, "tenant_id")?,
        status: parse_col(&row, "status")?,
        ticket_id: row.try_get("t_id")?,
        ticket_category: parse_opt_col(&row, "t_category")?,
    })
}

fn forbid_unless(actor: &Actor, action: ChatAction) -> StoreResult<()> {
    if actor.role().may(action) {
        Ok(())
    } else {
        Err(StoreError::Forbidden("your role does not permit this"))
    }
}

fn conflict(message: &str) -> StoreError {
    StoreError::Conflict(message.to_owned())
}

/// An opaque queue cursor: the last channel's activity time and id.
fn encode_cursor(updated_at: i64, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{updated_at}:{id}"))
}

fn decode_cursor(cursor: &str) -> StoreResult<(i64, String)> {
    let invalid = || {
        StoreError::Invalid(vec![FieldError::new(
            "cursor",
            "is not a cursor this server gave",
        )])
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("v1"), Some(at), Some(id)) => {
            let at = at.parse().map_err(|_| invalid())?;
            id.parse::<ChannelId>().map_err(|_| invalid())?;
            Ok((at, id.to_owned()))
        }
        _ => Err(invalid()),
    }
}

/// `SELECT <channel columns> FROM … WHERE <visible to actor> AND ` — the caller appends the
/// rest of the condition.
/// `SELECT <channel with unread count> … WHERE <visible to the actor> AND `.
fn select_channels(actor: &Actor) -> Sql {
    let mut sql = select_channels_where(actor);
    push_visible(&mut sql, actor);
    sql.push(" AND ");
    sql
}

/// `SELECT <channel with unread count> … WHERE `, for the caller to restrict.
fn select_channels_where(actor: &Actor) -> Sql {
    let user = actor.user_id().to_string();
    let mut sql = Sql::new("SELECT ");
    sql.push(CHANNEL_COLUMNS)
        .push(UNREAD_COLUMN)
        .bind(user.clone())
        .push(") AS unread_count")
        .push(CHANNEL_JOINS)
        .bind(user)
        .push(" WHERE ");
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
        let mut sql = select_channels(actor);
        sql.push("1 = 1");
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
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", super::users::escape_like(&q.to_lowercase()));
            sql.push(" AND LOWER(COALESCE(c.subject, '')) LIKE ")
                .bind(pattern)
                .push(" ESCAPE '\\'");
        }
        if let Some(cursor) = &query.cursor {
            let (at, id) = decode_cursor(cursor)?;
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
            channels
                .last()
                .map(|last| encode_cursor(last.updated_at.timestamp_micros(), &last.id.to_string()))
        } else {
            None
        };
        self.attach_participants(&mut channels).await?;
        Ok((channels, next))
    }

    /// One channel with its participants and ticket, if the actor may see it.
    pub async fn get_channel(&self, actor: &Actor, id: ChannelId) -> StoreResult<Channel> {
        let mut channels = self.channels_by_id(actor, &[id]).await?;
        channels.pop().ok_or(StoreError::NotFound("channel"))
    }

    /// The given channels the actor may see, with participants.
    pub(super) async fn channels_by_id(
        &self,
        actor: &Actor,
        ids: &[ChannelId],
    ) -> StoreResult<Vec<Channel>> {
        let mut sql = select_channels(actor);
        sql.push("c.id IN ")
            .bind_list(ids.iter().map(|id| id.to_string()))
            .push(" ORDER BY c.change_seq, c.id");
        let rows = sql.fetch_all(&self.pool).await?;
        let mut channels = rows
            .iter()
            .map(rows::channel)
            .collect::<StoreResult<Vec<_>>>()?;
        self.attach_participants(&mut channels).await?;
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
        let mut sql = select_channels_where(actor);
        push_tenant_scope(&mut sql, actor);
        sql.push(" AND c.id IN ")
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
        self.attach_participants(&mut channels).await?;
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

    /// Fills in the current participants of `channels`, in one query.
    async fn attach_participants(&self, channels: &mut [Channel]) -> StoreResult<()> {
        if channels.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new("SELECT ");
        sql.push(PARTICIPANT_COLUMNS)
            .push(PARTICIPANT_JOINS)
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

    /// Opens a channel (and its ticket, for SUPPORT) with the actor as owner, and posts the
    /// initial message if there is one.
    pub async fn create_channel(&self, actor: &Actor, new: &NewChannel) -> StoreResult<Channel> {
        forbid_unless(actor, ChatAction::CreateChannel)?;
        let tenant = actor.tenant_id().ok_or_else(|| {
            StoreError::Invalid(vec![FieldError::new(
                "tenantId",
                "sign in to a tenant to open a channel there",
            )])
        })?;
        let others: Vec<UserId> = new
            .participant_ids
            .iter()
            .flatten()
            .copied()
            .filter(|id| *id != actor.user_id())
            .collect();
        let members = self.members_of(tenant, &others).await?;
        let bad: Vec<FieldError> = new
            .participant_ids
            .iter()
            .flatten()
            .enumerate()
            .filter(|(_, id)| **id != actor.user_id() && !members.iter().any(|(m, _)| m == *id))
            .map(|(i, _)| {
                FieldError::new(
                    format!("participantIds[{i}]"),
                    "no such user in this tenant",
                )
            })
            .collect();
        if !bad.is_empty() {
            return Err(StoreError::Invalid(bad));
        }

        let mut tx = self.begin().await?;
        let change = next_change(&mut tx).await?;
        let now = now_micros();
        let id = new_id();
        let subject = new.subject.as_deref().map(str::trim).map(str::to_owned);
        let mut sql = Sql::new(
            "INSERT INTO channels (id, tenant_id, type, status, context_id, subject, created_by, \
             created_at, updated_at, last_seq, change_seq) VALUES (",
        );
        sql.bind(id.clone())
            .push(", ")
            .bind(tenant.to_string())
            .push(", ")
            .bind(new.channel_type.as_str().to_owned())
            .push(", ")
            .bind(ChannelStatus::Active.as_str().to_owned())
            .push(", ")
            .bind(new.context_id.clone())
            .push(", ")
            .bind(subject.clone())
            .push(", ")
            .bind(actor.user_id().to_string())
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(", 0, ")
            .bind(change)
            .push(")");
        sql.execute(&mut *tx).await?;
        let channel_id: ChannelId = id
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("new id: {e}")))?;

        add_participant(
            &mut tx,
            channel_id,
            actor.user_id(),
            actor.role(),
            ParticipantRole::Owner,
            now,
        )
        .await?;
        for (user, role) in &members {
            add_participant(
                &mut tx,
                channel_id,
                *user,
                *role,
                ParticipantRole::Member,
                now,
            )
            .await?;
        }
        if new.channel_type.has_ticket() {
            let mut sql = Sql::new(
                "INSERT INTO tickets (id, channel_id, tenant_id, subject, category, priority, status, \
                 created_at, updated_at) VALUES (",
            );
            sql.bind(new_id())
                .push(", ")
                .bind(channel_id.to_string())
                .push(", ")
                .bind(tenant.to_string())
                .push(", ")
                .bind(subject.clone().unwrap_or_default())
                .push(", ")
                .bind(new.category.unwrap_or_default().as_str().to_owned())
                .push(", ")
                .bind(new.priority.unwrap_or_default().as_str().to_owned())
                .push(", ")
                .bind(TicketStatus::Open.as_str().to_owned())
                .push(", ")
                .bind(now)
                .push(", ")
                .bind(now)
                .push(")");
            sql.execute(&mut *tx).await?;
        }
        if let Some(text) = new.initial_message.as_deref() {
            insert_message(
                &mut tx,
                channel_id,
                tenant,
                actor,
                actor.role().sender_type(),
                text.trim(),
                None,
                None,
                change,
            )
            .await?;
        }
        audit(
            &mut tx,
            Some(tenant),
            actor,
            "channel.create",
            Some(channel_id),
            serde_json::json!({
                "type": new.channel_type, "subject": subject,
            }),
        )
        .await?;
        tx.commit().await?;
        self.get_channel(actor, channel_id).await
    }

    /// Begins an action on channel `id`: takes the write lock and a change number, then
    /// checks that the actor sees the channel (404) and that its role permits every one of
    /// `actions` (403).
    async fn begin_action(
        &self,
        actor: &Actor,
        id: ChannelId,
        actions: &[ChatAction],
    ) -> StoreResult<Action> {
        let mut tx = self.begin().await?;
        let change = next_change(&mut tx).await?;
        let state = visible_state(&mut tx, actor, id).await?;
        for action in actions {
            forbid_unless(actor, *action)?;
        }
        let actor_name = display_name(&mut tx, actor.user_id()).await?;
        Ok(Action {
            tx,
            actor_name,
            change,
            state,
            id,
            now: now_micros(),
        })
    }

    /// Ends an action: posts its SYSTEM message (which also moves the channel's activity
    /// and change number), writes the audit row with the same `event` detail, commits, and
    /// returns the channel as it is now.
    async fn finish_action(
        &self,
        mut action: Action,
        actor: &Actor,
        audit_action: &str,
        text: String,
        event: serde_json::Value,
    ) -> StoreResult<ChannelChange> {
        let message = insert_message(
            &mut action.tx,
            action.id,
            action.state.tenant_id,
            actor,
            SenderType::System,
            &text,
            Some(event.clone()),
            None,
            action.change,
        )
        .await?;
        audit(
            &mut action.tx,
            Some(action.state.tenant_id),
            actor,
            audit_action,
            Some(action.id),
            event,
        )
        .await?;
        action.tx.commit().await?;
        Ok(ChannelChange {
            channel: self.get_channel(actor, action.id).await?,
            system_message: Some(message),
        })
    }

    /// Assigns the channel (and its ticket) to `member`, a user of the channel's tenant, and
    /// adds them to it.
    pub async fn assign(
        &self,
        actor: &Actor,
        id: ChannelId,
        member: UserId,
    ) -> StoreResult<ChannelChange> {
        let mut action = self.begin_action(actor, id, &[ChatAction::Assign]).await?;
        if action.state.status == ChannelStatus::Archived {
            return Err(conflict("an archived channel cannot be assigned"));
        }
        let no_such_user = || {
            StoreError::Invalid(vec![FieldError::new(
                "teamMemberId",
                "no such user in this tenant",
            )])
        };
        // A member of the channel's tenant, or a platform administrator.
        if members_of(&mut *action.tx, action.state.tenant_id, &[member])
            .await?
            .is_empty()
        {
            return Err(no_such_user());
        }
        let assignee = user_summary(&mut *action.tx, action.state.tenant_id, member)
            .await?
            .ok_or_else(no_such_user)?;
        action
            .update(
                "UPDATE channels SET assigned_to = ",
                member.to_string(),
                " WHERE id = ",
            )
            .await?;
        let now = action.now;
        action
            .update(
                "UPDATE tickets SET status = CASE WHEN status = 'OPEN' THEN 'IN_PROGRESS' ELSE status END, updated_at = ",
                now,
                " WHERE channel_id = ",
            )
            .await?;
        action
            .update(
                "UPDATE tickets SET assigned_to = ",
                member.to_string(),
                " WHERE channel_id = ",
            )
            .await?;
        add_participant(
            &mut action.tx,
            id,
            member,
            assignee.role,
            ParticipantRole::Member,
            now,
        )
        .await?;
        let text = format!("{} assigned this to {}.", action.actor_name, assignee.name);
        self.finish_action(
            action,
            actor,
            "channel.assign",
            text,
            serde_json::json!({"event": "assigned", "assignedTo": member}),
        )
        .await
    }

    /// Escalates the channel to platform support: a super admin joins it.
    pub async fn escalate(
        &self,
        actor: &Actor,
        id: ChannelId,
        reason: &str,
    ) -> StoreResult<ChannelChange> {
        let mut action = self
            .begin_action(actor, id, &[ChatAction::Escalate])
            .await?;
        match action.state.status {
            ChannelStatus::Active => {}
            ChannelStatus::Escalated => return Err(conflict("the channel is escalated already")),
            ChannelStatus::Resolved => {
                return Err(conflict(
                    "a resolved channel cannot be escalated; reopen it first",
                ))
            }
            ChannelStatus::Archived => {
                return Err(conflict("an archived channel cannot be escalated"))
            }
        }
        let row = Sql::new(
            "SELECT id FROM users WHERE is_super_admin = 1 ORDER BY created_at, id LIMIT 1",
        )
        .fetch_optional(&mut *action.tx)
        .await?
        .ok_or_else(|| conflict("there is no platform administrator to escalate to"))?;
        let super_admin: UserId = parse_col(&row, "id")?;
        action
            .update(
                "UPDATE channels SET status = 'ESCALATED', escalated_to = ",
                super_admin.to_string(),
                " WHERE id = ",
            )
            .await?;
        let now = action.now;
        action
            .update(
                "UPDATE tickets SET escalated_at = ",
                now,
                " WHERE channel_id = ",
            )
            .await?;
        add_participant(
            &mut action.tx,
            id,
            super_admin,
            Role::SuperAdmin,
            ParticipantRole::Admin,
            now,
        )
        .await?;
        let reason = reason.trim();
        let text = format!(
            "{} escalated this to platform support: {reason}",
            action.actor_name
        );
        let event =
            serde_json::json!({"event": "escalated", "reason": reason, "escalatedTo": super_admin});
        self.finish_action(action, actor, "channel.escalate", text, event)
            .await
    }

    /// Resolves the channel and its ticket.
    pub async fn resolve(
        &self,
        actor: &Actor,
        id: ChannelId,
        resolution: Option<&str>,
    ) -> StoreResult<ChannelChange> {
        let mut action = self.begin_action(actor, id, &[ChatAction::Resolve]).await?;
        match action.state.status {
            ChannelStatus::Active | ChannelStatus::Escalated => {}
            ChannelStatus::Resolved => return Err(conflict("the channel is resolved already")),
            ChannelStatus::Archived => {
                return Err(conflict("an archived channel cannot be resolved"))
            }
        }
        let resolution = resolution
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        action.set_status(ChannelStatus::Resolved).await?;
        let mut sql = Sql::new("UPDATE tickets SET status = 'RESOLVED', resolved_at = ");
        sql.bind(action.now)
            .push(", resolved_by = ")
            .bind(actor.user_id().to_string())
            .push(", resolution = ")
            .bind(resolution.clone())
            .push(", updated_at = ")
            .bind(action.now)
            .push(" WHERE channel_id = ")
            .bind(id.to_string());
        sql.execute(&mut *action.tx).await?;
        let name = &action.actor_name;
        let text = match &resolution {
            Some(resolution) => format!("{name} resolved this: {resolution}"),
            None => format!("{name} resolved this."),
        };
        self.finish_action(
            action,
            actor,
            "channel.resolve",
            text,
            serde_json::json!({"event": "resolved", "resolution": resolution}),
        )
        .await
    }

    /// Brings a resolved channel back: ACTIVE, its ticket OPEN.
    pub async fn reopen(&self, actor: &Actor, id: ChannelId) -> StoreResult<ChannelChange> {
        let mut action = self.begin_action(actor, id, &[ChatAction::Reopen]).await?;
        match action.state.status {
            ChannelStatus::Resolved => {}
            ChannelStatus::Archived => {
                return Err(conflict("an archived channel cannot be reopened"))
            }
            ChannelStatus::Active | ChannelStatus::Escalated => {
                return Err(conflict("the channel is not resolved"))
            }
        }
        action.set_status(ChannelStatus::Active).await?;
        let now = action.now;
        action
            .update(
                "UPDATE tickets SET status = 'OPEN', resolved_at = NULL, resolved_by = NULL, resolution = NULL, updated_at = ",
                now,
                " WHERE channel_id = ",
            )
            .await?;
        let text = format!("{} reopened this.", action.actor_name);
        self.finish_action(
            action,
            actor,
            "channel.reopen",
            text,
            serde_json::json!({"event": "reopened"}),
        )
        .await
    }

    /// Changes the ticket's status, priority or category.
    pub async fn update_ticket(
        &self,
        actor: &Actor,
        id: ChannelId,
        update: &UpdateTicketRequest,
    ) -> StoreResult<ChannelChange> {
        let mut needed = Vec::new();
        if update.status.is_some() {
            needed.push(ChatAction::UpdateTicketStatus);
        }
        if update.priority.is_some() || update.category.is_some() {
            needed.push(ChatAction::UpdateTicket);
        }
        let mut action = self.begin_action(actor, id, &needed).await?;
        if action.state.ticket_id.is_none() {
            return Err(conflict("this channel has no ticket"));
        }
        if action.state.status == ChannelStatus::Archived {
            return Err(conflict("an archived channel's ticket cannot change"));
        }
        let mut sql = Sql::new("UPDATE tickets SET updated_at = ");
        sql.bind(action.now);
        let mut changes = Vec::new();
        if let Some(status) = update.status {
            sql.push(", status = ").bind(status.as_str().to_owned());
            changes.push(format!("status to {status}"));
        }
        if let Some(priority) = update.priority {
            sql.push(", priority = ").bind(priority.as_str().to_owned());
            changes.push(format!("priority to {priority}"));
        }
        if let Some(category) = update.category {
            sql.push(", category = ").bind(category.as_str().to_owned());
            changes.push(format!("category to {category}"));
        }
        sql.push(" WHERE channel_id = ").bind(id.to_string());
        sql.execute(&mut *action.tx).await?;
        if let (Some(previous), Some(next)) = (action.state.ticket_category, update.category) {
            if previous != next {
                // Roles that saw the channel for its category alone may lose it; their
                // next sync must still carry it (see `Store::sync`).
                let mut sql = Sql::new(
                    "INSERT INTO category_departures (channel_id, change_seq, previous_category) VALUES (",
                );
                sql.bind(id.to_string())
                    .push(", ")
                    .bind(action.change)
                    .push(", ")
                    .bind(previous.as_str().to_owned())
                    .push(")");
                sql.execute(&mut *action.tx).await?;
            }
        }
        let text = format!("{} set the {}.", action.actor_name, changes.join(", "));
        let event = serde_json::json!({"event": "ticket_updated", "status": update.status, "priority": update.priority, "category": update.category});
        self.finish_action(action, actor, "ticket.update", text, event)
            .await
    }

    /// Archives the channel; its ticket is closed.
    pub async fn archive(&self, actor: &Actor, id: ChannelId) -> StoreResult<ChannelChange> {
        let mut action = self.begin_action(actor, id, &[ChatAction::Archive]).await?;
        if action.state.status == ChannelStatus::Archived {
            return Err(conflict("the channel is archived already"));
        }
        action.set_status(ChannelStatus::Archived).await?;
        let now = action.now;
        action
            .update(
                "UPDATE tickets SET status = 'CLOSED', updated_at = ",
                now,
                " WHERE channel_id = ",
            )
            .await?;
        let text = format!("{} archived this.", action.actor_name);
        self.finish_action(
            action,
            actor,
            "channel.archive",
            text,
            serde_json::json!({"event": "archived"}),
        )
        .await
    }
}

/// Adds `user` to the channel, or brings them back if they had left.
/// The user's display name, read inside the action's transaction: a query on the pool
/// while holding SQLite's write lock can wait forever for a connection held by a writer
/// that waits for this lock.
async fn display_name(tx: &mut Transaction<'static, Any>, user: UserId) -> StoreResult<String> {
    let mut sql = Sql::new("SELECT name FROM users WHERE id = ");
    sql.bind(user.to_string());
    let row = sql.fetch_one(&mut **tx).await?;
    Ok(row.try_get("name")?)
}

pub(super) async fn add_participant(
    tx: &mut Transaction<'static, Any>,
    channel: ChannelId,
    user: UserId,
    role: Role,
    participant_role: ParticipantRole,
    now: i64,
) -> StoreResult<()> {
    let mut sql = Sql::new(
        "INSERT INTO participants (channel_id, user_id, role, user_type, joined_at) VALUES (",
    );
    sql.bind(channel.to_string())
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

/// Writes an audit-log row.
pub(super) async fn audit(
    tx: &mut Transaction<'static, Any>,
    tenant: Option<TenantId>,
    actor: &Actor,
    action: &str,
    channel: Option<ChannelId>,
    detail: serde_json::Value,
) -> StoreResult<()> {
    let mut sql = Sql::new("INSERT INTO audit_log (id, tenant_id, actor_id, action, channel_id, detail, created_at) VALUES (");
    sql.bind(new_id())
        .push(", ")
        .bind(tenant.map(|t| t.to_string()))
        .push(", ")
        .bind(actor.user_id().to_string())
        .push(", ")
        .bind(action.to_owned())
        .push(", ")
        .bind(channel.map(|c| c.to_string()))
        .push(", ")
        .bind(detail.to_string())
        .push(", ")
        .bind(now_micros())
        .push(")");
    sql.execute(&mut **tx).await?;
    Ok(())
}
