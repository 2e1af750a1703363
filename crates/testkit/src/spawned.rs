//! The platform server as a child process: the `switchboard-server` binary the caller names,
//! serving on a free port of 127.0.0.1 over a [`Database`], with the demo data if asked;
//! stoppable and restartable on the same port and database; killed when dropped.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use crate::database::Database;
use crate::free_port;
use crate::process::terminate;

/// How often the health check is asked while the server starts.
const POLL: Duration = Duration::from_millis(20);

/// The binary `name` in the folder above the running test's or benchmark's own
/// (`target/<profile>/`, where cargo puts a package's binaries); `how_to_build` ends the
/// message when it is missing.
pub fn sibling_binary(name: &str, how_to_build: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .context("the running binary is not in target/<profile>/deps")?;
    let binary = dir.join(name);
    ensure!(
        binary.is_file(),
        "{} is missing: {how_to_build}",
        binary.display()
    );
    Ok(binary)
}

/// How to start a `switchboard-server serve`.
#[derive(Debug)]
pub struct ServerCommand {
    binary: PathBuf,
    database: Database,
    demo: bool,
    env: Vec<(String, String)>,
    log: Option<PathBuf>,
    start_timeout: Duration,
}

impl ServerCommand {
    /// `binary serve` over `database`, without the demo data, its output on this process's
    /// stderr (stdout dropped), given 30 s to answer.
    pub fn new(binary: impl Into<PathBuf>, database: Database) -> Self {
        Self {
            binary: binary.into(),
            database,
            demo: false,
            env: Vec::new(),
            log: None,
            start_timeout: Duration::from_secs(30),
        }
    }

    /// With the demo tenants, users and tickets (`--demo`).
    pub fn demo(mut self) -> Self {
        self.demo = true;
        self
    }

    /// With `key=value` in its environment (`JWT_SECRET`, `RUST_LOG`…).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Its stdout and stderr appended to the file `log`.
    pub fn log_to(mut self, log: impl Into<PathBuf>) -> Self {
        self.log = Some(log.into());
        self
    }

    /// Allows it `timeout` to answer its health check.
    pub fn start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = timeout;
        self
    }

    /// Starts it on a free port and waits until it answers `/api/health`.
    pub async fn spawn(self) -> Result<ServerProcess> {
        let mut server = ServerProcess {
            port: free_port()?,
            command: self,
            child: None,
            http: reqwest::Client::new(),
        };
        server.run().await?;
        Ok(server)
    }
}

/// A running `switchboard-server`; killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    command: ServerCommand,
    port: u16,
    child: Option<Child>,
    http: reqwest::Client,
}

impl ServerProcess {
    /// Its base URL (`http://127.0.0.1:PORT`).
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Its database.
    pub fn database(&self) -> &Database {
        &self.command.database
    }

    /// The file its output goes to, if any.
    pub fn log(&self) -> Option<&Path> {
        self.command.log.as_deref()
    }

    async fn run(&mut self) -> Result<()> {
        let command = &self.command;
        let mut process = Command::new(&command.binary);
        process
            .arg("serve")
            .args(command.demo.then_some("--demo"))
            .args(["--bind", &format!("127.0.0.1:{}", self.port)])
            .arg("--database-url")
            .arg(command.database.url())
            .envs(command.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        match &command.log {
            Some(path) => {
                let log = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .with_context(|| format!("cannot open {}", path.display()))?;
                process.stdout(log.try_clone()?).stderr(log);
            }
            None => {
                process.stdout(Stdio::null()).stderr(Stdio::inherit());
            }
        }
        let child = process
            .spawn()
            .with_context(|| format!("cannot start {}", command.binary.display()))?;
        self.child = Some(child);
        self.wait_until_healthy().await
    }

    async fn wait_until_healthy(&mut self) -> Result<()> {
        let timeout = self.command.start_timeout;
        let see = match &self.command.log {
            Some(log) => format!("; see {}", log.display()),
            None => String::new(),
        };
        let deadline = Instant::now() + timeout;
        loop {
            let health = self
                .http
                .get(format!("{}/api/health", self.base()))
                .send()
                .await;
            if health.is_ok_and(|answer| answer.status().is_success()) {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut() {
                if let Some(status) = child.try_wait()? {
                    bail!("switchboard-server exited ({status}){see}");
                }
            }
            ensure!(
                Instant::now() < deadline,
                "switchboard-server did not answer within {timeout:?}{see}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Kills it at once (the port closes, as when the platform goes away; its database
    /// stays).
    pub fn stop(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    /// Stops it with SIGTERM, SIGKILL after `timeout`; returns whether it had to be killed.
    pub fn terminate(&mut self, timeout: Duration) -> bool {
        self.child
            .take()
            .is_some_and(|mut child| terminate(&mut child, timeout))
    }

    /// Sends it SIGTERM and returns at once; [`Self::wait_exit`] waits for the outcome.
    pub fn signal_terminate(&self) -> Result<()> {
        let child = self.child.as_ref().context("the server is not running")?;
        let pid = i32::try_from(child.id()).context("a process id")?;
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        )
        .context("cannot send SIGTERM")?;
        Ok(())
    }

    /// Waits up to `timeout` for it to exit and returns how it ended; still running then,
    /// it is killed and this fails.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus> {
        let mut child = self.child.take().context("the server is not running")?;
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = child.try_wait()? {
                return Ok(status);
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                bail!("switchboard-server did not exit within {timeout:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Starts it again on the same port and database.
    pub async fn restart(&mut self) -> Result<()> {
        self.stop()?;
        self.run().await
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}
