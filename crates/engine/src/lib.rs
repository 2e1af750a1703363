//! The console's engine: everything the desktop console does that is not drawing a window.
//!
//! It knows nothing of Tauri or of any UI; the desktop shell and `switchboard-cli` (its own
//! package, `crates/cli`) both drive it, and it speaks to the platform only through the
//! types of [`protocol`].
//!
//! The pieces:
//! - [`engine`]: [`Engine`], the one object a front drives.
//! - [`profile`], [`credentials`], [`session`]: profiles side by side, the refresh token in
//!   the OS keyring or a 0600 file, sign-in, token refresh, sign-out; [`trust`]: a
//!   profile's extra CA certificates (`ca.pem`) for REST and the live connection.
//! - [`api`]: the typed REST client; [`error`]: one error enum telling offline from
//!   unauthorized from invalid.
//! - [`cache`]: the local SQLite store that everything shown is read from, with full-text
//!   search.
//! - [`sync`]: catching up through `/api/chat/sync`.
//! - [`outbox`]: messages and actions, persisted first, sent exactly once and in order by
//!   one task per engine (its owner) that everything else only wakes.
//! - [`realtime`]: the reconnecting Socket.IO client over the protocol's frame codec.
//! - [`changes`]: the one typed stream of changes to the front.
//! - [`notify`]: the pure policy of what notifies (and bursts grouped), and the notifier.
//!
//! The design follows matrix-rust-sdk's: a sans-I/O core of pure decisions, I/O at the edges,
//! a persisted send queue. See `ARCHITECTURE.md`.

pub mod api;
pub mod cache;
pub mod changes;
pub mod credentials;
pub mod engine;
pub mod error;
pub mod notify;
pub mod outbox;
pub mod profile;
pub mod realtime;
pub mod session;
pub mod sync;
pub mod trust;

pub use engine::{Engine, EngineOptions};
pub use error::{Error, Result};
pub use protocol;
