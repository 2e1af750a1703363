//! The console's engine: everything the desktop console does that is not drawing a window.
//!
//! It knows nothing of Tauri or of any UI; the desktop shell and `switchboard-cli` both drive
//! it, and it speaks to the platform only through the types of [`protocol`].
//!
//! The pieces, each arriving with the engine's issue:
//! - **session**: sign in, token refresh, sign out, profiles; secrets in the OS keyring.
//! - **rest**: the typed REST client, one error enum telling offline from unauthorized from
//!   invalid.
//! - **realtime**: Socket.IO v5 over a WebSocket (a small codec and a reconnecting client).
//! - **cache**: the local SQLite store that everything shown is read from, with full-text
//!   search.
//! - **sync**: catching up through `/api/chat/sync` after every (re)connect.
//! - **outbox**: messages and actions written offline, sent exactly once when back online.
//! - **notify**: the pure policy of what notifies, and the notifier.
//! - **changes**: the one typed stream of changes to the front.
//!
//! The design follows matrix-rust-sdk's: a sans-I/O core of pure decisions, I/O at the edges,
//! a persisted send queue. See `ARCHITECTURE.md`.

pub use protocol;
