//! Socket.IO: the namespace, the event names, and each event's payload.
//!
//! Client → server payloads reject unknown fields like REST bodies do. Server → client events
//! are gathered in [`ServerEvent`], which pairs each payload with its event name.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::error::{CodedError, ErrorCode};
use crate::ids::{ChannelId, TenantId, TicketId, UserId};
use crate::json::{self, DecodeError};
use crate::model::{Channel, Message, Seq};

/// The Socket.IO namespace of the chat gateway.
pub const NAMESPACE: &str = "/chat";
/// The Engine.IO path.
pub const PATH: &str = "/socket.io";

/// The event names of PLATFORM.md.
pub mod name {
    /// client → server: enter a channel's room.
    pub const JOIN_CHANNEL: &str = "join_channel";
    /// client → server: leave a channel's room.
    pub const LEAVE_CHANNEL: &str = "leave_channel";
    /// client → server: post a message.
    pub const SEND_MESSAGE: &str = "send_message";
    /// client → server: the user is typing.
    pub const TYPING: &str = "typing";
    /// client → server: the user stopped typing.
    pub const STOP_TYPING: &str = "stop_typing";
    /// client → server: the user read up to a seq.
    pub const MARK_READ: &str = "mark_read";
    /// client → server (agents): the user has a channel open.
    pub const VIEWING: &str = "viewing";
    /// client → server (agents): the user closed a channel.
    pub const STOP_VIEWING: &str = "stop_viewing";

    /// server → client: the socket joined a channel's room.
    pub const JOINED_CHANNEL: &str = "joined_channel";
    /// server → client: the socket left a channel's room.
    pub const LEFT_CHANNEL: &str = "left_channel";
    /// server → client: a message was posted.
    pub const NEW_MESSAGE: &str = "new_message";
    /// server → client: a channel changed (status, assignment, ticket, new channel).
    pub const CHANNEL_UPDATED: &str = "channel_updated";
    /// server → client: a channel was assigned to the receiving user.
    pub const CHANNEL_ASSIGNED: &str = "channel_assigned";
    /// server → client (super admins): a ticket was escalated.
    pub const TICKET_ESCALATED: &str = "ticket_escalated";
    /// server → client: someone is typing.
    pub const USER_TYPING: &str = "user_typing";
    /// server → client: someone stopped typing.
    pub const USER_STOP_TYPING: &str = "user_stop_typing";
    /// server → client: the user read up to a seq on another socket.
    pub const READ_UPDATED: &str = "read_updated";
    /// server → client: an event sent without an ack failed, or the session ends.
    pub const ERROR: &str = "error";
    /// The canned responses a socket's user may use changed: sync to get them (`{}`).
    pub const CANNED_RESPONSES_CHANGED: &str = "canned_responses_changed";
    /// server → client (agents): who is viewing or typing in a channel now.
    pub const PRESENCE: &str = "presence";
}

/// The handshake's `auth` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandshakeAuth {
    /// The access token.
    pub token: crate::secret::Secret,
}

/// The data of a refused handshake (`connect_error`). Socket.IO carries only a `message`
/// there, so the reason's code leads it: `"TOKEN_EXPIRED: the access token has expired"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectErrorData {
    /// `<CODE>: <why, in words>`; the code is `MISSING_TOKEN`, `INVALID_TOKEN` or
    /// `TOKEN_EXPIRED`.
    pub message: String,
}

impl ConnectErrorData {
    /// The refusal for `code`, explained by `text`.
    pub fn new(code: ErrorCode, text: &str) -> Self {
        Self {
            message: format!("{code}: {text}"),
        }
    }

    /// The code the message starts with, if it starts with one.
    pub fn code(&self) -> Option<ErrorCode> {
        self.message
            .split_once(": ")
            .and_then(|(code, _)| code.parse().ok())
    }
}

impl std::fmt::Display for ConnectErrorData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConnectErrorData {}

/// `join_channel`, `leave_channel`, `typing`, `stop_typing`, `joined_channel`, `left_channel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelRef {
    /// The channel.
    pub channel_id: ChannelId,
}

