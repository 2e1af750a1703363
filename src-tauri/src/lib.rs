//! The desktop shell of Switchboard: a thin Tauri layer that registers the commands the UI
//! calls, keeps the state they need, and pushes events to the UI.
//!
//! The console's substance lives in the `engine` crate; this crate only connects it to a
//! window. [`builder`] is generic over the Tauri runtime so tests can drive it with a mock
//! runtime.

mod commands;
mod connection;

use tauri::{Builder, Runtime};

pub use connection::ConnectionTracker;

/// Why the app could not run.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Tauri could not build or run the app.
    #[error("the desktop shell failed: {0}")]
    Tauri(#[from] tauri::Error),
}

/// Logs to stderr, filtered by `RUST_LOG` (default: `info`).
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The app's commands and state on any Tauri runtime.
pub fn builder<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .manage(ConnectionTracker::new())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::check_connection
        ])
}

/// Runs the desktop app until its last window closes.
pub fn run() -> Result<(), AppError> {
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting switchboard");
    builder(Builder::default()).run(tauri::generate_context!())?;
    Ok(())
}
