//! `cargo xtask demo [--no-activity]`: starts the platform with the demo data on its own
//! SQLite file and, unless `--no-activity`, `switchboard-activity` (acme's demo users posting
//! and opening tickets every few seconds, so live updates and notifications show), then runs
//! Switchboard against it with the sign-in screen prefilled for `admin@acme.test`. Without a
//! display, the window opens on a virtual one (Xvfb), and `cargo xtask demo --screenshot
//! FILE` (from another terminal) saves a PNG of it.
//! When the app exits, or on Ctrl-C or SIGTERM, the generator and the platform stop too.

mod screenshot;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use crate::prerequisites::{self, Purpose};
use crate::shell::{self, command, step};
use crate::ui;

/// How long the platform may take to answer.
const PLATFORM_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a child may take to stop after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the children and the signal flag are looked at.
const POLL: Duration = Duration::from_millis(100);

/// A child in its own process group, stopped with everything it started (SIGTERM to the
/// group, then SIGKILL) when dropped: xvfb-run's Xvfb and D-Bus session go with the app.
struct Process {
    child: Child,
}

impl Process {
    fn spawn(name: &str, command: &mut Command) -> Result<Self> {
        let child = command
            .process_group(0)
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {name}"))?;
        Ok(Self { child })
    }

    /// Its exit status, once it has exited.
    fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Sends `signal` to its process group; whether some process of the group got it.
    fn signal_group(&self, signal: &str) -> bool {
        let group = format!("-{}", self.child.id());
        Command::new("kill")
            .args([signal, "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.signal_group("-TERM");
        // Until the whole group is gone (Xvfb removes its lock file as it stops), reaping the
        // child so it does not linger as a zombie.
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            let _ = self.exited();
            if !self.signal_group("-0") {
                break;
            }
            std::thread::sleep(POLL);
        }
        self.signal_group("-KILL");
        let _ = self.child.wait();
    }
}

/// Builds and runs the platform, the activity generator and the app until the app exits
/// or the command is interrupted.
pub fn run(args: &[String]) -> Result<()> {
    let activity = match args {
        [] => true,
        [flag] if flag == "--no-activity" => false,
        [flag, file] if flag == "--screenshot" => return screenshot::take(Path::new(file)),
        _ => bail!("usage: cargo xtask demo [--no-activity] | cargo xtask demo --screenshot FILE"),
    };
    prerequisites::ensure(Purpose::Demo)?;
    ui::build()?;
    step(
        "building the platform, the activity generator and the desktop app (a few minutes cold)",
        || {
            shell::run(command("cargo").args([
                "build",
                "--package",
                "switchboard",
                "--package",
                "switchboard-server",
                "--package",
                "switchboard-cli",
                "--bin",
                "switchboard",
                "--bin",
                "switchboard-server",
                "--bin",
                "switchboard-activity",
            ]))
        },
    )?;
    let root = crate::workspace_root();
    let bin = root.join("target/debug");
    let demo = root.join("target/demo");
    // A fresh platform (`--demo` seeds only an empty database) and a fresh console profile.
    match std::fs::remove_dir_all(&demo) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            return Err(error).with_context(|| format!("cannot remove {}", demo.display()));
        }
        _ => {}
    }
    std::fs::create_dir_all(demo.join("home"))
        .with_context(|| format!("cannot create {}", demo.display()))?;

    // From here on, Ctrl-C and SIGTERM stop the children first; a second one exits at once.
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(&interrupted))?;
        signal_hook::flag::register(signal, Arc::clone(&interrupted))?;
    }

    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let url = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(demo.join("platform.log"))?;
    let mut platform = Process::spawn(
        "switchboard-server",
        command(bin.join("switchboard-server"))
            .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--database-url")
            .arg(format!(
                "sqlite://{}?mode=rwc",
                demo.join("platform.db").display()
            ))
            .stdout(log.try_clone()?)
            .stderr(log),
    )?;
    step("starting the platform with the demo data", || {
        wait_for_health(port, &mut platform, &interrupted)
    })?;
    let _activity = if activity {
        let log = std::fs::File::create(demo.join("activity.log"))?;
        Some(Process::spawn(
            "switchboard-activity",
            command(bin.join("switchboard-activity"))
                .args(["--server", &url])
                .stdout(log.try_clone()?)
                .stderr(log),
        )?)
    } else {
        None
    };
    println!(
        "==> the platform answers at {url} (log: target/demo/platform.log)\n    \
         demo accounts, all with the password `switchboard`: admin@acme.test (org admin, \
         prefilled), qm@acme.test, billing@acme.test, inspector@acme.test, mod@acme.test (staff), \
         alice@acme.test, bob@acme.test, practice@acme.test (users), admin@globex.test, \
         root@switchboard.test (super admin)"
    );
    if activity {
        println!(
            "==> demo activity: acme's users post and open tickets every 4 s \
             (log: target/demo/activity.log; `cargo xtask demo --no-activity` for none)"
        );
    }

    let app = bin.join("switchboard");
    // Where the virtual display is, for `--screenshot`; gone when the demo stops.
    let display_file = root.join(screenshot::DISPLAY_FILE);
    let mut _display_record = None;
    let mut app_command = if std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
    {
        println!("==> running Switchboard (close the window or press Ctrl-C to stop)");
        command(&app)
    } else {
        let display = free_display_number();
        let auth_file = root.join("target/xvfb-demo.auth");
        std::fs::write(
            &display_file,
            format!(":{display}\n{}\n", auth_file.display()),
        )
        .with_context(|| format!("cannot write {}", display_file.display()))?;
        _display_record = Some(RemovedOnDrop(display_file.clone()));
        println!(
            "==> no display here: running Switchboard on the virtual display :{display} (Xvfb)\n    \
             see it with `cargo xtask demo --screenshot switchboard.png` from another terminal \
             (a PNG of the screen); stop with Ctrl-C"
        );
        let mut xvfb = command("xvfb-run");
        xvfb.args(["--server-num", &display.to_string()])
            .arg("--auth-file")
            .arg(&auth_file)
            .arg(shell::XVFB_SERVER_ARGS)
            .args(["dbus-run-session", "--"])
            .arg(&app)
            .env("NO_AT_BRIDGE", "1");
        xvfb
    };
    let mut app = Process::spawn(
        "Switchboard",
        app_command
            .env("SWITCHBOARD_HOME", demo.join("home"))
            .env("SWITCHBOARD_SERVER", &url)
            .env("SWITCHBOARD_EMAIL", "admin@acme.test"),
    )?;
    // Dropping `app`, `_activity` and `platform` (in that order) stops them.
    loop {
        if let Some(status) = app.exited() {
            println!("==> Switchboard exited ({status}); stopping the platform");
            if !status.success() {
                bail!("Switchboard failed ({status})");
            }
            return Ok(());
        }
        if interrupted.load(Ordering::SeqCst) {
            println!("==> interrupted: stopping Switchboard and the platform");
            return Ok(());
        }
        if let Some(status) = platform.exited() {
            bail!("the platform stopped ({status}); see target/demo/platform.log");
        }
        std::thread::sleep(POLL);
    }
}

/// A file removed when the demo stops.
struct RemovedOnDrop(std::path::PathBuf);

impl Drop for RemovedOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Waits until the platform at `port` answers its health check.
fn wait_for_health(port: u16, platform: &mut Process, interrupted: &AtomicBool) -> Result<()> {
    let deadline = Instant::now() + PLATFORM_TIMEOUT;
    loop {
        if health_answers(port) {
            return Ok(());
        }
        if let Some(status) = platform.exited() {
            bail!("the platform exited ({status}); see target/demo/platform.log");
        }
        if interrupted.load(Ordering::SeqCst) {
            bail!("interrupted");
        }
        if Instant::now() > deadline {
            let secs = PLATFORM_TIMEOUT.as_secs();
            bail!("no answer to GET /api/health within {secs} s; see target/demo/platform.log");
        }
        std::thread::sleep(POLL);
    }
}

/// Whether `GET /api/health` answers 200.
fn health_answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /api/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    // What was read before an error still tells the status.
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200")
}

/// The first X display number from 99 up that no server holds.
fn free_display_number() -> u32 {
    (99..200)
        .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
        .unwrap_or(99)
}
