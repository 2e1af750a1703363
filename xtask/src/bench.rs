//! `cargo xtask bench [NAME] [ARGS…]`: the benchmarks, against release builds and real
//! databases; each writes its numbers to `crates/<crate>/benches/results/<name>.md`.

use anyhow::{bail, Result};

use crate::prerequisites::{self, Purpose};
use crate::services;
use crate::shell::{self, step};
use crate::workspace_root;

/// Every benchmark: its name, its crate, and what it measures.
const BENCHES: &[(&str, &str, &str)] = &[
    (
        "queue",
        "server",
        "the queue query over 10k channels, SQLite and PostgreSQL",
    ),
    (
        "sockets",
        "server",
        "server memory per idle authenticated socket, up to 5k sockets",
    ),
    (
        "sync",
        "engine",
        "syncing 100k messages into an empty cache",
    ),
    ("search", "engine", "offline search over 1M cached messages"),
];

/// Runs one benchmark (with `args`) or, without a name, all of them.
pub fn run(args: &[String]) -> Result<()> {
    let (chosen, args): (Vec<&(&str, &str, &str)>, &[String]) = match args.first() {
        Some(name) => match BENCHES.iter().find(|(n, _, _)| n == name) {
            Some(bench) => (vec![bench], &args[1..]),
            None => bail!("unknown benchmark `{name}`; there are: queue, sockets, sync, search"),
        },
        None => (BENCHES.iter().collect(), args),
    };
    prerequisites::ensure(Purpose::Test)?;
    let postgres = services::ensure_postgres()?;
    for (name, krate, what) in chosen {
        step(
            &format!("{what} (crates/{krate}/benches/results/{name}.md)"),
            || {
                let package = format!("switchboard-{krate}");
                shell::run(
                    shell::command("cargo")
                        .current_dir(workspace_root())
                        .env(services::POSTGRES_URL_VAR, &postgres)
                        .args(["bench", "--package", &package, "--bench", name, "--"])
                        .args(args),
                )
            },
        )?;
    }
    Ok(())
}
