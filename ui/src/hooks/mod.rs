//! Custom hooks: the bridges between components and the shell.

mod use_canned;
mod use_now;
mod use_shell_event;

pub use use_canned::use_canned_responses;
pub use use_now::use_now;
pub use use_shell_event::use_shell_event;
