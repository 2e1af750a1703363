//! The one typed stream of changes to the front: what changed in the cache or the
//! connection, as it happens. A front takes a snapshot from the cache, then applies these.

use protocol::events::{UserStopTyping, UserTyping};
use protocol::ipc::ConnectionState;
use protocol::model::Seq;
use protocol::{Channel, ChannelId, Message};
use serde::Serialize;
use tokio::sync::broadcast;

/// Changes a slow front may fall behind by before it must take a new snapshot.
const BACKLOG: usize = 1024;

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "change")]
pub enum Change {
    /// The connection to the platform changed.
    Connection {
        /// The new state.
        state: ConnectionState,
        /// Why, when there is more to say.
        detail: Option<String>,
    },
    /// A channel was stored or changed.
    Channel {
        /// It, as it is now.
        channel: Box<Channel>,
    },
    /// A channel is no longer visible and left the cache.
    ChannelRemoved {
        /// Which.
        channel_id: ChannelId,
    },
    /// A message was stored.
    Message {
        /// It.
        message: Box<Message>,
    },
    /// Someone started typing.
    Typing {
        /// Who, where.
        typing: UserTyping,
    },
    /// Someone stopped typing.
    StoppedTyping {
        /// Who, where.
        typing: UserStopTyping,
    },
    /// The user read a channel up to `seq` (on another device, or here).
    Read {
        /// Which channel.
        channel_id: ChannelId,
        /// Up to where.
        seq: Seq,
    },
    /// A catch-up with the platform finished.
    Synced {
        /// Channels stored.
        channels: u32,
        /// Messages stored.
        messages: u32,
    },
    /// The outbox changed (something was queued, sent, or parked).
    Outbox,
}

/// The sending side, shared by everything that changes the cache.
#[derive(Debug, Clone)]
pub struct Changes {
    sender: broadcast::Sender<Change>,
}

impl Default for Changes {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(BACKLOG);
        Self { sender }
    }
}

impl Changes {
    /// Announces `change` (nobody listening is fine).
    pub fn send(&self, change: Change) {
        let _ = self.sender.send(change);
    }

    /// A new subscription: every change from now on. A receiver that lags gets
    /// `RecvError::Lagged` and should take a fresh snapshot from the cache.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.sender.subscribe()
    }
}
