//! What Switchboard's test harnesses and benchmarks share (a dev-only crate, never published).
//!
//! - [`database`]: a fresh SQLite file, a fresh PostgreSQL database, or a given URL;
//! - [`spawned`]: the `switchboard-server` binary as a child process on a free port;
//! - [`in_process`] (feature `in-process`): the platform server inside the test's runtime;
//! - [`process`]: stopping a child with SIGTERM, then SIGKILL;
//! - [`procfs`]: processes as `/proc` tells them;
//! - [`stats`]: percentiles of timings;
//! - [`tauri_driver`]: WebDriver for the desktop app (tauri-driver on free ports);
//! - [`report`]: the machine a benchmark ran on, and its results file.

pub mod database;
#[cfg(feature = "in-process")]
pub mod in_process;
pub mod process;
pub mod procfs;
pub mod report;
pub mod spawned;
pub mod stats;
pub mod tauri_driver;

pub use database::{Database, DbKind};
#[cfg(feature = "in-process")]
pub use in_process::{test_settings, InProcessServer};
pub use spawned::{sibling_binary, ServerCommand, ServerProcess};

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
