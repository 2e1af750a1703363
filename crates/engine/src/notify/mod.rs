//! Notifications: [`policy`] decides, purely, what deserves one (and groups bursts);
//! [`notifier`] shows them through the desktop's notification daemon (notify-rust over
//! D-Bus).

pub mod notifier;
pub mod policy;

pub use notifier::Notifier;
pub use policy::{decide, group, Context, Event, Notice};
