//! `switchboard-server`: serve the platform, migrate its database, or add tenants and users.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use protocol::{Role, Secret};
use server::auth::{password, tokens};
use server::store::NewUser;
use server::{Settings, Store};

/// The Switchboard platform server.
#[derive(Debug, Parser)]
#[command(name = "switchboard-server", version)]
struct Cli {
    /// The database: `sqlite://path?mode=rwc` or `postgres://…` (default: data/switchboard.db).
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
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
        /// Seed the demo data into an empty database; a random JWT secret is used unless
        /// JWT_SECRET is set.
        #[arg(long)]
        demo: bool,
        /// Origins allowed by CORS, comma-separated.
        #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',')]
        cors_origins: Vec<String>,
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

fn default_database_url() -> Result<String> {
    std::fs::create_dir_all("data").context("cannot create the data/ directory")?;
    let path = Path::new("data/switchboard.db");
    Ok(format!("sqlite://{}?mode=rwc", path.display()))
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
    let database_url = match cli.database_url {
        Some(url) => url,
        None => default_database_url()?,
    };
    match cli.command {
        Command::Serve {
            bind,
            redis_url,
            demo,
            cors_origins,
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
            settings.demo = demo;
            settings.cors_origins = cors_origins;
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
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("switchboard-server: {error:#}");
            ExitCode::FAILURE
        }
    }
}
