//! The harness of the end-to-end tests.

mod app;
pub mod console;
mod notifications;
mod output;
mod platform;
mod process;
mod tray;

pub use app::AppSession;
pub use notifications::NotificationWatch;
pub use output::output_dir;
pub use platform::{eventually, Platform, Rest, DEMO_PASSWORD};
pub use tray::Tray;
