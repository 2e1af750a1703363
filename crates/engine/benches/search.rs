//! Benchmark: offline search over 1,000,000 cached messages.
//!
//! Builds a cache file of 1M synthetic messages in 2,000 channels (sentences drawn from a
//! 4,000-word vocabulary, some words with diacritics), then times 500 searches of one or
//! two words (whole words and prefixes), newest first, limited to 50 hits. Run with
//! `cargo xtask bench search`; writes `crates/engine/benches/results/search.md`.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{TimeZone, Utc};
use engine::cache::{messages, search, Cache};
use protocol::{ChannelId, Message, MessageId, Role, SenderType, UserId, UserSummary};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use testkit::report::{results_path, write_results};
use testkit::stats::percentile_cells;
use uuid::Uuid;

const MESSAGES: usize = 1_000_000;
const CHANNELS: usize = 2_000;
const VOCABULARY: usize = 4_000;
const QUERIES: usize = 500;
const BATCH: usize = 10_000;

fn vocabulary(rng: &mut StdRng) -> Vec<String> {
    const SYLLABLES: &[&str] = &[
        "ka", "lo", "mi", "ré", "to", "na", "pu", "sé", "vo", "qui", "zé", "ba", "or", "an", "te",
    ];
    (0..VOCABULARY)
        .map(|_| {
            let n = rng.gen_range(2..=4);
            (0..n)
                .map(|_| SYLLABLES[rng.gen_range(0..SYLLABLES.len())])
                .collect::<String>()
        })
        .collect()
}

fn main() -> Result<()> {
    let mut out = results_path(env!("CARGO_MANIFEST_DIR"), "search");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().context("--out FILE")?.into(),
            "--bench" => {}
            other => anyhow::bail!("unknown argument `{other}`"),
        }
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(async {
        let dir = tempfile::tempdir()?;
        let cache = Cache::open(&dir.path().join("cache.sqlite3"))?;
        let mut rng = StdRng::seed_from_u64(7);
        let words = vocabulary(&mut rng);
        let channels: Vec<ChannelId> = (0..CHANNELS)
            .map(|_| ChannelId::from(Uuid::new_v4()))
            .collect();
        let sender = UserSummary {
            id: UserId::from(Uuid::new_v4()),
            email: "alice@acme.test".to_owned(),
            name: "Alice".to_owned(),
            role: Role::Participant,
        };
        let started = Instant::now();
        let epoch = Utc
            .timestamp_opt(1_700_000_000, 0)
            .single()
            .context("a time")?;
        let mut seqs = vec![0_i64; CHANNELS];
        for batch in 0..MESSAGES / BATCH {
            let mut rows = Vec::with_capacity(BATCH);
            for n in 0..BATCH {
                let index = batch * BATCH + n;
                let channel = rng.gen_range(0..CHANNELS);
                seqs[channel] += 1;
                let length = rng.gen_range(4..16);
                let content = (0..length)
                    .map(|_| words[rng.gen_range(0..words.len())].as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                rows.push(Message {
                    id: MessageId::from(Uuid::new_v4()),
                    channel_id: channels[channel],
                    sender_id: sender.id,
                    sender_type: SenderType::Participant,
                    sender: sender.clone(),
                    content,
                    metadata: None,
                    client_message_id: None,
                    created_at: epoch + chrono::Duration::seconds(index as i64),
                    edited_at: None,
                    seq: seqs[channel],
                    internal: false,
                });
            }
            cache
                .write(move |tx| messages::insert(tx, &rows).map(drop))
                .await?;
        }
        let built = started.elapsed();
        eprintln!("    built a cache of {MESSAGES} messages in {built:.1?}");

        let mut times = Vec::with_capacity(QUERIES);
        let mut total_hits = 0;
        for n in 0..QUERIES {
            let first = &words[rng.gen_range(0..words.len())];
            let query = match n % 3 {
                0 => first.clone(),
                1 => first.chars().take(3).collect(),
                _ => format!("{first} {}", &words[rng.gen_range(0..words.len())]),
            };
            let started = Instant::now();
            let hits = cache
                .read(move |conn| search::search(conn, &query, 50))
                .await?;
            times.push(started.elapsed());
            total_hits += hits.len();
        }
        times.sort();
        let mut report = String::new();
        writeln!(report, "# Offline search over 1M cached messages\n")?;
        writeln!(
            report,
            "A release build of the engine's cache (rusqlite, bundled SQLite, WAL, FTS5 with \
             `unicode61 remove_diacritics 2`) holding {MESSAGES} synthetic messages in {CHANNELS} \
             channels (4–15 words each from a {VOCABULARY}-word vocabulary with diacritics), built \
             in {built:.0?}. {QUERIES} searches through `Cache::read` (a blocking-thread hop \
             included): a third whole words, a third 3-letter prefixes, a third two words; newest \
             first, at most 50 hits ({} hits on average). Generated by `cargo xtask bench search` \
             on {}.\n",
            total_hits / QUERIES,
            Utc::now().format("%Y-%m-%d")
        )?;
        writeln!(report, "| p50 ms | p95 ms | p99 ms | max ms |")?;
        writeln!(report, "|---:|---:|---:|---:|")?;
        writeln!(report, "| {} |", percentile_cells(&times))?;
        Ok::<_, anyhow::Error>(report)
    })?;
    write_results(&out, &report)
}
