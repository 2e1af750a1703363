//! `cargo xtask bench [queue|sockets] [ARGS…]`: the benchmarks, against release builds and
//! real databases; each writes its numbers to `crates/server/benches/results/<name>.md`.

use anyhow::{bail, Result};

use crate::prerequisites::{self, Purpose};
use crate::services;
use crate::shell::{self, step};
use crate::workspace_root;

/// Every benchmark, and what it measures.
const BENCHES: &[(&str, &str)] = &[
    (
        "queue",
        "the queue query over 10k channels, SQLite and PostgreSQL",
    ),
    (
        "sockets",
        "server memory per idle authenticated socket, up to 5k sockets",
    ),
];

/// Runs one benchmark (with `args`) or, without a name, all of them.
pub fn run(args: &[String]) -> Result<()> {
    let (chosen, args): (Vec<&(&str, &str)>, &[String]) = match args.first() {
        Some(name) => match BENCHES.iter().find(|(n, _)| n == name) {
            Some(bench) => (vec![bench], &args[1..]),
            None => bail!("unknown benchmark `{name}`; there are: queue, sockets"),
        },
        None => (BENCHES.iter().collect(), args),
    };
    prerequisites::ensure(Purpose::Test)?;
    let postgres = services::ensure_postgres()?;
    for (name, what) in chosen {
        step(
            &format!("{what} (crates/server/benches/results/{name}.md)"),
            || {
                shell::run(
                    shell::command("cargo")
                        .current_dir(workspace_root())
                        .env(services::POSTGRES_URL_VAR, &postgres)
                        .args([
                            "bench",
                            "--package",
                            "switchboard-server",
                            "--bench",
                            name,
                            "--",
                        ])
                        .args(args),
                )
            },
        )?;
    }
    Ok(())
}
