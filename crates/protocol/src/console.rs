//! The console's own vocabulary, spoken between its engine, its desktop shell and its UI:
//! the stream of changes, the outbox's items (messages and [`ChannelAction`]s), composer
//! drafts, and search hits. None of it crosses the wire to the platform.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::action::ChannelAction;
use crate::events::{UserStopTyping, UserTyping};
use crate::ipc::ConnectionState;
use crate::model::Seq;
use crate::{Channel, ChannelId, ChannelStatus, Message, UserId};

/// One change to what the console shows, as it happens. A front takes a snapshot, then
/// applies these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "change")]
pub enum Change {
    /// The connection to the platform changed.
    #[serde(rename_all = "camelCase")]
    Connection {
        /// The new state.
        state: ConnectionState,
        /// Why, when there is more to say: technical, for a "Details" disclosure.
        detail: Option<String>,
        /// While offline (or reconnecting after being offline): why in words, since
        /// when, and when the next attempt comes.
        #[serde(default)]
        outage: Option<crate::problem::Outage>,
    },
    /// A channel was stored or changed.
    #[serde(rename_all = "camelCase")]
    Channel {
        /// It, as it is now.
        channel: Box<Channel>,
    },
    /// A channel is no longer visible and left the cache.
    #[serde(rename_all = "camelCase")]
    ChannelRemoved {
        /// Which.
        channel_id: ChannelId,
    },
    /// A message was stored.
    #[serde(rename_all = "camelCase")]
    Message {
        /// It.
        message: Box<Message>,
    },
    /// Someone started typing.
    #[serde(rename_all = "camelCase")]
    Typing {
        /// Who, where.
        typing: UserTyping,
    },
    /// Someone stopped typing.
    #[serde(rename_all = "camelCase")]
    StoppedTyping {
        /// Who, where.
        typing: UserStopTyping,
    },
    /// The agents viewing or typing in a channel changed (agents' consoles only).
    #[serde(rename_all = "camelCase")]
    Presence {
        /// The channel's whole list now.
        presence: crate::presence::Presence,
    },
    /// The user read a channel up to `seq` (on another device, or here).
    #[serde(rename_all = "camelCase")]
    Read {
        /// Which channel.
        channel_id: ChannelId,
        /// Up to where.
        seq: Seq,
    },
    /// A catch-up with the platform finished.
    #[serde(rename_all = "camelCase")]
    Synced {
        /// Channels stored.
        channels: u32,
        /// Messages stored.
        messages: u32,
    },
    /// The outbox changed (something was queued, sent, or parked).
    Outbox,
    /// The cached canned responses changed (created, edited or deleted, here or by sync):
    /// a front reloads the list.
    CannedResponses,
}

/// What is written but not yet sent in a channel's composer, kept per channel in the
/// profile so it survives switching channels, closing the app and a crash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Draft {
    /// The text as typed.
    pub text: String,
    /// Whether it is an internal note (agents only) rather than a public reply.
    pub note: bool,
}

/// Where a piece of outbox work stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be sent.
    Queued,
    /// Being sent now (after a crash: sent again; the platform deduplicates).
    Sending,
    /// Done.
    Sent,
    /// Refused for good; the reason says why.
    Failed,
    /// Not applied: its target changed since it was made. A person decides.
    NeedsReview,
}

impl OutboxState {
    /// Whether it still waits to go out.
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Queued | Self::Sending)
    }
}

/// What the channel looked like when an action was made: if it changed, the action waits
/// for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Expected {
    /// Its status then.
    pub status: ChannelStatus,
    /// Its assignee then.
    pub assigned_to: Option<UserId>,
}

/// A piece of outbox work: a message, or an action on the channel.
///
/// Stored as JSON in the console's cache: `{"kind": "sendMessage", "content": …}` (with
/// `"internal": true` for a note) or
/// `{"kind": "act", "action": "assign", "member": …, "expected": {…}}` (the action's own
/// fields flattened beside `expected`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Work {
    /// Post a message.
    SendMessage {
        /// The text.
        content: String,
        /// An internal note (agents only) rather than a public reply. Stored only when true
        /// (`"internal": true`), so rows written before notes read as replies.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        internal: bool,
    },
    /// Act on the channel.
    Act {
        /// What to do.
        #[serde(flatten)]
        action: ChannelAction,
        /// The channel as it was when the action was made.
        expected: Expected,
    },
}

impl Work {
    /// The kind, as stored: `sendMessage`, or the action's name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SendMessage { .. } => "sendMessage",
            Self::Act { action, .. } => action.name(),
        }
    }

    /// The state the channel must still be in for an action to apply.
    pub fn expected(&self) -> Option<&Expected> {
        match self {
            Self::SendMessage { .. } => None,
            Self::Act { expected, .. } => Some(expected),
        }
    }

    /// Replaces the expectation of an action with `now` (a message has none).
    pub fn rebase(&mut self, now: Expected) {
        if let Self::Act { expected, .. } = self {
            *expected = now;
        }
    }
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxItem {
    /// The order it was made in.
    pub seq: i64,
    /// Its client id (the message's `clientMessageId`).
    pub id: Uuid,
    /// The channel it is for.
    pub channel_id: ChannelId,
    /// What to do.
    pub work: Work,
    /// Where it stands.
    pub state: OutboxState,
    /// How many times sending was tried.
    pub attempts: u32,
    /// Why the last try failed, as the engine tells it (technical, for a "Details"
    /// disclosure).
    pub last_error: Option<String>,
    /// Why the last try failed, in words ([`crate::problem::Problem::sentence`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<crate::problem::Problem>,
}

/// One hit of an offline search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum SearchHit {
    /// A message whose content matched.
    Message {
        /// The message.
        message: Box<Message>,
    },
    /// A channel whose subject matched.
    Channel {
        /// The channel.
        channel: Box<Channel>,
    },
}
