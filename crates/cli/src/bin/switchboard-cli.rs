//! `switchboard-cli`: the console engine from a terminal, for scripting and headless use.
//!
//! Everything it lists or shows comes from the profile's cache, so it works offline; `sync`
//! and `send` reach the platform. Exit codes: 0 done; 1 failed; 2 bad usage; 3 offline
//! (the work is queued, or what is shown may be stale); 4 not signed in.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use engine::cache::channels::QueueFilter;
use engine::cache::outbox::OutboxState;
use engine::cache::search::Hit;
use engine::{Engine, EngineOptions, Error};
use protocol::rest::AssigneeFilter;
use protocol::{ChannelStatus, Secret, TenantId, TicketPriority};

#[path = "cli/canned.rs"]
mod canned;

const OFFLINE: u8 = 3;
const SIGNED_OUT: u8 = 4;

#[derive(Debug, Parser)]
#[command(
    name = "switchboard-cli",
    version,
    about = "The Switchboard console engine from a terminal"
)]
struct Cli {
    /// The profile (one platform + user + tenant); its data lives under $SWITCHBOARD_HOME
    /// or the XDG data directory.
    #[arg(
        long,
        global = true,
        env = "SWITCHBOARD_PROFILE",
        default_value = "default"
    )]
    profile: String,
    /// Keep the refresh token in a 0600 file instead of trying the OS keyring.
    #[arg(long, global = true)]
    no_keyring: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in to a platform.
    Login {
        /// The platform's URL, e.g. http://127.0.0.1:3000.
        #[arg(long)]
        server: String,
        /// The sign-in address.
        #[arg(long)]
        email: String,
        /// The password (or set SWITCHBOARD_PASSWORD).
        #[arg(long, env = "SWITCHBOARD_PASSWORD", hide_env_values = true)]
        password: String,
        /// The tenant's id, for a user of several tenants.
        #[arg(long)]
        tenant: Option<TenantId>,
    },
    /// Sign out (the cache stays readable).
    Logout,
    /// The queue, from the cache.
    Queue {
        /// Only this status (ACTIVE, RESOLVED, ESCALATED, ARCHIVED).
        #[arg(long)]
        status: Option<ChannelStatus>,
        /// Only this priority (LOW, MEDIUM, HIGH, URGENT).
        #[arg(long)]
        priority: Option<TicketPriority>,
        /// Only `me`, `none` or a user id.
        #[arg(long)]
        assigned: Option<AssigneeFilter>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// One JSON array instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// One channel and its newest messages, from the cache.
    Show {
        /// The channel's id, its first characters, or a ticket's `#number`.
        channel: String,
        /// How many messages.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Send a message (queued when offline; the next sync delivers it).
    Send {
        /// An internal note: agents see it, the customer never does.
        #[arg(long)]
        internal: bool,
        /// The channel's id, its first characters, or a ticket's `#number`.
        channel: String,
        /// The text.
        text: String,
    },
    /// Deliver what the outbox holds, then catch up with the platform.
    Sync,
    /// Search the cached messages, subjects and canned responses, offline.
    Search {
        /// Words to find (each as a prefix; in canned responses, anywhere).
        query: String,
        /// At most this many of each kind.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Follow the platform live: every change, as JSON lines, until interrupted.
    Tail,
    /// What the outbox holds.
    Outbox {
        /// JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Canned responses: list (from the cache), add, edit, rm.
    Canned {
        #[command(subcommand)]
        command: canned::CannedCommand,
    },
}

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn short(id: impl std::fmt::Display) -> String {
    id.to_string().chars().take(8).collect()
}

/// A ticket's `#number`; `-` for a team channel (or a platform that does not number).
fn number(channel: &protocol::Channel) -> String {
    channel
        .ticket
        .as_ref()
        .filter(|t| t.number > 0)
        .map_or("-".to_owned(), |t| format!("#{}", t.number))
}

/// How a message is marked: `[note] ` for an internal note, nothing for a reply.
fn note_mark(message: &protocol::Message) -> &'static str {
    if message.internal {
        "[note] "
    } else {
        ""
    }
}

async fn run(cli: Cli) -> anyhow::Result<u8> {
    let profile = engine::profile::Profile::named(&cli.profile)?;
    let options = EngineOptions {
        use_keyring: !cli.no_keyring,
        ..EngineOptions::default()
    };
    let mut engine = Engine::open(profile, options)?;
    match cli.command {
        Command::Login {
            server,
            email,
            password,
            tenant,
        } => {
            let record = engine
                .login(&server, &email, Secret::new(password), tenant)
                .await?;
            println!(
                "signed in to {} as {} ({})",
                record.server, record.name, record.role
            );
            match engine.sync().await {
                Ok((_, synced)) => println!(
                    "cached {} channels and {} messages",
                    synced.channels, synced.messages
                ),
                Err(error) => eprintln!("signed in, but the first sync failed: {error}"),
            }
        }
        Command::Logout => {
            engine.logout().await?;
            println!("signed out");
        }
        Command::Queue {
            status,
            priority,
            assigned,
            limit,
            json,
        } => {
            let filter = QueueFilter {
                status,
                priority,
                assigned,
                limit: Some(limit),
                ..QueueFilter::default()
            };
            let channels = engine.queue(filter).await?;
            if json {
                print_json(&channels)?;
            } else {
                for c in &channels {
                    let priority = c
                        .ticket
                        .as_ref()
                        .map_or("-".to_owned(), |t| t.priority.to_string());
                    println!(
                        "{}  {:<7} {:<9} {:<6} {:>3} unread  {}",
                        short(c.id),
                        number(c),
                        c.status,
                        priority,
                        c.unread_count,
                        c.subject.as_deref().unwrap_or("(no subject)")
                    );
                }
            }
        }
        Command::Show {
            channel,
            limit,
            json,
        } => {
            let id = engine.find_channel(&channel).await?;
            let (channel, messages) = engine.channel(id, limit).await?;
            if json {
                print_json(&serde_json::json!({"channel": channel, "messages": messages}))?;
            } else {
                println!(
                    "{}  {}  {}  {}",
                    channel.id,
                    number(&channel),
                    channel.status,
                    channel.subject.as_deref().unwrap_or("")
                );
                for m in &messages {
                    println!(
                        "[{}] {}{}: {}",
                        m.created_at.format("%Y-%m-%d %H:%M"),
                        note_mark(m),
                        m.sender.name,
                        m.content
                    );
                }
            }
        }
        Command::Send {
            internal,
            channel,
            text,
        } => {
            let id = engine.find_channel(&channel).await?;
            let (sending, what) = if internal {
                (engine.send_note(id, &text).await, "note ")
            } else {
                (engine.send(id, &text).await, "")
            };
            match sending {
                Ok(sent) => match (sent.message, sent.item.state) {
                    (Some(message), _) => {
                        println!("{what}sent (#{} in the channel)", message.seq);
                    }
                    (None, OutboxState::Queued) => {
                        println!("{what}queued (offline): the next sync delivers it");
                        if let Some(why) = sent.item.last_error {
                            eprintln!("{why}");
                        }
                        return Ok(OFFLINE);
                    }
                    (None, state) => {
                        let why = sent.item.last_error.unwrap_or_default();
                        anyhow::bail!(
                            "not sent ({}): {why}",
                            serde_json::to_string(&state)?.trim_matches('"')
                        );
                    }
                },
                Err(error) if error.is_transient() => {
                    println!("{what}queued (offline): the next sync delivers it");
                    eprintln!("{error}");
                    return Ok(OFFLINE);
                }
                Err(error) => return Err(error.into()),
            }
        }
        Command::Sync => match engine.sync().await {
            Ok((flushed, synced)) => println!(
                "sent {} queued item(s); {} channel(s) and {} message(s) updated",
                flushed.sent, synced.channels, synced.messages
            ),
            Err(error) if error.is_transient() => {
                eprintln!("offline: {error}");
                return Ok(OFFLINE);
            }
            Err(error) => return Err(error.into()),
        },
        Command::Search { query, limit, json } => {
            let hits = engine.search(&query, limit).await?;
            // `#1042` names a ticket and nothing else.
            let canned = if engine::cache::search::ticket_number(&query).is_some() {
                Vec::new()
            } else {
                engine.search_canned(&query).await?
            };
            if json {
                let mut all = serde_json::to_value(&hits)?;
                if let Some(all) = all.as_array_mut() {
                    all.extend(canned.iter().map(|response| {
                        serde_json::json!({"kind": "canned", "cannedResponse": response})
                    }));
                }
                print_json(&all)?;
            } else {
                for response in &canned {
                    println!("canned  {}", canned::line(response));
                }
                for hit in &hits {
                    match hit {
                        Hit::Channel { channel } => {
                            println!(
                                "channel {}  {}  {}",
                                short(channel.id),
                                number(channel),
                                channel.subject.as_deref().unwrap_or("")
                            );
                        }
                        Hit::Message { message } => println!(
                            "message {}  {}{}: {}",
                            short(message.channel_id),
                            note_mark(message),
                            message.sender.name,
                            message.content
                        ),
                    }
                }
            }
        }
        Command::Tail => {
            let mut changes = engine.subscribe();
            let live = engine.connect()?;
            loop {
                tokio::select! {
                    change = changes.recv() => match change {
                        Ok(change) => {
                            println!("{}", serde_json::to_string(&change)?);
                            if let engine::changes::Change::Connection { state: protocol::ipc::ConnectionState::SignedOut, .. } = change {
                                live.stop().await;
                                return Ok(SIGNED_OUT);
                            }
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                            eprintln!("fell {missed} change(s) behind; the cache has them");
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                    },
                    _ = tokio::signal::ctrl_c() => break,
                }
            }
            live.stop().await;
        }
        Command::Canned { command } => return canned::run(&engine, command).await,
        Command::Outbox { json } => {
            let items = engine.outbox().await?;
            if json {
                print_json(&items)?;
            } else {
                for item in &items {
                    println!(
                        "{}  {}  {:<12} {}",
                        short(item.id),
                        short(item.channel_id),
                        serde_json::to_string(&item.state)?.trim_matches('"'),
                        item.last_error.as_deref().unwrap_or("")
                    );
                }
            }
        }
    }
    Ok(0)
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("switchboard-cli: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("switchboard-cli: {error}");
            match error.downcast_ref::<Error>() {
                Some(Error::Unauthorized(_)) => ExitCode::from(SIGNED_OUT),
                Some(e) if e.is_transient() => ExitCode::from(OFFLINE),
                _ => ExitCode::FAILURE,
            }
        }
    }
}
