//! Benchmark: the queue query, `GET /api/chat/channels`, over a tenant with 10,000 channels,
//! on SQLite and on PostgreSQL, through the real server over real HTTP.
//!
//! Run with `cargo xtask bench` (or `cargo bench -p switchboard-server --bench queue --
//! [--channels N] [--samples N] [--out FILE] [--sqlite-only]`). It seeds the tenant through
//! the API, then times each query shape `samples` times, one request at a time, and writes
//! the percentiles to a markdown file.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use protocol::rest::{LoginResponse, NEXT_CURSOR_HEADER};
use protocol::{Channel, Secret};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use testkit::report::{machine, results_path, write_results};
use testkit::stats::percentile_cells;
use testkit::{Database, InProcessServer};

const CATEGORIES: &[&str] = &[
    "TECHNICAL",
    "BILLING",
    "FEATURE_REQUEST",
    "TOURNAMENT_ISSUE",
    "QUESTION_ISSUE",
    "ACCOUNT_ACCESS",
    "OTHER",
];
const PRIORITIES: &[&str] = &["LOW", "MEDIUM", "HIGH", "URGENT"];
const WORDS: &[&str] = &[
    "printer",
    "invoice",
    "login",
    "bracket",
    "question",
    "refund",
    "timer",
    "scoreboard",
];
const SEEDERS: usize = 8;
const WARM_UP: usize = 20;

#[derive(Debug, Clone)]
struct Options {
    channels: usize,
    samples: usize,
    out: PathBuf,
    sqlite_only: bool,
}

fn options() -> Result<Options> {
    let mut options = Options {
        channels: 10_000,
        samples: 300,
        out: results_path(env!("CARGO_MANIFEST_DIR"), "queue"),
        sqlite_only: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--channels" => options.channels = args.next().context("--channels N")?.parse()?,
            "--samples" => options.samples = args.next().context("--samples N")?.parse()?,
            "--out" => options.out = args.next().context("--out FILE")?.into(),
            "--sqlite-only" => options.sqlite_only = true,
            // `cargo bench` passes `--bench`.
            "--bench" => {}
            other => bail!("unknown argument `{other}`"),
        }
    }
    Ok(options)
}

/// The platform server in-process over a fresh database, and an HTTP client for it.
struct Bench {
    base: String,
    http: Client,
    server: InProcessServer,
}

impl Bench {
    async fn start(postgres: bool) -> Result<Self> {
        let database = if postgres {
            Database::postgres().await
        } else {
            Database::sqlite()
        };
        let server = InProcessServer::start(database, |settings| {
            settings.jwt_secret = Secret::new(uuid::Uuid::new_v4().to_string().repeat(2));
            settings.login_attempts = 1000;
        })
        .await;
        Ok(Self {
            base: server.base(),
            http: Client::builder().timeout(Duration::from_secs(60)).build()?,
            server,
        })
    }

    async fn login(&self, email: &str) -> Result<String> {
        let response = self
            .http
            .post(format!("{}/api/auth/login", self.base))
            .json(&json!({"email": email, "password": "switchboard"}))
            .send()
            .await?;
        if response.status() != StatusCode::OK {
            bail!("login {email}: {}", response.text().await?);
        }
        let login: LoginResponse = response.json().await?;
        Ok(login.access_token.expose().to_owned())
    }

    async fn stop(mut self) {
        self.server.stop().await;
    }
}

