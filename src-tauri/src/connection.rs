//! Where the console stands with the platform, as the connection-state line shows it.
//!
//! Until a profile signs in there is no session, so the state is `SIGNED_OUT`; the engine's
//! session drives the other states.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use protocol::ipc::{ConnectionReport, ConnectionState};
use protocol::problem::Outage;

/// The state, since when it holds, the technical detail and the outage, if any.
type Current = (
    ConnectionState,
    DateTime<Utc>,
    Option<String>,
    Option<Outage>,
);

/// The current connection state and since when it holds.
#[derive(Debug)]
pub struct ConnectionTracker {
    current: Mutex<Current>,
}

impl ConnectionTracker {
    /// Starts signed out, now.
    pub fn new() -> Self {
        Self {
            current: Mutex::new((ConnectionState::SignedOut, Utc::now(), None, None)),
        }
    }

    /// Records a new state (keeping `since` when it did not change), with the outage the
    /// engine reports while offline.
    pub fn set(&self, state: ConnectionState, detail: Option<String>, outage: Option<Outage>) {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current.0 != state {
            current.1 = Utc::now();
        }
        current.0 = state;
        current.2 = detail;
        current.3 = outage;
    }

    /// The state as of now.
    pub fn check(&self) -> ConnectionReport {
        let (state, since, detail, outage) = self
            .current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        ConnectionReport {
            state,
            since,
            checked_at: Utc::now(),
            detail,
            outage,
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
        tracker.set(ConnectionState::Connecting, None, None);
        let first = tracker.check();
        tracker.set(ConnectionState::Connecting, None, None);
        let again = tracker.check();
        assert_eq!(first.since, again.since);
        assert!(again.checked_at >= first.checked_at);
        tracker.set(ConnectionState::Online, None, None);
        assert_eq!(tracker.check().state, ConnectionState::Online);
    }
}
