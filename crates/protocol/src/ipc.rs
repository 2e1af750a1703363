//! What the desktop shell and its UI say to each other over Tauri's IPC: command names, event
//! names and their payloads. Command failures are [`crate::error::CodedError`]s.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// Command and event names, shared so neither side can misspell them.
pub mod name {
    /// Command: the app's name and version → [`super::AppInfo`].
    pub const APP_INFO: &str = "app_info";
    /// Command: check the connection now; the answer comes as a `connection-state` event.
    pub const CHECK_CONNECTION: &str = "check_connection";
    /// Event: the connection state changed → [`super::ConnectionReport`].
    pub const CONNECTION_STATE: &str = "connection-state";
}

/// The app's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// `Switchboard`.
    pub name: String,
    /// The app's version.
    pub version: String,
}

/// How the console stands with the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionState {
    /// No one is signed in.
    SignedOut,
    /// Reaching the platform.
    Connecting,
    /// Connected, live.
    Online,
    /// The platform cannot be reached; the cache is still readable.
    Offline,
}

/// A change of connection state.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    /// The state.
    pub state: ConnectionState,
    /// Since when it holds.
    pub since: DateTime<Utc>,
    /// When it was last checked.
    pub checked_at: DateTime<Utc>,
    /// Why, when there is more to say (the last error while offline).
    pub detail: Option<String>,
}
