//! Catching up: pull `/api/chat/sync` from the stored cursor until `hasMore` is false,
//! applying each batch and its cursor in one cache transaction — so a crash between
//! batches repeats at most one batch, and applying twice changes nothing. Canned responses
//! (saved, changed and deleted) ride in the same batches and the same transactions.

use protocol::rest::{SyncQuery, SyncResponse};
use protocol::validate::SYNC_BATCH_MAX;

use crate::cache::{canned, channels, messages, state, Cache};
use crate::error::{Error, Result};
use crate::session::{Session, Viewer};

/// Changes per sync request unless the engine is told otherwise.
pub const BATCH_DEFAULT: u32 = SYNC_BATCH_MAX;

/// Decodes one answer of `/api/chat/sync`.
pub fn decode(text: &str) -> Result<SyncResponse> {
    protocol::json::from_str(text)
        .map_err(|e| Error::Server(format!("unexpected answer from /api/chat/sync: {e}")))
}

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
    let added = if lost_ids.is_empty() {
        messages::insert(conn, &batch.messages)?
    } else {
        let kept: Vec<_> = batch
            .messages
            .iter()
            .filter(|m| !lost_ids.contains(&m.channel_id))
            .cloned()
            .collect();
        messages::insert(conn, &kept)?
    };
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

/// One answer of `/api/chat/sync` from `since`.
async fn fetch(session: &Session, since: Option<String>, limit: u32) -> Result<SyncResponse> {
    let query = SyncQuery {
        since,
        limit: Some(limit),
    };
    session
        .call(|api| {
            let query = query.clone();
            async move { api.sync(&query).await }
        })
        .await
}

/// Pulls everything that changed since the stored cursor into the cache. The next batch is
/// fetched (from the cursor the current one carries) while the cache applies the current
/// one, so the network and the cache overlap; each batch still commits with its cursor.
pub async fn catch_up(session: &Session, cache: &Cache, batch_size: u32) -> Result<SyncReport> {
    let limit = batch_size.clamp(1, SYNC_BATCH_MAX);
    let since = cache
        .read(|conn| state::get(conn, state::SYNC_CURSOR))
        .await?;
    let first = fetch(session, since, limit).await?;
    if !first.has_more {
        // One batch (a start after a short absence): SQLite's small page cache does.
        return pull(session, cache, limit, first).await;
    }
    // The large page cache for a long catch-up only, given back however it ends: what it
    // frees stays with the process's allocator, so a short one does without it.
    cache.roomy(true).await?;
    let caught_up = pull(session, cache, limit, first).await;
    let shrunk = cache.roomy(false).await;
    let report = caught_up?;
    shrunk?;
    Ok(report)
}

/// Applies `batch` (fetched with `limit`) and pulls and applies the batches after it until
/// the platform has no more.
async fn pull(
    session: &Session,
    cache: &Cache,
    limit: u32,
    mut batch: SyncResponse,
) -> Result<SyncReport> {
    let viewer = session.viewer();
    let mut report = SyncReport::default();
    loop {
        let next_since = batch.has_more.then(|| batch.cursor.clone());
        let applying = cache.write(move |tx| apply(tx, viewer, &batch));
        let (applied, next) = match next_since {
            Some(since) => {
                let (applied, next) = tokio::join!(applying, fetch(session, Some(since), limit));
                (applied?, Some(next))
            }
            None => (applying.await?, None),
        };
        report.batches += 1;
        report.channels += applied.channels;
        report.dropped += applied.dropped;
        report.messages += applied.messages;
        report.canned += applied.canned;
        match next {
            Some(next) => batch = next?,
            None => break,
        }
    }
    Ok(report)
}
