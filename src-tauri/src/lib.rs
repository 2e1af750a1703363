//! The desktop shell of Switchboard: a thin Tauri layer over the console's engine. It opens
//! the profile, registers the commands the UI calls, forwards the engine's changes to the
//! window as events, raises notifications, and tracks what is on screen.
//!
//! The console's substance lives in the `engine` crate; this crate only connects it to a
//! window. [`builder`] is generic over the Tauri runtime.
//!
//! - `commands`: what the UI invokes.
//! - `error`: how a command fails (a `CodedError` for the UI, logged once).
//! - `console`: the shared state (engine, live connection, view, settings).
//! - `forward`: the change stream to the window, and notifications.
//! - `connection`: the connection line's state.
//! - `settings`: the settings file.
//! - `sla_watch`: warnings before SLA breaches, once each, online or off.
//! - `startup`: when the start reached each phase (for the `queue shown` milestone).
//! - `tray`: the tray icon with the unread count.
//! - `window_place`: the window's size and place, saved as they change.

mod commands;
mod connection;
mod console;
mod error;
mod forward;
mod settings;
mod sla_watch;
mod startup;
mod tray;
mod window_place;

use tauri::webview::PageLoadEvent;
use tauri::{Builder, Manager, Runtime, WindowEvent};

pub use connection::ConnectionTracker;
pub use console::{instance_id, Console};
pub use startup::started;

/// Why the app could not run.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Tauri could not build or run the app.
    #[error("the desktop shell failed: {0}")]
    Tauri(#[from] tauri::Error),
    /// The profile could not be opened.
    #[error(transparent)]
    Open(#[from] console::OpenError),
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
pub fn builder<R: Runtime>(builder: Builder<R>, console: Console) -> Builder<R> {
    let instance_id = console.instance_id().to_owned();
    // An absolute name: the plugin joins it to the config directory, which keeps it whole.
    let window_state = console.window_state_file().display().to_string();
    builder
        // A second start of the same profile brings the running window forward and exits.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_id)
                .callback(|app, _args, _cwd| {
                    tracing::info!("the profile was started again: its window comes forward");
                    tray::bring_forward(app);
                })
                .build(),
        )
        // The window opens where and as large as it was left.
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_filename(window_state)
                .build(),
        )
        .manage(window_place::Changes::default())
        .manage(ConnectionTracker::new())
        .manage(console)
        .on_page_load(|_window, load| {
            if load.event() == PageLoadEvent::Started {
                startup::page_reached();
            }
        })
        .setup(|app| {
            startup::setup_reached();
            let handle = app.handle().clone();
            tray::create(&handle);
            tauri::async_runtime::spawn(sla_watch::run(handle.clone()));
            tauri::async_runtime::spawn(forward::run(handle));
            Ok(())
        })
        .on_window_event(|window, event| match event {
            WindowEvent::Focused(focused) => {
                let focused = *focused;
                window
                    .state::<Console>()
                    .set_view(|view| view.focused = focused);
            }
            WindowEvent::Resized(_) | WindowEvent::Moved(_) => {
                window_place::changed(window.app_handle());
            }
            _ => {}
        })
        .invoke_handler(tauri::generate_handler![
            commands::queue_shown,
            commands::check_connection,
            commands::retry_connection,
            commands::console_start,
            commands::sign_in,
            commands::sign_out,
            commands::queue_page,
            commands::channel,
            commands::view_channel,
            commands::send_message,
            commands::retry,
            commands::act,
            commands::create_channel,
            commands::users,
            commands::search,
            commands::outbox,
            commands::mark_read,
            commands::typing,
            commands::set_settings,
            commands::canned_responses,
            commands::canned_create,
            commands::canned_update,
            commands::canned_delete,
            commands::sla_policies,
            commands::sla_policy_put,
            commands::draft,
            commands::save_draft,
        ])
}

/// Runs the desktop app until its last window closes.
pub fn run() -> Result<(), AppError> {
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting switchboard");
    let console = Console::open()?;
    builder(Builder::default(), console).run(tauri::generate_context!())?;
    Ok(())
}
