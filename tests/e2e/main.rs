//! End-to-end tests of the whole Switchboard: the real desktop app in a real window, driven
//! through WebDriver (tauri-driver in front of WebKitWebDriver) on a virtual display.
//!
//! Run them with `cargo xtask test`, which provides Xvfb, a D-Bus session with a notification
//! daemon, and the drivers. Run alone without those they fail, saying what is missing: they
//! are never skipped.
//!
//! - `support`: the harness — tauri-driver, the WebDriver session, the output folder.
//! - `window`: the shell renders, answers a command, and shows an event pushed from Rust.
//! - `console`: the console end to end against the real platform, as an org admin (queue,
//!   chat, live messages, notifications, actions, new ticket, offline and back) and as a
//!   participant (no management actions).
//! - `ticket`: a ticket through its life (selects, typing, read markers, mute, resolve,
//!   reopen, archive).
//! - `package`: the app as its package installs it reaches sign-in, signs in, shows the
//!   queue (run again on the installed `.deb` by `cargo xtask test`).
//! - `instance`: one app per profile; other profiles run beside it.
//! - `queue_hold`: the queue holds still under the pointer and the keyboard while live
//!   updates wait behind a pill (`u` shows them); a ticket found by its `#number`.
//! - `sla`: SLA countdown badges in the queue and the details, calm, amber and red; `t`
//!   takes the open ticket.
//! - `collision`: a colleague on the same ticket shows in its header; Send asks when the
//!   customer or a colleague posted first.
//! - `sla_settings`: Settings → SLA: an admin saves a policy with business hours, which the
//!   platform then serves; an unknown time zone is named beside its field.
//! - `workflow`: the agent workflow: an internal note the customer never sees, a canned
//!   response inserted with `/` and sent filled in, a draft that survives a restart.

mod collision;
mod console;
mod instance;
mod package;
mod queue_hold;
mod sla;
mod sla_settings;
mod support;
mod ticket;
mod window;
mod workflow;
