//! REST request bodies, query strings and responses, one type per route of PLATFORM.md.
//!
//! Request bodies and queries reject unknown fields, so a misspelt field is an error that
//! names it instead of being silently ignored. Responses accept unknown fields, so an older
//! console keeps working against a newer platform.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::{skip_serializing_none, DeserializeFromStr, SerializeDisplay};

use crate::enums::{ChannelStatus, ChannelType, TicketCategory, TicketPriority, TicketStatus};
use crate::ids::{TenantId, UserId};
use crate::model::{Channel, Message, Seq, Tenant, TenantMembership, UserSummary};
use crate::roles::{Permission, Role};
use crate::secret::Secret;

/// The response header that carries the next page's cursor of a list.
pub const NEXT_CURSOR_HEADER: &str = "X-Next-Cursor";

/// `POST /api/auth/login`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    /// The sign-in address.
    pub email: String,
    /// The password.
    pub password: Secret,
    /// The tenant to act in; needed when the user belongs to several.
    pub tenant_id: Option<TenantId>,
}

/// The answer to a successful login.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    /// Short-lived bearer token.
    pub access_token: Secret,
    /// Long-lived, single-use token that buys the next pair.
    pub refresh_token: Secret,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The signed-in user, with their role in the active tenant.
    pub user: UserSummary,
    /// The active tenant (absent for a super admin acting across tenants).
    pub tenant: Option<Tenant>,
    /// Every tenant the user may sign in to.
    pub tenants: Vec<TenantMembership>,
}

/// `POST /api/auth/refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token to spend.
    pub refresh_token: Secret,
}

/// The answer to a refresh: a new pair (the old refresh token is spent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenPair {
    /// Short-lived bearer token.
    pub access_token: Secret,
    /// The next refresh token.
    pub refresh_token: Secret,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// `POST /api/auth/logout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogoutRequest {
    /// The refresh token to revoke.
    pub refresh_token: Secret,
}

/// `GET /api/users/me`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MeResponse {
    /// The signed-in user.
    pub user: UserSummary,
    /// The active tenant (absent for a super admin acting across tenants).
    pub tenant: Option<Tenant>,
    /// The role in the active tenant.
    pub role: Role,
    /// What that role permits.
    pub permissions: Vec<Permission>,
}

/// `GET /api/users?q=&role=`: the active tenant's users, for the assign picker.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserListQuery {
    /// Matches name or email, case-insensitively; at most 200 characters
    /// (`validate::QUERY_MAX_CHARS`).
    pub q: Option<String>,
    /// Only this role.
    pub role: Option<Role>,
}

/// Whose channels a queue query asks for: `me`, `none` (unassigned) or a user id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, SerializeDisplay, DeserializeFromStr)]
pub enum AssigneeFilter {
    /// Assigned to the caller.
    Me,
    /// Assigned to nobody.
    Unassigned,
    /// Assigned to this user.
    User(UserId),
}

impl fmt::Display for AssigneeFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Me => f.write_str("me"),
            Self::Unassigned => f.write_str("none"),
            Self::User(id) => write!(f, "{id}"),
        }
    }
}

