//! The outbox's rows: work made offline, with a client UUID and a state, in the order it
//! was made. Persisted before anything is sent, so a crash or restart loses nothing.

use chrono::Utc;
use protocol::rest::UpdateTicketRequest;
use protocol::{ChannelId, ChannelStatus, UserId};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{from_json, to_json};
use crate::error::{Error, Result};

/// Where a piece of work stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::NeedsReview => "needs_review",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "queued" => Self::Queued,
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "failed" => Self::Failed,
            "needs_review" => Self::NeedsReview,
            other => return Err(Error::Local(format!("unknown outbox state `{other}`"))),
        })
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

/// A piece of work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Work {
    /// Post a message.
    SendMessage {
        /// The text.
        content: String,
    },
    /// Assign the channel.
    Assign {
        /// To whom.
        member: UserId,
        /// The channel as it was.
        expected: Expected,
    },
    /// Escalate the channel.
    Escalate {
        /// Why.
        reason: String,
        /// The channel as it was.
        expected: Expected,
    },
    /// Resolve the channel.
    Resolve {
        /// How.
        resolution: Option<String>,
        /// The channel as it was.
        expected: Expected,
    },
    /// Reopen the channel.
    Reopen {
        /// The channel as it was.
        expected: Expected,
    },
    /// Archive the channel.
    Archive {
        /// The channel as it was.
        expected: Expected,
    },
    /// Change the ticket.
    UpdateTicket {
        /// The change.
        update: UpdateTicketRequest,
        /// The channel as it was.
        expected: Expected,
    },
}

impl Work {
    /// The kind, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SendMessage { .. } => "sendMessage",
            Self::Assign { .. } => "assign",
            Self::Escalate { .. } => "escalate",
            Self::Resolve { .. } => "resolve",
            Self::Reopen { .. } => "reopen",
            Self::Archive { .. } => "archive",
            Self::UpdateTicket { .. } => "updateTicket",
        }
    }

    /// The state the channel must still be in for an action to apply.
    pub fn expected(&self) -> Option<&Expected> {
        match self {
            Self::SendMessage { .. } => None,
            Self::Assign { expected, .. }
            | Self::Escalate { expected, .. }
            | Self::Resolve { expected, .. }
            | Self::Reopen { expected }
            | Self::Archive { expected }
            | Self::UpdateTicket { expected, .. } => Some(expected),
        }
    }
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Why the last try failed.
    pub last_error: Option<String>,
}

/// A row as stored: seq, id, channel, payload, state, attempts, last error.
type RawItem = (i64, String, String, String, String, u32, Option<String>);

fn item(row: &Row<'_>) -> rusqlite::Result<RawItem> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

fn decode(raw: RawItem) -> Result<OutboxItem> {
    let (seq, id, channel, payload, state, attempts, last_error) = raw;
    Ok(OutboxItem {
        seq,
        id: id
            .parse()
            .map_err(|_| Error::Local(format!("bad outbox id {id}")))?,
        channel_id: channel
            .parse()
            .map_err(|_| Error::Local(format!("bad outbox channel {channel}")))?,
        work: from_json(&payload)?,
        state: OutboxState::parse(&state)?,
        attempts,
        last_error,
    })
}

const COLUMNS: &str = "seq, id, channel_id, payload, state, attempts, last_error";

/// Queues `work` for `channel`; returns the new row.
pub fn enqueue(conn: &Connection, channel: ChannelId, work: &Work) -> Result<OutboxItem> {
    let id = Uuid::new_v4();
    let now = Utc::now().timestamp_micros();
    conn.execute(
        "INSERT INTO outbox (id, channel_id, kind, payload, state, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5)",
        params![id.to_string(), channel.to_string(), work.kind(), to_json(work)?, now],
    )?;
    get(conn, id)?.ok_or_else(|| Error::Local("the queued work vanished".to_owned()))
}

/// One row by id.
pub fn get(conn: &Connection, id: Uuid) -> Result<Option<OutboxItem>> {
    let raw = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
            params![id.to_string()],
            item,
        )
        .optional()?;
    raw.map(decode).transpose()
}

/// Work still to send (queued, or caught sending by a crash), oldest first.
pub fn pending(conn: &Connection) -> Result<Vec<OutboxItem>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE state IN ('queued', 'sending') ORDER BY seq"
    ))?;
    let rows = statement.query_map([], item)?;
    rows.map(|raw| decode(raw?)).collect()
}

/// Every row not yet sent, and the last `sent_shown` sent ones, oldest first.
pub fn list(conn: &Connection, sent_shown: u32) -> Result<Vec<OutboxItem>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE state <> 'sent' \
         OR seq IN (SELECT seq FROM outbox WHERE state = 'sent' ORDER BY seq DESC LIMIT ?1) ORDER BY seq"
    ))?;
    let rows = statement.query_map(params![sent_shown], item)?;
    rows.map(|raw| decode(raw?)).collect()
}

/// Moves a row to `state`, noting why (and counting a try when it is one).
pub fn set_state(
    conn: &Connection,
    id: Uuid,
    state: OutboxState,
    error: Option<&str>,
    tried: bool,
) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = ?2, last_error = ?3, attempts = attempts + ?4, updated_at = ?5 WHERE id = ?1",
        params![id.to_string(), state.as_str(), error, i64::from(tried), Utc::now().timestamp_micros()],
    )?;
    Ok(())
}
