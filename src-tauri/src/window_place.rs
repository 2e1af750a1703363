//! Keeps the window's size and place saved while it changes, a moment after it settles: the
//! window-state plugin saves only when the window closes, and a crash or a kill would lose it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// How long the window must stay put before its place is saved.
const SETTLE: Duration = Duration::from_millis(500);

/// Counts the moves and resizes, so that only the last of a burst saves.
#[derive(Debug, Default)]
pub struct Changes(AtomicU64);

/// The window moved or was resized: saves its place once it settles.
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    let Some(changes) = app.try_state::<Changes>() else {
        return;
    };
    let this = changes.0.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        let latest = app.state::<Changes>().0.load(Ordering::SeqCst);
        if latest != this {
            return;
        }
        if let Err(error) = app.save_window_state(StateFlags::all()) {
            tracing::warn!(%error, "cannot save the window's size and place");
        }
    });
}
