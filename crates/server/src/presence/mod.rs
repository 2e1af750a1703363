//! Presence (collision awareness): which agents view or type in which channel, per socket.
//! Kept in memory on one node ([`book`]), and in Redis with expiry when nodes share rooms
//! ([`shared`]); [`keeper`] renews this node's entries and sweeps those of dead nodes. Only
//! the gateway changes it; what it tells goes out through [`crate::chat::Chat`].

mod book;
pub mod keeper;
mod shared;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::Utc;
use protocol::presence::{Presence as PresenceList, PresenceAgent, PresenceState};
use protocol::{ChannelId, TenantId, UserId};
use socketioxide_redis::drivers::redis::redis_client as redis;

pub use book::Entry;
use book::{agents, Book};
use shared::Shared;

/// How long a socket may be quiet while TYPING before it counts as VIEWING again (a console
/// repeats `typing` every 3 s while keys go down; one that stops without `stop_typing` —
/// a draft left, a window closed — goes back after this).
pub const TYPING_IDLE: Duration = Duration::from_secs(8);

/// How many channels one socket may view at once (a console views one; a few windows,
/// some more).
pub const MAX_VIEWED_PER_SOCKET: usize = 16;

/// Why presence could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PresenceError {
    /// Redis failed.
    #[error("the presence store (Redis) failed: {0}")]
    Redis(#[from] redis::RedisError),
    /// An entry could not be encoded.
    #[error("a presence entry could not be encoded: {0}")]
    Encode(#[from] serde_json::Error),
}

/// A channel's list after a change, and whom to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListChanged {
    /// The channel's tenant.
    pub tenant_id: TenantId,
    /// The channel and its agents now.
    pub presence: PresenceList,
}

/// Who views what. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Presence {
    book: Arc<Mutex<Book>>,
    shared: Option<Shared>,
}

impl Presence {
    /// Presence on this node only.
    pub fn local() -> Self {
        Self {
            book: Arc::default(),
            shared: None,
        }
    }

    /// Presence shared by every node using the Redis at `url` with key `prefix`; an entry
    /// not renewed for `ttl` (its node died) is swept.
    pub async fn shared(url: &str, prefix: &str, ttl: Duration) -> Result<Self, PresenceError> {
        Ok(Self {
            book: Arc::default(),
            shared: Some(Shared::connect(url, prefix, ttl).await?),
        })
    }

    fn book(&self) -> MutexGuard<'_, Book> {
        // A panic while holding the lock leaves a consistent book (every change is one
        // insert or remove): keep using it.
        self.book
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many channels `socket` views.
    pub fn viewed_by(&self, socket: &str) -> usize {
        self.book().viewed_by(socket)
    }

    /// The agents in `channel` now, every node's.
    pub async fn list(&self, channel: ChannelId) -> Result<Vec<PresenceAgent>, PresenceError> {
        let entries = match &self.shared {
            Some(shared) => shared.entries(channel).await?,
            None => self.book().entries(channel),
        };
        Ok(agents(entries))
    }

    /// `channel`'s list now, to tell `tenant_id`'s agents.
    async fn changed(
        &self,
        tenant_id: TenantId,
        channel: ChannelId,
    ) -> Result<ListChanged, PresenceError> {
        Ok(ListChanged {
            tenant_id,
            presence: PresenceList {
                channel_id: channel,
                agents: self.list(channel).await?,
            },
        })
    }

    /// Shares `socket`'s `entry` in `channel`, when the book changed it; the new list.
    async fn moved(
        &self,
        socket: &str,
        channel: ChannelId,
        entry: Option<Entry>,
    ) -> Result<Option<ListChanged>, PresenceError> {
        let Some(entry) = entry else {
            return Ok(None);
        };
        if let Some(shared) = &self.shared {
            shared
                .put(&[(channel, socket.to_owned(), entry.clone())])
                .await?;
        }
        self.changed(entry.tenant_id, channel).await.map(Some)
    }

    /// `socket` of `user` views `channel` of `tenant`: the list now, and whether it
    /// changed.
    pub async fn view(
        &self,
        socket: &str,
        tenant_id: TenantId,
        channel: ChannelId,
        user_id: UserId,
        user_name: &str,
    ) -> Result<(ListChanged, bool), PresenceError> {
        let entry = Entry {
            tenant_id,
            user_id,
            user_name: user_name.to_owned(),
            state: PresenceState::Viewing,
            since: Utc::now(),
            typed_at: None,
        };
        let added = self.book().view(socket, channel, entry.clone());
        match self.moved(socket, channel, added.then_some(entry)).await? {
            Some(list) => Ok((list, true)),
            None => Ok((self.changed(tenant_id, channel).await?, false)),
        }
    }

    /// `socket` views `channel` no more; the new list when it did.
    pub async fn stop_viewing(
        &self,
        socket: &str,
        channel: ChannelId,
    ) -> Result<Option<ListChanged>, PresenceError> {
        let Some(left) = self.book().leave(socket, channel) else {
            return Ok(None);
        };
        if let Some(shared) = &self.shared {
            shared.remove(socket, &[channel]).await?;
        }
        self.changed(left.tenant_id, channel).await.map(Some)
    }

    /// `socket` started or stopped typing in `channel`: TYPING or VIEWING there if it views
    /// it; the new list when that changed something.
    pub async fn typing(
        &self,
        socket: &str,
        channel: ChannelId,
        typing: bool,
    ) -> Result<Option<ListChanged>, PresenceError> {
        let state = if typing {
            PresenceState::Typing
        } else {
            PresenceState::Viewing
        };
        let entry = self.book().set_state(socket, channel, state, Utc::now());
        self.moved(socket, channel, entry).await
    }

    /// `socket` typed nothing in `channel` for [`TYPING_IDLE`]: VIEWING again; the new list
    /// when it was still TYPING.
    pub async fn typing_idle(
        &self,
        socket: &str,
        channel: ChannelId,
    ) -> Result<Option<ListChanged>, PresenceError> {
        let entry = self
            .book()
            .typing_idle(socket, channel, TYPING_IDLE, Utc::now());
        self.moved(socket, channel, entry).await
    }

    /// `socket` is gone: it leaves every list; the lists that changed.
    pub async fn drop_socket(&self, socket: &str) -> Result<Vec<ListChanged>, PresenceError> {
        let left = self.book().drop_socket(socket);
        if let Some(shared) = self.shared.as_ref().filter(|_| !left.is_empty()) {
            let channels: Vec<ChannelId> = left.iter().map(|(channel, _)| *channel).collect();
            shared.remove(socket, &channels).await?;
        }
        let mut changed = Vec::with_capacity(left.len());
        for (channel, entry) in left {
            changed.push(self.changed(entry.tenant_id, channel).await?);
        }
        Ok(changed)
    }

    /// Renews this node's entries and sweeps the expired ones of nodes that stopped
    /// renewing theirs; the lists the sweep changed. Nothing to do on one node.
    pub async fn keep(&self) -> Result<Vec<ListChanged>, PresenceError> {
        let Some(shared) = &self.shared else {
            return Ok(Vec::new());
        };
        let held = self.book().held();
        shared.put(&held).await?;
        let mut changed = Vec::new();
        for (channel, tenant_id) in shared.sweep().await? {
            changed.push(self.changed(tenant_id, channel).await?);
        }
        Ok(changed)
    }
}
