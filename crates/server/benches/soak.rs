//! Soak: the release `switchboard-server` as its own process (SQLite, demo data) holding
//! 1,000 idle authenticated `/chat` sockets while messages flow at 5 per second, for 10
//! minutes by default. Reports disconnects, error events, missing deliveries and the
//! server's resident memory growth (the run fails above 5 %), into
//! `benches/results/soak.md`. Run with `cargo xtask soak [--minutes N]`.
//!
//! Traffic: bob posts over REST into a team room he shares with qm; ten of qm's sockets have
//! joined that room and must each hear every message. The idle sockets (five other users)
//! only answer the heartbeat. Access tokens live 15 minutes, so sockets whose token expires
//! (`error {code: TOKEN_EXPIRED}`, then a disconnect) reconnect with a fresh one: counted as
//! renewals, not as disconnects.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use protocol::events::{name, NAMESPACE};
use protocol::socketio::{EnginePacket, SocketPacket};
use serde_json::{json, Value};
use testkit::report::{machine, results_path, write_results};
use testkit::{Database, ServerCommand};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message as Frame;

const SECRET: &str = "the soak's secret, long enough for HS256 keys";
const IDLE_USERS: [&str; 5] = [
    "alice@acme.test",
    "admin@globex.test",
    "billing@acme.test",
    "inspector@acme.test",
    "practice@acme.test",
];
const OBSERVERS: usize = 10;
const CONNECTING_AT_ONCE: usize = 50;
/// How often the server's memory is read.
const SAMPLE_EVERY: Duration = Duration::from_secs(10);
/// Tokens are renewed well before their 15 minutes are up.
const RENEW_EVERY: Duration = Duration::from_secs(10 * 60);
/// The growth of resident memory that still passes.
const GROWTH_LIMIT: f64 = 0.05;

struct Args {
    minutes: f64,
    sockets: usize,
    rate: f64,
    out: PathBuf,
}

