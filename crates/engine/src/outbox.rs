//! The outbox: work made while offline (or online — everything goes through it), sent in
//! the order it was made, exactly once.
//!
//! As in matrix-rust-sdk's send queue: the work is persisted before it is sent, with a
//! client UUID the platform deduplicates messages on; transient failures (offline, rate
//! limited, 5xx) leave it queued and stop the flush; permanent ones park it as failed with
//! the reason; an action whose channel changed since it was made (someone else resolved or
//! reassigned it) is parked for review instead of being applied blindly.
//!
//! `flush` is run by one task only, the outbox's owner ([`owner`]); everything else wakes
//! that task and, where it needs the outcome, waits for it.

use protocol::problem::{Problem, ProblemKind};
use protocol::rest::SendMessageRequest;
use protocol::{Channel, ChannelAction, ChannelId};

use crate::cache::outbox::{self as rows, Failure, OutboxItem, OutboxState, Work};
use crate::cache::{channels, messages, Cache};
use crate::error::{Error, Result};
use crate::session::Session;

pub mod owner;

pub use owner::{OutboxHandle, OutboxTask};

/// What a flush did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlushReport {
    /// Sent now.
    pub sent: u32,
    /// Parked as failed.
    pub failed: u32,
    /// Parked for review.
    pub needs_review: u32,
    /// Still queued (the platform could not be reached).
    pub remaining: u32,
}

/// What the channel must still look like for `item`'s action; `None` when it does.
async fn changed_since(session: &Session, item: &OutboxItem) -> Result<Option<String>> {
    let Some(expected) = item.work.expected() else {
        return Ok(None);
    };
    let id = item.channel_id;
    let now: Channel = session
        .call(|api| async move { api.channel(id).await })
        .await?;
    if now.status != expected.status || now.assigned_to != expected.assigned_to {
        let who =
            |user: Option<protocol::UserId>| user.map_or("nobody".to_owned(), |u| u.to_string());
        return Ok(Some(format!(
            "the channel changed since this was made: it was {} and assigned to {}, now {} and assigned to {}",
            expected.status,
            who(expected.assigned_to),
            now.status,
            who(now.assigned_to)
        )));
    }
    Ok(None)
}

/// Performs one item against the platform (a message as an internal note when it is
/// one); what it returns goes into the cache.
async fn perform(session: &Session, item: &OutboxItem) -> Result<Performed> {
    let id = item.channel_id;
    Ok(match &item.work {
        Work::SendMessage { content, internal } => {
            let request = SendMessageRequest {
                content: content.clone(),
                metadata: None,
                client_message_id: Some(item.id.to_string()),
                internal: internal.then_some(true),
            };
            let message = session
                .call(|api| {
                    let request = request.clone();
                    async move { api.send_message(id, &request).await }
                })
                .await?;
            Performed::Message(Box::new(message))
        }
        Work::Act { action, .. } => act(session, id, action).await?,
    })
}

/// Applies `action` to channel `id` through its REST route.
async fn act(session: &Session, id: ChannelId, action: &ChannelAction) -> Result<Performed> {
    Ok(match action {
        ChannelAction::Assign { member } => {
            let member = *member;
            Performed::Channel(Box::new(
                session
                    .call(|api| async move { api.assign(id, member).await })
                    .await?,
            ))
        }
        ChannelAction::Escalate { reason } => Performed::Channel(Box::new(
            session
                .call(|api| {
                    let reason = reason.clone();
                    async move { api.escalate(id, &reason).await }
                })
                .await?,
        )),
        ChannelAction::Resolve { resolution } => Performed::Channel(Box::new(
            session
                .call(|api| {
                    let resolution = resolution.clone();
                    async move { api.resolve(id, resolution.as_deref()).await }
                })
                .await?,
        )),
        ChannelAction::Reopen => Performed::Channel(Box::new(
            session
                .call(|api| async move { api.reopen(id).await })
                .await?,
        )),
        ChannelAction::Archive => {
            session
                .call(|api| async move { api.archive(id).await })
                .await?;
            Performed::Nothing
        }
        ChannelAction::UpdateTicket { update } => Performed::Channel(Box::new(
            session
                .call(|api| {
                    let update = update.clone();
                    async move { api.update_ticket(id, &update).await }
                })
                .await?,
        )),
    })
}

enum Performed {
    Message(Box<protocol::Message>),
    Channel(Box<Channel>),
    Nothing,
}

/// Sends what the outbox holds, oldest first, until it is empty or the platform cannot be
/// reached. Returns the tally; an `Unauthorized` stops it with that error.
///
/// Only the owner ([`OutboxTask`]) calls this: two flushes at once could both take the
/// same action and apply it twice.
pub(crate) async fn flush(session: &Session, cache: &Cache) -> Result<FlushReport> {
    let mut report = FlushReport::default();
    let pending = cache.read(rows::pending).await?;
    let total = pending.len() as u32;
    let server = session.api().base().to_owned();
    for item in pending {
        let id = item.id;
        cache
            .write(move |tx| rows::set_state(tx, id, OutboxState::Sending, None, false))
            .await?;
        let outcome = match changed_since(session, &item).await {
            Ok(Some(why)) => Err(Error::Conflict(why)),
            Ok(None) => perform(session, &item).await,
            Err(error) => Err(error),
        };
        match outcome {
            Ok(performed) => {
                cache
                    .write(move |tx| {
                        match performed {
                            Performed::Message(message) => {
                                messages::insert(tx, &[*message])?;
                            }
                            Performed::Channel(channel) => channels::upsert(tx, &[*channel])?,
                            Performed::Nothing => {}
                        }
                        rows::set_state(tx, id, OutboxState::Sent, None, true)
                    })
                    .await?;
                report.sent += 1;
            }
            Err(error) if error.is_transient() || matches!(error, Error::Unauthorized(_)) => {
                let why = Failure::of(&error, &server);
                cache
                    .write(move |tx| rows::set_state(tx, id, OutboxState::Queued, Some(&why), true))
                    .await?;
                report.remaining = total - report.sent - report.failed - report.needs_review;
                if matches!(error, Error::Unauthorized(_)) {
                    return Err(error);
                }
                tracing::info!(%error, remaining = report.remaining, "outbox paused: the platform cannot be reached");
                return Ok(report);
            }
            Err(Error::Conflict(why)) => {
                // The engine's words on what changed are the detail.
                let why = Failure {
                    problem: Problem::new(ProblemKind::Conflict).at(&server),
                    detail: why,
                };
                cache
                    .write(move |tx| {
                        rows::set_state(tx, id, OutboxState::NeedsReview, Some(&why), true)
                    })
                    .await?;
                report.needs_review += 1;
            }
            Err(error) => {
                let why = Failure::of(&error, &server);
                tracing::warn!(item = %id, %error, "outbox item refused for good");
                cache
                    .write(move |tx| rows::set_state(tx, id, OutboxState::Failed, Some(&why), true))
                    .await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}
