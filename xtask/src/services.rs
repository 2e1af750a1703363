//! The servers the tests talk to: PostgreSQL and Redis on 127.0.0.1, started when they are not
//! running and left running afterwards, so a second run finds them at once.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::prerequisites;
use crate::shell::{self, command, step};

/// The variable that hands the tests PostgreSQL's admin URL (they create a database per test).
pub const POSTGRES_URL_VAR: &str = "SWITCHBOARD_TEST_POSTGRES_URL";
/// The variable that hands the tests Redis's URL.
pub const REDIS_URL_VAR: &str = "SWITCHBOARD_TEST_REDIS_URL";

const POSTGRES_PORT: u16 = 5432;
const REDIS_PORT: u16 = 6379;
/// The login role of the tests; its password is its name.
const POSTGRES_ROLE: &str = "switchboard";
/// How long a server may take to become ready after it is started.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// `cargo xtask services`: ensures both servers and prints their URLs as shell exports.
pub fn run() -> Result<()> {
    let postgres = ensure_postgres()?;
    let redis = ensure_redis()?;
    println!("\nexport {POSTGRES_URL_VAR}={postgres}");
    println!("export {REDIS_URL_VAR}={redis}");
    Ok(())
}

/// Ensures PostgreSQL runs on 127.0.0.1:5432 with the tests' role; returns its admin URL.
pub fn ensure_postgres() -> Result<String> {
    let url =
        format!("postgres://{POSTGRES_ROLE}:{POSTGRES_ROLE}@127.0.0.1:{POSTGRES_PORT}/postgres");
    if !shell::on_path("psql") || !shell::on_path("pg_isready") {
        bail!("PostgreSQL is not installed; `cargo xtask setup` installs it (package postgresql)");
    }
    if accepts_connections(POSTGRES_PORT) {
        wait_until(
            "PostgreSQL on 127.0.0.1:5432 to accept connections",
            postgres_ready,
        )?;
        if role_can_log_in(&url) {
            let role = POSTGRES_ROLE;
            println!("==> PostgreSQL on 127.0.0.1:{POSTGRES_PORT}: running, role {role} present");
            return Ok(url);
        }
        println!("==> PostgreSQL on 127.0.0.1:{POSTGRES_PORT}: running");
    } else {
        start_postgres()?;
    }
    if !role_can_log_in(&url) {
        step(
            &format!("setting up the PostgreSQL role {POSTGRES_ROLE} (a second)"),
            create_role,
        )?;
    }
    Ok(url)
}