fn args() -> Result<Args> {
    let mut parsed = Args {
        minutes: 10.0,
        sockets: 1_000,
        rate: 5.0,
        out: results_path(env!("CARGO_MANIFEST_DIR"), "soak"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().with_context(|| format!("{arg} {what}"));
        match arg.as_str() {
            "--minutes" => parsed.minutes = value("N")?.parse()?,
            "--sockets" => parsed.sockets = value("N")?.parse()?,
            "--rate" => parsed.rate = value("PER_SECOND")?.parse()?,
            "--out" => parsed.out = value("FILE")?.into(),
            "--bench" => {}
            other => {
                bail!("unknown argument `{other}` (--minutes N, --sockets N, --rate R, --out FILE)")
            }
        }
    }
    if parsed.minutes <= 0.0 || parsed.rate <= 0.0 {
        bail!("--minutes and --rate must be positive");
    }
    Ok(parsed)
}

/// What the sockets saw.
#[derive(Default)]
struct Counters {
    disconnects: AtomicU64,
    errors: AtomicU64,
    renewals: AtomicU64,
    failed_connects: AtomicU64,
    idle_events: AtomicU64,
}

/// A socket's part: idle (answers the heartbeat), or an observer of the traffic room that
/// records every message it hears.
#[derive(Clone)]
enum Role {
    Idle,
    Observer {
        channel: String,
        heard: Arc<Mutex<HashSet<String>>>,
    },
}

async fn login(http: &reqwest::Client, base: &str, email: &str) -> Result<(String, String)> {
    let answer: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": "switchboard"}))
        .send()
        .await?
        .json()
        .await?;
    let token = answer["accessToken"]
        .as_str()
        .with_context(|| format!("login {email}: {answer}"))?;
    let id = answer["user"]["id"].as_str().context("a user id")?;
    Ok((token.to_owned(), id.to_owned()))
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send(ws: &mut Ws, packet: EnginePacket) -> Result<()> {
    ws.send(Frame::text(packet.encode())).await?;
    Ok(())
}

/// Opens an authenticated socket; an observer joins its room and waits for the ack.
async fn open(base: &str, token: &str, role: &Role) -> Result<Ws> {
    let url = format!(
        "{}/socket.io/?EIO=4&transport=websocket",
        base.replacen("http", "ws", 1)
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
    let connect = SocketPacket::Connect {
        namespace: NAMESPACE.to_owned(),
        data: Some(json!({ "token": token })),
    };
    send(&mut ws, EnginePacket::Message(connect)).await?;
    let mut joining = None;
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .context("no answer in 30 s")?
            .context("the socket closed")??;
        let Ok(text) = frame.to_text() else { continue };
        match EnginePacket::decode(text) {
            Ok(EnginePacket::Ping) => send(&mut ws, EnginePacket::Pong).await?,
            Ok(EnginePacket::Message(SocketPacket::Connect { .. })) => match role {
                Role::Idle => return Ok(ws),
                Role::Observer { channel, .. } => {
                    let join = SocketPacket::Event {
                        namespace: NAMESPACE.to_owned(),
                        ack: Some(1),
                        name: name::JOIN_CHANNEL.to_owned(),
                        args: vec![json!({ "channelId": channel })],
                    };
                    send(&mut ws, EnginePacket::Message(join)).await?;
                    joining = Some(());
                }
            },
            Ok(EnginePacket::Message(SocketPacket::Ack { ack: 1, args, .. }))
                if joining.is_some() =>
            {
                if args.first().is_some_and(|a| a["ok"] == true) {
                    return Ok(ws);
                }
                bail!("join refused: {args:?}");
            }
            Ok(EnginePacket::Message(SocketPacket::ConnectError { data, .. })) => {
                bail!("refused: {data}")
            }
            _ => {}
        }
    }
}

/// One socket for the whole run: reconnects with the user's newest token when its token
/// expires (a renewal) or the connection drops (a disconnect).
async fn socket_task(
    base: String,
    tokens: watch::Receiver<String>,
    role: Role,
    counters: Arc<Counters>,
    mut stop: watch::Receiver<bool>,
    ready: tokio::sync::mpsc::Sender<()>,
) {
    let mut first = true;
    loop {
        let token = tokens.borrow().clone();
        let mut ws = match open(&base, &token, &role).await {
            Ok(ws) => ws,
            Err(_) => {
                counters.failed_connects.fetch_add(1, Ordering::Relaxed);
                tokio::select! {
                    _ = stop.changed() => return,
                    _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                }
            }
        };
        if first {
            first = false;
            let _ = ready.send(()).await;
        }
        let mut expiring = false;
        loop {
            let frame = tokio::select! {
                _ = stop.changed() => return,
                frame = ws.next() => frame,
            };
            let Some(Ok(frame)) = frame else { break };
            let Ok(text) = frame.to_text() else { continue };
            let packet = EnginePacket::decode(text);
            if packet == Ok(EnginePacket::Ping) {
                if send(&mut ws, EnginePacket::Pong).await.is_err() {
                    break;
                }
                continue;
            }
            match packet {
                Ok(EnginePacket::Message(SocketPacket::Event {
                    name: event, args, ..
                })) => {
                    let data = args.into_iter().next().unwrap_or(Value::Null);
                    if event == name::ERROR {
                        if data["code"] == "TOKEN_EXPIRED" {
                            expiring = true;
                        } else {
                            counters.errors.fetch_add(1, Ordering::Relaxed);
                        }
                    } else if let Role::Observer { heard, .. } = &role {
                        if event == name::NEW_MESSAGE {
                            if let (Some(id), Ok(mut heard)) =
                                (data["message"]["id"].as_str(), heard.lock())
                            {
                                heard.insert(id.to_owned());
                            }
                        }
                    } else {
                        counters.idle_events.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Ok(
                    EnginePacket::Close | EnginePacket::Message(SocketPacket::Disconnect { .. }),
                ) => break,
                _ => {}
            }
        }
        let counter = if expiring {
            &counters.renewals
        } else {
            &counters.disconnects
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
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

fn median(values: &[u64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or(0) as f64
}

struct Outcome {
    sent: usize,
    send_failures: u64,
    missing: usize,
    samples: Vec<(f64, u64)>,
    baseline: f64,
    last: f64,
    elapsed: Duration,
}

async fn soak(args: &Args, counters: Arc<Counters>) -> Result<Outcome> {
    let server = ServerCommand::new(env!("CARGO_BIN_EXE_switchboard-server"), Database::sqlite())
        .demo()
        .env("JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .start_timeout(Duration::from_secs(60))
        .spawn()
        .await?;
    let base = server.base();
    let pid = server.pid().context("the server runs")?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;

    // Fresh tokens for every user, renewed before they expire.
    let mut users: Vec<&str> = IDLE_USERS.to_vec();
    users.extend(["bob@acme.test", "qm@acme.test"]);
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    for email in &users {
        let (token, id) = login(&http, &base, email).await?;
        ids.push(id);
        tokens.push(watch::channel(token));
    }
    let (bob_token, qm_token) = (tokens[5].1.clone(), tokens[6].1.clone());
    let room: Value = http
        .post(format!("{base}/api/chat/channels"))
        .bearer_auth(bob_token.borrow().as_str())
        .json(&json!({"type": "TEAM", "subject": "soak traffic", "participantIds": [ids[6]]}))
        .send()
        .await?
        .json()
        .await?;
    let channel = room["id"].as_str().context("the traffic room")?.to_owned();

    let (stop_tx, stop) = watch::channel(false);
    let (ready_tx, mut ready) = tokio::sync::mpsc::channel(args.sockets + OBSERVERS);
    let heard: Vec<Arc<Mutex<HashSet<String>>>> = (0..OBSERVERS).map(|_| Arc::default()).collect();
    let mut tasks = Vec::new();
    let mut spawn = |tokens: watch::Receiver<String>, role: Role| {
        tasks.push(tokio::spawn(socket_task(
            base.clone(),
            tokens,
            role,
            counters.clone(),
            stop.clone(),
            ready_tx.clone(),
        )));
    };
    for heard in &heard {
        let role = Role::Observer {
            channel: channel.clone(),
            heard: heard.clone(),
        };
        spawn(qm_token.clone(), role);
    }
    for n in 0..args.sockets {
        spawn(tokens[n % IDLE_USERS.len()].1.clone(), Role::Idle);
        if (n + 1) % CONNECTING_AT_ONCE == 0 {
            tokio::task::yield_now().await;
        }
    }
    drop(ready_tx);
    let opening = Instant::now();
    for _ in 0..args.sockets + OBSERVERS {
        tokio::time::timeout(Duration::from_secs(300), ready.recv())
            .await
            .context("the sockets did not all connect within 5 minutes")?
            .context("a socket task ended")?;
    }
    eprintln!(
        "    {} sockets connected in {:.1}s; soaking for {} min",
        args.sockets + OBSERVERS,
        opening.elapsed().as_secs_f64(),
        args.minutes
    );

    // Traffic, memory samples and token renewals until the time is up.
    let started = Instant::now();
    let duration = Duration::from_secs_f64(args.minutes * 60.0);
    let warm_up = (duration / 10)
        .max(Duration::from_secs(30))
        .min(duration / 2);
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    let mut sample = tokio::time::interval(SAMPLE_EVERY);
    let mut renew = tokio::time::interval(RENEW_EVERY);
    renew.tick().await;
    let mut sent_ids = Vec::new();
    let mut send_failures = 0;
    let mut samples = Vec::new();
    while started.elapsed() < duration {
        tokio::select! {
            _ = tick.tick() => {
                let answer = http
                    .post(format!("{base}/api/chat/channels/{channel}/messages"))
                    .bearer_auth(bob_token.borrow().as_str())
                    .json(&json!({"content": format!("soak {}", sent_ids.len())}))
                    .send()
                    .await;
                match answer {
                    Ok(answer) if answer.status().is_success() => {
                        let message: Value = answer.json().await?;
                        sent_ids.push(message["id"].as_str().unwrap_or_default().to_owned());
                    }
                    _ => send_failures += 1,
                }
            }
            _ = sample.tick() => {
                let at = started.elapsed();
                if at >= warm_up {
                    samples.push((at.as_secs_f64(), rss_kib(pid)?));
                }
            }
            _ = renew.tick() => {
                for ((sender, _), email) in tokens.iter().zip(&users) {
                    let (token, _) = login(&http, &base, email).await?;
                    sender.send_replace(token);
                }
            }
        }
    }
    let elapsed = started.elapsed();

    // Every observer hears every message (the last ones get 10 s to arrive).
    let deadline = Instant::now() + Duration::from_secs(10);
    let missing = loop {
        let missing: usize = heard
            .iter()
            .map(|h| {
                let heard = h.lock().map(|h| h.clone()).unwrap_or_default();
                sent_ids.iter().filter(|id| !heard.contains(*id)).count()
            })
            .sum();
        if missing == 0 || Instant::now() > deadline {
            break missing;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let _ = stop_tx.send(true);
    for task in tasks {
        let _ = task.await;
    }
    drop(server);
    let rss: Vec<u64> = samples.iter().map(|(_, kib)| *kib).collect();
    let baseline = median(&rss[..rss.len().min(3)]);
    let last = median(&rss[rss.len().saturating_sub(3)..]);
    Ok(Outcome {
        sent: sent_ids.len(),
        send_failures,
        missing,
        samples,
        baseline,
        last,
        elapsed,
    })
}

fn report(args: &Args, counters: &Counters, outcome: &Outcome) -> Result<(String, bool)> {
    let count = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let growth = if outcome.baseline > 0.0 {
        (outcome.last - outcome.baseline) / outcome.baseline
    } else {
        0.0
    };
    let passed = count(&counters.disconnects) == 0
        && count(&counters.errors) == 0
        && count(&counters.failed_connects) == 0
        && outcome.send_failures == 0
        && outcome.missing == 0
        && growth <= GROWTH_LIMIT;
    let mut text = String::new();
    writeln!(text, "# Soak: idle sockets with messages flowing\n")?;
    writeln!(
        text,
        "The release `switchboard-server` as its own process (SQLite, demo data, no Redis) with \
         {} idle authenticated `/chat` sockets (five users; they answer the heartbeat and nothing \
         else) and {} observer sockets in a team room into which bob posts over REST at {} \
         messages per second; every observer must hear every message. Resident memory (VmRSS) is \
         read every {} s after a warm-up; growth compares the median of the last three samples with \
         the median of the first three. Generated by `cargo xtask soak --minutes {}` on {} ({}). \
         The default run is 10 minutes.\n",
        args.sockets,
        OBSERVERS,
        args.rate,
        SAMPLE_EVERY.as_secs(),
        args.minutes,
        chrono::Utc::now().format("%Y-%m-%d"),
        machine()?,
    )?;
    writeln!(text, "| measure | value |\n|---|---:|")?;
    writeln!(
        text,
        "| duration | {:.1} min |",
        outcome.elapsed.as_secs_f64() / 60.0
    )?;
    writeln!(text, "| idle sockets | {} |", args.sockets)?;
    writeln!(text, "| messages sent | {} |", outcome.sent)?;
    writeln!(
        text,
        "| sends refused or failed | {} |",
        outcome.send_failures
    )?;
    writeln!(
        text,
        "| deliveries expected | {} |",
        outcome.sent * OBSERVERS
    )?;
    writeln!(text, "| deliveries missing | {} |", outcome.missing)?;
    writeln!(text, "| disconnects | {} |", count(&counters.disconnects))?;
    writeln!(
        text,
        "| failed reconnects | {} |",
        count(&counters.failed_connects)
    )?;
    writeln!(text, "| error events | {} |", count(&counters.errors))?;
    writeln!(
        text,
        "| token renewals (expected after 15 min) | {} |",
        count(&counters.renewals)
    )?;
    writeln!(
        text,
        "| events to idle sockets | {} |",
        count(&counters.idle_events)
    )?;
    writeln!(
        text,
        "| server RSS after warm-up | {:.1} MiB |",
        outcome.baseline / 1024.0
    )?;
    writeln!(
        text,
        "| server RSS at the end | {:.1} MiB |",
        outcome.last / 1024.0
    )?;
    writeln!(
        text,
        "| RSS growth | {:+.2} % (limit {:.0} %) |",
        growth * 100.0,
        GROWTH_LIMIT * 100.0
    )?;
    writeln!(text, "\n**{}**\n", if passed { "PASSED" } else { "FAILED" })?;
    writeln!(text, "<details><summary>RSS samples</summary>\n")?;
    writeln!(text, "| s | MiB |\n|---:|---:|")?;
    for (at, kib) in &outcome.samples {
        writeln!(text, "| {at:.0} | {:.1} |", *kib as f64 / 1024.0)?;
    }
    writeln!(text, "\n</details>")?;
    Ok((text, passed))
}

fn main() -> Result<()> {
    let args = args()?;
    let counters = Arc::new(Counters::default());
    let runtime = tokio::runtime::Runtime::new()?;
    let outcome = runtime.block_on(soak(&args, counters.clone()))?;
    let (text, passed) = report(&args, &counters, &outcome)?;
    write_results(&args.out, &text)?;
    if !passed {
        bail!("the soak failed; see {}", args.out.display());
    }
    Ok(())
}
