//! Sync: everything visible to the actor that changed since a cursor, oldest change first,
//! in batches of whole transactions.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use protocol::canned::CannedResponse;
use protocol::{CannedResponseId, Channel, ChannelId, FieldError, Message};
use sqlx::Row;

use super::audience;
use super::canned;
use super::message_reads::readable_messages_by_change;
use super::rows;
use super::sql::Sql;
use super::visibility::{push_visible, push_visible_or_departed};
use super::{parse_col, Store, StoreError, StoreResult};
use crate::actor::Actor;

/// One answer of `/api/chat/sync`.
#[derive(Debug, Clone)]
pub struct SyncBatch {
    /// Pass as `since` next time.
    pub cursor: String,
    /// More changes wait.
    pub has_more: bool,
    /// Channels that changed.
    pub channels: Vec<Channel>,
    /// Messages that were posted.
    pub messages: Vec<Message>,
    /// Canned responses the actor may use that were saved or changed.
    pub canned_responses: Vec<CannedResponse>,
    /// Canned responses the actor could use that were deleted.
    pub deleted_canned_response_ids: Vec<CannedResponseId>,
}

fn encode_cursor(change: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("c1:{change}"))
}

fn decode_cursor(cursor: &str) -> StoreResult<i64> {
    let invalid = || {
        StoreError::Invalid(vec![FieldError::new(
            "since",
            "is not a cursor this server gave",
        )])
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix("c1:")
        .and_then(|n| n.parse().ok())
        .filter(|n: &i64| *n >= 0)
        .ok_or_else(invalid)
}

impl Store {
    /// Changes after `since` (from the beginning when `None`), at most `limit` change
    /// numbers' worth. A transaction's changes are never split across batches.
    pub async fn sync(
        &self,
        actor: &Actor,
        since: Option<&str>,
        limit: u32,
    ) -> StoreResult<SyncBatch> {
        let since = since.map(decode_cursor).transpose()?.unwrap_or(0);
        let limit = i64::from(limit.max(1));

        // The change numbers to deliver: the first `limit` after `since` that touched
        // something visible. Each side takes only its first `limit + 1` distinct numbers
        // in order (an index range scan on `change_seq`), so a batch costs the same however
        // much is still to come.
        let mut sql = Sql::new(
            "SELECT change_seq FROM (SELECT change_seq FROM (SELECT DISTINCT c.change_seq FROM channels c WHERE c.change_seq > ",
        );
        sql.bind(since).push(" AND ");
        push_visible_or_departed(&mut sql, actor, since);
        sql.push(" ORDER BY c.change_seq LIMIT ")
            .bind(limit + 1)
            .push(") a UNION SELECT change_seq FROM (SELECT DISTINCT m.change_seq FROM messages m CROSS JOIN channels c WHERE c.id = m.channel_id AND m.change_seq > ")
            .bind(since)
            .push(" AND ");
        push_visible(&mut sql, actor);
        audience::push_reaches(&mut sql, actor.audience(), "m");
        sql.push(" ORDER BY m.change_seq LIMIT ")
            .bind(limit + 1)
            .push(") b");
        canned::push_change_numbers(&mut sql, actor, since, limit + 1);
        sql.push(") changes ORDER BY change_seq LIMIT ")
            .bind(limit + 1);
        let numbers: Vec<i64> = sql
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| row.try_get::<i64, _>("change_seq"))
            .collect::<Result<_, _>>()?;
        let has_more = numbers.len() as i64 > limit;
        let Some(&upto) = numbers.iter().take(limit as usize).next_back() else {
            return Ok(SyncBatch {
                cursor: encode_cursor(since),
                has_more: false,
                channels: Vec::new(),
                messages: Vec::new(),
                canned_responses: Vec::new(),
                deleted_canned_response_ids: Vec::new(),
            });
        };

        let mut sql = Sql::new("SELECT c.id FROM channels c WHERE c.change_seq > ");
        sql.bind(since)
            .push(" AND c.change_seq <= ")
            .bind(upto)
            .push(" AND ");
        push_visible_or_departed(&mut sql, actor, since);
        sql.push(" ORDER BY c.change_seq, c.id");
        let ids: Vec<ChannelId> = sql
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| parse_col(row, "id"))
            .collect::<StoreResult<_>>()?;
        let mut channels = self.channels_by_id(actor, &ids).await?;
        let departed: Vec<ChannelId> = ids
            .iter()
            .filter(|id| !channels.iter().any(|c| c.id == **id))
            .copied()
            .collect();
        channels.extend(self.departed_channels_by_id(actor, &departed).await?);
        // Oldest change first, as the ids came.
        let order: std::collections::HashMap<ChannelId, usize> =
            ids.iter().enumerate().map(|(n, id)| (*id, n)).collect();
        channels.sort_by_key(|c| order.get(&c.id).copied());

        let mut sql = readable_messages_by_change(actor);
        sql.push("m.change_seq > ")
            .bind(since)
            .push(" AND m.change_seq <= ")
            .bind(upto)
            .push(" ORDER BY m.change_seq, m.channel_id, m.seq");
        let messages = sql
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::message)
            .collect::<StoreResult<_>>()?;
        let (canned_responses, deleted_canned_response_ids) =
            self.canned_changed_between(actor, since, upto).await?;
        Ok(SyncBatch {
            cursor: encode_cursor(upto),
            has_more,
            channels,
            messages,
            canned_responses,
            deleted_canned_response_ids,
        })
    }
}
