//! Opening a channel: its row, its participants, its ticket (with the tenant's next number
//! and its SLA clocks started) and its first message, in one transaction.

use protocol::rest::CreateChannelRequest;
use protocol::roles::ChatAction;
use protocol::sla_clock::SlaEvent;
use protocol::{
    Audience, Channel, ChannelId, ChannelStatus, FieldError, ParticipantRole, TicketStatus, UserId,
};
use sqlx::Row;

use super::actions::forbid_unless;
use super::sla::{self, ClockChange};
use super::sql::Sql;
use super::users::members_of;
use super::visibility::VisibleChannel;
use super::write::{add_participant, audit, insert_message, Posting};
use super::{new_id, next_change, now_micros, to_time, Store, StoreError, StoreResult};
use crate::actor::{Actor, Scope};

/// A channel to open.
pub type NewChannel = CreateChannelRequest;

impl Store {
    /// Opens a channel (and its ticket, for SUPPORT) with the actor as owner, and posts the
    /// initial message if there is one.
    pub async fn create_channel(&self, actor: &Actor, new: &NewChannel) -> StoreResult<Channel> {
        forbid_unless(actor, ChatAction::CreateChannel)?;
        let Scope::Tenant(tenant) = actor.scope() else {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "tenantId",
                "sign in to a tenant to open a channel there",
            )]));
        };
        let others: Vec<UserId> = new
            .participant_ids
            .iter()
            .flatten()
            .copied()
            .filter(|id| *id != actor.user_id())
            .collect();
        let members = members_of(&self.pool, tenant, &others).await?;
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
        let channel = VisibleChannel::opened(
            channel_id,
            tenant,
            new.channel_type.has_ticket(),
            new.channel_type
                .has_ticket()
                .then(|| new.category.unwrap_or_default()),
        );

        add_participant(
            &mut tx,
            &channel,
            actor.user_id(),
            actor.role(),
            ParticipantRole::Owner,
            now,
        )
        .await?;
        for (user, role) in &members {
            add_participant(
                &mut tx,
                &channel,
                *user,
                *role,
                ParticipantRole::Member,
                now,
            )
            .await?;
        }
        if new.channel_type.has_ticket() {
            // The tenant's next ticket number, under the counter row's lock.
            let mut sql = Sql::new("INSERT INTO ticket_counters (tenant_id, last_number) VALUES (");
            sql.bind(tenant.to_string()).push(
                ", 1) ON CONFLICT (tenant_id) DO UPDATE SET \
                 last_number = ticket_counters.last_number + 1 RETURNING last_number",
            );
            let number: i64 = sql.fetch_one(&mut *tx).await?.try_get("last_number")?;
            let mut sql = Sql::new(
                "INSERT INTO tickets (id, channel_id, tenant_id, number, subject, category, priority, \
                 status, created_at, updated_at) VALUES (",
            );
            sql.bind(new_id())
                .push(", ")
                .bind(channel_id.to_string())
                .push(", ")
                .bind(tenant.to_string())
                .push(", ")
                .bind(number)
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
            let opened = ClockChange::event(channel_id, SlaEvent::Created, to_time(now)?);
            sla::advance(&mut tx, &[opened]).await?;
        }
        if let Some(text) = new.initial_message.as_deref() {
            let posting = Posting {
                sender_type: actor.role().sender_type(),
                content: text.trim(),
                metadata: None,
                client_message_id: None,
                audience: Audience::Everyone,
            };
            insert_message(&mut tx, &channel, actor, posting, change).await?;
        }
        audit(
            &mut tx,
            actor,
            "channel.create",
            &channel,
            serde_json::json!({
                "type": new.channel_type, "subject": subject,
            }),
        )
        .await?;
        tx.commit().await?;
        self.get_channel(actor, channel_id).await
    }
}
