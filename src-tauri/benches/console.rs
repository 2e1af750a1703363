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
//! them is left. Two scenarios: the demo data, and 10,000 more tickets created through the
//! REST API and synced into a fresh profile.
//!
//! Run with `cargo xtask bench console`, which builds the UI and the release server and runs
//! this under Xvfb and a private D-Bus session (or, with those in place, `cargo bench -p
//! switchboard --features custom-protocol --bench console -- [--runs N] [--tickets N]
//! [--out FILE]`). Writes `src-tauri/benches/results/console.md`.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use engine::profile::Profile;
use engine::{Engine, EngineOptions};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use protocol::rest::{CreateChannelRequest, LoginRequest, LoginResponse};
use protocol::{ChannelType, Secret, TicketCategory, TicketPriority};

/// The app as cargo built it for this bench (the bench profile: release).
const APP_BINARY: &str = env!("CARGO_BIN_EXE_switchboard");
/// Who the console signs in as, and the tickets' author.
const EMAIL: &str = "admin@acme.test";
const PASSWORD: &str = "switchboard";
/// The profile name under each scenario's `SWITCHBOARD_HOME`.
const PROFILE: &str = "bench";
/// Tickets created at once while seeding.
const WRITERS: usize = 8;
/// How long the server may take to answer after starting.
const SERVER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the app may take to show its queue.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(120);
/// What `cargo xtask bench console` runs, for the results file.
const INNER_COMMAND: &str = "xvfb-run -a -s \"-screen 0 1280x800x24 -nolisten tcp\" \
    dbus-run-session -- cargo bench --package switchboard --features custom-protocol --bench \
    console";
/// How long the app and its children may take to go after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct Options {
    runs: usize,
    tickets: usize,
    out: PathBuf,
    /// The arguments as given (for the results file), `--bench` and `--out` left out.
    shown_args: Vec<String>,
}

fn options() -> Result<Options> {
    let mut options = Options {
        runs: 5,
        tickets: 10_000,
        out: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src-tauri/benches/results/console.md"),
        shown_args: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                let value = args.next().context("--runs N")?;
                options.runs = value.parse().context("--runs N")?;
                ensure!(options.runs > 0, "--runs must be at least 1");
                options.shown_args.extend([arg, value]);
            }
            "--tickets" => {
                let value = args.next().context("--tickets N")?;
                options.tickets = value.parse().context("--tickets N")?;
                options.shown_args.extend([arg, value]);
            }
            "--out" => options.out = args.next().context("--out FILE")?.into(),
            // `cargo bench` passes `--bench`.
            "--bench" => {}
            other => bail!("unknown argument `{other}`"),
        }
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------
// The platform server

/// The release server binary, built beside this bench (`target/release/`).
fn server_binary() -> Result<PathBuf> {
    let bench = std::env::current_exe()?;
    let dir = bench
        .parent()
        .and_then(|deps| deps.parent())
        .context("the bench binary is not in target/<profile>/deps")?;
    let binary = dir.join("switchboard-server");
    ensure!(
        binary.is_file(),
        "{} is missing: build it with `cargo build --release -p switchboard-server --bin \
         switchboard-server` (cargo xtask bench console does)",
        binary.display()
    );
    Ok(binary)
}

/// A running `switchboard-server --demo`; stopped when dropped.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Server {
    async fn start(dir: &Path, http: &reqwest::Client) -> Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let log = dir.join("platform.log");
        let log_file = std::fs::File::create(&log)
            .with_context(|| format!("cannot create {}", log.display()))?;
        let database = dir.join("platform.db");
        let child = Command::new(server_binary()?)
            .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--database-url")
            .arg(format!("sqlite://{}?mode=rwc", database.display()))
            .env("JWT_SECRET", "console-benchmark-secret-of-enough-length")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .context("cannot start switchboard-server")?;
        let mut server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let deadline = Instant::now() + SERVER_TIMEOUT;
        loop {
            let health = http.get(format!("{}/api/health", server.base)).send().await;
            if health.is_ok_and(|answer| answer.status().is_success()) {
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                bail!(
                    "switchboard-server exited ({status}); see {}",
                    server.log.display()
                );
            }
            ensure!(
                Instant::now() < deadline,
                "switchboard-server did not answer within {SERVER_TIMEOUT:?}; see {}",
                server.log.display()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        stop_child(&mut self.child);
    }
}

