//! Installing what Switchboard needs on a Debian machine: system packages, the wasm32 target,
//! wasm-bindgen-cli of the version in Cargo.lock, and tauri-driver. Only what is missing is
//! installed, so a second run costs a few checks.

use anyhow::{bail, Context, Result};

use crate::shell::{self, command, step};

/// What the prerequisites are for; tests need more than the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Building and running the app.
    Demo,
    /// Everything `cargo xtask test` runs.
    Test,
}

/// Packages to build the desktop app (WebKitGTK and friends).
const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libsoup-3.0-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    // The engine's keyring talks to the Secret Service over libdbus.
    "libdbus-1-dev",
];

/// Packages to run the app without a display and with real notifications; x11-apps's `xwd`
/// takes the demo's screenshots (`cargo xtask demo --screenshot FILE`).
const RUN_PACKAGES: &[&str] = &["xvfb", "xauth", "dbus", "dbus-x11", "dunst", "x11-apps"];

/// Packages only the tests need: the WebDriver of WebKitGTK, the servers the platform
/// server's tests talk to (started by `services`), and `lintian` for the packages.
const TEST_PACKAGES: &[&str] = &["webkit2gtk-driver", "postgresql", "redis-server", "lintian"];

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const TAURI_DRIVER_VERSION: &str = "^2";

/// Installs whatever `purpose` needs and is missing.
pub fn ensure(purpose: Purpose) -> Result<()> {
    let mut packages: Vec<&str> = BUILD_PACKAGES.iter().chain(RUN_PACKAGES).copied().collect();
    if purpose == Purpose::Test {
        packages.extend(TEST_PACKAGES);
    }
    ensure_apt_packages(&packages)?;
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    if purpose == Purpose::Test {
        ensure_tauri_driver()?;
        ensure_node()?;
    }
    Ok(())
}

/// Node.js and npm, for the interoperability tests with the official Socket.IO client and
/// server.
/// Whatever Node.js is on the PATH will do; only without one are Debian's packages added.
fn ensure_node() -> Result<()> {
    if shell::on_path("node") && shell::on_path("npm") {
        println!("==> Node.js: present");
        return Ok(());
    }
    ensure_apt_packages(&["nodejs", "npm"])
}

fn is_installed(package: &str) -> bool {
    shell::output(command("dpkg-query").args(["-W", "-f=${db:Status-Abbrev}", package]))
        .is_some_and(|status| status.starts_with("ii"))
}

/// How to run a command as root here: directly, through `sudo`, or not at all.
pub fn root_prefix() -> Result<Vec<&'static str>> {
    let uid = shell::output(command("id").arg("-u")).unwrap_or_default();
    if uid.trim() == "0" {
        return Ok(vec![]);
    }
    if shell::on_path("sudo") {
        return Ok(vec!["sudo"]);
    }
    bail!("this needs root, and there is no sudo here")
}

fn ensure_apt_packages(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !is_installed(p))
        .collect();
    if missing.is_empty() {
        println!("==> system packages: all {} present", packages.len());
        return Ok(());
    }
    if !shell::on_path("apt-get") {
        bail!(
            "these system packages are missing and there is no apt-get to install them: {}\n\
             install them with your system's package manager, then run this again",
            missing.join(" ")
        );
    }
    let prefix = root_prefix().with_context(|| {
        format!(
            "missing system packages; install them with:\n  sudo apt-get update && sudo apt-get install -y {}",
            missing.join(" ")
        )
    })?;
    let title = format!(
        "installing {} system packages (about a minute): {}",
        missing.len(),
        missing.join(" ")
    );
    step(&title, || {
        let as_root = |args: &[&str]| {
            let mut all: Vec<&str> = prefix.clone();
            all.extend(args);
            let mut cmd = command(all[0]);
            cmd.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
            cmd
        };
        shell::run(&mut as_root(&["apt-get", "update", "-q"]))?;
        let mut install = vec!["apt-get", "install", "-y", "-q"];
        install.extend(&missing);
        shell::run(&mut as_root(&install))
    })
}

fn ensure_wasm_target() -> Result<()> {
    let installed = shell::output(command("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("==> Rust target {WASM_TARGET}: present");
        return Ok(());
    }
    step(
        &format!("adding the Rust target {WASM_TARGET} (about 30 s)"),
        || shell::run(command("rustup").args(["target", "add", WASM_TARGET])),
    )
}

/// The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock_path = crate::workspace_root().join("Cargo.lock");
    let text = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("cannot read {}", lock_path.display()))?;
    let lock: toml::Table = text
        .parse()
        .with_context(|| format!("cannot parse {}", lock_path.display()))?;
    lock.get("package")
        .and_then(|packages| packages.as_array())
        .into_iter()
        .flatten()
        .find(|package| package.get("name").and_then(|n| n.as_str()) == Some("wasm-bindgen"))
        .and_then(|package| package.get("version").and_then(|v| v.as_str()))
        .map(str::to_owned)
        .context("Cargo.lock pins no wasm-bindgen")
}

fn ensure_wasm_bindgen() -> Result<()> {
    let wanted = locked_wasm_bindgen_version()?;
    let have = shell::output(command("wasm-bindgen").arg("--version"));
    let have_version = have
        .as_deref()
        .and_then(|text| text.split_whitespace().nth(1))
        .map(str::to_owned);
    if have_version.as_deref() == Some(wanted.as_str()) {
        println!("==> wasm-bindgen-cli {wanted}: present");
        return Ok(());
    }
    let why = match have_version {
        Some(other) => format!("replacing wasm-bindgen-cli {other} with {wanted}"),
        None => format!("installing wasm-bindgen-cli {wanted}"),
    };
    // Not `--locked`: the CLI's own lock names a crate version the registry may lack.
    step(&format!("{why} (about 2 min)"), || {
        shell::run(command("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
            "--force",
        ]))
    })
}

fn ensure_tauri_driver() -> Result<()> {
    if shell::on_path("tauri-driver") {
        println!("==> tauri-driver: present");
        return Ok(());
    }
    step("installing tauri-driver 2 (about 30 s)", || {
        shell::run(command("cargo").args([
            "install",
            "tauri-driver",
            "--version",
            TAURI_DRIVER_VERSION,
            "--locked",
        ]))
    })
}
