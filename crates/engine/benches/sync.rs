//! Benchmark: syncing 100,000 messages into an empty cache over loopback.
//!
//! Starts the platform server in-process (release, SQLite), posts 100k messages into 100
//! channels through the API, then times a fresh engine's whole catch-up (HTTP, decoding
//! and the cache), and separately the cache part alone (the same batches, already in
//! memory, applied to another empty cache). Run with `cargo xtask bench sync`; writes
//! `crates/engine/benches/results/sync.md`.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use engine::cache::{state, Cache};
use engine::profile::Profile;
use engine::{Engine, EngineOptions};
use protocol::rest::SyncQuery;
use protocol::Secret;
use serde_json::{json, Value};
use testkit::report::{results_path, write_results};
use testkit::{Database, InProcessServer};

const MESSAGES: usize = 100_000;
const CHANNELS: usize = 100;
const WRITERS: usize = 8;

async fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> Result<Value> {
    let response = http.post(url).bearer_auth(token).json(&body).send().await?;
    let status = response.status();
    let body: Value = response.json().await?;
    if !status.is_success() {
        bail!("{status}: {body}");
    }
    Ok(body)
}

fn main() -> Result<()> {
    let mut out = results_path(env!("CARGO_MANIFEST_DIR"), "sync");
    let mut messages = MESSAGES;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().context("--out FILE")?.into(),
            "--messages" => messages = args.next().context("--messages N")?.parse()?,
            "--bench" => {}
            other => bail!("unknown argument `{other}`"),
        }
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(async move {
        let platform = InProcessServer::start(Database::sqlite(), |settings| {
            settings.login_attempts = 1000;
        })
        .await;
        let base = platform.base();

        // Seed: 100 channels, then the messages from 8 writers.
        let http = reqwest::Client::new();
        let login = post(&http, format!("{base}/api/auth/login"), "", json!({"email": "admin@acme.test", "password": "switchboard"})).await?;
        let token = login["accessToken"].as_str().context("a token")?.to_owned();
        let mut channels = Vec::new();
        for n in 0..CHANNELS {
            let channel = post(&http, format!("{base}/api/chat/channels"), &token, json!({"type": "SUPPORT", "subject": format!("Bench {n}")})).await?;
            channels.push(channel["id"].as_str().context("an id")?.to_owned());
        }
        let started = Instant::now();
        let mut writers = tokio::task::JoinSet::new();
        for writer in 0..WRITERS {
            let (http, base, token, channels) = (http.clone(), base.clone(), token.clone(), channels.clone());
            writers.spawn(async move {
                for n in (writer..messages).step_by(WRITERS) {
                    let channel = &channels[n % CHANNELS];
                    post(&http, format!("{base}/api/chat/channels/{channel}/messages"), &token, json!({"content": format!("Benchmark message number {n}: the quick brown fox jumps over the lazy dog")})).await?;
                }
                Ok::<_, anyhow::Error>(())
            });
        }
        while let Some(done) = writers.join_next().await {
            done??;
        }
        eprintln!("    seeded {messages} messages in {:.1?}", started.elapsed());

        // The whole catch-up into an empty cache.
        let home = tempfile::tempdir()?;
        let options = EngineOptions { use_keyring: false, sync_batch: 1000 };
        let mut engine = Engine::open(Profile::at(home.path(), "bench")?, options)?;
        engine.login(&base, "admin@acme.test", Secret::new("switchboard"), None).await?;
        let started = Instant::now();
        let (_, synced) = engine.sync().await?;
        let whole = started.elapsed();
        eprintln!("    whole sync: {synced:?} in {whole:.2?}");
        if (synced.messages as usize) < messages {
            bail!("only {} messages synced", synced.messages);
        }

        // The cache part alone: the same answers, fetched first, applied to an empty cache.
        let session = engine.session()?;
        let viewer = session.viewer();
        let mut batches = Vec::new();
        let mut since = None;
        loop {
            let query = SyncQuery { since: since.clone(), limit: Some(1000) };
            let batch = session.call(|api| { let query = query.clone(); async move { api.sync(&query).await } }).await?;
            since = Some(batch.cursor.clone());
            let more = batch.has_more;
            batches.push(batch);
            if !more {
                break;
            }
        }
        let other = tempfile::tempdir()?;
        let cache = Cache::open(&other.path().join("cache.sqlite3"))?;
        let started = Instant::now();
        for batch in batches {
            cache.write(move |tx| engine::sync::apply(tx, viewer, &batch).map(drop)).await?;
        }
        let database = started.elapsed();
        let cursor = cache.read(|conn| state::get(conn, state::SYNC_CURSOR)).await?;
        if cursor.is_none() {
            bail!("the cache part stored no cursor");
        }

        let mut report = String::new();
        writeln!(report, "# Syncing 100k messages into an empty cache\n")?;
        writeln!(
            report,
            "The platform server in-process (release, SQLite) on loopback, {messages} messages in \
             {CHANNELS} channels plus the demo data; a fresh engine signs in as the org admin and \
             catches up through `/api/chat/sync` in batches of 1,000 changes (HTTP, JSON \
             decoding, the visibility rule, and the cache's transactions with FTS5 indexing). \
             The cache part alone applies the same batches, already fetched, to another empty \
             cache. Generated by `cargo xtask bench sync` on {}.\n",
            chrono::Utc::now().format("%Y-%m-%d")
        )?;
        writeln!(report, "| part | messages | seconds | messages per second |")?;
        writeln!(report, "|---|---:|---:|---:|")?;
        let rate = |secs: f64| (synced.messages as f64 / secs).round();
        writeln!(report, "| whole sync over loopback | {} | {:.2} | {} |", synced.messages, whole.as_secs_f64(), rate(whole.as_secs_f64()))?;
        writeln!(report, "| the cache part alone | {} | {:.2} | {} |", synced.messages, database.as_secs_f64(), rate(database.as_secs_f64()))?;
        Ok::<_, anyhow::Error>(report)
    })?;
    write_results(&out, &report)
}
