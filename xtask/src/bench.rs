//! `cargo xtask bench`: the benchmarks, against release builds and real databases; each
//! writes its numbers to its results file.

use anyhow::Result;

use crate::prerequisites::{self, Purpose};
use crate::services;
use crate::shell::{self, step};
use crate::workspace_root;

/// Runs every benchmark; `args` go to each of them (e.g. `--samples 100`).
pub fn run(args: &[String]) -> Result<()> {
    prerequisites::ensure(Purpose::Test)?;
    let postgres = services::ensure_postgres()?;
    step(
        "the queue query over 10k channels (crates/server/benches/results.md)",
        || {
            shell::run(
                shell::command("cargo")
                    .current_dir(workspace_root())
                    .env("SWITCHBOARD_TEST_POSTGRES_URL", &postgres)
                    .args([
                        "bench",
                        "--package",
                        "switchboard-server",
                        "--bench",
                        "queue",
                        "--",
                    ])
                    .args(args),
            )
        },
    )
}
