//! The UI's logic as pure functions over `protocol` types, tested natively: which channels
//! the queue shows and in what order, which actions a role is offered, and how things read.

pub mod format;
pub mod permissions;
pub mod queue;
