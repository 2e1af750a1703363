//! `cargo xtask soak [--minutes N] [ARGS…]`: the long reliability runs. First the crash
//! suites too long for `cargo xtask test` (10,000 sends across three kill -9 of the server on
//! PostgreSQL); then the soak: the release server holds 1,000 idle authenticated sockets while
//! messages flow at 5 per second (10 minutes by default), and the run reports disconnects,
//! error events, missing deliveries and memory growth to
//! `crates/server/benches/results/soak.md`, failing above 5 % growth or on any loss.
//! Arguments go to the soak (`--minutes N`, `--sockets N`, `--rate R`, `--out FILE`).

use anyhow::Result;

use crate::prerequisites::{self, Purpose};
use crate::services;
use crate::shell::{self, command, step};
use crate::workspace_root;

/// Runs the long crash suites, then the soak with `args`.
pub fn run(args: &[String]) -> Result<()> {
    prerequisites::ensure(Purpose::Test)?;
    let postgres_url = services::ensure_postgres()?;
    step(
        "crash suite on PostgreSQL: 10,000 sends, three kill -9 of the server",
        || {
            shell::run(
                command("cargo")
                    .current_dir(workspace_root())
                    .args(["test", "--package", "switchboard-server", "--test", "it"])
                    .args(["crash::", "--", "--ignored", "--nocapture"])
                    .env(services::POSTGRES_URL_VAR, &postgres_url),
            )
        },
    )?;
    step(
        "soak: 1,000 idle sockets and 5 msg/s against the release server \
         (crates/server/benches/results/soak.md)",
        || {
            shell::run(
                command("cargo")
                    .current_dir(workspace_root())
                    .args([
                        "bench",
                        "--package",
                        "switchboard-server",
                        "--bench",
                        "soak",
                        "--",
                    ])
                    .args(args),
            )
        },
    )
}
