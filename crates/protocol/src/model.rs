//! The platform's resources as they appear on the wire (camelCase, RFC 3339 UTC times).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::enums::{
    ChannelStatus, ChannelType, ParticipantRole, Role, SenderType, TicketCategory, TicketPriority,
    TicketStatus,
};
use crate::ids::{ChannelId, MessageId, TenantId, TicketId, UserId};

/// A per-channel, strictly increasing message number: the sync cursor within a channel.
pub type Seq = i64;

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    /// Its id.
    pub id: TenantId,
    /// Short, unique, URL-safe name (`acme`).
    pub slug: String,
    /// Display name (`Acme Quiz League`).
    pub name: String,
}

/// A tenant a user may sign in to, with the user's role there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TenantMembership {
    /// The tenant's id.
    pub id: TenantId,
    /// The tenant's slug.
    pub slug: String,
    /// The tenant's display name.
    pub name: String,
    /// The user's role in that tenant.
    pub role: Role,
}

/// A user as others see them: in message senders, participants and the assign picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    /// Their id.
    pub id: UserId,
    /// Their sign-in address.
    pub email: String,
    /// Their display name.
    pub name: String,
    /// Their role in the tenant the answer is about.
    pub role: Role,
}

/// One message in a channel.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Its id.
    pub id: MessageId,
    /// The channel it was posted in.
    pub channel_id: ChannelId,
    /// Who posted it (for SYSTEM messages: whose action caused it).
    pub sender_id: UserId,
    /// The kind of sender.
    pub sender_type: SenderType,
    /// The sender, for display.
    pub sender: UserSummary,
    /// The text.
    pub content: String,
    /// Free-form structured data (attachments, formatting, what a SYSTEM message records).
    pub metadata: Option<Value>,
    /// The sender's own id for this message, which makes sending idempotent.
    pub client_message_id: Option<String>,
    /// When the platform stored it.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// Its position in the channel.
    pub seq: Seq,
    /// An internal note: agents only (PLATFORM.md, "Agent workflow"). A non-agent is never
    /// sent one.
    #[serde(default)]
    pub internal: bool,
}

/// A user's membership of one channel.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// The user's id.
    pub user_id: UserId,
    /// The user, for display.
    pub user: UserSummary,
    /// The kind of sender this user is.
    pub user_type: SenderType,
    /// Their standing in this channel.
    pub role: ParticipantRole,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// When they last read.
    pub last_read_at: Option<DateTime<Utc>>,
    /// The last message they have read (0: none).
    pub last_read_seq: Seq,
    /// Whether they want notifications from this channel.
    pub notifications_enabled: bool,
}

/// The support ticket of a SUPPORT channel.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// Its id.
    pub id: TicketId,
    /// Its number in its tenant, from 1 in creation order, never reused (shown `#1042`).
    #[serde(default)]
    pub number: i64,
    /// Its channel.
    pub channel_id: ChannelId,
    /// What it is about (1..200 characters).
    pub subject: String,
    /// Its category.
    pub category: TicketCategory,
    /// Its priority.
    pub priority: TicketPriority,
    /// Its workflow state.
    pub status: TicketStatus,
    /// Who works on it.
    pub assigned_to: Option<UserId>,
    /// When it was escalated.
    pub escalated_at: Option<DateTime<Utc>>,
    /// When it was resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Who resolved it.
    pub resolved_by: Option<UserId>,
    /// How it was resolved.
    pub resolution: Option<String>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Its SLA: the open due times and every breach (agents only; absent when the ticket
    /// has no clock).
    #[serde(default)]
    pub sla: Option<crate::sla::TicketSla>,
}

impl Ticket {
    /// Its SLA while the clocks count down: none once resolved or closed, or while it waits
    /// for the customer (`PENDING_USER` pauses them).
    pub fn counting_sla(&self) -> Option<&crate::sla::TicketSla> {
        match self.status {
            TicketStatus::Resolved | TicketStatus::Closed | TicketStatus::PendingUser => None,
            TicketStatus::Open | TicketStatus::InProgress | TicketStatus::PendingAdmin => {
                self.sla.as_ref()
            }
        }
    }
}

/// A conversation, with what the queue shows of it.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    /// Its id.
    pub id: ChannelId,
    /// The tenant it belongs to.
    pub tenant_id: TenantId,
    /// What it is for.
    #[serde(rename = "type")]
    pub channel_type: ChannelType,
    /// Where it stands.
    pub status: ChannelStatus,
    /// What it is about outside chat (a tournament, a match).
    pub context_id: Option<String>,
    /// Its subject (a ticket's subject, a room's name).
    pub subject: Option<String>,
    /// Who opened it.
    pub created_by: UserId,
    /// Who works on it.
    pub assigned_to: Option<UserId>,
    /// The super admin it was escalated to.
    pub escalated_to: Option<UserId>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it last changed (messages included).
    pub updated_at: DateTime<Utc>,
    /// Its newest message.
    pub last_message: Option<Message>,
    /// Messages the caller has not read.
    pub unread_count: u32,
    /// Its members.
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// Its ticket (SUPPORT channels).
    pub ticket: Option<Ticket>,
}
