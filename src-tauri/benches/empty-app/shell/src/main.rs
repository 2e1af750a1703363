//! The empty app's shell: one window showing the page, and one command the page calls once
//! it has rendered and painted, which logs `first paint ms=` (milliseconds since `main`) on
//! stderr: the milestone `cargo xtask bench console` times, as it times the console's
//! `queue shown`.
//! Like the console, it also logs when Tauri ran its setup (`setup=`) and when the page
//! began loading (`page=`).

use std::sync::OnceLock;
use std::time::Instant;

/// When `main` began.
static STARTED: OnceLock<Instant> = OnceLock::new();
/// When the setup ran and the page began loading, in milliseconds since `main`.
static SETUP: OnceLock<u128> = OnceLock::new();
static PAGE: OnceLock<u128> = OnceLock::new();

fn elapsed_ms() -> u128 {
    STARTED.get_or_init(Instant::now).elapsed().as_millis()
}

/// Logs the page's first paint.
#[tauri::command]
fn rendered() {
    eprintln!(
        "first paint ms={} setup={} page={}",
        elapsed_ms(),
        SETUP.get().copied().unwrap_or(0),
        PAGE.get().copied().unwrap_or(0)
    );
}

fn main() {
    elapsed_ms();
    let result = tauri::Builder::default()
        .on_page_load(|_window, load| {
            if load.event() == tauri::webview::PageLoadEvent::Started {
                let _ = PAGE.set(elapsed_ms());
            }
        })
        .setup(|_app| {
            let _ = SETUP.set(elapsed_ms());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![rendered])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("empty-app: {error}");
        std::process::exit(1);
    }
}
