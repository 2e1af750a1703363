//! Reads the app's tray icon as the desktop's panel would: the StatusNotifierItem the app
//! exports on the session bus. The app is found through the D-Bus name its profile's single
//! instance holds; the item is on another of that process's bus connections.

use std::path::Path;

use anyhow::{bail, Context, Result};
use tokio::process::Command;

/// Where libayatana-appindicator exports the tray icon of id `switchboard`.
const ITEM_PATH: &str = "/org/ayatana/NotificationItem/tray_icon_tray_app_switchboard";

/// The tray icon of the app running on the profile in `profile_dir`.
#[derive(Debug)]
pub struct Tray {
    owner: String,
}

impl Tray {
    /// Finds the tray icon of the app running on `profile_dir`.
    pub async fn of(profile_dir: &Path) -> Result<Self> {
        let name = format!(
            "{}.SingleInstance",
            switchboard_app::instance_id(profile_dir)
        );
        let reply = dbus_send(&[
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetNameOwner",
            &format!("string:{name}"),
        ])
        .await
        .with_context(|| format!("no app holds {name}"))?;
        let instance = quoted(&reply).context("GetNameOwner answered no name")?;
        let pid = pid_of(&instance).await?;
        let names = dbus_send(&[
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.ListNames",
        ])
        .await?;
        for connection in names
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|n| n.starts_with(':'))
        {
            if pid_of(connection).await.ok() != Some(pid) {
                continue;
            }
            let item = Self {
                owner: connection.to_owned(),
            };
            if item.unread().await.is_ok() {
                return Ok(item);
            }
        }
        bail!("the app (pid {pid}) exports no tray icon at {ITEM_PATH}")
    }

    /// The label beside the icon, as a number: the unread count (no label is 0).
    pub async fn unread(&self) -> Result<u32> {
        let reply = dbus_send(&[
            &format!("--dest={}", self.owner),
            ITEM_PATH,
            "org.freedesktop.DBus.Properties.Get",
            "string:org.kde.StatusNotifierItem",
            "string:XAyatanaLabel",
        ])
        .await?;
        let label = quoted(&reply).unwrap_or_default();
        if label.is_empty() {
            return Ok(0);
        }
        label
            .parse()
            .with_context(|| format!("the tray's label `{label}` is not a count"))
    }
}

/// The process behind bus connection `name`.
async fn pid_of(name: &str) -> Result<u32> {
    let reply = dbus_send(&[
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.GetConnectionUnixProcessID",
        &format!("string:{name}"),
    ])
    .await?;
    reply
        .split_whitespace()
        .last()
        .and_then(|pid| pid.parse().ok())
        .with_context(|| format!("no process id in `{reply}`"))
}

/// The first double-quoted string of a `dbus-send --print-reply` answer.
fn quoted(reply: &str) -> Option<String> {
    let start = reply.find('"')? + 1;
    let end = start + reply[start..].find('"')?;
    Some(reply[start..end].to_owned())
}

async fn dbus_send(args: &[&str]) -> Result<String> {
    let output = Command::new("dbus-send")
        .args(["--session", "--print-reply"])
        .args(args)
        .output()
        .await
        .context("cannot run dbus-send (cargo xtask test installs it)")?;
    if !output.status.success() {
        bail!(
            "dbus-send {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