async fn send(request: reqwest::RequestBuilder) -> Result<(StatusCode, Option<String>, Value)> {
    let response = request.send().await?;
    let status = response.status();
    let cursor = response
        .headers()
        .get(NEXT_CURSOR_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.json().await.unwrap_or(Value::Null);
    Ok((status, cursor, body))
}

/// Opens `count` SUPPORT channels: one in ten by Alice, the rest by the admin; one in five
/// assigned to the admin; every channel has its opening message and one in three a reply.
async fn seed(bench: &Bench, admin: &str, alice: &str, admin_id: &str, count: usize) -> Result<()> {
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..SEEDERS {
        let (http, base) = (bench.http.clone(), bench.base.clone());
        let (admin, alice, admin_id) = (admin.to_owned(), alice.to_owned(), admin_id.to_owned());
        workers.spawn(async move {
            for n in (worker..count).step_by(SEEDERS) {
                let token = if n % 10 == 0 { &alice } else { &admin };
                let word = WORDS[n % WORDS.len()];
                let body = json!({
                    "type": "SUPPORT",
                    "subject": format!("Ticket {n}: {word} trouble"),
                    "category": CATEGORIES[n % CATEGORIES.len()],
                    "priority": PRIORITIES[(n / 7) % PRIORITIES.len()],
                    "initialMessage": format!("Hello, the {word} does not work (#{n})."),
                });
                let request = http
                    .post(format!("{base}/api/chat/channels"))
                    .bearer_auth(token)
                    .json(&body);
                let (status, _, created) = send(request).await?;
                if status != StatusCode::CREATED {
                    bail!("seeding channel {n}: {status} {created}");
                }
                let channel: Channel = serde_json::from_value(created)?;
                if n % 5 == 0 {
                    let request = http
                        .put(format!("{base}/api/chat/channels/{}/assign", channel.id))
                        .bearer_auth(&admin)
                        .json(&json!({"teamMemberId": admin_id}));
                    let (status, _, answer) = send(request).await?;
                    if status != StatusCode::OK {
                        bail!("assigning channel {n}: {status} {answer}");
                    }
                }
                if n % 3 == 0 {
                    let request = http
                        .post(format!("{base}/api/chat/channels/{}/messages", channel.id))
                        .bearer_auth(&admin)
                        .json(&json!({"content": "Looking into it."}));
                    let (status, _, answer) = send(request).await?;
                    if !status.is_success() {
                        bail!("replying in channel {n}: {status} {answer}");
                    }
                }
            }
            Ok::<_, anyhow::Error>(())
        });
    }
    while let Some(done) = workers.join_next().await {
        done??;
    }
    eprintln!("    seeded {count} channels in {:.1?}", started.elapsed());
    Ok(())
}

/// One query shape: who asks, and what.
struct Shape {
    name: &'static str,
    who: &'static str,
    query: &'static str,
    /// Pages to skip with the cursor before timing (a deep page).
    skip_pages: usize,
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "org admin, first page (50)",
        who: "admin@acme.test",
        query: "",
        skip_pages: 0,
    },
    Shape {
        name: "org admin, page 20 by cursor",
        who: "admin@acme.test",
        query: "",
        skip_pages: 19,
    },
    Shape {
        name: "org admin, status=ACTIVE & priority=URGENT",
        who: "admin@acme.test",
        query: "status=ACTIVE&priority=URGENT",
        skip_pages: 0,
    },
    Shape {
        name: "org admin, assignedTo=me",
        who: "admin@acme.test",
        query: "assignedTo=me",
        skip_pages: 0,
    },
    Shape {
        name: "org admin, assignedTo=none & category=BILLING",
        who: "admin@acme.test",
        query: "assignedTo=none&category=BILLING",
        skip_pages: 0,
    },
    Shape {
        name: "org admin, q=printer",
        who: "admin@acme.test",
        query: "q=printer",
        skip_pages: 0,
    },
    Shape {
        name: "org admin, sort=due (SLA), first page",
        who: "admin@acme.test",
        query: "sort=due",
        skip_pages: 0,
    },
    Shape {
        name: "org admin, sort=due, page 20 by cursor",
        who: "admin@acme.test",
        query: "sort=due",
        skip_pages: 19,
    },
    Shape {
        name: "org admin, sla=due_soon",
        who: "admin@acme.test",
        query: "sla=due_soon",
        skip_pages: 0,
    },
    Shape {
        name: "account officer (category scope), first page",
        who: "billing@acme.test",
        query: "",
        skip_pages: 0,
    },
    Shape {
        name: "participant (own channels), first page",
        who: "alice@acme.test",
        query: "",
        skip_pages: 0,
    },
];

