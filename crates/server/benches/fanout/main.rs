//! Benchmark: real-time fan-out, switchboard-server beside Node's socket.io, in one run.
//!
//! The same load generator (`fanout.mjs`, npm's `socket.io-client`) runs against the Node
//! reference platform (`node-ref.mjs`, socket.io 4, messages in memory only) and against the
//! release `switchboard-server` (demo data; SQLite, then PostgreSQL when
//! `SWITCHBOARD_TEST_POSTGRES_URL` names a server): 1,000 sockets of a super admin who is a
//! member of no bench channel, 100 channels with 10 sockets each, one publisher sending
//! `send_message` with a `clientMessageId` round-robin over the channels at each offered
//! rate. Each (peer, rate) gets a fresh peer and database. After each run on our server the
//! messages in the database are counted. A sweep over more rates finds the highest one at
//! which our p99 stays under 50 ms. Run with `cargo xtask bench fanout [--rates 1000,5000]
//! [--sweep 500,1000,2000] [--seconds 5] [--skip-postgres] [--out FILE]`; writes
//! `benches/results/fanout.md`.

mod peers;
mod report;

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use testkit::report::{results_path, write_results};

use peers::Peer;

/// What to run.
#[derive(Debug)]
struct Plan {
    rates: Vec<u32>,
    sweep: Vec<u32>,
    seconds: f64,
    postgres: bool,
    out: PathBuf,
}

fn numbers(value: Option<String>, flag: &str) -> Result<Vec<u32>> {
    let value = value.with_context(|| format!("{flag} needs a value"))?;
    value
        .split(',')
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse()
                .with_context(|| format!("{flag}: `{v}` is not a rate"))
        })
        .collect()
}

fn plan() -> Result<Plan> {
    let mut plan = Plan {
        rates: vec![1_000, 5_000],
        sweep: vec![2_000, 3_000, 4_000],
        seconds: 5.0,
        postgres: std::env::var_os("SWITCHBOARD_TEST_POSTGRES_URL").is_some(),
        out: results_path(env!("CARGO_MANIFEST_DIR"), "fanout"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rates" => plan.rates = numbers(args.next(), "--rates")?,
            "--sweep" => plan.sweep = numbers(args.next(), "--sweep")?,
            "--seconds" => {
                plan.seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .context("--seconds needs a number")?;
            }
            "--skip-postgres" => plan.postgres = false,
            "--out" => plan.out = args.next().context("--out needs a file")?.into(),
            // cargo bench passes `--bench`.
            "--bench" => {}
            other => bail!("unknown argument `{other}`"),
        }
    }
    Ok(plan)
}

#[tokio::main]
async fn main() -> Result<()> {
    let plan = plan()?;
    peers::install_node_packages()?;
    let mut peers = vec![Peer::Node, Peer::Sqlite];
    if plan.postgres {
        peers.push(Peer::Postgres);
    }
    let mut runs = Vec::new();
    for &rate in &plan.rates {
        for &peer in &peers {
            runs.push(peers::measure(peer, rate, plan.seconds).await?);
        }
    }
    let mut sweep = Vec::new();
    for &rate in &plan.sweep {
        sweep.push(peers::measure(Peer::Sqlite, rate, plan.seconds).await?);
    }
    let text = report::render(&runs, &sweep, plan.seconds)?;
    write_results(&plan.out, &text)
}
