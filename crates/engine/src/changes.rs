//! The one typed stream of changes to the front: what changed in the cache or the
//! connection, as it happens. A front takes a snapshot from the cache, then applies these.

pub use protocol::console::Change;
use tokio::sync::broadcast;

/// Changes a slow front may fall behind by before it must take a new snapshot.
const BACKLOG: usize = 1024;

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