async fn measure(
    bench: &Bench,
    shape: &Shape,
    token: &str,
    samples: usize,
) -> Result<(Vec<Duration>, usize)> {
    let mut path = format!("{}/api/chat/channels?{}", bench.base, shape.query);
    for _ in 0..shape.skip_pages {
        let (status, cursor, body) = send(bench.http.get(&path).bearer_auth(token)).await?;
        if status != StatusCode::OK {
            bail!("{}: {status} {body}", shape.name);
        }
        let cursor = cursor.with_context(|| format!("{}: ran out of pages", shape.name))?;
        path = format!(
            "{}/api/chat/channels?{}&cursor={cursor}",
            bench.base, shape.query
        );
    }
    let mut times = Vec::with_capacity(samples);
    let mut rows = 0;
    for i in 0..WARM_UP + samples {
        let started = Instant::now();
        let (status, _, body) = send(bench.http.get(&path).bearer_auth(token)).await?;
        let elapsed = started.elapsed();
        if status != StatusCode::OK {
            bail!("{}: {status} {body}", shape.name);
        }
        rows = body.as_array().map_or(0, Vec::len);
        if i >= WARM_UP {
            times.push(elapsed);
        }
    }
    times.sort();
    Ok((times, rows))
}

async fn run(postgres: bool, options: &Options, report: &mut String) -> Result<()> {
    let label = if postgres {
        "PostgreSQL"
    } else {
        "SQLite (WAL)"
    };
    eprintln!("==> {label}");
    let bench = Bench::start(postgres).await?;
    let admin = bench.login("admin@acme.test").await?;
    let alice = bench.login("alice@acme.test").await?;
    let me: Value = bench
        .http
        .get(format!("{}/api/users/me", bench.base))
        .bearer_auth(&admin)
        .send()
        .await?
        .json()
        .await?;
    let admin_id = me["user"]["id"]
        .as_str()
        .context("the admin's id")?
        .to_owned();
    seed(&bench, &admin, &alice, &admin_id, options.channels).await?;

    writeln!(report, "\n### {label}\n")?;
    writeln!(
        report,
        "| query | rows | p50 ms | p95 ms | p99 ms | max ms |"
    )?;
    writeln!(report, "|---|---:|---:|---:|---:|---:|")?;
    for shape in SHAPES {
        let token = bench.login(shape.who).await?;
        let (times, rows) = measure(&bench, shape, &token, options.samples).await?;
        let line = format!("| {} | {rows} | {} |", shape.name, percentile_cells(&times));
        eprintln!("    {line}");
        writeln!(report, "{line}")?;
    }
    bench.stop().await;
    Ok(())
}

fn main() -> Result<()> {
    let options = options()?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Runtime::new()?;
    let mut report = String::new();
    writeln!(report, "# Queue query benchmark\n")?;
    writeln!(
        report,
        "`GET /api/chat/channels` over real HTTP against the release build, one request at a \
         time, client and server on the same machine ({}). Tenant `acme` holds {} SUPPORT \
         channels (plus the demo data): one in ten opened by a participant, one in five \
         assigned to the org admin, each with its opening message and one in three with a \
         reply. {} timed samples per query after {WARM_UP} warm-up requests. Generated by \
         `cargo xtask bench` on {}.",
        machine()?,
        options.channels,
        options.samples,
        chrono::Utc::now().format("%Y-%m-%d"),
    )?;
    runtime.block_on(async {
        run(false, &options, &mut report).await?;
        if !options.sqlite_only {
            run(true, &options, &mut report).await?;
        }
        Ok::<_, anyhow::Error>(())
    })?;
    write_results(&options.out, &report)
}
