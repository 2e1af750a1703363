//! Checking both packages as an admin and a user would, on this machine (`cargo xtask test`
//! runs it after the tests; it needs root, as `apt-get` does): `lintian` finds no error; the
//! server package installs its user, settings with a fresh JWT secret, and unit
//! (`systemd-analyze verify` where systemd is), its binary serves `/api/health` with the
//! installed settings, remove keeps the settings and purge drops them; the desktop package
//! installs its binary, desktop entry and icons, the installed app signs in and shows the
//! queue (the `package` end-to-end test, under Xvfb), and remove takes it away.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use super::Packages;
use crate::prerequisites::root_prefix;
use crate::shell::{self, command, step};

const SERVER_ENV: &str = "/etc/switchboard/server.env";
const STATE_DIR: &str = "/var/lib/switchboard";
const ICON_SIZES: &[u32] = &[16, 24, 32, 48, 64, 128, 256, 512];

/// What the desktop check's end-to-end run needs beside the installed app.
#[derive(Debug, Clone)]
pub struct E2eEnv {
    /// Environment for `cargo test` (output dir, service URLs).
    pub vars: Vec<(String, String)>,
}

/// Runs every check; leaves neither package installed.
pub fn run(packages: &Packages, e2e: &E2eEnv) -> Result<()> {
    for deb in [&packages.desktop, &packages.server] {
        step(&format!("lintian {}", name(deb)), || {
            shell::run(
                command("lintian")
                    .args(["--fail-on", "error", "--tag-display-limit", "0"])
                    .arg(deb),
            )
        })?;
    }
    // A run stopped midway may have left them installed.
    purge_if_installed(&["switchboard", "switchboard-server"])?;
    step("the server package: install, serve, remove, purge", || {
        server(&packages.server)
    })?;
    step("the desktop package: install, sign in, remove", || {
        desktop(&packages.desktop, e2e)
    })
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `apt-get <args>` as root, without questions.
fn apt(args: &[&str], deb: Option<&Path>) -> Result<()> {
    let prefix = root_prefix()?;
    let mut apt = match prefix.first() {
        Some(sudo) => {
            let mut c = command(sudo);
            c.arg("apt-get");
            c
        }
        None => command("apt-get"),
    };
    apt.env("DEBIAN_FRONTEND", "noninteractive")
        .args(["-y", "-q"])
        .args(args);
    if let Some(deb) = deb {
        apt.arg(deb);
    }
    shell::run(&mut apt)
}

fn installed(package: &str) -> bool {
    shell::output(command("dpkg-query").args(["-W", "-f=${db:Status-Abbrev}", package]))
        .is_some_and(|status| status.starts_with("ii") || status.starts_with("rc"))
}

fn purge_if_installed(packages: &[&str]) -> Result<()> {
    for package in packages {
        if installed(package) {
            apt(&["purge", package], None)?;
        }
    }
    Ok(())
}

fn server(deb: &Path) -> Result<()> {
    apt(&["install"], Some(deb))?;
    ensure!(
        shell::output(command("getent").args(["passwd", "switchboard"])).is_some(),
        "the install made no `switchboard` system user"
    );
    let settings = std::fs::read_to_string(SERVER_ENV)
        .with_context(|| format!("the install wrote no {SERVER_ENV}"))?;
    let mut vars = parse_env(&settings);
    let secret = vars
        .iter()
        .find(|(key, _)| key == "JWT_SECRET")
        .map(|(_, value)| value.len())
        .unwrap_or(0);
    ensure!(
        secret >= 32,
        "{SERVER_ENV} has no JWT secret of 32+ characters"
    );
    ensure!(
        Path::new(STATE_DIR).is_dir(),
        "the install made no {STATE_DIR}"
    );

    // The installed binary with the installed settings, its state in a temporary directory.
    let state = crate::workspace_root().join("target/packaging/server-state");
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state)?;
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    vars.retain(|(key, _)| key != "DATABASE_URL" && key != "BIND");
    let mut serve = Command::new("/usr/bin/switchboard-server");
    serve
        .arg("serve")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", state.join("switchboard.db").display()),
        )
        .env("BIND", format!("127.0.0.1:{port}"));
    let mut child = serve
        .spawn()
        .context("cannot start /usr/bin/switchboard-server")?;
    let healthy = wait_healthy(port, Duration::from_secs(30));
    let _ = child.kill();
    let _ = child.wait();
    healthy?;

    if shell::on_path("systemd-analyze") {
        shell::run(
            command("systemd-analyze")
                .args(["verify", "/lib/systemd/system/switchboard-server.service"]),
        )?;
    } else {
        println!("    (no systemd-analyze here: the unit is not verified)");
    }

    apt(&["remove", "switchboard-server"], None)?;
    ensure!(
        !Path::new("/usr/bin/switchboard-server").exists(),
        "remove left the binary"
    );
    ensure!(
        Path::new(SERVER_ENV).is_file(),
        "remove dropped the settings (only purge may)"
    );
    apt(&["purge", "switchboard-server"], None)?;
    ensure!(!Path::new(SERVER_ENV).exists(), "purge left {SERVER_ENV}");
    ensure!(!Path::new(STATE_DIR).exists(), "purge left {STATE_DIR}");
    Ok(())
}

/// `KEY=value` lines, comments and blanks skipped.
fn parse_env(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
        .collect()
}

/// Waits until `GET /api/health` on `port` answers 200.
fn wait_healthy(port: u16, patience: Duration) -> Result<()> {
    let deadline = Instant::now() + patience;
    loop {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let request =
                "GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
            let mut answer = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut answer).is_ok()
                && answer.starts_with("HTTP/1.1 200")
            {
                println!("    /api/health answered 200 on port {port}");
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            bail!("the installed server did not answer /api/health within {patience:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn desktop(deb: &Path, e2e: &E2eEnv) -> Result<()> {
    apt(&["install"], Some(deb))?;
    ensure!(
        Path::new("/usr/bin/switchboard").is_file(),
        "no /usr/bin/switchboard"
    );
    let entry = std::fs::read_to_string("/usr/share/applications/Switchboard.desktop")
        .context("the package installed no desktop entry")?;
    ensure!(
        entry.contains("Exec=switchboard") && entry.contains("Icon=switchboard"),
        "the desktop entry does not start the app with its icon:\n{entry}"
    );
    for size in ICON_SIZES {
        let icon = format!("/usr/share/icons/hicolor/{size}x{size}/apps/switchboard.png");
        ensure!(Path::new(&icon).is_file(), "no {icon}");
    }
    // The installed app, under a virtual display and a private D-Bus session.
    let script = "dunst >/dev/null 2>&1 & exec \"$@\"";
    shell::run(
        shell::linted(&mut command("xvfb-run"))
            .arg("--auto-servernum")
            .arg(shell::XVFB_SERVER_ARGS)
            .args(["dbus-run-session", "--", "sh", "-c", script, "sh"])
            // The whole workspace's features, as the test run had: nothing is rebuilt.
            .args(["cargo", "test", "--workspace", "--test", "e2e"])
            .args([
                "--",
                "--exact",
                "package::the_app_signs_in_and_shows_the_queue",
            ])
            .envs(e2e.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("SWITCHBOARD_APP_BINARY", "/usr/bin/switchboard")
            .env("NO_AT_BRIDGE", "1"),
    )?;
    apt(&["remove", "switchboard"], None)?;
    ensure!(
        !Path::new("/usr/bin/switchboard").exists(),
        "remove left /usr/bin/switchboard"
    );
    Ok(())
}
