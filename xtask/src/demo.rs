//! `cargo xtask demo`: builds and runs Switchboard. Without a display, the window opens on a
//! virtual one (Xvfb) and the command says how to look at it.

use std::path::Path;

use anyhow::Result;

use crate::prerequisites::{self, Purpose};
use crate::shell::{self, command, step};
use crate::ui;

/// Builds and runs the app until its window closes.
pub fn run() -> Result<()> {
    prerequisites::ensure(Purpose::Demo)?;
    ui::build()?;
    step("building the desktop app (about 2 min cold)", || {
        shell::run(command("cargo").args(["build", "--package", "switchboard"]))
    })?;
    let app = crate::workspace_root().join("target/debug/switchboard");
    if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some() {
        println!("==> running Switchboard (close the window to stop)");
        return shell::run(&mut command(&app));
    }
    let display = free_display_number();
    let auth_file = crate::workspace_root().join("target/xvfb-demo.auth");
    println!(
        "==> no display here: running Switchboard on the virtual display :{display} (Xvfb)\n    \
         see it with `XAUTHORITY={} DISPLAY=:{display} import -window root switchboard.png`; \
         stop with Ctrl-C",
        auth_file.display()
    );
    shell::run(
        command("xvfb-run")
            .args(["--server-num", &display.to_string()])
            .arg("--auth-file")
            .arg(&auth_file)
            .arg(shell::XVFB_SERVER_ARGS)
            .args(["dbus-run-session", "--"])
            .arg(&app)
            .env("NO_AT_BRIDGE", "1"),
    )
}

/// The first X display number from 99 up that no server holds.
fn free_display_number() -> u32 {
    (99..200)
        .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
        .unwrap_or(99)
}
