//! `cargo xtask bench [NAME] [ARGS…]`: the benchmarks, against release builds and real
//! databases; each writes its numbers to `<crate dir>/benches/results/<name>.md`
//! (`crates/<crate>/…`, or `src-tauri/…` for the desktop app's).

use anyhow::{bail, Result};

use crate::prerequisites::{self, Purpose};
use crate::services;
use crate::shell::{self, step};
use crate::{empty_app, ui, workspace_root};

/// One benchmark.
#[derive(Debug)]
struct Bench {
    /// Its `[[bench]]` name.
    name: &'static str,
    /// Its package.
    package: &'static str,
    /// Where its package keeps its benches, from the workspace root.
    dir: &'static str,
    /// What it measures.
    what: &'static str,
}

/// Every benchmark.
const BENCHES: &[Bench] = &[
    Bench {
        name: "queue",
        package: "switchboard-server",
        dir: "crates/server",
        what: "the queue query over 10k channels, SQLite and PostgreSQL",
    },
    Bench {
        name: "sockets",
        package: "switchboard-server",
        dir: "crates/server",
        what: "server memory per idle authenticated socket, up to 5k sockets",
    },
    Bench {
        name: "fanout",
        package: "switchboard-server",
        dir: "crates/server",
        what: "real-time fan-out beside Node socket.io: 1k sockets, 100 rooms, 1k and 5k msg/s",
    },
    Bench {
        name: "sync",
        package: "switchboard-engine",
        dir: "crates/engine",
        what: "syncing 100k messages into an empty cache",
    },
    Bench {
        name: "search",
        package: "switchboard-engine",
        dir: "crates/engine",
        what: "offline search over 1M cached messages",
    },
    Bench {
        name: "console",
        package: "switchboard",
        dir: "src-tauri",
        what: "the desktop console's start to queue shown and its memory (PSS) beside an empty app: demo data, 10k and 100k tickets",
    },
];

/// Runs one benchmark (with `args`) or, without a name, all of them.
pub fn run(args: &[String]) -> Result<()> {
    let (chosen, args): (Vec<&Bench>, &[String]) = match args.first() {
        Some(name) => match BENCHES.iter().find(|b| b.name == name) {
            Some(bench) => (vec![bench], &args[1..]),
            None => {
                let names: Vec<&str> = BENCHES.iter().map(|b| b.name).collect();
                bail!(
                    "unknown benchmark `{name}`; there are: {}",
                    names.join(", ")
                )
            }
        },
        None => (BENCHES.iter().collect(), args),
    };
    prerequisites::ensure(Purpose::Test)?;
    let postgres = if chosen.iter().any(|b| b.name != "console") {
        Some(services::ensure_postgres()?)
    } else {
        None
    };
    for bench in chosen {
        if bench.name == "console" {
            console(args)?;
            continue;
        }
        let title = format!(
            "{} ({}/benches/results/{}.md)",
            bench.what, bench.dir, bench.name
        );
        step(&title, || {
            let mut command = shell::command("cargo");
            command.current_dir(workspace_root());
            if let Some(postgres) = &postgres {
                command.env(services::POSTGRES_URL_VAR, postgres);
            }
            shell::run(
                command
                    .args([
                        "bench",
                        "--package",
                        bench.package,
                        "--bench",
                        bench.name,
                        "--",
                    ])
                    .args(args),
            )
        })?;
    }
    Ok(())
}

/// The desktop console's benchmark: the app as shipped (release, `custom-protocol`, the UI
/// built into it) and the empty app as its floor, the release server beside it, run under
/// Xvfb and a private D-Bus session.
fn console(args: &[String]) -> Result<()> {
    const CARGO_ARGS: &[&str] = &[
        "bench",
        "--package",
        "switchboard",
        "--features",
        "custom-protocol",
        "--bench",
        "console",
    ];
    ui::build()?;
    let empty_app = empty_app::build()?;
    step(
        "building the release app and server (about 15 min cold)",
        || {
            shell::run(shell::command("cargo").args([
                "build",
                "--release",
                "--package",
                "switchboard-server",
                "--bin",
                "switchboard-server",
            ]))?;
            shell::run(shell::command("cargo").args(CARGO_ARGS).arg("--no-run"))
        },
    )?;
    step(
        "the desktop console's start and memory, under Xvfb (src-tauri/benches/results/console.md)",
        || {
            shell::run(
                shell::command("xvfb-run")
                    .arg("--auto-servernum")
                    .arg(shell::XVFB_SERVER_ARGS)
                    .args(["dbus-run-session", "--", "cargo"])
                    .args(CARGO_ARGS)
                    .arg("--")
                    .arg("--empty-app")
                    .arg(&empty_app)
                    .args(args)
                    .env("NO_AT_BRIDGE", "1"),
            )
        },
    )
}
