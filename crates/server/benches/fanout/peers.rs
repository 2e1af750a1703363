//! The peers under load (the Node reference, our server on SQLite or PostgreSQL) and one
//! measured run of the load generator against one of them.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use serde::Deserialize;
use testkit::{Database, ServerCommand, ServerProcess};

/// Sockets the load generator opens.
pub const SOCKETS: u32 = 1_000;
/// Channels they spread over.
pub const ROOMS: u32 = 100;

/// What the load runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// `node-ref.mjs`: socket.io 4, messages in memory only.
    Node,
    /// `switchboard-server` over a fresh SQLite file.
    Sqlite,
    /// `switchboard-server` over a fresh PostgreSQL database.
    Postgres,
}

impl Peer {
    pub fn label(self) -> &'static str {
        match self {
            Self::Node => "Node socket.io (in memory)",
            Self::Sqlite => "switchboard-server, SQLite",
            Self::Postgres => "switchboard-server, PostgreSQL",
        }
    }
}

/// What `fanout.mjs` prints (one JSON line), with what the database held afterwards.
#[derive(Debug, Clone, Deserialize)]
pub struct Run {
    #[serde(skip, default = "node")]
    pub peer: Peer,
    pub rate: u32,
    pub messages: u64,
    pub expected: u64,
    pub delivered: u64,
    pub lost: i64,
    pub duplicated: u64,
    pub distinct_messages: u64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub deliveries_per_s: u64,
    /// Bench messages in the database after the run (our server only).
    #[serde(skip)]
    pub stored: Option<i64>,
}

fn node() -> Peer {
    Peer::Node
}

/// The folder of the Node peers and their `package-lock.json`.
fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/fanout")
}

/// `npm ci` in the bench folder unless socket.io and its client are there.
pub fn install_node_packages() -> Result<()> {
    let dir = bench_dir();
    if dir.join("node_modules/socket.io/package.json").is_file()
        && dir
            .join("node_modules/socket.io-client/package.json")
            .is_file()
    {
        return Ok(());
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .status()
        .context("cannot run npm (Node.js and npm are needed: `cargo xtask setup`)")?;
    ensure!(status.success(), "npm ci in {} failed", dir.display());
    Ok(())
}

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running peer.
enum Running {
    Node { _child: Killed, base: String },
    Server(ServerProcess),
}

impl Running {
    fn base(&self) -> String {
        match self {
            Self::Node { base, .. } => base.clone(),
            Self::Server(server) => server.base(),
        }
    }
}

async fn start(peer: Peer) -> Result<Running> {
    match peer {
        Peer::Node => {
            let port = testkit::free_port()?;
            let child = Command::new("node")
                .arg("node-ref.mjs")
                .arg(port.to_string())
                .current_dir(bench_dir())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .context("cannot start node node-ref.mjs")?;
            let child = Killed(child);
            let base = format!("http://127.0.0.1:{port}");
            wait_healthy(&base).await?;
            Ok(Running::Node {
                _child: child,
                base,
            })
        }
        Peer::Sqlite | Peer::Postgres => {
            let database = if peer == Peer::Sqlite {
                Database::sqlite()
            } else {
                Database::postgres().await
            };
            let log = std::env::temp_dir().join("switchboard-fanout-server.log");
            // FANOUT_SERVER_BIN measures another build (an older commit's, for a before).
            let binary = std::env::var("FANOUT_SERVER_BIN")
                .unwrap_or_else(|_| env!("CARGO_BIN_EXE_switchboard-server").to_owned());
            let server = ServerCommand::new(binary, database)
                .demo()
                .env("RUST_LOG", "warn")
                .log_to(log)
                .start_timeout(Duration::from_secs(60))
                .spawn()
                .await?;
            Ok(Running::Server(server))
        }
    }
}

async fn wait_healthy(base: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let http = reqwest::Client::new();
    loop {
        let health = http.get(format!("{base}/api/health")).send().await;
        if health.is_ok_and(|answer| answer.status().is_success()) {
            return Ok(());
        }
        ensure!(Instant::now() < deadline, "{base} did not answer in 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The bench messages the database holds (`fanout.mjs` names its channels `bench N` and
/// starts each message with `t `).
async fn stored_messages(database: &Database) -> Result<i64> {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(database.url())
        .await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM messages m JOIN channels c ON c.id = m.channel_id \
         WHERE c.subject LIKE 'bench %' AND m.content LIKE 't %'",
    )
    .fetch_one(&pool)
    .await?;
    let count: i64 = row.try_get("n")?;
    pool.close().await;
    Ok(count)
}

/// One run: a fresh `peer`, the load generator at `rate` messages/s for `seconds`.
pub async fn measure(peer: Peer, rate: u32, seconds: f64) -> Result<Run> {
    let messages = ((f64::from(rate) * seconds).round() as u64).max(u64::from(ROOMS));
    eprintln!(
        "fan-out: {} at {rate} msg/s ({messages} messages)",
        peer.label()
    );
    let running = start(peer).await?;
    let output = tokio::process::Command::new("node")
        .arg("fanout.mjs")
        .arg(running.base())
        .args([SOCKETS, ROOMS].map(|n| n.to_string()))
        .arg(messages.to_string())
        .arg(rate.to_string())
        .current_dir(bench_dir())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(600), output)
        .await
        .context("fanout.mjs took over 10 minutes")??;
    if !output.status.success() {
        bail!("fanout.mjs failed ({})", output.status);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|line| line.starts_with('{'))
        .with_context(|| format!("no result line from fanout.mjs: {stdout}"))?;
    let mut run: Run =
        serde_json::from_str(line).with_context(|| format!("fanout.mjs printed {line}"))?;
    run.peer = peer;
    if let Running::Server(server) = &running {
        run.stored = Some(stored_messages(server.database()).await?);
    }
    eprintln!("  {line}");
    Ok(run)
}
