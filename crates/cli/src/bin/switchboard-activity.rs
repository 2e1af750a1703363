//! `switchboard-activity`: demo traffic so a console shows live updates and notifications.
//!
//! Against a platform seeded with `--demo`, acme's non-admin users take turns every few
//! seconds: mostly one posts a short message into a channel they may see; now and then a
//! customer opens a support ticket. It signs in again when a token is refused, waits while
//! the platform is unreachable, and stops on Ctrl-C or SIGTERM.

use std::time::Duration;

use clap::Parser;
use engine::api::Api;
use engine::{Error, Result};
use protocol::rest::{ChannelListQuery, CreateChannelRequest, LoginRequest, SendMessageRequest};
use protocol::{ChannelStatus, ChannelType, Secret, TicketCategory, TicketPriority};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use tokio::signal::unix::{signal, SignalKind};
use tracing::{info, warn};

/// The password of every demo user (the server's `demo::DEMO_PASSWORD`).
const PASSWORD: &str = "switchboard";
/// The longest wait between two tries while the platform is unreachable.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Acme's non-admin demo users, each with whether they are staff (who answer tickets).
const USERS: &[(&str, bool)] = &[
    ("alice@acme.test", false),
    ("bob@acme.test", false),
    ("practice@acme.test", false),
    ("qm@acme.test", true),
    ("billing@acme.test", true),
    ("inspector@acme.test", true),
    ("mod@acme.test", true),
];

const CUSTOMER_LINES: &[&str] = &[
    "Any news on this? It happened again tonight.",
    "I tried another browser, same problem.",
    "Thanks! That seems to work now.",
    "Could someone look at this before Friday's round?",
];
const STAFF_LINES: &[&str] = &[
    "Thanks for the details, I'm looking into it now.",
    "Could you tell me which device and browser you were on?",
    "I've reproduced it; a fix is on its way.",
    "Can you try again now? We've just deployed a fix.",
];
const ROOM_LINES: &[&str] = &[
    "Is round 4 still at 20:00?",
    "Has anyone else seen the scoring glitch today?",
    "Great match last night, everyone!",
    "Running five minutes late, sorry.",
];

/// Tickets a customer may open: category, subject and first message.
#[rustfmt::skip]
const TICKETS: &[(TicketCategory, &str, &str)] = &[
    (TicketCategory::Technical, "App crashes on the leaderboard", "It closes when I open it."),
    (TicketCategory::Billing, "Refund for a cancelled match", "Can we get the entry fee back?"),
    (TicketCategory::QuestionIssue, "Two right answers for Q9", "Mercury and Venus both fit."),
    (TicketCategory::TournamentIssue, "Our round 3 score is missing", "The table shows 0 for us."),
    (TicketCategory::AccountAccess, "Locked out after an email change", "It says I don't exist."),
    (TicketCategory::FeatureRequest, "Dark mode, please", "Late quizzes are hard on the eyes."),
];

/// Demo users posting messages and opening tickets on a platform seeded with `--demo`.
#[derive(Debug, Parser)]
#[command(name = "switchboard-activity", version)]
struct Options {
    /// The platform's URL, e.g. http://127.0.0.1:3000.
    #[arg(long)]
    server: String,
    /// Seconds between two actions.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..))]
    every: u64,
    /// Seed of the random choices, for a reproducible run.
    #[arg(long)]
    seed: Option<u64>,
}

/// One demo user with their own client (and so their own token).
#[derive(Debug)]
struct User {
    email: &'static str,
    staff: bool,
    /// Signed in when it holds a token.
    api: Api,
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let options = Options::parse();
    let users = USERS
        .iter()
        .map(|&(email, staff)| {
            let api = Api::new(&options.server)?;
            Ok(User { email, staff, api })
        })
        .collect::<Result<Vec<_>>>()?;
    let rng = options
        .seed
        .map_or_else(StdRng::from_entropy, StdRng::seed_from_u64);
    tokio::runtime::Runtime::new()?.block_on(async {
        let mut terminate = signal(SignalKind::terminate())?;
        tokio::select! {
            () = generate(users, rng, &options) => {}
            _ = tokio::signal::ctrl_c() => info!("interrupted; stopping"),
            _ = terminate.recv() => info!("terminated; stopping"),
        }
        Ok(())
    })
}

