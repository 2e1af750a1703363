//! `cargo xtask package [--debug]`: the two Debian packages, in `target/packages/`.
//!
//! - `switchboard_<version>_amd64.deb`, the desktop console, bundled by Tauri's bundler
//!   (its prebuilt CLI from npm, `xtask/tauri-cli`): the binary, a desktop entry, icons in
//!   every hicolor size, its dependencies declared.
//! - `switchboard-server_<version>_amd64.deb`, the platform server, assembled here
//!   ([`server_deb`]): the binary, a hardened systemd unit running as the `switchboard`
//!   system user, settings in `/etc/switchboard/server.env` (a JWT secret generated on
//!   install), data kept on remove and dropped on purge.
//!
//! Release builds by default; `--debug` packages the debug binaries the tests already built
//! (what `cargo xtask test` installs and checks, [`check`]), stripped like release ones.

pub mod check;
mod server_deb;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::shell::{self, command, step};

/// Which build the packages hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `cargo build --release`: what users install.
    Release,
    /// The test build's binaries, stripped: what CI installs and checks.
    Debug,
}

impl Profile {
    fn dir(self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::Debug => "debug",
        }
    }
}

/// The two packages built.
#[derive(Debug, Clone)]
pub struct Packages {
    /// `switchboard_<version>_amd64.deb`.
    pub desktop: PathBuf,
    /// `switchboard-server_<version>_amd64.deb`.
    pub server: PathBuf,
}

/// `cargo xtask package [--debug] [--check]`.
pub fn run(args: &[String]) -> Result<()> {
    let mut profile = Profile::Release;
    let mut check = false;
    for arg in args {
        match arg.as_str() {
            "--debug" => profile = Profile::Debug,
            "--check" => check = true,
            other => {
                bail!("unknown argument {other:?}; usage: cargo xtask package [--debug] [--check]")
            }
        }
    }
    let purpose = if check {
        crate::prerequisites::Purpose::Test
    } else {
        crate::prerequisites::Purpose::Demo
    };
    crate::prerequisites::ensure(purpose)?;
    let packages = build(profile)?;
    if check {
        let output = crate::workspace_root().join(shell::TEST_OUTPUT_DIR);
        std::fs::create_dir_all(&output)?;
        let e2e = check::E2eEnv {
            vars: vec![
                (
                    "SWITCHBOARD_TEST_OUTPUT".to_owned(),
                    output.display().to_string(),
                ),
                (
                    crate::services::POSTGRES_URL_VAR.to_owned(),
                    crate::services::ensure_postgres()?,
                ),
                (
                    crate::services::REDIS_URL_VAR.to_owned(),
                    crate::services::ensure_redis()?,
                ),
            ],
        };
        check::run(&packages, &e2e)?;
    }
    println!(
        "\npackages:\n  {}\n  {}\ninstall with: sudo apt-get install ./target/packages/<file>",
        packages.desktop.display(),
        packages.server.display(),
    );
    Ok(())
}

/// The workspace's version (the packages' version).
pub fn version() -> Result<String> {
    let manifest = std::fs::read_to_string(crate::workspace_root().join("Cargo.toml"))?;
    let parsed: toml::Table = manifest.parse().context("Cargo.toml is not TOML")?;
    parsed
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .context("Cargo.toml has no workspace.package.version")
}

/// Builds the binaries of `profile` (and the front end they embed), then both packages.
pub fn build(profile: Profile) -> Result<Packages> {
    let version = version()?;
    let root = crate::workspace_root();
    let out = root.join("target/packages");
    let work = root.join("target/packaging");
    std::fs::create_dir_all(&out)?;
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    crate::ui::build()?;
    step(&format!("building the {} binaries", profile.dir()), || {
        let mut cargo = command("cargo");
        match profile {
            Profile::Release => cargo.args([
                "build",
                "--release",
                "--package",
                "switchboard",
                "--bin",
                "switchboard",
                "--package",
                "switchboard-server",
                "--bin",
                "switchboard-server",
            ]),
            // The binaries the test build makes (with the whole workspace's features): right
            // after `cargo xtask test`'s build a no-op, where building the two packages alone
            // would resolve other features and rebuild much of the tree.
            // Linted like `cargo xtask test`'s build, so that too is a no-op there.
            Profile::Debug => {
                shell::linted(&mut cargo).args(["test", "--workspace", "--all-targets", "--no-run"])
            }
        };
        shell::run(&mut cargo)
    })?;
    let binaries = root.join("target").join(profile.dir());
    let desktop = step("bundling the desktop app (Tauri's bundler)", || {
        desktop_deb(profile, &version, &work, &out)
    })?;
    let server = step("assembling the server package", || {
        server_deb::assemble(&binaries.join("switchboard-server"), &version, &work, &out)
    })?;
    Ok(Packages { desktop, server })
}

