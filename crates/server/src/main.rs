//! `switchboard-server`: serve the platform, migrate its database, or add tenants and users.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use protocol::{Role, Secret};
use server::auth::{password, tokens};
use server::database_url::{self, DatabaseUrlError};
use server::store::NewUser;
use server::telemetry::logs::{self, LogFormat};
use server::{Settings, Store};

/// The Switchboard platform server.
#[derive(Debug, Parser)]
#[command(name = "switchboard-server", version)]
struct Cli {
    /// The database: `sqlite://path` (created when absent) or `postgres://…` (default:
    /// ./switchboard.db, in the working directory, said in the log).
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// How logs are written to stderr: `text`, or `json` (one object a line).
    #[arg(long, env = "LOG_FORMAT", global = true, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the REST API (and, later, the Socket.IO gateway).
    Serve {
        /// Where to listen.
        #[arg(long, env = "BIND", default_value = "127.0.0.1:3000")]
        bind: SocketAddr,
        /// Redis, to share rooms between several nodes.
        #[arg(long, env = "REDIS_URL")]
        redis_url: Option<String>,
        /// The prefix of this cluster's Redis keys and channels: nodes sharing one Redis
        /// form one cluster when their prefix is the same.
        #[arg(long, env = "REDIS_PREFIX", default_value = "switchboard")]
        redis_prefix: String,
        /// With Redis: seconds after which the agents of a node that died (and stopped
        /// renewing its presence entries) leave every presence list.
        #[arg(long, env = "PRESENCE_TTL", default_value_t = 45, value_parser = clap::value_parser!(u64).range(3..=3600))]
        presence_ttl: u64,
        /// Seed the demo data into an empty database; a random JWT secret is used unless
        /// JWT_SECRET is set.
        #[arg(long)]
        demo: bool,
        /// Origins allowed by CORS, comma-separated.
        #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',')]
        cors_origins: Vec<String>,
        /// Serve Prometheus metrics at `/metrics` on this address (a loopback or private
        /// one: whoever reaches it reads them); off without it.
        #[arg(long, env = "METRICS_LISTEN")]
        metrics_listen: Option<SocketAddr>,
        /// After SIGTERM or Ctrl-C, how many seconds requests in flight may take to finish.
        #[arg(long, env = "DRAIN_TIMEOUT", default_value_t = 20)]
        drain_timeout: u64,
    },
    /// Copy the SQLite database, while the server runs, into a new file (PostgreSQL: use
    /// pg_dump). Restore: stop the server, put the copy where the database URL points,
    /// remove the old `-wal` and `-shm` files beside it, start the server.
    Backup {
        /// The new file (never overwritten).
        file: PathBuf,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Create a tenant.
    CreateTenant {
        /// Short URL-safe name (`acme`).
        #[arg(long)]
        slug: String,
        /// Display name.
        #[arg(long)]
        name: String,
    },
    /// Create a user (the password is read from SWITCHBOARD_PASSWORD).
    CreateUser {
        /// Their sign-in address.
        #[arg(long)]
        email: String,
        /// Their display name.
        #[arg(long)]
        name: String,
        /// The tenant (slug or id) to add them to.
        #[arg(long)]
        tenant: Option<String>,
        /// Their role in that tenant (e.g. ORG_ADMIN), or SUPER_ADMIN without a tenant.
        #[arg(long)]
        role: Role,
        /// The password.
        #[arg(long, env = "SWITCHBOARD_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

/// The database when none is named: `switchboard.db` in the working directory.
const DEFAULT_DATABASE_URL: &str = "sqlite://./switchboard.db";

/// The default database's file, as the operator reads it.
const DEFAULT_DATABASE_FILE: &str = "./switchboard.db";

/// Says which database is used when none is named: the default, and where that is.
fn say_default_database() {
    let file = std::env::current_dir()
        .map(|dir| dir.join("switchboard.db").display().to_string())
        .unwrap_or_else(|_| DEFAULT_DATABASE_FILE.to_owned());
    tracing::info!(
        database = DEFAULT_DATABASE_URL,
        %file,
        "no database named (--database-url or DATABASE_URL): using {DEFAULT_DATABASE_FILE}"
    );
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn run(cli: Cli) -> Result<()> {
    let named = cli.database_url;
    if let Command::Backup { file } = &cli.command {
        let url = named.as_deref().unwrap_or(DEFAULT_DATABASE_URL);
        let backup = server::backup::backup(url, file).await?;
        println!(
            "backed up to {}: {} messages, {} bytes",
            backup.path.display(),
            backup.messages,
            backup.bytes
        );
        return Ok(());
    }
    let database_url = match named {
        Some(url) => database_url::prepare(&url)?,
        None => {
            let prepared = database_url::prepare(DEFAULT_DATABASE_URL)?;
            say_default_database();
            prepared
        }
    };
    match cli.command {
        Command::Serve {
            bind,
            redis_url,
            redis_prefix,
            presence_ttl,
            demo,
            cors_origins,
            metrics_listen,
            drain_timeout,
        } => {
            let jwt_secret = match std::env::var("JWT_SECRET") {
                Ok(secret) if secret.len() >= 32 => Secret::new(secret),
                Ok(_) => bail!("JWT_SECRET must be at least 32 characters"),
                Err(_) if demo => {
                    tracing::warn!("demo mode: signing tokens with a random JWT secret; sessions end when the server stops");
                    tokens::random_secret()
                }
                Err(_) => bail!(
                    "JWT_SECRET is required (at least 32 characters); only --demo runs without one"
                ),
            };
            let mut settings = Settings::new(database_url, jwt_secret);
            settings.bind = bind;
            settings.redis_url = redis_url;
            settings.redis_prefix = redis_prefix;
            settings.presence_ttl = std::time::Duration::from_secs(presence_ttl);
            settings.demo = demo;
            settings.cors_origins = cors_origins;
            settings.metrics_listen = metrics_listen;
            settings.drain_timeout = std::time::Duration::from_secs(drain_timeout);
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on {bind}"))?;
            server::launch(settings, listener, shutdown_signal()).await?;
        }
        Command::Migrate => {
            let store = Store::connect(&database_url).await?;
            store.migrate().await?;
            println!("the database is up to date");
        }
        Command::CreateTenant { slug, name } => {
            let store = Store::connect(&database_url).await?;
            store.migrate().await?;
            let tenant = store.create_tenant(&slug, &name).await?;
            println!("{}", tenant.id);
        }
        Command::CreateUser {
            email,
            name,
            tenant,
            role,
            password,
        } => {
            if password.len() < 8 {
                bail!("the password must be at least 8 characters");
            }
            let store = Store::connect(&database_url).await?;
            store.migrate().await?;
            let tenant = match &tenant {
                Some(slug) => Some(
                    store
                        .find_tenant(slug)
                        .await?
                        .with_context(|| format!("no tenant `{slug}`"))?,
                ),
                None if role == Role::SuperAdmin => None,
                None => bail!("--tenant is required for role {role}"),
            };
            let id = store
                .create_user(NewUser {
                    email,
                    name,
                    password_hash: password::hash_async(password).await?,
                    is_super_admin: role == Role::SuperAdmin,
                })
                .await?;
            if let Some(tenant) = tenant {
                if role != Role::SuperAdmin {
                    store.add_membership(id, tenant.id, role).await?;
                }
            }
            println!("{id}");
        }
        Command::Backup { .. } => {}
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let metrics = matches!(
        cli.command,
        Command::Serve {
            metrics_listen: Some(_),
            ..
        }
    );
    if let Err(error) = logs::init(cli.log_format, metrics) {
        eprintln!("switchboard-server: cannot set up logging: {error}");
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A database path that cannot be used is a setup mistake, like a bad flag: one
            // line naming the path and the reason (its own words hold the cause already).
            if let Some(unusable) = error.downcast_ref::<DatabaseUrlError>() {
                eprintln!("switchboard-server: {unusable}");
                ExitCode::from(2)
            } else {
                eprintln!("switchboard-server: {error:#}");
                ExitCode::FAILURE
            }
        }
    }
}