/// Acts forever, one random user at a time.
async fn generate(mut users: Vec<User>, mut rng: StdRng, options: &Options) {
    let every = Duration::from_secs(options.every);
    let server = &options.server;
    info!(%server, every = options.every, "generating demo activity");
    let mut backoff = every;
    loop {
        let index = rng.gen_range(0..users.len());
        let user = &mut users[index];
        let wait = match act(user, &mut rng).await {
            Ok(()) => every,
            Err(Error::Offline(why)) => {
                backoff = (backoff * 2).min(MAX_BACKOFF);
                let secs = backoff.as_secs();
                warn!("the platform at {server} cannot be reached ({why}); retrying in {secs} s");
                tokio::time::sleep(backoff).await;
                continue;
            }
            Err(Error::RateLimited { retry_after }) => {
                warn!(user = user.email, "rate limited; waiting {retry_after} s");
                Duration::from_secs(retry_after).max(every)
            }
            Err(error) => {
                warn!(user = user.email, "action failed: {error}");
                every
            }
        };
        backoff = every;
        tokio::time::sleep(wait).await;
    }
}

/// One action by `user`, signing in first when needed and again after a refused token.
async fn act(user: &mut User, rng: &mut StdRng) -> Result<()> {
    let ticket = !user.staff && rng.gen_ratio(1, 5);
    let mut retried = false;
    loop {
        if user.api.token().is_none() {
            sign_in(user).await?;
        }
        let result = if ticket {
            open_ticket(user, rng).await
        } else {
            post(user, rng).await
        };
        match result {
            Err(Error::Unauthorized(_)) if !retried => {
                info!(user = user.email, "token refused; signing in again");
                user.api.set_token(None);
                retried = true;
            }
            other => return other,
        }
    }
}

async fn sign_in(user: &mut User) -> Result<()> {
    let request = LoginRequest {
        email: user.email.to_owned(),
        password: Secret::new(PASSWORD),
        tenant_id: None,
    };
    let response = user.api.login(&request).await?;
    user.api.set_token(Some(response.access_token));
    info!(user = user.email, "signed in");
    Ok(())
}

/// Posts a line fitting the channel and the user into a random open channel they may see.
async fn post(user: &User, rng: &mut StdRng) -> Result<()> {
    let query = ChannelListQuery {
        limit: Some(100),
        ..Default::default()
    };
    let channels = user.api.channels(&query).await?;
    let open: Vec<_> = channels
        .iter()
        .filter(|c| matches!(c.status, ChannelStatus::Active | ChannelStatus::Escalated))
        .collect();
    let Some(channel) = open.choose(rng) else {
        info!(user = user.email, "no open channel to post in");
        return Ok(());
    };
    let lines = match (channel.channel_type, user.staff) {
        (ChannelType::Support | ChannelType::PlatformSupport, false) => CUSTOMER_LINES,
        (ChannelType::Support | ChannelType::PlatformSupport, true) => STAFF_LINES,
        _ => ROOM_LINES,
    };
    let line = lines.choose(rng).copied().unwrap_or("Hello!");
    let request = SendMessageRequest {
        content: line.to_owned(),
        metadata: None,
        client_message_id: None,
        internal: None,
    };
    user.api.send_message(channel.id, &request).await?;
    let subject = channel.subject.as_deref().unwrap_or("(no subject)");
    let id = channel.id;
    info!(user = user.email, %id, "posted in \"{subject}\": {line}");
    Ok(())
}

/// Opens a support ticket with a random subject, category and priority.
async fn open_ticket(user: &User, rng: &mut StdRng) -> Result<()> {
    let Some(&(category, subject, opening)) = TICKETS.choose(rng) else {
        return Ok(());
    };
    let priority = TicketPriority::ALL.choose(rng).copied().unwrap_or_default();
    let request = CreateChannelRequest {
        channel_type: ChannelType::Support,
        participant_ids: None,
        subject: Some(subject.to_owned()),
        category: Some(category),
        priority: Some(priority),
        context_id: None,
        initial_message: Some(opening.to_owned()),
    };
    let channel = user.api.create_channel(&request).await?;
    let id = channel.id;
    info!(user = user.email, %id, "opened a {priority} {category} ticket: \"{subject}\"");
    Ok(())
}
