//! Benchmark: the desktop console's cold start and memory, as shipped.
//!
//! Starts the release `switchboard-server --demo` (its own SQLite file, a free port), fills a
//! profile's cache through the engine (signed in as admin@acme.test, keyring off, one
//! `sync()`), then starts the release `switchboard` app (built with `custom-protocol`, so
//! `ui/dist` is served from the binary) on that profile `--runs` times. Each run times
//! spawn → the `queue shown` line on the app's stderr (logged when the UI first shows the
//! loaded queue; its `ms=` counts from the app's `main`), then sums PSS from
//! `/proc/PID/smaps_rollup` over the app and all its descendants (WebKit's web and network
//! processes), then stops it (SIGTERM; SIGKILL after a deadline) and checks that none of
//! them is left. The floor first: the empty app (`src-tauri/benches/empty-app`, a minimal
//! Tauri 2 + Yew app of one page, built with the same profile and Tauri features), timed
//! to its `first paint` line the same way. Then three scenarios: the demo data, 10,000
//! more tickets created through the REST API and synced into a fresh profile, and again up
//! to 100,000; each is reported as a ratio to the empty app. Last, on the largest profile,
//! the app once more under tauri-driver: tickets opened from the queue (click → conversation
//! shown) and live messages posted through the API (post → in the ticket's queue row).
//!
//! Run with `cargo xtask bench console`, which builds the UI and the release server and runs
//! this under Xvfb and a private D-Bus session (or, with those in place, `cargo bench -p
//! switchboard --features custom-protocol --bench console -- [--runs N] [--tickets N]
//! [--out FILE]`; `--help` lists them). Writes `src-tauri/benches/results/console.md`.
//!
//! - `args`: the command line;
//! - `server`: the platform server (testkit's, as a child process);
//! - `seed`: the tickets and the filled profiles;
//! - `app`: the app under measure;
//! - `interact`: opening tickets and live messages at scale, over WebDriver;
//! - `process`: stopping processes, and their PSS;
//! - `scenario`: the measured starts of one scenario;
//! - `report`: the results file.

mod app;
mod args;
mod interact;
mod process;
mod report;
mod scenario;
mod seed;
mod server;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use testkit::report::write_results;

use crate::app::Program;
use crate::args::Options;
use crate::process::STOP_TIMEOUT;
use crate::report::{group_thousands, report, Interactions, Scenario};
use crate::scenario::scenario;
use crate::seed::{create_tickets, fill_profile, WRITERS};

/// Who the console signs in as, and the tickets' author.
const EMAIL: &str = "admin@acme.test";
const PASSWORD: &str = "switchboard";
/// The profile name under each scenario's `SWITCHBOARD_HOME`.
const PROFILE: &str = "bench";
/// The floor's scenario name.
const EMPTY_APP: &str = "empty app (Tauri 2 + Yew, one page)";

