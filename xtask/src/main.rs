//! Switchboard's developer commands (the cargo xtask pattern): `cargo xtask <command>`.
//!
//! - `setup`: install what building, running and testing need, skipping what is there.
//! - `ui`: build the Yew front end into `ui/dist`.
//! - `demo [--no-activity]`: run the platform with the demo data (and demo users' activity)
//!   and Switchboard against it.
//! - `services`: start PostgreSQL and Redis for the tests and print their URLs.
//! - `test`: every check and test: layout, formatting, clippy, unit, integration and
//!   end-to-end.
//! - `layout`: the layout rules alone (file length, import circles).
//! - `package [--debug] [--check]`: the Debian packages of the desktop app and the server,
//!   and (`--check`) their install checks.
//! - `bench`: the benchmarks, writing their results files.
//! - `soak [--minutes N]`: the long reliability runs (the PostgreSQL crash suite, then idle
//!   sockets with traffic and memory growth).

mod bench;
mod demo;
mod empty_app;
mod layout;
mod package;
mod prerequisites;
mod services;
mod shell;
mod soak;
mod test;
mod ui;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup     install the system packages, Rust target and tools Switchboard needs
  ui        build the front end (Yew → wasm32) into ui/dist
  demo [--no-activity]
            run the platform with the demo data on a fresh SQLite file, demo users
            posting and opening tickets every few seconds (not with --no-activity),
            and Switchboard against it, its sign-in screen prefilled for admin@acme.test
            (under Xvfb when there is no display); Ctrl-C stops everything
  demo --screenshot FILE
            save a PNG of the running demo's virtual display
  services  start PostgreSQL and Redis for the tests and print their URLs
  test      run every check and test (layout, fmt, clippy, unit, integration, end-to-end)
  layout    check the layout rules alone: no file over 600 lines, no import circle
  package [--debug] [--check]
            build the Debian packages into target/packages: switchboard (the desktop
            console, Tauri's bundler) and switchboard-server (binary, systemd unit);
            release builds, or the debug ones with --debug; --check installs, uses
            and removes them as `test` does (root, apt-get)
  bench     run the benchmarks (release builds) and write their results files
            (`bench queue|sockets|sync|search|console` for one; arguments after the name
            go to it)
  soak [--minutes N]
            the long reliability runs: the crash suite on PostgreSQL (10,000 sends,
            three kill -9), then the release server with 1,000 idle sockets and
            5 msg/s for N minutes (default 10); disconnects, errors, missing
            deliveries and memory growth (≤ 5 % passes) in
            crates/server/benches/results/soak.md
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => prerequisites::ensure(prerequisites::Purpose::Test),
        Some("ui") => ui::build(),
        Some("demo") => demo::run(&args[1..]),
        Some("services") => services::run(),
        Some("test") => test::run(),
        Some("layout") => layout::check(),
        Some("package") => package::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("soak") => soak::run(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => {
            eprint!("unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
        None => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate's directory).
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest_dir.to_path_buf())
}
