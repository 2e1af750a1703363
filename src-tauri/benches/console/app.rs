//! The app under measure: the release `switchboard` started on a profile (or the empty app),
//! its stderr read for its milestone line (`queue shown`, or `first paint`), then stopped
//! with every descendant checked gone.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use crate::process::{alive, process_tree, program_name, stop_child, STOP_TIMEOUT};
use crate::PROFILE;

/// The app as cargo built it for this bench (the bench profile: release).
pub const APP_BINARY: &str = env!("CARGO_BIN_EXE_switchboard");
/// How long the app may take to show its queue.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(120);

/// What is started and measured.
#[derive(Debug, Clone, Copy)]
pub enum Program<'a> {
    /// The console on the profile under `home`.
    Console { home: &'a Path },
    /// The empty app (`src-tauri/benches/empty-app`), the floor.
    EmptyApp { binary: &'a Path },
}

impl Program<'_> {
    /// The line it logs once its first screen is shown.
    fn milestone(&self) -> &'static str {
        match self {
            Program::Console { .. } => "queue shown",
            Program::EmptyApp { .. } => "first paint",
        }
    }
}

/// The milestone line of a start.
#[derive(Debug)]
pub struct Shown {
    /// When the bench read it.
    pub at: Instant,
    /// Its `rows=` (0 without).
    pub rows: usize,
    /// Its `ms=`: milliseconds since the app's `main`.
    pub ms: f64,
    /// The phases of the start (name, milliseconds since the app's `main`), in order.
    pub phases: Vec<(String, f64)>,
}

/// A running app; stopped (and its children checked) when dropped if not before.
#[derive(Debug)]
pub struct App {
    child: Child,
    lines: mpsc::Receiver<(Instant, String)>,
    /// The line [`App::wait_shown`] waits for.
    milestone: &'static str,
    /// The stderr seen so far, for errors.
    seen: Vec<String>,
    stopped: bool,
}

impl App {
    pub fn spawn(program: Program<'_>, xdg: &Path) -> Result<(Self, Instant)> {
        let mut command = match program {
            Program::Console { home } => {
                let mut command = Command::new(APP_BINARY);
                command
                    .env("SWITCHBOARD_HOME", home)
                    .env("SWITCHBOARD_PROFILE", PROFILE)
                    .env("SWITCHBOARD_KEYRING", "off");
                command
            }
            Program::EmptyApp { binary } => Command::new(binary),
        };
        let name = command.get_program().to_string_lossy().into_owned();
        command
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
            .with_context(|| format!("cannot start {name}"))?;
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
                milestone: program.milestone(),
                seen: Vec::new(),
                stopped: false,
            },
            started,
        ))
    }

    pub fn pid(&self) -> Result<i32> {
        Ok(i32::try_from(self.child.id())?)
    }

    /// The last lines of its stderr, for an error.
    fn tail(&self) -> String {
        let from = self.seen.len().saturating_sub(20);
        self.seen[from..].join("\n")
    }

    /// Waits for the milestone line, and reads it.
    pub fn wait_shown(&mut self) -> Result<Shown> {
        let milestone = self.milestone;
        let deadline = Instant::now() + QUEUE_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            ensure!(
                !left.is_zero(),
                "the app did not log `{milestone}` within {QUEUE_TIMEOUT:?}; its stderr \
                 ended with:\n{}",
                self.tail()
            );
            match self
                .lines
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                Ok((at, line)) => {
                    let shown = line.contains(milestone);
                    self.seen.push(line);
                    if shown {
                        let line = self.seen.last().map(String::as_str).unwrap_or_default();
                        let rows = if line.contains("rows=") {
                            field(line, "rows")?
                        } else {
                            0
                        };
                        let ms = field(line, "ms")?;
                        return Ok(Shown {
                            at,
                            rows,
                            ms: ms as f64,
                            phases: phases(line),
                        });
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    bail!(
                        "the app's stderr closed before `{milestone}`; it ended with:\n{}",
                        self.tail()
                    )
                }
            }
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "the app exited ({status}) before `{milestone}`; its stderr ended \
                     with:\n{}",
                    self.tail()
                );
            }
        }
    }

    /// SIGTERM (SIGKILL after [`STOP_TIMEOUT`]), then waits for every descendant it had to
    /// go, killing those still there after [`STOP_TIMEOUT`]. Returns whether the app had to
    /// be killed and the names of the descendants that lingered.
    pub fn stop(&mut self) -> Result<(bool, Vec<String>)> {
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

/// The phases a milestone line gives, in milliseconds since the app's `main`: `setup=`
/// (Tauri ran the app's setup), `page=` (the page began loading) and the page's own,
/// `ui="name:ms …"`, in that order; those it lacks are left out.
fn phases(line: &str) -> Vec<(String, f64)> {
    let mut phases = Vec::new();
    for name in ["setup", "page"] {
        if let Ok(ms) = field(line, name) {
            phases.push((name.to_owned(), ms as f64));
        }
    }
    let ui = line
        .split_once("ui=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(marks, _)| marks)
        .unwrap_or_default();
    for mark in ui.split_whitespace() {
        if let Some((name, ms)) = mark.split_once(':') {
            if let Ok(ms) = ms.parse() {
                phases.push((name.to_owned(), ms));
            }
        }
    }
    phases
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
