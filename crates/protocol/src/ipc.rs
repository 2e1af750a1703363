//! What the desktop shell and its UI say to each other over Tauri's IPC: command names, event
//! names and their payloads. Command failures are [`crate::error::CodedError`]s.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

pub use crate::action::ChannelAction;
use crate::model::Seq;
use crate::queue::QueuePage;
pub use crate::tenant_choice::TenantChoice;
use crate::viewer::Viewer;
use crate::{Channel, ChannelId, Message, Role, Secret, TenantId, UserId};

/// Command and event names, shared so neither side can misspell them.
pub mod name {
    /// Command: check the connection now; the answer comes as a `connection-state` event.
    pub const CHECK_CONNECTION: &str = "check_connection";
    /// Event: the connection state changed → [`super::ConnectionReport`].
    pub const CONNECTION_STATE: &str = "connection-state";
    /// Command: while offline, try to reach the platform now instead of waiting for the
    /// next attempt.
    pub const RETRY_CONNECTION: &str = "retry_connection";

    /// Command: what the console starts with → [`super::Startup`].
    pub const START: &str = "console_start";
    /// Command: sign in ([`super::SignIn`]) → [`super::SignedIn`].
    pub const SIGN_IN: &str = "sign_in";
    /// Command: sign out.
    pub const SIGN_OUT: &str = "sign_out";
    /// Command: a window of the queue ([`crate::queue::QueuePageRequest`]) →
    /// [`crate::queue::QueuePage`].
    pub const QUEUE_PAGE: &str = "queue_page";
    /// Command: a channel and a page of its history ([`super::ChannelPageRequest`]) →
    /// [`super::ChannelPage`].
    pub const CHANNEL: &str = "channel";
    /// Command: the channel on screen changed (`{channelId?}`); the console joins its room
    /// and stops notifying for it while the window has focus.
    pub const VIEW: &str = "view_channel";
    /// Command: send a message (`{channelId, content, internal?}`) → `OutboxItem`;
    /// `internal: true` sends an internal note (agents only), absent or false a public reply.
    pub const SEND: &str = "send_message";
    /// Command: send a failed or parked outbox item again (`{id}`) → `OutboxItem`.
    pub const RETRY: &str = "retry";
    /// Command: act on a channel ([`super::ActRequest`]) → `OutboxItem`.
    pub const ACT: &str = "act";
    /// Command: open a ticket (`{request: CreateChannelRequest}`) → `Channel`.
    pub const CREATE: &str = "create_channel";
    /// Command: the active tenant's users, for the assign picker → `Vec<UserSummary>`.
    pub const USERS: &str = "users";
    /// Command: search the cached history (`{text}`) → `Vec<SearchHit>`.
    pub const SEARCH: &str = "search";
    /// Command: the outbox → `Vec<OutboxItem>`.
    pub const OUTBOX: &str = "outbox";
    /// Command: read a channel up to `seq` (`{channelId, seq}`).
    pub const MARK_READ: &str = "mark_read";
    /// Command: typing started or stopped (`{channelId, typing}`).
    pub const TYPING: &str = "typing";
    /// Command: change the settings (`{settings}`) → [`super::Settings`].
    pub const SETTINGS: &str = "set_settings";
    /// Command: the queue is on screen for the first time (`{rows}`), a startup milestone
    /// the shell logs with the time since the process started.
    pub const QUEUE_SHOWN: &str = "queue_shown";
    /// Command: the cached canned responses, sorted by short code (works offline) →
    /// `Vec<CannedResponse>`.
    pub const CANNED_LIST: &str = "canned_responses";
    /// Command: create a canned response (`{request: CreateCannedResponseRequest}`) →
    /// `CannedResponse`.
    pub const CANNED_CREATE: &str = "canned_create";
    /// Command: edit a canned response (`{id, request: UpdateCannedResponseRequest}`) →
    /// `CannedResponse`.
    pub const CANNED_UPDATE: &str = "canned_update";
    /// Command: delete a canned response (`{id}`).
    pub const CANNED_DELETE: &str = "canned_delete";
    /// Command: the tenant's SLA policies, read from the platform (online only) →
    /// `Vec<sla::SlaPolicy>`.
    pub const SLA_POLICIES: &str = "sla_policies";
    /// Command: replace one priority's SLA policy, an admin's (`{priority, request:
    /// sla::PutSlaPolicyRequest}`) → `sla::SlaPolicy`.
    pub const SLA_POLICY_PUT: &str = "sla_policy_put";
    /// Command: the saved draft of a channel's composer (`{channelId}`) →
    /// `Option<console::Draft>`.
    pub const DRAFT: &str = "draft";
    /// Command: keep a channel's draft (`{channelId, draft: console::Draft}`); an empty text
    /// deletes it.
    pub const SAVE_DRAFT: &str = "save_draft";
    /// Event: a change of what the console shows → `console::Change`.
    pub const CHANGE: &str = "console-change";
    /// Event: open this channel (a notification was clicked) → `ChannelId`.
    pub const OPEN_CHANNEL: &str = "open-channel";
}

