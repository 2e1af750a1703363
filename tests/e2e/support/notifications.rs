//! Watches the session bus for `Notify` calls to the notification daemon (dunst, started by
//! `cargo xtask test`), as the user's desktop would receive them.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// A running `dbus-monitor` on the Notify calls.
#[derive(Debug)]
pub struct NotificationWatch {
    _monitor: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

impl NotificationWatch {
    /// Starts watching, and returns once the monitor listens.
    pub async fn start() -> Result<Self> {
        let mut monitor = Command::new("dbus-monitor")
            .args([
                "--session",
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start dbus-monitor (cargo xtask test installs it)")?;
        let stdout = monitor.stdout.take().context("dbus-monitor's output")?;
        let mut lines = BufReader::new(stdout).lines();
        // It announces itself (NameAcquired) once it listens.
        tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .context("dbus-monitor did not start")??;
        Ok(Self {
            _monitor: monitor,
            lines,
        })
    }

    /// Waits for a Notify call carrying `text`.
    pub async fn wait_for(&mut self, text: &str) -> Result<()> {
        self.wait_within(text, Duration::from_secs(30)).await
    }

    /// Waits up to `patience` for a Notify call carrying `text` (for what comes due on the
    /// clock).
    pub async fn wait_within(&mut self, text: &str, patience: Duration) -> Result<()> {
        let seen = tokio::time::timeout(patience, async {
            while let Ok(Some(line)) = self.lines.next_line().await {
                if line.contains(text) {
                    return true;
                }
            }
            false
        })
        .await
        .with_context(|| format!("no notification carrying `{text}` within {patience:?}"))?;
        if !seen {
            bail!("dbus-monitor stopped before a notification carrying `{text}`");
        }
        Ok(())
    }
}
