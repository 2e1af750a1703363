//! `cargo xtask demo`: starts the platform with the demo data on its own SQLite file, then
//! runs Switchboard against it with the sign-in screen prefilled for `admin@acme.test`.
//! Without a display, the window opens on a virtual one (Xvfb) and the command says how to
//! look at it. The platform stops when the app does.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::prerequisites::{self, Purpose};
use crate::shell::{self, command, step};
use crate::ui;

/// How long the platform may take to answer.
const PLATFORM_TIMEOUT: Duration = Duration::from_secs(60);

/// The platform as a child process, stopped when dropped.
struct PlatformProcess(Child);

impl Drop for PlatformProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds and runs the platform and the app until the app's window closes.
pub fn run() -> Result<()> {
    prerequisites::ensure(Purpose::Demo)?;
    ui::build()?;
    step(
        "building the platform and the desktop app (a few minutes cold)",
        || {
            shell::run(command("cargo").args([
                "build",
                "--package",
                "switchboard",
                "--package",
                "switchboard-server",
                "--bin",
                "switchboard",
                "--bin",
                "switchboard-server",
            ]))
        },
    )?;
    let root = crate::workspace_root();
    let demo = root.join("target/demo");
    // A fresh platform and a fresh console profile on every run.
    let _ = std::fs::remove_dir_all(&demo);
    std::fs::create_dir_all(demo.join("home"))?;
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let url = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(demo.join("platform.log"))?;
    let platform = Command::new(root.join("target/debug/switchboard-server"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .arg("--database-url")
        .arg(format!(
            "sqlite://{}?mode=rwc",
            demo.join("platform.db").display()
        ))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("cannot start switchboard-server")?;
    let _platform = PlatformProcess(platform);
    step("starting the platform with the demo data", || {
        wait_for_health(port)
    })?;
    println!(
        "==> the platform answers at {url} (log: target/demo/platform.log)\n    \
         demo accounts (password `switchboard`): admin@acme.test (org admin), qm@acme.test, \
         billing@acme.test, alice@acme.test and bob@acme.test (participants), admin@globex.test"
    );

    let app = root.join("target/debug/switchboard");
    let mut app_command = if std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
    {
        println!("==> running Switchboard (close the window to stop)");
        command(&app)
    } else {
        let display = free_display_number();
        let auth_file = root.join("target/xvfb-demo.auth");
        println!(
            "==> no display here: running Switchboard on the virtual display :{display} (Xvfb)\n    \
             see it with `XAUTHORITY={} DISPLAY=:{display} import -window root switchboard.png`; \
             stop with Ctrl-C",
            auth_file.display()
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
    shell::run(
        app_command
            .env("SWITCHBOARD_HOME", demo.join("home"))
            .env("SWITCHBOARD_SERVER", &url)
            .env("SWITCHBOARD_EMAIL", "admin@acme.test"),
    )
}

/// Waits until the platform at `port` answers its health check.
fn wait_for_health(port: u16) -> Result<()> {
    let deadline = Instant::now() + PLATFORM_TIMEOUT;
    loop {
        if health_answers(port) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the platform did not answer within {PLATFORM_TIMEOUT:?}; see target/demo/platform.log");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether `GET /api/health` answers 200.
fn health_answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
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
