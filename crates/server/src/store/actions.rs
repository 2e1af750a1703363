//! The actions on a channel: assign, escalate, resolve, reopen, ticket updates and archive,
//! each in one transaction with its SYSTEM message, an audit-log row and what it means to
//! the ticket's SLA clocks (opening a channel is `open`'s).

use protocol::rest::UpdateTicketRequest;
use protocol::roles::ChatAction;
use protocol::sla_clock::SlaEvent;
use protocol::{
    Audience, Channel, ChannelId, ChannelStatus, FieldError, Message, ParticipantRole, Role,
    SenderType, UserId,
};
use sqlx::{Any, Transaction};

use super::sla::{self, ClockChange};
use super::sql::Sql;
use super::users::{members_of, user_summary};
use super::visibility::{load_visible, VisibleChannel};
use super::write::{add_participant, audit, display_name, insert_message, Posting};
use super::{next_change, now_micros, parse_col, to_time, Store, StoreError, StoreResult};
use crate::actor::Actor;

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
    channel: VisibleChannel,
    now: i64,
}

impl Action {
    /// Runs `{set}<value>{where_}<channel id>` in the action's transaction.
    async fn update<T>(&mut self, set: &str, value: T, where_: &str) -> StoreResult<()>
    where
        T: for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + Send + 'static,
    {
        let mut sql = Sql::new(set);
        sql.bind(value)
            .push(where_)
            .bind(self.channel.id().to_string());
        sql.execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Moves the ticket's SLA clocks by `event`, now.
    async fn clock(&mut self, event: SlaEvent) -> StoreResult<()> {
        let change = ClockChange::event(self.channel.id(), event, to_time(self.now)?);
        sla::advance(&mut self.tx, &[change]).await.map(drop)
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

pub(super) fn forbid_unless(actor: &Actor, action: ChatAction) -> StoreResult<()> {
    if actor.role().may(action) {
        Ok(())
    } else {
        Err(StoreError::Forbidden("your role does not permit this"))
    }
}

fn conflict(message: &str) -> StoreError {
    StoreError::Conflict(message.to_owned())
}

impl Store {
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
        let channel = load_visible(&mut tx, actor, id).await?;
        for action in actions {
            forbid_unless(actor, *action)?;
        }
        let actor_name = display_name(&mut tx, actor.user_id()).await?;
        Ok(Action {
            tx,
            actor_name,
            change,
            channel,
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
        let posting = Posting {
            sender_type: SenderType::System,
            content: &text,
            metadata: Some(event.clone()),
            client_message_id: None,
            audience: Audience::Everyone,
        };
        let message = insert_message(
            &mut action.tx,
            &action.channel,
            actor,
            posting,
            action.change,
        )
        .await?;
        audit(&mut action.tx, actor, audit_action, &action.channel, event).await?;
        action.tx.commit().await?;
        Ok(ChannelChange {
            channel: self.get_channel(actor, action.channel.id()).await?,
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
        if action.channel.status() == ChannelStatus::Archived {
            return Err(conflict("an archived channel cannot be assigned"));
        }
        let no_such_user = || {
            StoreError::Invalid(vec![FieldError::new(
                "teamMemberId",
                "no such user in this tenant",
            )])
        };
        // A member of the channel's tenant, or a platform administrator.
        if members_of(&mut *action.tx, action.channel.tenant_id(), &[member])
            .await?
            .is_empty()
        {
            return Err(no_such_user());
        }
        let assignee = user_summary(&mut *action.tx, action.channel.tenant_id(), member)
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
            &action.channel,
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
        match action.channel.status() {
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
            &action.channel,
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
        match action.channel.status() {
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
        action.clock(SlaEvent::Resolved).await?;
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
        match action.channel.status() {
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
        action.clock(SlaEvent::Reopened).await?;
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
        // The keys of the role table this change needs, as the console judges them too.
        let needed = update.permission_keys();
        let mut action = self.begin_action(actor, id, needed).await?;
        if !action.channel.has_ticket() {
            return Err(conflict("this channel has no ticket"));
        }
        if action.channel.status() == ChannelStatus::Archived {
            return Err(conflict("an archived channel's ticket cannot change"));
        }
        sla::on_ticket_update(&mut action.tx, id, update, to_time(action.now)?).await?;
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
        if let (Some(previous), Some(next)) = (action.channel.ticket_category(), update.category) {
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
        if action.channel.status() == ChannelStatus::Archived {
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
        action.clock(SlaEvent::Resolved).await?;
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