/// Installs Tauri's CLI from `xtask/tauri-cli`'s lockfile when it is missing or older.
fn tauri_cli() -> Result<PathBuf> {
    let dir = crate::workspace_root().join("xtask/tauri-cli");
    let cli = dir.join("node_modules/.bin/tauri");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let installed = modified(&dir.join("node_modules/.package-lock.json"));
    let fresh = matches!(
        (installed, modified(&dir.join("package-lock.json"))),
        (Some(installed), Some(lock)) if installed >= lock
    );
    if !fresh || !cli.is_file() {
        step("installing Tauri's CLI (npm ci, prebuilt)", || {
            shell::run(
                command("npm")
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(&dir),
            )
        })?;
    }
    Ok(cli)
}

/// The Debian changelog of `package` at `version`, gzipped as Debian wants it, in `work`.
pub(crate) fn changelog(package: &str, version: &str, work: &Path) -> Result<PathBuf> {
    let text = format!(
        "{package} ({version}) unstable; urgency=medium\n\n  \
         * Release {version} of Switchboard: the desktop console (switchboard) and the\n    \
         platform server with its systemd service (switchboard-server).\n\n \
         -- Switchboard developers <dev@switchboard.invalid>  Thu, 03 Dec 2026 10:00:00 +0000\n"
    );
    let plain = work.join(format!("{package}.changelog"));
    std::fs::write(&plain, text)?;
    shell::run(command("gzip").args(["-9nf"]).arg(&plain))?;
    Ok(work.join(format!("{package}.changelog.gz")))
}

/// Bundles the desktop app with Tauri's bundler; with `--debug`, strips its binary as the
/// release profile does. Returns `target/packages/switchboard_<version>_amd64.deb`.
fn desktop_deb(profile: Profile, version: &str, work: &Path, out: &Path) -> Result<PathBuf> {
    let cli = tauri_cli()?;
    let changelog = changelog("switchboard", version, work)?;
    // The bundler puts a changelog under the product's name (`Switchboard`); Debian wants it
    // beside the package's copyright.
    let config = bundler_config(&changelog);
    let mut bundle = command(&cli);
    bundle.args(["bundle", "--bundles", "deb", "--ci", "--config", &config]);
    if profile == Profile::Debug {
        bundle.arg("--debug");
    }
    shell::run(&mut bundle)?;
    let bundled = crate::workspace_root()
        .join("target")
        .join(profile.dir())
        .join(format!("bundle/deb/Switchboard_{version}_amd64.deb"));
    let target = out.join(format!("switchboard_{version}_amd64.deb"));
    if profile == Profile::Release {
        std::fs::copy(&bundled, &target)
            .with_context(|| format!("the bundler made no {}", bundled.display()))?;
        return Ok(target);
    }
    let tree = work.join("switchboard");
    shell::run(command("dpkg-deb").arg("-R").arg(&bundled).arg(&tree))?;
    shell::run(
        command("strip")
            .arg("--strip-unneeded")
            .arg(tree.join("usr/bin/switchboard")),
    )?;
    server_deb::write_md5sums(&tree)?;
    server_deb::set_installed_size(&tree)?;
    server_deb::pack(&tree, &target)?;
    Ok(target)
}

/// The `--config` the bundler merges into `tauri.conf.json`: the changelog file.
fn bundler_config(changelog: &Path) -> String {
    let escaped = changelog
        .display()
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    format!(
        r#"{{"bundle":{{"linux":{{"deb":{{"files":{{"/usr/share/doc/switchboard/copyright":"src-tauri/packaging/copyright","/usr/share/doc/switchboard/changelog.gz":"{escaped}"}}}}}}}}}}"#
    )
}
