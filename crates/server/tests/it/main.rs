//! The platform server's tests: the real server over real HTTP on port 0, each test with its
//! own database, on SQLite and on PostgreSQL alike.
//!
//! - `support`: starting a server on a fresh database, a small HTTP client, database
//!   snapshots.
//! - `store`: the conformance suite, every case on both databases.
//! - `audience`: messages for agents only never reach a non-agent, on any read path.
//! - `roles`: the role table, each role × each action.
//! - `cross_tenant`: globex's users attack acme's ids on every route.
//! - `crash`: 10,000 sends from 20 clients while the server binary is killed three times:
//!   nothing lost, nothing twice, no hole in `seq`.
//! - `cross_tenant_events`: every role attacks the other tenant's ids with every socket event.
//! - `validation`: bad input answers 400 naming the field, and writes nothing.
//! - `canned`: canned responses: permissions, uniqueness, the change signal.
//! - `migrations`: a migration over data already there (ticket numbers).
//! - `notes`: internal notes reach agents only; ticket numbers count per tenant.
//! - `sla`: SLA clocks: protocol's table through the store, real events over REST, the
//!   queue by due time, who reads and edits policies.
//! - `sla_live`: breaches recorded once across nodes and a restart; clocks heard live by
//!   agents, never by customers.
//! - `presence`: who views or types, across two nodes, to agents only; gone consoles and
//!   killed nodes leave the lists; bad `viewing` refused.
//! - `note_leaks`: the leak suite, each non-agent role × each REST endpoint and server event.
//! - `hardening`: the defects an outside attack found, each held fixed.
//! - `auth`: login, refresh rotation and reuse, expiry, the rate limit.
//! - `gateway`: Socket.IO `/chat`: handshake, events, broadcasts, expiry, isolation, fan-out.
//! - `group_commit`: sends batched per transaction land once, in order, idempotent, a
//!   refused one failing alone; sync equals the database after a storm.
//! - `interop`: npm's socket.io-client against the gateway.
//! - `socket`: the tests' Socket.IO client (tokio-tungstenite and the protocol's codec).
//! - `openapi`: the document lists exactly the contract's routes, and each is served.
//! - `operator`: the binary as an operator runs it: metrics, JSON logs, backup, SIGTERM,
//!   a plain SQLite path.

mod audience;
mod auth;
mod canned;
mod crash;
mod cross_tenant;
mod cross_tenant_events;
mod gateway;
mod group_commit;
mod hardening;
mod interop;
mod migrations;
mod note_leaks;
mod notes;
mod openapi;
mod operator;
mod presence;
mod roles;
mod sla;
mod sla_live;
mod socket;
mod store;
mod support;
mod validation;
