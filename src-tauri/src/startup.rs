//! The app's start, phase by phase: when the process began, when Tauri ran the app's setup,
//! and when the window's page began loading (the origin of the page's `performance.now()`).
//! The console's cold-start milestone, `queue shown`, logs them (read by
//! `cargo xtask bench console`).

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();
static SETUP: OnceLock<u64> = OnceLock::new();
static PAGE: OnceLock<u64> = OnceLock::new();

/// When the process started (first asked for by `main`).
pub fn started() -> Instant {
    *STARTED.get_or_init(Instant::now)
}

/// Milliseconds since the process started.
pub fn elapsed_ms() -> u64 {
    u64::try_from(started().elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Notes that Tauri runs the app's setup now (the first time only).
pub fn setup_reached() {
    let _ = SETUP.set(elapsed_ms());
}

/// Notes that the window's page begins loading now (the first time only).
pub fn page_reached() {
    let _ = PAGE.set(elapsed_ms());
}

/// When the setup ran, in milliseconds since the process started.
pub fn setup_ms() -> Option<u64> {
    SETUP.get().copied()
}

/// When the page began loading, in milliseconds since the process started.
pub fn page_ms() -> Option<u64> {
    PAGE.get().copied()
}
