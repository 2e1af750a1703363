//! The `switchboard` desktop app's entry point.

// Without a console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    switchboard_app::started();
    switchboard_app::init_tracing();
    match switchboard_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "switchboard stopped with an error");
            eprintln!("switchboard: {error}");
            ExitCode::FAILURE
        }
    }
}
