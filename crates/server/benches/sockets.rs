//! Benchmark: the server's memory per idle authenticated socket.
//!
//! Starts the release `switchboard-server` as its own process (SQLite, demo data), opens
//! authenticated `/chat` sockets in steps up to 5,000 over real WebSockets, and after each
//! step reads the server's resident memory (VmRSS). The cost per socket is the slope
//! between steps. Run with `cargo xtask bench sockets`; writes `benches/results/sockets.md`.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use protocol::events::NAMESPACE;
use protocol::socketio::{EnginePacket, SocketPacket};
use serde_json::{json, Value};
use testkit::report::{results_path, write_results};
use testkit::{Database, ServerCommand, ServerProcess};
use tokio_tungstenite::tungstenite::Message as Frame;

const STEPS: &[usize] = &[0, 1_000, 2_000, 3_000, 4_000, 5_000];
const CONNECTING_AT_ONCE: usize = 50;

/// The release server as its own process over a fresh SQLite file, with the demo data.
async fn start_server() -> Result<ServerProcess> {
    ServerCommand::new(env!("CARGO_BIN_EXE_switchboard-server"), Database::sqlite())
        .demo()
        .env("RUST_LOG", "warn")
        .start_timeout(Duration::from_secs(60))
        .spawn()
        .await
}

async fn login(base: &str, email: &str) -> Result<String> {
    let answer: Value = reqwest::Client::new()
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": "switchboard"}))
        .send()
        .await?
        .json()
        .await?;
    answer["accessToken"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("login {email}: {answer}"))
}

/// Kilobytes of resident memory of process `pid`.
fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("VmRSS in /proc/<pid>/status")
}

/// Opens one authenticated socket and keeps it alive (answering pings) in a task.
async fn open_socket(base: &str, token: &str) -> Result<tokio::task::JoinHandle<()>> {
    let url = format!(
        "{}/socket.io/?EIO=4&transport=websocket",
        base.replacen("http", "ws", 1)
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
    let connect = EnginePacket::Message(SocketPacket::Connect {
        namespace: NAMESPACE.to_owned(),
        data: Some(json!({ "token": token })),
    });
    ws.send(Frame::text(connect.encode())).await?;
    loop {
        let frame = ws.next().await.context("the socket closed")??;
        let Ok(text) = frame.to_text() else { continue };
        match EnginePacket::decode(text) {
            Ok(EnginePacket::Message(SocketPacket::Connect { .. })) => break,
            Ok(EnginePacket::Message(SocketPacket::ConnectError { data, .. })) => {
                bail!("refused: {data}")
            }
            _ => {}
        }
    }
    Ok(tokio::spawn(async move {
        while let Some(Ok(frame)) = ws.next().await {
            if frame.to_text().ok().map(EnginePacket::decode) == Some(Ok(EnginePacket::Ping))
                && ws
                    .send(Frame::text(EnginePacket::Pong.encode()))
                    .await
                    .is_err()
            {
                break;
            }
        }
    }))
}

fn main() -> Result<()> {
    let mut out = results_path(env!("CARGO_MANIFEST_DIR"), "sockets");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().context("--out FILE")?.into(),
            "--bench" => {}
            other => bail!("unknown argument `{other}`"),
        }
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(async {
        let server = start_server().await?;
        let pid = server.pid().context("the server runs")?;
        // Sockets of several users and roles, as a support desk has.
        let mut tokens = Vec::new();
        for email in ["admin@acme.test", "alice@acme.test", "bob@acme.test", "qm@acme.test", "carol@globex.test"] {
            tokens.push(login(&server.base(), email).await?);
        }
        let mut sockets = Vec::new();
        let mut rows = Vec::new();
        for &target in STEPS {
            while sockets.len() < target {
                let batch = (target - sockets.len()).min(CONNECTING_AT_ONCE);
                let mut opening = Vec::with_capacity(batch);
                for n in 0..batch {
                    let token = tokens[(sockets.len() + n) % tokens.len()].clone();
                    let base = server.base();
                    opening.push(tokio::spawn(async move { open_socket(&base, &token).await }));
                }
                for task in opening {
                    sockets.push(task.await??);
                }
            }
            let rss = rss_kib(pid)?;
            eprintln!("    {target:>5} sockets: {rss} KiB");
            rows.push((target, rss));
        }
        let mut report = String::new();
        writeln!(report, "# Memory per idle authenticated socket\n")?;
        writeln!(
            report,
            "The release `switchboard-server` as its own process (SQLite, demo data, no Redis); \
             authenticated `/chat` WebSockets of five users opened {CONNECTING_AT_ONCE} at a time by \
             the benchmark process; after each step the server's VmRSS from `/proc/<pid>/status`. \
             The sockets stay idle (pings answered). Generated by `cargo xtask bench sockets` on {}.\n",
            chrono::Utc::now().format("%Y-%m-%d")
        )?;
        writeln!(report, "| sockets | server RSS (MiB) | KiB per socket since the previous step |")?;
        writeln!(report, "|---:|---:|---:|")?;
        for (i, (count, rss)) in rows.iter().enumerate() {
            let slope = if i == 0 {
                "—".to_owned()
            } else {
                let (previous_count, previous_rss) = rows[i - 1];
                format!("{:.1}", (*rss as f64 - previous_rss as f64) / (*count - previous_count) as f64)
            };
            writeln!(report, "| {count} | {:.1} | {slope} |", *rss as f64 / 1024.0)?;
        }
        let at = |n: usize| rows.iter().find(|(count, _)| *count == n).map(|(_, rss)| *rss as f64);
        if let (Some(zero), Some(one), Some(five)) = (at(0), at(1_000), at(5_000)) {
            writeln!(
                report,
                "\nSlope 0 → 1k: **{:.1} KiB per socket**; 1k → 5k: **{:.1} KiB per socket**.",
                (one - zero) / 1_000.0,
                (five - one) / 4_000.0
            )?;
        }
        for socket in sockets {
            socket.abort();
        }
        drop(server);
        Ok::<_, anyhow::Error>(report)
    })?;
    write_results(&out, &report)
}
