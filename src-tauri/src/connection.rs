//! Where the console stands with the platform, as the connection-state line shows it.
//!
//! Until a profile signs in there is no session, so the state is `SIGNED_OUT`; the engine's
//! session drives the other states.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use protocol::ipc::{ConnectionReport, ConnectionState};

/// The current connection state and since when it holds.
#[derive(Debug)]
pub struct ConnectionTracker {
    current: Mutex<(ConnectionState, DateTime<Utc>, Option<String>)>,
}

impl ConnectionTracker {
    /// Starts signed out, now.
    pub fn new() -> Self {
        Self {
            current: Mutex::new((ConnectionState::SignedOut, Utc::now(), None)),
        }
    }

    /// Records a new state (keeping `since` when it did not change).
    pub fn set(&self, state: ConnectionState, detail: Option<String>) {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current.0 != state {
            current.1 = Utc::now();
        }
        current.0 = state;
        current.2 = detail;
    }

    /// The state as of now.
    pub fn check(&self) -> ConnectionReport {
        let (state, since, detail) = self
            .current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        ConnectionReport {
            state,
            since,
            checked_at: Utc::now(),
            detail,
        }
    }
}

impl Default for ConnectionTracker {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_signed_out() {
        assert_eq!(
            ConnectionTracker::new().check().state,
            ConnectionState::SignedOut
        );
    }

    #[test]
    fn since_moves_only_when_the_state_changes() {
        let tracker = ConnectionTracker::new();
        tracker.set(ConnectionState::Connecting, None);
        let first = tracker.check();
        tracker.set(ConnectionState::Connecting, None);
        let again = tracker.check();
        assert_eq!(first.since, again.since);
        assert!(again.checked_at >= first.checked_at);
        tracker.set(ConnectionState::Online, None);
        assert_eq!(tracker.check().state, ConnectionState::Online);
    }
}
