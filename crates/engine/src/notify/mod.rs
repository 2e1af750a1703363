//! Notifications: [`policy`] decides, purely, what deserves one (and groups bursts);
//! [`notifier`] shows them through the desktop's notification daemon (notify-rust over
//! D-Bus); [`sla_warning`] decides the warnings before an SLA breach.

pub mod notifier;
pub mod policy;
pub mod sla_warning;

pub use notifier::Notifier;
pub use policy::{decide, group, Context, Event, Notice};