/// SIGTERM, then SIGKILL if `child` is still there after [`STOP_TIMEOUT`]. Returns whether
/// it had to be killed.
fn stop_child(child: &mut Child) -> bool {
    if let Ok(Some(_)) = child.try_wait() {
        return false;
    }
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    true
}

/// Signs in over REST and returns the access token.
async fn rest_login(http: &reqwest::Client, base: &str) -> Result<String> {
    let request = LoginRequest {
        email: EMAIL.to_owned(),
        password: Secret::new(PASSWORD),
        tenant_id: None,
    };
    let answer: LoginResponse = http
        .post(format!("{base}/api/auth/login"))
        .json(&request)
        .send()
        .await?
        .error_for_status()
        .context("the REST sign-in failed")?
        .json()
        .await?;
    Ok(answer.access_token.expose().to_owned())
}

/// Opens `tickets` SUPPORT tickets (each with a first message), [`WRITERS`] at a time.
async fn create_tickets(http: &reqwest::Client, base: &str, tickets: usize) -> Result<()> {
    const CATEGORIES: &[TicketCategory] = &[
        TicketCategory::Technical,
        TicketCategory::Billing,
        TicketCategory::FeatureRequest,
        TicketCategory::TournamentIssue,
        TicketCategory::QuestionIssue,
        TicketCategory::AccountAccess,
        TicketCategory::Other,
    ];
    const PRIORITIES: &[TicketPriority] = &[
        TicketPriority::Low,
        TicketPriority::Medium,
        TicketPriority::High,
        TicketPriority::Urgent,
    ];
    const WORDS: &[&str] = &[
        "printer",
        "invoice",
        "login",
        "bracket",
        "question",
        "refund",
        "timer",
        "scoreboard",
    ];
    let token = rest_login(http, base).await?;
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..WRITERS {
        let (http, base, token) = (http.clone(), base.to_owned(), token.clone());
        writers.spawn(async move {
            for n in (writer..tickets).step_by(WRITERS) {
                let word = WORDS[n % WORDS.len()];
                let body = CreateChannelRequest {
                    channel_type: ChannelType::Support,
                    participant_ids: None,
                    subject: Some(format!("Bench ticket {n}: the {word} does not work")),
                    category: Some(CATEGORIES[n % CATEGORIES.len()]),
                    priority: Some(PRIORITIES[n % PRIORITIES.len()]),
                    context_id: None,
                    initial_message: Some(format!(
                        "Ticket number {n}: since this morning the {word} fails every time I try; \
                         could someone look into it?"
                    )),
                };
                let answer = http
                    .post(format!("{base}/api/chat/channels"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .with_context(|| format!("creating ticket {n}"))?;
                let status = answer.status();
                if !status.is_success() {
                    let text = answer.text().await.unwrap_or_default();
                    bail!("creating ticket {n}: {status}: {text}");
                }
            }
            Ok::<_, anyhow::Error>(())
        });
    }
    while let Some(done) = writers.join_next().await {
        done??;
    }
    Ok(())
}

/// Signs `PROFILE` under `home` in with the engine (keyring off), syncs once, and returns
/// how many channels its cache then holds.
async fn fill_profile(home: &Path, base: &str) -> Result<usize> {
    let options = EngineOptions {
        use_keyring: false,
        ..Default::default()
    };
    let mut engine = Engine::open(Profile::at(home, PROFILE)?, options)?;
    engine
        .login(base, EMAIL, Secret::new(PASSWORD), None)
        .await
        .context("the engine's sign-in failed")?;
    let (_, synced) = engine.sync().await.context("the engine's sync failed")?;
    eprintln!("    synced into the profile: {synced:?}");
    let filter = engine::cache::channels::QueueFilter {
        limit: Some(u32::MAX),
        ..Default::default()
    };
    Ok(engine.queue(filter).await?.len())
}

// ---------------------------------------------------------------------------------------
// Processes

// `stat`, `process_tree` and `alive`: the reading of `/proc` the end-to-end harness uses too.
#[path = "../../tests/e2e/support/procfs.rs"]
mod procfs;
use procfs::{alive, process_tree};

/// A process's program name: argv\[0\]'s file name, else its `comm`.
fn program_name(pid: i32) -> String {
    let from_cmdline = std::fs::read(format!("/proc/{pid}/cmdline"))
        .ok()
        .and_then(|bytes| {
            let argv0 = bytes.split(|b| *b == 0).next()?.to_vec();
            let argv0 = String::from_utf8_lossy(&argv0).into_owned();
            let name = argv0.rsplit('/').next()?.to_owned();
            (!name.is_empty()).then_some(name)
        });
    from_cmdline.unwrap_or_else(|| {
        std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|comm| comm.trim().to_owned())
            .unwrap_or_else(|_| format!("pid {pid}"))
    })
}

/// The `Pss:` of `/proc/PID/smaps_rollup`, in KiB.
fn pss_kib(pid: i32) -> Result<u64> {
    let path = format!("/proc/{pid}/smaps_rollup");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("Pss:") {
            let kib = value.trim().trim_end_matches("kB").trim();
            return kib
                .parse()
                .with_context(|| format!("an odd Pss line in {path}: {line}"));
        }
    }
    bail!("no Pss line in {path}")
}

