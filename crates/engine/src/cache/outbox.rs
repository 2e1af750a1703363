//! The outbox's rows: work made offline, with a client UUID and a state, in the order it
//! was made. Persisted before anything is sent, so a crash or restart loses nothing.
//!
//! A message queued as an internal note is `Work::SendMessage { internal: true, .. }`,
//! stored as `{"kind": "sendMessage", "content": …, "internal": true}`, so it goes out as a
//! note however long it waits; rows without the field (all those of older versions) are
//! replies.
//!
//! Why the last try failed is kept twice: `last_error`, the engine's technical text, and
//! `problem`, the same as a [`Problem`] (JSON) for the words a person reads.

use chrono::Utc;
pub use protocol::console::{Expected, OutboxItem, OutboxState, Work};
use protocol::problem::Problem;
use protocol::ChannelId;
use rusqlite::{params, Connection, OptionalExtension, Row};
use uuid::Uuid;

use super::{from_json, to_json};
use crate::error::{Error, Result};

/// The state as stored.
fn state_str(state: OutboxState) -> &'static str {
    match state {
        OutboxState::Queued => "queued",
        OutboxState::Sending => "sending",
        OutboxState::Sent => "sent",
        OutboxState::Failed => "failed",
        OutboxState::NeedsReview => "needs_review",
    }
}

/// The state from its stored form.
fn parse_state(text: &str) -> Result<OutboxState> {
    Ok(match text {
        "queued" => OutboxState::Queued,
        "sending" => OutboxState::Sending,
        "sent" => OutboxState::Sent,
        "failed" => OutboxState::Failed,
        "needs_review" => OutboxState::NeedsReview,
        other => return Err(Error::Local(format!("unknown outbox state `{other}`"))),
    })
}

/// Why a try failed: the technical text and the words for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The engine's error, as text.
    pub detail: String,
    /// The same, classified.
    pub problem: Problem,
}

impl Failure {
    /// The failure `error` of a try against the platform at `server`.
    pub fn of(error: &Error, server: &str) -> Self {
        Self {
            detail: error.to_string(),
            problem: error.problem().at(server),
        }
    }
}

/// A row as stored: seq, id, channel, payload, state, attempts, last error, problem.
type RawItem = (
    i64,
    String,
    String,
    String,
    String,
    u32,
    Option<String>,
    Option<String>,
);

fn item(row: &Row<'_>) -> rusqlite::Result<RawItem> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
    ))
}

fn decode(raw: RawItem) -> Result<OutboxItem> {
    let (seq, id, channel, payload, state, attempts, last_error, problem) = raw;
    // Words that cannot be read back are dropped: the technical text stays.
    let problem = problem.and_then(|json| serde_json::from_str(&json).ok());
    Ok(OutboxItem {
        seq,
        id: id
            .parse()
            .map_err(|_| Error::Local(format!("bad outbox id {id}")))?,
        channel_id: channel
            .parse()
            .map_err(|_| Error::Local(format!("bad outbox channel {channel}")))?,
        work: from_json(&payload)?,
        state: parse_state(&state)?,
        attempts,
        last_error,
        problem,
    })
}

const COLUMNS: &str = "seq, id, channel_id, payload, state, attempts, last_error, problem";

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

/// Puts a failed or parked item back in the queue with `work` (its expectation renewed;
/// a note stays a note, since the flag is part of the work).
pub fn requeue(conn: &Connection, id: Uuid, work: &Work) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET payload = ?2, state = 'queued', last_error = NULL, problem = NULL, updated_at = ?3 WHERE id = ?1",
        params![id.to_string(), to_json(work)?, Utc::now().timestamp_micros()],
    )?;
    Ok(())
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
    failure: Option<&Failure>,
    tried: bool,
) -> Result<()> {
    let detail = failure.map(|f| f.detail.as_str());
    let problem = failure.map(|f| to_json(&f.problem)).transpose()?;
    conn.execute(
        "UPDATE outbox SET state = ?2, last_error = ?3, problem = ?4, attempts = attempts + ?5, updated_at = ?6 WHERE id = ?1",
        params![id.to_string(), state_str(state), detail, problem, i64::from(tried), Utc::now().timestamp_micros()],
    )?;
    Ok(())
}
