//! The commands the UI invokes. Each returns protocol types, and fails with a
//! [`CodedError`] the UI can show.

use protocol::error::{CodedError, ErrorCode};
use protocol::ipc::{name, AppInfo};
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::connection::ConnectionTracker;

/// The app's name and version.
#[tauri::command]
pub fn app_info() -> AppInfo {
    AppInfo {
        name: "Switchboard".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// Checks the connection now and pushes the result to every window as a
/// `connection-state` event.
#[tauri::command]
pub fn check_connection<R: Runtime>(
    app: AppHandle<R>,
    tracker: State<'_, ConnectionTracker>,
) -> Result<(), CodedError> {
    let report = tracker.check();
    tracing::debug!(state = ?report.state, "connection checked");
    app.emit(name::CONNECTION_STATE, &report).map_err(|error| {
        CodedError::new(
            ErrorCode::Internal,
            format!("cannot tell the window the connection state: {error}"),
        )
    })
}