impl FromStr for AssigneeFilter {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "me" => Ok(Self::Me),
            "none" => Ok(Self::Unassigned),
            other => other
                .parse()
                .map(Self::User)
                .map_err(|_| format!("expected `me`, `none` or a user id, got `{other}`")),
        }
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for AssigneeFilter {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("`me`, `none` (unassigned) or a user id"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for AssigneeFilter {}

wire_enum!(
    /// The queue's `?sort=` order (lower case on the wire).
    QueueSort {
        /// Latest activity first (the default).
        Latest = "latest",
        /// Soonest SLA due time first; tickets without an open due time, and channels
        /// without a ticket, last (agents only).
        Due = "due",
    }
);

/// `GET /api/chat/channels`: the queue.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelListQuery {
    /// Only this channel type.
    #[serde(rename = "type")]
    pub channel_type: Option<ChannelType>,
    /// Only this channel status.
    pub status: Option<ChannelStatus>,
    /// Only tickets of this priority.
    pub priority: Option<TicketPriority>,
    /// Only tickets of this category.
    pub category: Option<TicketCategory>,
    /// Only channels assigned so.
    pub assigned_to: Option<AssigneeFilter>,
    /// Matches subjects; 1 to 200 characters (`validate::QUERY_MAX_CHARS`).
    pub q: Option<String>,
    /// The order: `latest` activity first (the default) or `due` (agents only).
    pub sort: Option<QueueSort>,
    /// Only tickets whose SLA is `breached` or `due_soon` (agents only).
    pub sla: Option<crate::sla::SlaFilter>,
    /// Page size (1..=200, default 50).
    pub limit: Option<u32>,
    /// The `X-Next-Cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `GET /api/chat/channels/:id/messages`: a page of messages in `seq` order.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessagesQuery {
    /// Messages before this seq (older page).
    pub before: Option<Seq>,
    /// Messages after this seq (newer page).
    pub after: Option<Seq>,
    /// Page size (1..=200, default 50).
    pub limit: Option<u32>,
}

/// `POST /api/chat/channels`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateChannelRequest {
    /// What the channel is for.
    #[serde(rename = "type")]
    pub channel_type: ChannelType,
    /// Users to add besides the creator.
    pub participant_ids: Option<Vec<UserId>>,
    /// Required for SUPPORT (1..200 characters).
    pub subject: Option<String>,
    /// The ticket's category (default OTHER).
    pub category: Option<TicketCategory>,
    /// The ticket's priority (default MEDIUM).
    pub priority: Option<TicketPriority>,
    /// What it is about outside chat.
    pub context_id: Option<String>,
    /// The first message, posted by the creator.
    pub initial_message: Option<String>,
}

/// `POST /api/chat/channels/:id/messages`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendMessageRequest {
    /// The text (1..10,000 characters after trimming).
    pub content: String,
    /// Structured data (a JSON object).
    pub metadata: Option<Value>,
    /// The sender's own id for this message: sending it again returns the first.
    pub client_message_id: Option<String>,
    /// Post an internal note, for agents only (default false).
    pub internal: Option<bool>,
}

/// `PUT /api/chat/channels/:id/read`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarkReadRequest {
    /// The newest seq the caller has read.
    pub seq: Seq,
}

/// `PUT /api/chat/channels/:id/escalate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EscalateRequest {
    /// Why (1..2,000 characters).
    pub reason: String,
}

/// `PUT /api/chat/channels/:id/assign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssignRequest {
    /// A user of the same tenant.
    pub team_member_id: UserId,
}

/// `PUT /api/chat/channels/:id/resolve`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResolveRequest {
    /// How it was resolved.
    pub resolution: Option<String>,
}

/// `PUT /api/chat/channels/:id/ticket`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateTicketRequest {
    /// New status (chat.manage or chat.resolve).
    pub status: Option<TicketStatus>,
    /// New priority (chat.manage).
    pub priority: Option<TicketPriority>,
    /// New category (chat.manage).
    pub category: Option<TicketCategory>,
}

/// `GET /api/chat/sync?since=&limit=`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyncQuery {
    /// The cursor of the previous answer; absent for everything.
    pub since: Option<String>,
    /// The most changes in one answer.
    pub limit: Option<u32>,
}

/// Everything visible to the caller that changed since the cursor, oldest change first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncResponse {
    /// Pass as `since` next time.
    pub cursor: String,
    /// More changes wait; call again at once.
    pub has_more: bool,
    /// Channels that changed, with participants and ticket.
    pub channels: Vec<Channel>,
    /// Messages that were posted or edited.
    pub messages: Vec<Message>,
    /// Canned responses the caller may use that were saved or changed (all of them when
    /// the cursor is empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub canned_responses: Vec<crate::canned::CannedResponse>,
    /// Canned responses the caller could use that were deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_canned_response_ids: Vec<crate::ids::CannedResponseId>,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HealthResponse {
    /// `ok`.
    pub status: String,
}