/// `send_message`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendMessagePayload {
    /// The channel.
    pub channel_id: ChannelId,
    /// The text (1..10,000 characters after trimming).
    pub content: String,
    /// Structured data (a JSON object).
    pub metadata: Option<Value>,
    /// The sender's own id for this message, which makes sending idempotent.
    pub client_message_id: Option<String>,
    /// Post an internal note, for agents only (default false).
    pub internal: Option<bool>,
}

/// `mark_read` (client → server) and `read_updated` (server → client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReadMarker {
    /// The channel.
    pub channel_id: ChannelId,
    /// The newest seq read.
    pub seq: Seq,
}

/// The answer of an event sent with an ack: `{ok:true, …}` or `{ok:false, error}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Ack<T> {
    /// It worked; the payload's fields sit beside `ok` (e.g. `message` for `send_message`).
    Ok(T),
    /// It failed.
    Err(CodedError),
}

/// The payload of an ack that carries nothing but `ok: true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Empty {}

/// What a successful `send_message` ack carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentMessage {
    /// The stored message (the first one, when the send was a repeat).
    pub message: Message,
}

#[derive(Serialize)]
struct AckOkWire<'a, T> {
    ok: bool,
    #[serde(flatten)]
    data: &'a T,
}

#[derive(Serialize, Deserialize)]
struct AckErrWire {
    ok: bool,
    error: CodedError,
}

impl<T: Serialize> Serialize for Ack<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Ok(data) => AckOkWire { ok: true, data }.serialize(serializer),
            Self::Err(error) => AckErrWire {
                ok: false,
                error: error.clone(),
            }
            .serialize(serializer),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Ack<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut value = Value::deserialize(deserializer)?;
        let object = value
            .as_object_mut()
            .ok_or_else(|| D::Error::custom("an ack must be a JSON object"))?;
        match object.remove("ok") {
            Some(Value::Bool(true)) => serde_json::from_value(value)
                .map(Ack::Ok)
                .map_err(D::Error::custom),
            Some(Value::Bool(false)) => {
                let error = object
                    .remove("error")
                    .ok_or_else(|| D::Error::missing_field("error"))?;
                serde_json::from_value(error)
                    .map(Ack::Err)
                    .map_err(D::Error::custom)
            }
            _ => Err(D::Error::missing_field("ok")),
        }
    }
}

/// `new_message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    /// The channel.
    pub channel_id: ChannelId,
    /// The message.
    pub message: Message,
}

/// `channel_updated`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelUpdated {
    /// The channel as it is now.
    pub channel: Channel,
}

/// `channel_assigned`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelAssigned {
    /// The channel.
    pub channel_id: ChannelId,
    /// The new assignee.
    pub assigned_to: UserId,
    /// Who assigned it.
    pub by: UserId,
}

/// `ticket_escalated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketEscalated {
    /// The channel.
    pub channel_id: ChannelId,
    /// Its ticket.
    pub ticket_id: TicketId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// The ticket's subject.
    pub subject: String,
}

/// `user_typing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserTyping {
    /// The channel.
    pub channel_id: ChannelId,
    /// Who is typing.
    pub user_id: UserId,
    /// Their display name, as the platform knows it.
    pub user_name: String,
}

/// `user_stop_typing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserStopTyping {
    /// The channel.
    pub channel_id: ChannelId,
    /// Who stopped typing.
    pub user_id: UserId,
}

/// `error`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorEvent {
    /// What went wrong.
    pub message: String,
    /// The kind of failure (`TOKEN_EXPIRED` before the server disconnects an expired session).
    pub code: Option<ErrorCode>,
}

