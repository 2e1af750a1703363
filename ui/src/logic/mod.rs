//! The UI's logic as pure functions over `protocol` types, tested natively: the queue's
//! view and which window of it to ask for, when it holds still under the agent's hand, and how
//! things read; canned responses' `/` picker and variables, and how the composer reads; a
//! ticket's SLA countdown; the SLA policies' form; what "take it" does; who else is on a
//! ticket and what Send asks when someone posted first; how trouble reads (`words`).
//! Which channels a user sees and which actions they are offered is
//! `protocol::Viewer`'s.

pub mod canned;
pub mod collision;
pub mod composer;
pub mod format;
pub mod hold;
pub mod queue;
pub mod sla;
pub mod sla_policy;
pub mod take;
pub mod window;
pub mod words;
