//! The platform server: the multi-tenant chat system the console talks to.
//!
//! Usable as a library (tests start it on port 0) behind a thin `switchboard-server` binary.
//! The pieces, each arriving with the server's issues:
//! - **settings**: typed configuration from flags and environment, secrets redacted in `Debug`.
//! - **http**: the axum router of every REST route of PLATFORM.md, one `ApiError` that maps to
//!   status codes and the `{statusCode, error, message, fields?}` body.
//! - **auth**: argon2id passwords, JWT access tokens, rotating refresh tokens, the actor
//!   extractor that every handler takes.
//! - **store**: one interface over SQLite and PostgreSQL (sqlx); every method that touches
//!   tenant data takes the caller's tenant scope, so an unscoped query cannot be written.
//! - **gateway**: the Socket.IO `/chat` namespace (socketioxide), shared across nodes
//!   through Redis.
//! - **demo**: the demo tenants, users and tickets.
//!
//! Roles, permissions and input rules come from [`protocol`], the one table both ends share.

pub use protocol;