/// The app's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// `Switchboard`.
    pub name: String,
    /// The app's version.
    pub version: String,
}

/// How the console stands with the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionState {
    /// No one is signed in.
    SignedOut,
    /// Reaching the platform.
    Connecting,
    /// Connected, live.
    Online,
    /// The platform cannot be reached; the cache is still readable.
    Offline,
}

/// A change of connection state.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    /// The state.
    pub state: ConnectionState,
    /// Since when it holds.
    pub since: DateTime<Utc>,
    /// When it was last checked.
    pub checked_at: DateTime<Utc>,
    /// Why, when there is more to say (the last error while offline): technical, for a
    /// "Details" disclosure.
    pub detail: Option<String>,
    /// While offline (or reconnecting after being offline): why in words, since when, and
    /// when the next attempt comes.
    #[serde(default)]
    pub outage: Option<crate::problem::Outage>,
}

/// What the sign-in screen is prefilled with.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInDefaults {
    /// The platform's URL.
    pub server: Option<String>,
    /// The sign-in address.
    pub email: Option<String>,
}

/// Who is signed in.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    /// The platform's URL.
    pub server: String,
    /// The sign-in address.
    pub email: String,
    /// The user.
    pub user_id: UserId,
    /// Their display name.
    pub name: String,
    /// The active tenant (absent for a super admin over every tenant).
    pub tenant_id: Option<TenantId>,
    /// Their role in it.
    pub role: Role,
}

impl SignedIn {
    /// Who this is, for what they may see and do.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            user: self.user_id,
            tenant: self.tenant_id,
            role: self.role,
        }
    }
}

/// The console's notification settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Native notifications at all.
    pub notifications: bool,
    /// Do not disturb: nothing but URGENT tickets and assignments to me.
    pub do_not_disturb: bool,
    /// Channels that never notify.
    pub muted: BTreeSet<ChannelId>,
    /// How many minutes before an SLA due time a warning is shown (and the countdown turns
    /// amber).
    #[serde(default = "default_sla_warning_minutes")]
    pub sla_warning_minutes: u32,
}

/// Minutes before an SLA due time that warn, unless the profile says otherwise.
pub const SLA_WARNING_MINUTES: u32 = 15;

fn default_sla_warning_minutes() -> u32 {
    SLA_WARNING_MINUTES
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            notifications: true,
            do_not_disturb: false,
            muted: BTreeSet::new(),
            sla_warning_minutes: SLA_WARNING_MINUTES,
        }
    }
}

/// What the console starts with: all the first screen needs, in one answer (each command
/// is a round trip through the webview, and the start waits for every one).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Startup {
    /// The app's name and version.
    pub app: AppInfo,
    /// The recorded session, if the profile is signed in.
    pub signed_in: Option<SignedIn>,
    /// When signed in, the queue's first window in the default view
    /// ([`crate::queue::QueuePageRequest::first`]); none when the cache could not be read (the queue asks
    /// for it again).
    pub queue: Option<QueuePage>,
    /// What to prefill the sign-in screen with.
    pub defaults: SignInDefaults,
    /// The settings.
    pub settings: Settings,
}

/// A sign-in.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    /// The platform's URL.
    pub server: String,
    /// The sign-in address.
    pub email: String,
    /// The password.
    pub password: Secret,
    /// The tenant, when the user belongs to several.
    pub tenant_id: Option<TenantId>,
}

/// `channel` command: which page of a channel's history.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelPageRequest {
    /// The channel.
    pub channel_id: ChannelId,
    /// Messages before this seq (absent: the newest).
    pub before: Option<Seq>,
    /// At most this many.
    pub limit: u32,
}

/// A channel and a page of its history, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelPage {
    /// The channel as cached.
    pub channel: Channel,
    /// The messages, oldest first.
    pub messages: Vec<Message>,
    /// Whether older messages are cached.
    pub has_older: bool,
}

/// `act` command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActRequest {
    /// The channel.
    pub channel_id: ChannelId,
    /// What to do.
    pub action: ChannelAction,
}

/// What a sign-in came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum SignInOutcome {
    /// Signed in.
    SignedIn {
        /// Who.
        session: SignedIn,
    },
    /// The user belongs to several tenants: sign in again choosing one.
    ChooseTenant {
        /// The choices.
        tenants: Vec<TenantChoice>,
    },
}
