//! The UI's logic as pure functions over `protocol` types, tested natively: which channels
//! the queue shows and in what order, and how things read. Which channels a user sees and
//! which actions they are offered is `protocol::Viewer`'s.

pub mod format;
pub mod queue;
