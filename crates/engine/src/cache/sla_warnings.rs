//! The SLA warnings already shown, so each fires once per ticket, clock and due time.

use chrono::{DateTime, Utc};
use protocol::sla::SlaKind;
use protocol::ChannelId;
use rusqlite::{params, Connection};

use crate::error::Result;

/// Records a warning as shown; `false` when it had been shown already.
pub fn mark_shown(
    conn: &Connection,
    channel: ChannelId,
    kind: SlaKind,
    due_at: DateTime<Utc>,
) -> Result<bool> {
    let inserted = conn.execute(
        "INSERT INTO sla_warnings (channel_id, kind, due_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT DO NOTHING",
        params![
            channel.to_string(),
            kind.as_str(),
            due_at.timestamp_micros()
        ],
    )?;
    Ok(inserted == 1)
}
