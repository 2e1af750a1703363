//! Running commands with progress: each step says what it does, how long it usually takes,
//! and how long it took.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// The virtual display for the window: one screen, 24-bit colour, no TCP.
pub const XVFB_SERVER_ARGS: &str = "--server-args=-screen 0 1280x800x24 -nolisten tcp";

/// Where tests write what a person may want to look at (screenshots).
pub const TEST_OUTPUT_DIR: &str = "target/test-output";

/// Runs `body` as a named step, printing its start and its duration.
pub fn step<T>(title: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
    println!("==> {title}");
    let started = Instant::now();
    let result = body();
    let took = started.elapsed().as_secs_f64();
    match &result {
        Ok(_) => println!("    done in {took:.1}s"),
        Err(_) => println!("    failed after {took:.1}s"),
    }
    result
}

/// A command with the workspace as its directory and cargo's bin directory on its `PATH`.
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    command.current_dir(crate::workspace_root());
    command.env("PATH", path_with_cargo_bin());
    command
}

/// `command` (cargo, or what runs it) with clippy as the workspace's compiler, denying
/// warnings: building lints each workspace target as it compiles it (what `cargo clippy`
/// does over `cargo check`), so a test build is also the lint pass. Every cargo run of
/// `cargo xtask test` sets it alike, or the workspace's crates would be rebuilt.
pub fn linted(command: &mut Command) -> &mut Command {
    let driver = output(Command::new("rustup").args(["which", "clippy-driver"]))
        .map(|path| path.trim().to_owned())
        .filter(|path| !path.is_empty())
        .unwrap_or_else(|| "clippy-driver".to_owned());
    command
        .env("RUSTC_WORKSPACE_WRAPPER", driver)
        // How `cargo clippy` hands over what follows its `--`.
        .env(
            "CLIPPY_ARGS",
            "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__",
        )
}

/// Runs `command`, its output going straight to the terminal; fails unless it succeeds.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = describe(command);
    let status = command
        .status()
        .with_context(|| format!("cannot start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs `command` quietly and returns its standard output, or `None` if it cannot run or
/// fails.
pub fn output(command: &mut Command) -> Option<String> {
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Whether `program` can be found on the `PATH` (cargo's bin directory included).
pub fn on_path(program: &str) -> bool {
    std::env::split_paths(&path_with_cargo_bin()).any(|dir| dir.join(program).is_file())
}

/// Cargo's bin directory, where `cargo install` puts tools.
pub fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// `PATH` with cargo's bin directory in front.
pub fn path_with_cargo_bin() -> std::ffi::OsString {
    let mut dirs = vec![cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
