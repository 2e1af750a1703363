//! `cargo xtask test`: every check and test of the workspace, the end-to-end tests included,
//! inside a virtual display (Xvfb) and a private D-Bus session with a notification daemon, with
//! PostgreSQL and Redis running for the platform server's tests.

use std::time::Instant;

use anyhow::Result;

use crate::prerequisites::{self, Purpose};
use crate::services;
use crate::shell::{self, command, step};
use crate::ui;

/// How many cases each property test runs here (the issue asks for at least 10,000).
const PROPTEST_CASES: &str = "10000";

/// The official Socket.IO client and server the interoperability tests run as peers,
/// exactly as their package-lock pins them; reinstalled only when the lock is newer than the
/// install.
fn install_interop_client() -> Result<()> {
    let dir = crate::workspace_root().join("tests/interop");
    let installed = dir.join("node_modules/.package-lock.json");
    let lock = dir.join("package-lock.json");
    let modified = |path: &std::path::Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    if let (Some(installed), Some(lock)) = (modified(&installed), modified(&lock)) {
        if installed >= lock {
            println!("==> socket.io and socket.io-client for the interop tests: present");
            return Ok(());
        }
    }
    step(
        "installing socket.io and socket.io-client for the interop tests (npm ci)",
        || {
            shell::run(
                command("npm")
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(&dir),
            )
        },
    )
}

/// Runs everything; fails on the first failing stage.
pub fn run() -> Result<()> {
    let started = Instant::now();
    prerequisites::ensure(Purpose::Test)?;
    let postgres_url = services::ensure_postgres()?;
    let redis_url = services::ensure_redis()?;
    ui::build()?;
    install_interop_client()?;
    step(
        "checking the layout (no file over 600 lines, no import circle)",
        crate::layout::check,
    )?;
    step("checking formatting (cargo fmt --check)", || {
        shell::run(command("cargo").args(["fmt", "--all", "--", "--check"]))
    })?;
    step("linting the front end (clippy, wasm32)", || {
        shell::run(command("cargo").args([
            "clippy",
            "--package",
            "switchboard-ui",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step(
        "building the tests, linting as they build (clippy; about 4 min cold)",
        || {
            // Clippy runs as the workspace's compiler (`shell::linted`): one pass lints every
            // target and builds it, instead of `cargo clippy` checking the whole dependency
            // tree once more. The binaries come with it (`target/debug/switchboard-server`,
            // which the engine's crash test runs as its own process, and `switchboard`),
            // built with the whole workspace's features: building them apart would resolve
            // other features and rebuild much of the tree.
            shell::run(shell::linted(&mut command("cargo")).args([
                "test",
                "--workspace",
                "--all-targets",
                "--no-run",
            ]))
        },
    )?;
    let output_dir = crate::workspace_root().join(shell::TEST_OUTPUT_DIR);
    std::fs::create_dir_all(&output_dir)?;
    step(
        "running the tests under Xvfb with a D-Bus session and a notification daemon",
        || {
            // dunst runs beside the tests for as long as the D-Bus session lasts.
            let script = "dunst >\"$SWITCHBOARD_TEST_OUTPUT/dunst.log\" 2>&1 & exec \"$@\"";
            // Linted as built, so nothing is built again.
            shell::run(
                shell::linted(&mut command("xvfb-run"))
                    .arg("--auto-servernum")
                    .arg(shell::XVFB_SERVER_ARGS)
                    .args(["dbus-run-session", "--", "sh", "-c", script, "sh"])
                    .args(["cargo", "test", "--workspace", "--no-fail-fast"])
                    .env("SWITCHBOARD_TEST_OUTPUT", &output_dir)
                    .env(services::POSTGRES_URL_VAR, &postgres_url)
                    .env(services::REDIS_URL_VAR, &redis_url)
                    .env("NO_AT_BRIDGE", "1")
                    .env("RUST_BACKTRACE", "1")
                    // The protocol's property tests: 10,000 cases each (256 by default).
                    .env("PROPTEST_CASES", PROPTEST_CASES),
            )
        },
    )?;
    // The packages of the binaries just tested, installed and used as a user would.
    let packages = crate::package::build(crate::package::Profile::Debug)?;
    let e2e = crate::package::check::E2eEnv {
        vars: vec![
            (
                "SWITCHBOARD_TEST_OUTPUT".to_owned(),
                output_dir.display().to_string(),
            ),
            (services::POSTGRES_URL_VAR.to_owned(), postgres_url.clone()),
            (services::REDIS_URL_VAR.to_owned(), redis_url.clone()),
        ],
    };
    crate::package::check::run(&packages, &e2e)?;
    println!(
        "\nall checks and tests passed in {:.0}s; screenshots are in {}",
        started.elapsed().as_secs_f64(),
        output_dir.display()
    );
    Ok(())
}