fn main() -> Result<()> {
    let options = Options::from_command_line();
    ensure!(
        cfg!(feature = "custom-protocol"),
        "build the app as shipped: run with `--features custom-protocol` (cargo xtask bench \
         console does)"
    );
    ensure!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run this with `cargo xtask bench console`, which starts Xvfb and a D-Bus \
         session"
    );
    let folder = tempfile::tempdir()?;
    // Kept, when asked, whatever the outcome: a failed run is the one worth looking into.
    let (dir, _removed_at_exit) = if options.keep {
        let kept = folder.keep();
        eprintln!("    the bench's folder (kept): {}", kept.display());
        (kept, None)
    } else {
        (folder.path().to_owned(), Some(folder))
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let mut server = runtime.block_on(server::start(dir.as_path()))?;
    let mut notes = Vec::new();

    // 0. The floor: the empty app, measured the same way, after one start not counted that
    // brings up the desktop session's D-Bus services.
    let floor = Program::EmptyApp {
        binary: &options.empty_app,
    };
    scenario(
        "warm-up (not counted)",
        floor,
        &dir.as_path().join("warm-up-xdg"),
        1,
    )?;
    let empty = scenario(
        EMPTY_APP,
        floor,
        &dir.as_path().join("empty-xdg"),
        options.runs,
    )?;

    // 1. The demo data.
    let demo_home = dir.as_path().join("demo-home");
    let demo_xdg = dir.as_path().join("demo-xdg");
    let cached = runtime.block_on(fill_profile(&demo_home, &server.base()))?;
    eprintln!("    the demo profile caches {cached} channels");
    let demo = scenario("demo data", console(&demo_home), &demo_xdg, options.runs)?;

    // 2. 10k more tickets, real ones, through the API.
    let started = Instant::now();
    runtime.block_on(create_tickets(&http, &server.base(), options.tickets))?;
    let seeding = started.elapsed();
    eprintln!("    created {} tickets in {seeding:.1?}", options.tickets);
    let big_home = dir.as_path().join("big-home");
    let big_xdg = dir.as_path().join("big-xdg");
    let started = Instant::now();
    let cached_big = runtime.block_on(fill_profile(&big_home, &server.base()))?;
    let syncing = started.elapsed();
    eprintln!("    the second profile caches {cached_big} channels (synced in {syncing:.1?})");
    ensure!(
        cached_big >= options.tickets,
        "the second profile caches only {cached_big} channels"
    );
    let big_name = format!("{} cached tickets", group_thousands(options.tickets));
    let big = scenario(&big_name, console(&big_home), &big_xdg, options.runs)?;
    shows_all(&big, options.tickets)?;
    notes.push(format!(
        "The demo profile caches {cached} channels. For the second scenario, {} SUPPORT tickets \
         (each with a first message) were created on the same demo server through \
         `POST /api/chat/channels`, {WRITERS} at a time, in {:.0} s, then synced by the engine \
         into a fresh profile ({cached_big} channels) in {:.1} s; the server kept running \
         during the runs, so the app also connected live as it would.",
        group_thousands(options.tickets),
        seeding.as_secs_f64(),
        syncing.as_secs_f64()
    ));

    // 3. Up to 100k, the same way.
    let mut large = Vec::new();
    let large_name = format!("{} cached tickets", group_thousands(options.large));
    if options.large > options.tickets {
        let more = options.large - options.tickets;
        let started = Instant::now();
        runtime.block_on(create_tickets(&http, &server.base(), more))?;
        let seeding = started.elapsed();
        eprintln!("    created {more} more tickets in {seeding:.1?}");
        let large_home = dir.as_path().join("large-home");
        let large_xdg = dir.as_path().join("large-xdg");
        let started = Instant::now();
        let cached_large = runtime.block_on(fill_profile(&large_home, &server.base()))?;
        let syncing = started.elapsed();
        eprintln!("    the third profile caches {cached_large} channels (synced in {syncing:.1?})");
        large = scenario(&large_name, console(&large_home), &large_xdg, options.runs)?;
        shows_all(&large, options.large)?;
        notes.push(format!(
            "For the third scenario, {} more tickets were created the same way (in {:.0} s) \
             and synced into a fresh profile ({cached_large} channels) in {:.1} s.",
            group_thousands(more),
            seeding.as_secs_f64(),
            syncing.as_secs_f64()
        ));
    }
    // 4. Opening tickets and live messages on the largest profile.
    let (busiest_name, busiest_home, busiest_xdg) = if large.is_empty() {
        (&big_name, big_home.clone(), big_xdg.clone())
    } else {
        (
            &large_name,
            dir.as_path().join("large-home"),
            dir.as_path().join("large-xdg"),
        )
    };
    let timings = runtime.block_on(interact::measure(
        &busiest_home,
        &busiest_xdg,
        &driver_logs()?,
        &server.base(),
        options.samples,
    ))?;
    eprintln!("    interactions at {busiest_name}: {timings:?}");

    let lingered: Vec<&String> = empty
        .iter()
        .chain(&demo)
        .chain(&big)
        .chain(&large)
        .flat_map(|r| r.lingered.iter())
        .collect();
    let killed = empty
        .iter()
        .chain(&demo)
        .chain(&big)
        .chain(&large)
        .filter(|r| r.killed)
        .count();
    notes.push(match (lingered.is_empty(), killed) {
        (true, 0) => format!(
            "After every SIGTERM the app and all its descendants were gone within {} s.",
            STOP_TIMEOUT.as_secs()
        ),
        _ => format!(
            "After SIGTERM the app needed SIGKILL {killed} time(s); descendants still there \
             {} s after it ended (then killed): {lingered:?}.",
            STOP_TIMEOUT.as_secs()
        ),
    });
    notes.push(
        "Not counted: the session services D-Bus starts on the first start in the fresh \
         session (xdg-desktop-portal with its gtk backend, the document portal and permission \
         store, and the AT-SPI bus and registry, which the app and its web process ask for \
         despite `NO_AT_BRIDGE=1`): they are no descendants of the app and belong to the \
         desktop session, and one start of the empty app before the measured ones brings \
         them up. Each scenario's first run starts with a fresh WebKit data directory and \
         colder caches, hence the maxima."
            .to_owned(),
    );
    server.terminate(STOP_TIMEOUT);

    let mut scenarios = vec![
        Scenario {
            name: EMPTY_APP,
            runs: &empty,
        },
        Scenario {
            name: "demo data",
            runs: &demo,
        },
        Scenario {
            name: &big_name,
            runs: &big,
        },
    ];
    if !large.is_empty() {
        scenarios.push(Scenario {
            name: &large_name,
            runs: &large,
        });
    }
    let interactions = Interactions {
        scenario: busiest_name,
        timings: &timings,
    };
    let text = report(&options, &scenarios, Some(interactions), &notes)?;
    write_results(&options.out, &text)
}

/// Where tauri-driver's log goes (kept after the run, for a failed interaction).
fn driver_logs() -> Result<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("console-bench");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The console on the profile under `home`.
fn console(home: &Path) -> Program<'_> {
    Program::Console { home }
}

/// Checks that every run's queue counted at least `tickets` rows (the queue shows a window,
/// but it counts every matching row).
fn shows_all(runs: &[scenario::Run], tickets: usize) -> Result<()> {
    for run in runs {
        ensure!(
            run.rows >= tickets,
            "the app's queue counted {} rows, fewer than the {tickets} tickets",
            run.rows
        );
    }
    Ok(())
}