/// PSS of `pid` and its descendants: KiB by program name (summed when several share one).
fn tree_pss(pid: i32) -> Result<BTreeMap<String, u64>> {
    let mut by_name = BTreeMap::new();
    for (member, start) in process_tree(pid)? {
        match pss_kib(member) {
            Ok(kib) => *by_name.entry(program_name(member)).or_insert(0) += kib,
            // A child that went meanwhile is not counted; the app itself must be there.
            Err(_) if member != pid && !alive(member, start) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(by_name)
}

// ---------------------------------------------------------------------------------------
// The app

/// One measured start.
#[derive(Debug)]
struct Run {
    /// Spawn → the `queue shown` line read from its stderr.
    wall_ms: f64,
    /// The app's own figure: its `main` → the queue shown.
    app_ms: f64,
    rows: usize,
    /// KiB by program name.
    pss: BTreeMap<String, u64>,
    /// Descendants still there [`STOP_TIMEOUT`] after the app ended (then killed).
    lingered: Vec<String>,
    /// Whether the app itself ignored SIGTERM and was killed.
    killed: bool,
}

/// A running app; stopped (and its children checked) when dropped if not before.
struct App {
    child: Child,
    lines: mpsc::Receiver<(Instant, String)>,
    /// The stderr seen so far, for errors.
    seen: Vec<String>,
    stopped: bool,
}

impl App {
    fn spawn(home: &Path, xdg: &Path) -> Result<(Self, Instant)> {
        let mut command = Command::new(APP_BINARY);
        command
            .env("SWITCHBOARD_HOME", home)
            .env("SWITCHBOARD_PROFILE", PROFILE)
            .env("SWITCHBOARD_KEYRING", "off")
            .env("NO_AT_BRIDGE", "1")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            // WebKit's and Tauri's data, caches and window state stay in the bench's folder.
            .env("XDG_DATA_HOME", xdg.join("data"))
            .env("XDG_CACHE_HOME", xdg.join("cache"))
            .env("XDG_CONFIG_HOME", xdg.join("config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start {APP_BINARY}"))?;
        let stderr = child.stderr.take().context("the app's stderr")?;
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut line = Vec::new();
            loop {
                line.clear();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let text = strip_ansi(&String::from_utf8_lossy(&line));
                        if sender.send((Instant::now(), text)).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Ok((
            Self {
                child,
                lines,
                seen: Vec::new(),
                stopped: false,
            },
            started,
        ))
    }

    fn pid(&self) -> Result<i32> {
        Ok(i32::try_from(self.child.id())?)
    }

    /// The last lines of its stderr, for an error.
    fn tail(&self) -> String {
        let from = self.seen.len().saturating_sub(20);
        self.seen[from..].join("\n")
    }

    /// Waits for the `queue shown` line: when it was read, its `rows=` and `ms=`.
    fn wait_queue_shown(&mut self) -> Result<(Instant, usize, f64)> {
        let deadline = Instant::now() + QUEUE_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            ensure!(
                !left.is_zero(),
                "the app did not log `queue shown` within {QUEUE_TIMEOUT:?}; its stderr \
                 ended with:\n{}",
                self.tail()
            );
            match self
                .lines
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                Ok((at, line)) => {
                    let shown = line.contains("queue shown");
                    self.seen.push(line);
                    if shown {
                        let line = self.seen.last().map(String::as_str).unwrap_or_default();
                        let rows = field(line, "rows")?;
                        let ms = field(line, "ms")?;
                        return Ok((at, rows, ms as f64));
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    bail!(
                        "the app's stderr closed before `queue shown`; it ended with:\n{}",
                        self.tail()
                    )
                }
            }
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "the app exited ({status}) before `queue shown`; its stderr ended \
                     with:\n{}",
                    self.tail()
                );
            }
        }
    }

    /// SIGTERM (SIGKILL after [`STOP_TIMEOUT`]), then waits for every descendant it had to
    /// go, killing those still there after [`STOP_TIMEOUT`]. Returns whether the app had to
    /// be killed and the names of the descendants that lingered.
    fn stop(&mut self) -> Result<(bool, Vec<String>)> {
        if std::mem::replace(&mut self.stopped, true) {
            return Ok((false, Vec::new()));
        }
        let pid = self.pid()?;
        // Not after it ended: its pid could be someone else's by then.
        let tree = if self.child.try_wait()?.is_none() {
            process_tree(pid).unwrap_or_default()
        } else {
            Vec::new()
        };
        let descendants: Vec<(i32, u64, String)> = tree
            .into_iter()
            .filter(|(member, _)| *member != pid)
            .map(|(member, start)| (member, start, program_name(member)))
            .collect();
        let killed = stop_child(&mut self.child);
        let deadline = Instant::now() + STOP_TIMEOUT;
        let mut left: Vec<&(i32, u64, String)> = descendants.iter().collect();
        while !left.is_empty() && Instant::now() < deadline {
            left.retain(|(member, start, _)| alive(*member, *start));
            std::thread::sleep(Duration::from_millis(10));
        }
        left.retain(|(member, start, _)| alive(*member, *start));
        let mut lingered = Vec::new();
        for (member, _, name) in left {
            lingered.push(name.clone());
            let _ = kill(Pid::from_raw(*member), Signal::SIGKILL);
        }
        for (member, start, name) in &descendants {
            let deadline = Instant::now() + STOP_TIMEOUT;
            while alive(*member, *start) {
                ensure!(
                    Instant::now() < deadline,
                    "{name} ({member}) survived SIGKILL for {STOP_TIMEOUT:?}"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        Ok((killed, lingered))
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// `text` without ANSI escape sequences (colours, should the log have them).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC '[' parameters… final byte in '@'..='~'.
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out.trim_end().to_owned()
}

/// The number after `name=` in a tracing line.
fn field(line: &str, name: &str) -> Result<usize> {
    let key = format!("{name}=");
    let value = line
        .split_whitespace()
        .find_map(|word| word.strip_prefix(key.as_str()))
        .with_context(|| format!("no `{key}` in `{line}`"))?;
    value
        .parse()
        .with_context(|| format!("`{key}{value}` is not a number in `{line}`"))
}

/// Starts the app on `home`'s profile, measures, and stops it.
fn measure(home: &Path, xdg: &Path) -> Result<Run> {
    let (mut app, started) = App::spawn(home, xdg)?;
    let (at, rows, app_ms) = app.wait_queue_shown()?;
    let wall_ms = at.duration_since(started).as_secs_f64() * 1000.0;
    let pss = tree_pss(app.pid()?)?;
    let (killed, lingered) = app.stop()?;
    Ok(Run {
        wall_ms,
        app_ms,
        rows,
        pss,
        lingered,
        killed,
    })
}

/// `runs` measured starts on `home`'s profile.
fn scenario(name: &str, home: &Path, xdg: &Path, runs: usize) -> Result<Vec<Run>> {
    let mut measured = Vec::new();
    for n in 1..=runs {
        let run = measure(home, xdg).with_context(|| format!("{name}, run {n}"))?;
        let total: u64 = run.pss.values().sum();
        eprintln!(
            "    {name}, run {n}: queue shown after {:.0} ms (app: {:.0} ms), {} rows, PSS {:.1} MiB {:?}{}{}",
            run.wall_ms,
            run.app_ms,
            run.rows,
            mib(total),
            run.pss,
            if run.killed { ", the app needed SIGKILL" } else { "" },
            if run.lingered.is_empty() {
                String::new()
            } else {
                format!(", lingered: {:?}", run.lingered)
            }
        );
        measured.push(run);
    }
    Ok(measured)
}

// ---------------------------------------------------------------------------------------
// The report

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Median, min and max.
fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    (median, values[0], values[n - 1])
}

fn cell(values: Vec<f64>, decimals: usize) -> String {
    let (median, min, max) = spread(values);
    format!("{median:.decimals$} ({min:.decimals$}–{max:.decimals$})")
}

/// `nproc`, the CPU model and the total RAM.
fn machine() -> Result<String> {
    let nproc = Command::new("nproc")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .context("`nproc` failed")?;
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").context("cannot read /proc/cpuinfo")?;
    let model = cpuinfo
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| "an unknown CPU".to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").context("cannot read /proc/meminfo")?;
    let total_kib: u64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no MemTotal in /proc/meminfo")?;
    Ok(format!(
        "`nproc` {nproc}, {model}, {:.1} GiB RAM",
        total_kib as f64 / 1024.0 / 1024.0
    ))
}

struct Scenario<'a> {
    name: &'a str,
    runs: &'a [Run],
}

fn report(options: &Options, scenarios: &[Scenario<'_>], notes: &[String]) -> Result<String> {
    let mut command = "cargo xtask bench console".to_owned();
    for arg in &options.shown_args {
        command.push(' ');
        command.push_str(arg);
    }
    let mut out = String::new();
    writeln!(out, "# Console cold start and memory\n")?;
    writeln!(
        out,
        "The release `switchboard` app as shipped (`--features custom-protocol`: `ui/dist` served \
         from the binary), under Xvfb (1280×800×24) and a private D-Bus session, against the \
         release `switchboard-server --demo` (SQLite) on loopback. Before the runs, the engine \
         signs in as admin@acme.test into a fresh profile (keyring off) and syncs once, so the \
         cache holds the data; the app then starts on that profile {} times per scenario. \
         **Start → queue shown** is from spawning the app to its `queue shown` line on stderr \
         (logged when the UI first renders the loaded queue); **app's own** is that line's \
         `ms=`, counted from the app's `main`. **PSS** is `Pss:` of `/proc/PID/smaps_rollup` \
         summed over the app and every descendant (WebKit's web and network processes), read \
         right after the queue shows. Then SIGTERM; every descendant is checked gone. Median \
         (min–max). Generated by `{command}` on {} (it builds `ui/dist`, the release \
         server and this bench, then runs `{INNER_COMMAND}`).\n",
        options.runs,
        chrono::Utc::now().format("%Y-%m-%d")
    )?;
    writeln!(out, "Machine: {}.\n", machine()?)?;
    writeln!(
        out,
        "| scenario | rows | start → queue shown (ms) | app's own (ms) | PSS total (MiB) |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|")?;
    for scenario in scenarios {
        let rows: HashSet<usize> = scenario.runs.iter().map(|r| r.rows).collect();
        let mut rows: Vec<String> = rows.into_iter().map(|r| r.to_string()).collect();
        rows.sort();
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            scenario.name,
            rows.join(", "),
            cell(scenario.runs.iter().map(|r| r.wall_ms).collect(), 0),
            cell(scenario.runs.iter().map(|r| r.app_ms).collect(), 0),
            cell(
                scenario
                    .runs
                    .iter()
                    .map(|r| mib(r.pss.values().sum()))
                    .collect(),
                1
            ),
        )?;
    }
    let names: BTreeMap<&str, ()> = scenarios
        .iter()
        .flat_map(|s| s.runs.iter())
        .flat_map(|r| r.pss.keys())
        .map(|name| (name.as_str(), ()))
        .collect();
    writeln!(
        out,
        "\nPSS by process (MiB; processes of one program summed):\n"
    )?;
    write!(out, "| scenario |")?;
    for name in names.keys() {
        write!(out, " {name} |")?;
    }
    write!(out, "\n|---|")?;
    for _ in names.keys() {
        write!(out, "---:|")?;
    }
    writeln!(out)?;
    for scenario in scenarios {
        write!(out, "| {} |", scenario.name)?;
        for name in names.keys() {
            let values: Vec<f64> = scenario
                .runs
                .iter()
                .map(|r| mib(r.pss.get(*name).copied().unwrap_or(0)))
                .collect();
            write!(out, " {} |", cell(values, 1))?;
        }
        writeln!(out)?;
    }
    for note in notes {
        writeln!(out, "\n{note}")?;
    }
    Ok(out)
}

fn main() -> Result<()> {
    let options = options()?;
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
    let dir = tempfile::tempdir()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let server = runtime.block_on(Server::start(dir.path(), &http))?;
    let mut notes = Vec::new();

    // 1. The demo data.
    let demo_home = dir.path().join("demo-home");
    let demo_xdg = dir.path().join("demo-xdg");
    let cached = runtime.block_on(fill_profile(&demo_home, &server.base))?;
    eprintln!("    the demo profile caches {cached} channels");
    let demo = scenario("demo data", &demo_home, &demo_xdg, options.runs)?;

    // 2. 10k more tickets, real ones, through the API.
    let started = Instant::now();
    runtime.block_on(create_tickets(&http, &server.base, options.tickets))?;
    let seeding = started.elapsed();
    eprintln!("    created {} tickets in {seeding:.1?}", options.tickets);
    let big_home = dir.path().join("big-home");
    let big_xdg = dir.path().join("big-xdg");
    let started = Instant::now();
    let cached_big = runtime.block_on(fill_profile(&big_home, &server.base))?;
    let syncing = started.elapsed();
    eprintln!("    the second profile caches {cached_big} channels (synced in {syncing:.1?})");
    ensure!(
        cached_big >= options.tickets,
        "the second profile caches only {cached_big} channels"
    );
    let big_name = format!("{} cached tickets", group_thousands(options.tickets));
    let big = scenario(&big_name, &big_home, &big_xdg, options.runs)?;
    for run in &big {
        ensure!(
            run.rows >= options.tickets,
            "the app showed {} rows, fewer than the {} tickets",
            run.rows,
            options.tickets
        );
    }
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
    let lingered: Vec<&String> = demo
        .iter()
        .chain(&big)
        .flat_map(|r| r.lingered.iter())
        .collect();
    let killed = demo.iter().chain(&big).filter(|r| r.killed).count();
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
         desktop session. Each scenario's first run starts with a fresh WebKit data \
         directory and colder caches (the very first also waits for those services), hence \
         the maxima."
            .to_owned(),
    );
    drop(server);

    let scenarios = [
        Scenario {
            name: "demo data",
            runs: &demo,
        },
        Scenario {
            name: &big_name,
            runs: &big,
        },
    ];
    let text = report(&options, &scenarios, &notes)?;
    if let Some(parent) = options.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&options.out, &text)
        .with_context(|| format!("cannot write {}", options.out.display()))?;
    eprintln!("{text}\nwrote {}", options.out.display());
    Ok(())
}

/// `10000` as `10,000`.
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