/// Every event the server sends, with its name.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerEvent {
    /// `joined_channel`.
    JoinedChannel(ChannelRef),
    /// `left_channel`.
    LeftChannel(ChannelRef),
    /// `new_message`.
    NewMessage(Box<NewMessage>),
    /// `channel_updated`.
    ChannelUpdated(Box<ChannelUpdated>),
    /// `channel_assigned`.
    ChannelAssigned(ChannelAssigned),
    /// `ticket_escalated`.
    TicketEscalated(TicketEscalated),
    /// `user_typing`.
    UserTyping(UserTyping),
    /// `user_stop_typing`.
    UserStopTyping(UserStopTyping),
    /// `read_updated`.
    ReadUpdated(ReadMarker),
    /// `canned_responses_changed` (`{}`): the canned responses the user may use changed;
    /// a console syncs to get them.
    CannedResponsesChanged(Empty),
    /// `presence` (agents only): the agents viewing or typing in a channel.
    Presence(crate::presence::Presence),
    /// `error`.
    Error(ErrorEvent),
}

impl ServerEvent {
    /// The event's name on the wire.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::JoinedChannel(_) => name::JOINED_CHANNEL,
            Self::LeftChannel(_) => name::LEFT_CHANNEL,
            Self::NewMessage(_) => name::NEW_MESSAGE,
            Self::ChannelUpdated(_) => name::CHANNEL_UPDATED,
            Self::ChannelAssigned(_) => name::CHANNEL_ASSIGNED,
            Self::TicketEscalated(_) => name::TICKET_ESCALATED,
            Self::UserTyping(_) => name::USER_TYPING,
            Self::UserStopTyping(_) => name::USER_STOP_TYPING,
            Self::ReadUpdated(_) => name::READ_UPDATED,
            Self::CannedResponsesChanged(_) => name::CANNED_RESPONSES_CHANGED,
            Self::Presence(_) => name::PRESENCE,
            Self::Error(_) => name::ERROR,
        }
    }

    /// Decodes an event from its name and payload. `Ok(None)` for a name this contract does
    /// not know (a newer platform may send more).
    pub fn decode(event: &str, payload: Value) -> Result<Option<Self>, DecodeError> {
        fn as_<T: DeserializeOwned>(payload: Value) -> Result<T, DecodeError> {
            json::from_value(payload)
        }
        let decoded = match event {
            name::JOINED_CHANNEL => Self::JoinedChannel(as_(payload)?),
            name::LEFT_CHANNEL => Self::LeftChannel(as_(payload)?),
            name::NEW_MESSAGE => Self::NewMessage(as_(payload)?),
            name::CHANNEL_UPDATED => Self::ChannelUpdated(as_(payload)?),
            name::CHANNEL_ASSIGNED => Self::ChannelAssigned(as_(payload)?),
            name::TICKET_ESCALATED => Self::TicketEscalated(as_(payload)?),
            name::USER_TYPING => Self::UserTyping(as_(payload)?),
            name::USER_STOP_TYPING => Self::UserStopTyping(as_(payload)?),
            name::READ_UPDATED => Self::ReadUpdated(as_(payload)?),
            name::CANNED_RESPONSES_CHANGED => Self::CannedResponsesChanged(as_(payload)?),
            name::PRESENCE => Self::Presence(as_(payload)?),
            name::ERROR => Self::Error(as_(payload)?),
            _ => return Ok(None),
        };
        Ok(Some(decoded))
    }

    /// The payload as JSON.
    pub fn payload(&self) -> Result<Value, serde_json::Error> {
        match self {
            Self::JoinedChannel(p) | Self::LeftChannel(p) => serde_json::to_value(p),
            Self::NewMessage(p) => serde_json::to_value(p.as_ref()),
            Self::ChannelUpdated(p) => serde_json::to_value(p.as_ref()),
            Self::ChannelAssigned(p) => serde_json::to_value(p),
            Self::TicketEscalated(p) => serde_json::to_value(p),
            Self::UserTyping(p) => serde_json::to_value(p),
            Self::UserStopTyping(p) => serde_json::to_value(p),
            Self::ReadUpdated(p) => serde_json::to_value(p),
            Self::CannedResponsesChanged(p) => serde_json::to_value(p),
            Self::Presence(p) => serde_json::to_value(p),
            Self::Error(p) => serde_json::to_value(p),
        }
    }
}
