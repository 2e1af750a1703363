//! A tauri-driver process on free ports (WebDriver for the desktop app, used by the
//! end-to-end tests and the console bench), stopped gently when dropped.
//!
//! tauri-driver is stopped with SIGTERM, never SIGKILL: killed hard, its WebKitWebDriver
//! child is orphaned, keeps its port and the test's pipes, and the run hangs.

use std::fs::File;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;
use crate::process::terminate;
use anyhow::{bail, Context, Result};

/// How long tauri-driver may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long tauri-driver may take to stop after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// A running tauri-driver.
#[derive(Debug)]
pub struct TauriDriver {
    child: Child,
    port: u16,
    native_port: u16,
}

impl TauriDriver {
    /// Starts tauri-driver, logging into `log_dir`, and waits until it listens. The app it
    /// starts inherits `env`.
    pub fn start(log_dir: &Path, env: &[(String, String)]) -> Result<Self> {
        if std::env::var_os("DISPLAY").is_none() {
            bail!(
                "no DISPLAY: the desktop app needs a display; run this through `cargo xtask` \
                 (test, or bench console), which starts Xvfb and a D-Bus session"
            );
        }
        let port = free_port()?;
        let native_port = free_port()?;
        let log = File::create(log_dir.join("tauri-driver.log"))?;
        let child = Command::new("tauri-driver")
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context(
                "cannot start tauri-driver; `cargo xtask test` installs it (cargo install tauri-driver)",
            )?;
        let mut driver = Self {
            child,
            port,
            native_port,
        };
        driver.wait_until_listening()?;
        Ok(driver)
    }

    /// The driver's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The WebDriver endpoint.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until tauri-driver and the WebKitWebDriver it starts both listen: a session
    /// asked for before the second listens fails (`client error (Connect)`).
    fn wait_until_listening(&mut self) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let listening = |port: u16| TcpStream::connect(("127.0.0.1", port)).is_ok();
            if listening(self.port) && listening(self.native_port) {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("tauri-driver exited before listening ({status}); see tauri-driver.log");
            }
            if Instant::now() > deadline {
                bail!(
                    "tauri-driver and WebKitWebDriver did not both listen within {START_TIMEOUT:?}"
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        if terminate(&mut self.child, STOP_TIMEOUT) {
            eprintln!("tauri-driver ignored SIGTERM for {STOP_TIMEOUT:?}; killed it");
        }
    }
}
