//! The engine against the real platform server (in-process, port 0, its own SQLite file)
//! and real cache files.
//!
//! - `support`: a restartable server, engine profiles in temp dirs, REST helpers.
//! - `sync`: an engine offline through 1,000 messages and 50 actions catches up exactly.
//! - `outbox`: an action whose channel changed meanwhile waits for review.
//! - `owner`: concurrent wake-ups of the outbox's one owner apply a queued action once.
//! - `realtime`: live events into the cache; reconnects after a restart; token refresh.
//! - `notes`: an internal note written offline goes out once as a note; ticket numbers
//!   survive a restart and `#N` finds exactly its ticket offline.
//! - `canned`: canned responses synced into the cache (created, edited, deleted) and kept
//!   across a restart; the platform's signal syncs them live; the engine's own changes.
//! - `drafts`: composer drafts survive a reopen and a send clears them.
//! - `sla_warning`: warnings before an SLA breach as a table; each shown once.
//! - `sla_policies`: SLA policies read and replaced through the engine; refusals named.
//! - `notify`: the notification policy as a table (tickets named `#N`); one notice through
//!   a real daemon.
//! - `crash`: a kill -9 of the platform (its own process) in the middle of a flush.
//! - `interop`: the engine's Socket.IO client against the official Node `socket.io` server.
//! - `gate`: a gate in front of the platform that refuses sockets, fails requests or
//!   speaks TLS on demand.
//! - `trouble`: platform trouble (refused sockets, failing refreshes) keeps the session;
//!   a refused token still signs out.
//! - `trust`: a profile's `ca.pem` for REST and `wss://`.

mod canned;
mod crash;
mod drafts;
mod gate;
mod interop;
mod notes;
mod notify;
mod outbox;
mod owner;
mod realtime;
mod sla_policies;
mod sla_warning;
mod support;
mod sync;
mod trouble;
mod trust;
