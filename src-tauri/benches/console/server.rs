//! The platform server the console talks to: the release `switchboard-server --demo` on its
//! own SQLite file and a free port (testkit's [`ServerProcess`]), killed when dropped.

use std::path::Path;

use anyhow::Result;
use testkit::{sibling_binary, Database, ServerCommand, ServerProcess};

/// Starts the release server (built beside this bench, in `target/release/`) over
/// `dir/platform.db`, logging to `dir/platform.log`.
pub async fn start(dir: &Path) -> Result<ServerProcess> {
    let binary = sibling_binary(
        "switchboard-server",
        "build it with `cargo build --release -p switchboard-server --bin switchboard-server` \
         (cargo xtask bench console does)",
    )?;
    ServerCommand::new(binary, Database::sqlite_at(&dir.join("platform.db")))
        .demo()
        .env("JWT_SECRET", "console-benchmark-secret-of-enough-length")
        .env("RUST_LOG", "warn")
        .log_to(dir.join("platform.log"))
        .spawn()
        .await
}
