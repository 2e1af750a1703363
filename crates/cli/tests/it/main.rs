//! `switchboard-cli` as a user runs it: its own process over a profile home, against the
//! real platform server (in-process, port 0, its own SQLite file).
//!
//! - `support`: the engine tests' harness (shared), and running the CLI.
//! - `outbox`: 500 messages written offline arrive exactly once, in order, after a restart.
//! - `notes`: `send --internal` posts a note (offline too) the customer never reads; `show`
//!   marks notes and `queue`/`show`/`search` name tickets by `#number`.
//! - `killed`: the CLI killed -9 mid-delivery; the next run delivers every message once.
//! - `offline`: with the server stopped, the CLI lists, shows and searches from the cache.
//! - `canned`: `canned add|list|edit|rm`, a taken short code named, offline list and search.

mod canned;
mod killed;
mod notes;
mod offline;
mod outbox;
mod support;
