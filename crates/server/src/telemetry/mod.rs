//! What an operator sees of a running platform: Prometheus metrics on a listener of their
//! own, and the logs as text or JSON.
//!
//! - [`metrics`]: the recorder, the metrics' names and what they count, and the `/metrics`
//!   listener.
//! - [`requests`]: the REST middleware counting requests by route template and status.
//! - [`db_time`]: database time, read from the statement timings sqlx reports.
//! - [`logs`]: the log subscriber, text or JSON, with database timing beside it.
//!
//! Metrics are recorded only once [`metrics::install`] has run (the server does when it is
//! given a metrics address); until then every recording is a no-op. No label carries an
//! id, a tenant, a user or a token: routes are their templates (`/api/chat/channels/{id}`),
//! errors their codes.

pub mod db_time;
pub mod logs;
pub mod metrics;
pub mod requests;
