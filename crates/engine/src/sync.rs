//! Catching up: pull `/api/chat/sync` from the stored cursor until `hasMore` is false,
//! applying each batch and its cursor in one cache transaction — so a crash between
//! batches repeats at most one batch, and applying twice changes nothing. Canned responses
//! (saved, changed and deleted) ride in the same batches and the same transactions.

use protocol::rest::SyncQuery;
use protocol::validate::SYNC_BATCH_MAX;

use crate::cache::{canned, channels, messages, state, Cache};
use crate::error::Result;
use crate::session::{Session, Viewer};

/// What one catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// Batches pulled.
    pub batches: u32,
    /// Channels stored (new or changed).
    pub channels: u32,
    /// Channels dropped (no longer visible).
    pub dropped: u32,
    /// Messages newly stored.
    pub messages: u32,
    /// Canned responses stored (new or changed) or deleted.
    pub canned: u32,
}

/// What applying one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Channels stored.
    pub channels: u32,
    /// Channels dropped (no longer visible).
    pub dropped: u32,
    /// Messages newly stored.
    pub messages: u32,
    /// Canned responses stored or deleted.
    pub canned: u32,
}

/// Applies one sync answer: channels the viewer may see are stored, ones it lost are
/// dropped with their messages; messages are stored once; canned responses are stored and
/// deleted as the platform says (it sends only those the user may use).
pub fn apply(
    conn: &rusqlite::Connection,
    viewer: Viewer,
    batch: &protocol::rest::SyncResponse,
) -> Result<Applied> {
    let (visible, lost): (Vec<_>, Vec<_>) = batch
        .channels
        .iter()
        .cloned()
        .partition(|c| viewer.may_see(c));
    channels::upsert(conn, &visible)?;
    let lost_ids: Vec<_> = lost.iter().map(|c| c.id).collect();
    channels::remove(conn, &lost_ids)?;
    let kept: Vec<_> = batch
        .messages
        .iter()
        .filter(|m| !lost_ids.contains(&m.channel_id))
        .cloned()
        .collect();
    let added = messages::insert(conn, &kept)?;
    canned::upsert(conn, &batch.canned_responses)?;
    let deleted = canned::remove(conn, &batch.deleted_canned_response_ids)?;
    state::set(conn, state::SYNC_CURSOR, &batch.cursor)?;
    Ok(Applied {
        channels: visible.len() as u32,
        dropped: lost_ids.len() as u32,
        messages: added as u32,
        canned: (batch.canned_responses.len() + deleted) as u32,
    })
}

/// Pulls everything that changed since the stored cursor into the cache.
pub async fn catch_up(session: &Session, cache: &Cache, batch_size: u32) -> Result<SyncReport> {
    let viewer = session.viewer();
    let mut report = SyncReport::default();
    loop {
        let since = cache
            .read(|conn| state::get(conn, state::SYNC_CURSOR))
            .await?;
        let query = SyncQuery {
            since,
            limit: Some(batch_size.clamp(1, SYNC_BATCH_MAX)),
        };
        let batch = session
            .call(|api| {
                let query = query.clone();
                async move { api.sync(&query).await }
            })
            .await?;
        let has_more = batch.has_more;
        let applied = cache.write(move |tx| apply(tx, viewer, &batch)).await?;
        report.batches += 1;
        report.channels += applied.channels;
        report.dropped += applied.dropped;
        report.messages += applied.messages;
        report.canned += applied.canned;
        if !has_more {
            return Ok(report);
        }
    }
}
