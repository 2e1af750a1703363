//! The platform server the console talks to: the release `switchboard-server --demo` on its
//! own SQLite file and a free port, stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use crate::process::stop_child;

/// How long the server may take to answer after starting.
const SERVER_TIMEOUT: Duration = Duration::from_secs(30);

/// The release server binary, built beside this bench (`target/release/`).
fn server_binary() -> Result<PathBuf> {
    let bench = std::env::current_exe()?;
    let dir = bench
        .parent()
        .and_then(|deps| deps.parent())
        .context("the bench binary is not in target/<profile>/deps")?;
    let binary = dir.join("switchboard-server");
    ensure!(
        binary.is_file(),
        "{} is missing: build it with `cargo build --release -p switchboard-server --bin \
         switchboard-server` (cargo xtask bench console does)",
        binary.display()
    );
    Ok(binary)
}

/// A running `switchboard-server --demo`; stopped when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub base: String,
    log: PathBuf,
}

impl Server {
    pub async fn start(dir: &Path, http: &reqwest::Client) -> Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let log = dir.join("platform.log");
        let log_file = std::fs::File::create(&log)
            .with_context(|| format!("cannot create {}", log.display()))?;
        let database = dir.join("platform.db");
        let child = Command::new(server_binary()?)
            .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--database-url")
            .arg(format!("sqlite://{}?mode=rwc", database.display()))
            .env("JWT_SECRET", "console-benchmark-secret-of-enough-length")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .context("cannot start switchboard-server")?;
        let mut server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let deadline = Instant::now() + SERVER_TIMEOUT;
        loop {
            let health = http.get(format!("{}/api/health", server.base)).send().await;
            if health.is_ok_and(|answer| answer.status().is_success()) {
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                bail!(
                    "switchboard-server exited ({status}); see {}",
                    server.log.display()
                );
            }
            ensure!(
                Instant::now() < deadline,
                "switchboard-server did not answer within {SERVER_TIMEOUT:?}; see {}",
                server.log.display()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        stop_child(&mut self.child);
    }
}