/// Ensures Redis runs on 127.0.0.1:6379; returns its URL.
pub fn ensure_redis() -> Result<String> {
    let url = format!("redis://127.0.0.1:{REDIS_PORT}");
    if redis_answers() {
        println!("==> Redis on 127.0.0.1:{REDIS_PORT}: running");
        return Ok(url);
    }
    if !shell::on_path("redis-server") || !shell::on_path("redis-cli") {
        bail!("Redis is not installed; `cargo xtask setup` installs it (package redis-server)");
    }
    if accepts_connections(REDIS_PORT) {
        // Perhaps a Redis still loading; otherwise something else holds the port.
        return wait_until("Redis on 127.0.0.1:6379 to answer PING", redis_answers)
            .context("something listens on 127.0.0.1:6379 but does not answer a Redis PING")
            .map(|()| url);
    }
    step("starting Redis (a second)", || {
        shell::run(command("redis-server").args([
            "--port",
            &REDIS_PORT.to_string(),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
        ]))?;
        wait_until("Redis to answer PING", redis_answers)
    })?;
    Ok(url)
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
fn accepts_connections(port: u16) -> bool {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok()
}

/// Polls `ready` until it holds, or fails after [`READY_TIMEOUT`].
fn wait_until(what: &str, ready: impl Fn() -> bool) -> Result<()> {
    let deadline = Instant::now() + READY_TIMEOUT;
    while !ready() {
        if Instant::now() >= deadline {
            bail!("gave up waiting {}s for {what}", READY_TIMEOUT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

/// Runs `command` quietly; whether it succeeded.
fn succeeds(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn redis_answers() -> bool {
    shell::output(command("redis-cli").args([
        "-h",
        "127.0.0.1",
        "-p",
        &REDIS_PORT.to_string(),
        "ping",
    ]))
    .is_some_and(|reply| reply.trim() == "PONG")
}

fn postgres_ready() -> bool {
    succeeds(command("pg_isready").args([
        "-q",
        "-h",
        "127.0.0.1",
        "-p",
        &POSTGRES_PORT.to_string(),
    ]))
}

/// Whether the tests' role logs in over TCP with its password and may create databases.
fn role_can_log_in(url: &str) -> bool {
    let query = "select rolcreatedb from pg_roles where rolname = current_user";
    shell::output(
        command("psql")
            .args([url, "-X", "-A", "-t", "-q", "-c", query])
            .env("PGCONNECT_TIMEOUT", "5"),
    )
    .is_some_and(|answer| answer.trim() == "t")
}

/// One line of `pg_lsclusters`.
struct Cluster {
    version: String,
    name: String,
    port: u16,
    online: bool,
}

fn clusters() -> Result<Vec<Cluster>> {
    let listing = shell::output(command("pg_lsclusters").arg("--no-header"))
        .context("`pg_lsclusters` failed")?;
    Ok(listing
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            Some(Cluster {
                version: fields.first()?.to_string(),
                name: fields.get(1)?.to_string(),
                port: fields.get(2)?.parse().ok()?,
                online: fields.get(3)?.starts_with("online"),
            })
        })
        .collect())
}

/// The newest PostgreSQL server installed (the directories of /usr/lib/postgresql).
fn newest_server_version() -> Result<String> {
    let dir = "/usr/lib/postgresql";
    std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {dir}"))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("bin/postgres").is_file())
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .max()
        .map(|version| version.to_string())
        .with_context(|| format!("no PostgreSQL server in {dir}"))
}

/// A command run as root (directly or through `sudo`), from `/` so that a user without access
/// to the workspace is not left in it.
fn as_root(program: &str) -> Result<Command> {
    let prefix = prerequisites::root_prefix()?;
    let mut all = prefix;
    all.push(program);
    let mut cmd = command(all[0]);
    cmd.args(&all[1..]).current_dir("/");
    Ok(cmd)
}

/// A command run as the `postgres` user, from `/`.
fn as_postgres(program: &str) -> Result<Command> {
    let prefix = prerequisites::root_prefix()?;
    let mut cmd = if prefix.is_empty() {
        let mut cmd = command("runuser");
        cmd.args(["-u", "postgres", "--"]);
        cmd
    } else {
        let mut cmd = command("sudo");
        cmd.args(["-u", "postgres", "--"]);
        cmd
    };
    cmd.arg(program).current_dir("/");
    Ok(cmd)
}

/// Starts the Debian cluster on port 5432, creating one when there is none, and waits until
/// it accepts connections.
fn start_postgres() -> Result<()> {
    if !shell::on_path("pg_lsclusters") {
        bail!("there is no pg_lsclusters to start PostgreSQL with (package postgresql-common)");
    }
    let existing = clusters()?;
    let cluster = existing.iter().find(|c| c.port == POSTGRES_PORT);
    match cluster {
        Some(cluster) if cluster.online => {
            println!(
                "==> PostgreSQL cluster {} {}: online, waiting for it to accept connections",
                cluster.version, cluster.name
            );
        }
        Some(cluster) => {
            let title = format!(
                "starting the PostgreSQL cluster {} {} (a few seconds)",
                cluster.version, cluster.name
            );
            step(&title, || {
                shell::run(as_root("pg_ctlcluster")?.args([
                    &cluster.version,
                    &cluster.name,
                    "start",
                ]))
                .with_context(|| {
                    format!(
                        "see /var/log/postgresql/postgresql-{}-{}.log",
                        cluster.version, cluster.name
                    )
                })
            })?;
        }
        None => {
            let version = newest_server_version()?;
            if let Some(other) = existing
                .iter()
                .find(|c| c.version == version && c.name == "main")
            {
                bail!(
                    "the PostgreSQL cluster {version} main is set to port {}, not \
                     {POSTGRES_PORT}; set `port = {POSTGRES_PORT}` in \
                     /etc/postgresql/{version}/main/postgresql.conf and run this again",
                    other.port
                );
            }
            step(
                &format!("creating and starting the PostgreSQL cluster {version} main (about 5 s)"),
                || {
                    shell::run(as_root("pg_createcluster")?.args([
                        "--port",
                        &POSTGRES_PORT.to_string(),
                        "--start",
                        &version,
                        "main",
                    ]))
                },
            )?;
        }
    }
    wait_until(
        "PostgreSQL on 127.0.0.1:5432 to accept connections",
        postgres_ready,
    )
}

/// Creates the tests' role, or resets its password and rights; safe to repeat.
fn create_role() -> Result<()> {
    let role = POSTGRES_ROLE;
    let sql = format!(
        "DO $$ BEGIN \
           IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN \
             ALTER ROLE {role} LOGIN CREATEDB PASSWORD '{role}'; \
           ELSE \
             CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{role}'; \
           END IF; \
         END $$;"
    );
    shell::run(as_postgres("psql")?.args([
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-p",
        &POSTGRES_PORT.to_string(),
        "-d",
        "postgres",
        "-c",
        &sql,
    ]))
    .with_context(|| {
        format!(
            "cannot create the role; create it as a PostgreSQL superuser with:\n  \
             CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{role}';"
        )
    })
}
