//! The data the scenarios start on: tickets opened through the REST API, and a profile's
//! cache filled by the engine (signed in, one `sync()`).

use std::path::Path;

use anyhow::{bail, Context, Result};
use engine::profile::Profile;
use engine::{Engine, EngineOptions};
use protocol::rest::{CreateChannelRequest, LoginRequest, LoginResponse};
use protocol::{ChannelType, Secret, TicketCategory, TicketPriority};

use crate::{EMAIL, PASSWORD, PROFILE};

/// Tickets created at once while seeding.
pub const WRITERS: usize = 8;

/// Signs in over REST and returns the access token.
pub async fn rest_login(http: &reqwest::Client, base: &str) -> Result<String> {
    let request = LoginRequest {
        email: EMAIL.to_owned(),
        password: Secret::new(PASSWORD),
        tenant_id: None,
    };
    let answer: LoginResponse = http
        .post(format!("{base}/api/auth/login"))
        .json(&request)
        .send()
        .await?
        .error_for_status()
        .context("the REST sign-in failed")?
        .json()
        .await?;
    Ok(answer.access_token.expose().to_owned())
}

/// Opens `tickets` SUPPORT tickets (each with a first message), [`WRITERS`] at a time.
pub async fn create_tickets(http: &reqwest::Client, base: &str, tickets: usize) -> Result<()> {
    const CATEGORIES: &[TicketCategory] = &[
        TicketCategory::Technical,
        TicketCategory::Billing,
        TicketCategory::FeatureRequest,
        TicketCategory::TournamentIssue,
        TicketCategory::QuestionIssue,
        TicketCategory::AccountAccess,
        TicketCategory::Other,
    ];
    const PRIORITIES: &[TicketPriority] = &[
        TicketPriority::Low,
        TicketPriority::Medium,
        TicketPriority::High,
        TicketPriority::Urgent,
    ];
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
    let token = rest_login(http, base).await?;
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..WRITERS {
        let (http, base, token) = (http.clone(), base.to_owned(), token.clone());
        writers.spawn(async move {
            for n in (writer..tickets).step_by(WRITERS) {
                let word = WORDS[n % WORDS.len()];
                let body = CreateChannelRequest {
                    channel_type: ChannelType::Support,
                    participant_ids: None,
                    subject: Some(format!("Bench ticket {n}: the {word} does not work")),
                    category: Some(CATEGORIES[n % CATEGORIES.len()]),
                    priority: Some(PRIORITIES[n % PRIORITIES.len()]),
                    context_id: None,
                    initial_message: Some(format!(
                        "Ticket number {n}: since this morning the {word} fails every time I try; \
                         could someone look into it?"
                    )),
                };
                let answer = http
                    .post(format!("{base}/api/chat/channels"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .with_context(|| format!("creating ticket {n}"))?;
                let status = answer.status();
                if !status.is_success() {
                    let text = answer.text().await.unwrap_or_default();
                    bail!("creating ticket {n}: {status}: {text}");
                }
            }
            Ok::<_, anyhow::Error>(())
        });
    }
    while let Some(done) = writers.join_next().await {
        done??;
    }
    Ok(())
}

/// Signs `PROFILE` under `home` in with the engine (keyring off), syncs once, and returns
/// how many channels its cache then holds.
pub async fn fill_profile(home: &Path, base: &str) -> Result<usize> {
    let options = EngineOptions {
        use_keyring: false,
        ..Default::default()
    };
    let mut engine = Engine::open(Profile::at(home, PROFILE)?, options)?;
    engine
        .login(base, EMAIL, Secret::new(PASSWORD), None)
        .await
        .context("the engine's sign-in failed")?;
    let (_, synced) = engine.sync().await.context("the engine's sync failed")?;
    eprintln!("    synced into the profile: {synced:?}");
    let filter = engine::cache::channels::QueueFilter {
        limit: Some(u32::MAX),
        ..Default::default()
    };
    Ok(engine.queue(filter).await?.len())
}
