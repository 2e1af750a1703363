//! The harness: the engine's (a platform server that restarts on the same port and
//! database, engines over temp profiles), shared rather than copied, and the CLI binary run
//! over a profile home.

use std::path::PathBuf;

// The engine's tests use all of it; these use part.
#[allow(dead_code)]
#[path = "../../../engine/tests/it/support.rs"]
mod engine_support;

pub use engine_support::{Home, Platform};

/// The CLI binary.
pub fn cli_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_switchboard-cli"))
}

/// Runs the CLI with `args` over `home`; its exit code and stdout.
pub async fn cli(home: &Home, args: &[&str]) -> (i32, String, String) {
    let output = tokio::process::Command::new(cli_path())
        .args(["--no-keyring"])
        .args(args)
        .env("SWITCHBOARD_HOME", home.path())
        .env_remove("SWITCHBOARD_PROFILE")
        .output()
        .await
        .expect("the CLI runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
