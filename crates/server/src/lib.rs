//! The platform server: the multi-tenant chat system the console talks to.
//!
//! Usable as a library — [`app`] builds the router, [`launch`] serves it on a listener until a
//! shutdown signal — behind the thin `switchboard-server` binary. The modules:
//! - [`settings`]: typed configuration; `Debug` redacts secrets.
//! - [`error`]: `ApiError`, mapped to status codes and the contract's error body.
//! - [`actor`]: who acts, from a verified token; every store call over tenant data takes one.
//! - [`auth`]: argon2id passwords, JWT access tokens, rotating refresh tokens, rate limits.
//! - [`store`]: SQLite and PostgreSQL through one portable implementation.
//! - [`http`]: the axum router of every REST route of PLATFORM.md.
//!
//! Roles, permissions and input rules come from [`protocol`], the one table both ends share.

pub mod actor;
pub mod error;
pub mod settings;
pub mod store;

pub use protocol;
