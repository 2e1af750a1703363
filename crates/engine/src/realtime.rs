//! The real-time client: Socket.IO v5 over a WebSocket (tokio-tungstenite and the
//! protocol's frame codec), kept alive for as long as the front wants it.
//!
//! On every (re)connect it first has the outbox's owner send what the outbox holds (and
//! waits for it), then catches up through sync,
//! then joins the rooms the front asked for again, so nothing that happened while it was
//! away is missed and nothing is applied twice (the cache stores each message once). It
//! reconnects with exponential backoff and full jitter, with a fresh token each time; an
//! expired token (refused handshake or the server's `TOKEN_EXPIRED`) is refreshed at once.
//! Only a refusal about the token or the account signs out ([`refusal`]); any other is the
//! platform's trouble, reported as offline in plain words and retried with the backoff.
//! While offline, each report carries an [`Outage`]: the trouble as a [`Problem`], since
//! when, and when the next attempt comes; [`Realtime::retry_now`] cuts the wait short.
//!
//! The Socket.IO part alone, with nothing of the session or the cache, is [`socket`]; it is
//! tested against the official Node server as well as this product's.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use protocol::error::ErrorCode;
use protocol::events::{name, ServerEvent, NAMESPACE};
use protocol::ipc::ConnectionState;
use protocol::problem::{Outage, Problem, ProblemKind};
use protocol::ChannelId;
use rand::Rng;
use serde_json::json;
use tokio::sync::mpsc;

use crate::cache::{channels, messages, Cache};
use crate::changes::{Change, Changes};
use crate::error::{Error, Result};
use crate::outbox::OutboxHandle;
use crate::session::Session;
use crate::sync;

mod followed;
mod refusal;
pub mod socket;

use followed::Followed;
use refusal::Refusal;
use socket::{Incoming, Socket};

/// The longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// The first wait.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// What the front asks of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Join(ChannelId),
    Leave(ChannelId),
    Typing(ChannelId, bool),
    View(Option<ChannelId>),
    RetryNow,
    Stop,
}

/// A running connection; dropping it (or [`Realtime::stop`]) ends it.
#[derive(Debug)]
pub struct Realtime {
    commands: mpsc::UnboundedSender<Command>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Realtime {
    /// Starts keeping a connection for `session`, writing what arrives into `cache` and
    /// announcing it on `changes`; on each (re)connect `outbox`'s owner drains it first.
    pub fn start(
        session: Arc<Session>,
        cache: Cache,
        changes: Changes,
        sync_batch: u32,
        outbox: OutboxHandle,
    ) -> Self {
        let (commands, receiver) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(session, cache, changes, receiver, sync_batch, outbox));
        Self {
            commands,
            task: Some(task),
        }
    }

    /// Follows a channel's room (typing, and messages of channels the user is not a
    /// member of); kept across reconnects.
    pub fn join(&self, channel: ChannelId) {
        let _ = self.commands.send(Command::Join(channel));
    }

    /// Stops following a channel's room.
    pub fn leave(&self, channel: ChannelId) {
        let _ = self.commands.send(Command::Leave(channel));
    }

    /// Tells the room the user is typing (or stopped).
    pub fn typing(&self, channel: ChannelId, typing: bool) {
        let _ = self.commands.send(Command::Typing(channel, typing));
    }

    /// The channel on screen (an agent's colleagues see it in the channel's presence);
    /// kept across reconnects.
    pub fn view(&self, channel: Option<ChannelId>) {
        let _ = self.commands.send(Command::View(channel));
    }

    /// While waiting to reconnect, tries at once (nothing happens while connected).
    pub fn retry_now(&self) {
        let _ = self.commands.send(Command::RetryNow);
    }

    /// Ends the connection and waits for it to close.
    pub async fn stop(mut self) {
        let _ = self.commands.send(Command::Stop);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Realtime {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Stop);
    }
}

/// Exponential backoff with full jitter.
#[derive(Debug)]
struct Backoff {
    ceiling: Duration,
}

impl Backoff {
    fn new() -> Self {
        Self {
            ceiling: FIRST_BACKOFF,
        }
    }

    fn reset(&mut self) {
        self.ceiling = FIRST_BACKOFF;
    }

    fn next(&mut self) -> Duration {
        let wait = rand::thread_rng().gen_range(Duration::ZERO..=self.ceiling);
        self.ceiling = (self.ceiling * 2).min(MAX_BACKOFF);
        wait
    }
}

/// Why a connection ended.
enum Ended {
    Stopped,
    TokenExpired,
    /// The trouble in words, and the technical detail.
    Dropped(Problem, String),
}

impl Ended {
    fn dropped(error: &Error) -> Self {
        Self::Dropped(error.problem(), error.to_string())
    }
}

fn connection(
    changes: &Changes,
    state: ConnectionState,
    detail: Option<String>,
    outage: Option<Outage>,
) {
    changes.send(Change::Connection {
        state,
        detail,
        outage,
    });
}

/// When a wait of `wait` from now ends.
fn after(wait: Duration) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero())
}

/// The trouble since the connection was last online, for the reports while it lasts.
#[derive(Debug, Default)]
struct Trouble {
    /// Since when, why, and the technical detail.
    last: Option<(DateTime<Utc>, Problem, String)>,
}

impl Trouble {
    /// Notes a failure; the outage starts with the first one after being online.
    fn failed(&mut self, problem: Problem, detail: String) {
        let since = self
            .last
            .as_ref()
            .map_or_else(Utc::now, |(since, ..)| *since);
        self.last = Some((since, problem, detail));
    }

    /// The outage so far, with the next attempt at `retry_at` (none: trying now).
    fn outage(&self, retry_at: Option<DateTime<Utc>>) -> Option<Outage> {
        self.last.as_ref().map(|(since, problem, _)| Outage {
            problem: problem.clone(),
            since: *since,
            retry_at,
        })
    }

    fn detail(&self) -> Option<String> {
        self.last.as_ref().map(|(.., detail)| detail.clone())
    }
}

async fn run(
    session: Arc<Session>,
    cache: Cache,
    changes: Changes,
    mut commands: mpsc::UnboundedReceiver<Command>,
    sync_batch: u32,
    outbox: OutboxHandle,
) {
    let mut followed = Followed::new(session.viewer().role.is_agent());
    let mut backoff = Backoff::new();
    let server = session.api().base().to_owned();
    let mut trouble = Trouble::default();
    loop {
        connection(
            &changes,
            ConnectionState::Connecting,
            trouble.detail(),
            trouble.outage(None),
        );
        let outcome = match connect(&session).await {
            Ok(mut socket) => {
                backoff.reset();
                match catch_up(&session, &cache, &changes, sync_batch, &outbox).await {
                    Ok(()) => {
                        let _ = followed.replay(&mut socket).await;
                        trouble = Trouble::default();
                        connection(&changes, ConnectionState::Online, None, None);
                        serve(
                            &mut socket,
                            &session,
                            &cache,
                            &changes,
                            &mut commands,
                            &mut followed,
                            sync_batch,
                        )
                        .await
                    }
                    Err(error @ Error::Unauthorized(_)) => {
                        signed_out(&changes, &error);
                        return;
                    }
                    Err(error) => Ended::dropped(&error),
                }
            }
            Err(error @ Error::Unauthorized(_)) => {
                signed_out(&changes, &error);
                return;
            }
            Err(Error::Refused { code, message }) => {
                tracing::warn!(%message, "the platform refused the live connection; backing off");
                let why = refusal::explain(code, &message);
                Ended::Dropped(Error::Refused { code, message }.problem(), why)
            }
            Err(error) => Ended::dropped(&error),
        };
        match outcome {
            Ended::Stopped => return,
            Ended::TokenExpired => {
                if let Err(error) = session.refresh().await {
                    if matches!(error, Error::Unauthorized(_)) {
                        connection(
                            &changes,
                            ConnectionState::SignedOut,
                            Some(error.to_string()),
                            None,
                        );
                        return;
                    }
                }
                continue;
            }
            Ended::Dropped(problem, why) => {
                tracing::info!(%why, "disconnected from the platform");
                trouble.failed(problem.at(&server), why);
            }
        }
        // Wait before trying again, still taking the front's commands; the front learns
        // when the next attempt comes.
        let pause = backoff.next();
        connection(
            &changes,
            ConnectionState::Offline,
            trouble.detail(),
            trouble.outage(Some(after(pause))),
        );
        let wait = tokio::time::sleep(pause);
        tokio::pin!(wait);
        loop {
            tokio::select! {
                () = &mut wait => break,
                command = commands.recv() => match command {
                    None | Some(Command::Stop) => return,
                    Some(Command::RetryNow) => {
                        tracing::info!("trying the platform again now, as asked");
                        break;
                    }
                    Some(Command::Join(channel)) => { followed.rooms.insert(channel); }
                    Some(Command::Leave(channel)) => { followed.rooms.remove(&channel); }
                    Some(Command::View(channel)) => { followed.set_viewing(channel); }
                    Some(Command::Typing(..)) => {}
                },
            }
        }
    }
}

/// Says the session ended, with why.
fn signed_out(changes: &Changes, error: &Error) {
    let why = match error {
        Error::Unauthorized(why) => why.clone(),
        other => other.to_string(),
    };
    connection(changes, ConnectionState::SignedOut, Some(why), None);
}

/// Has the outbox sent (waiting for its owner's drain), then pulls what changed,
/// announcing it.
async fn catch_up(
    session: &Session,
    cache: &Cache,
    changes: &Changes,
    sync_batch: u32,
    outbox: &OutboxHandle,
) -> Result<()> {
    let flushed = outbox.drain().await?;
    if flushed.sent + flushed.failed + flushed.needs_review > 0 {
        changes.send(Change::Outbox);
    }
    let report = sync::catch_up(session, cache, sync_batch).await?;
    if report.canned > 0 {
        changes.send(Change::CannedResponses);
    }
    changes.send(Change::Synced {
        channels: report.channels,
        messages: report.messages,
    });
    Ok(())
}

/// Opens a WebSocket and completes the `/chat` handshake with a fresh token (refreshing
/// once if the platform says it expired), trusting the profile's extra CA if it has one.
///
/// A refusal about the token or the account is [`Error::Unauthorized`] (sign in again);
/// any other refusal stays [`Error::Refused`]: the platform's trouble, waited out.
async fn connect(session: &Session) -> Result<Socket> {
    let mut refreshed = false;
    loop {
        let token = session.access_token().await?;
        let api = session.api();
        match Socket::connect_with(api.base(), NAMESPACE, token.expose(), api.tls()).await {
            Ok(socket) => return Ok(socket),
            Err(Error::Refused { code, message }) => {
                match Refusal::of(code) {
                    Refusal::Expired if !refreshed => {
                        session.refresh().await?;
                        refreshed = true;
                        continue;
                    }
                    Refusal::Expired | Refusal::SignIn => {
                        return Err(Error::Unauthorized(message));
                    }
                    // Not about us: the platform has a problem; the session stays.
                    Refusal::Platform => return Err(Error::Refused { code, message }),
                }
            }
            Err(error) => return Err(error),
        }
    }
}

/// Carries the connection until it ends.
async fn serve(
    socket: &mut Socket,
    session: &Session,
    cache: &Cache,
    changes: &Changes,
    commands: &mut mpsc::UnboundedReceiver<Command>,
    followed: &mut Followed,
    sync_batch: u32,
) -> Ended {
    loop {
        tokio::select! {
            incoming = socket.next_event() => {
                let incoming = match incoming {
                    Ok(incoming) => incoming,
                    Err(error) => return Ended::dropped(&error),
                };
                match incoming {
                    Incoming::Disconnected(why) => {
                        return Ended::Dropped(Problem::new(ProblemKind::Unreachable), why.to_string());
                    }
                    Incoming::Event(event) => {
                        let name = event.name.clone();
                        let payload = event.into_payload();
                        match ServerEvent::decode(&name, payload) {
                            Ok(Some(ServerEvent::Error(error))) if error.code == Some(ErrorCode::TokenExpired) => {
                                return Ended::TokenExpired;
                            }
                            Ok(Some(ServerEvent::LeftChannel(left))) if followed.rooms.contains(&left.channel_id) => {
                                // The room was emptied (its audience changed): follow it again if
                                // the platform still lets us.
                                let _ = socket.emit(name::JOIN_CHANNEL, json!({"channelId": left.channel_id})).await;
                            }
                            Ok(Some(event)) => {
                                if let Err(error) = apply(event, session, cache, changes, sync_batch).await {
                                    tracing::warn!(%error, "could not store a live event; the next sync will");
                                }
                            }
                            Ok(None) => tracing::debug!(event = %name, "unknown event ignored"),
                            Err(error) => tracing::warn!(event = %name, %error, "malformed event ignored"),
                        }
                    }
                }
            }
            command = commands.recv() => {
                let sent = match command {
                    None | Some(Command::Stop) => {
                        let _ = socket.close().await;
                        return Ended::Stopped;
                    }
                    Some(Command::Join(channel)) => {
                        followed.rooms.insert(channel);
                        socket.emit(name::JOIN_CHANNEL, json!({"channelId": channel})).await
                    }
                    Some(Command::Leave(channel)) => {
                        followed.rooms.remove(&channel);
                        socket.emit(name::LEAVE_CHANNEL, json!({"channelId": channel})).await
                    }
                    Some(Command::Typing(channel, typing)) => {
                        let event = if typing { name::TYPING } else { name::STOP_TYPING };
                        socket.emit(event, json!({"channelId": channel})).await
                    }
                    Some(Command::View(channel)) => followed.view(socket, channel).await,
                    // Connected already: nothing to hurry.
                    Some(Command::RetryNow) => Ok(()),
                };
                if let Err(error) = sent {
                    return Ended::dropped(&error);
                }
            }
        }
    }
}

/// Stores what a live event says and announces it. `canned_responses_changed` carries
/// nothing: it is answered by a sync, which brings the change.
async fn apply(
    event: ServerEvent,
    session: &Session,
    cache: &Cache,
    changes: &Changes,
    sync_batch: u32,
) -> Result<()> {
    let viewer = session.viewer();
    match event {
        ServerEvent::NewMessage(new) => {
            let message = new.message;
            let mine = message.sender_id == viewer.user;
            let stored = message.clone();
            let added = cache
                .write(move |tx| {
                    let added = messages::insert(tx, std::slice::from_ref(&stored))?;
                    if added > 0 {
                        channels::message_arrived(tx, &stored, mine)?;
                    }
                    Ok(added)
                })
                .await?;
            if added > 0 {
                changes.send(Change::Message {
                    message: Box::new(message),
                });
            }
        }
        ServerEvent::ChannelUpdated(updated) => {
            let channel = updated.channel;
            let id = channel.id;
            if viewer.may_see(&channel) {
                let stored = channel.clone();
                let channel = cache
                    .write(move |tx| channels::upsert_keeping_unread(tx, stored))
                    .await?;
                changes.send(Change::Channel {
                    channel: Box::new(channel),
                });
            } else {
                cache.write(move |tx| channels::remove(tx, &[id])).await?;
                changes.send(Change::ChannelRemoved { channel_id: id });
            }
        }
        ServerEvent::ReadUpdated(marker) => {
            let id = marker.channel_id;
            cache
                .write(move |tx| channels::set_unread(tx, id, 0))
                .await?;
            changes.send(Change::Read {
                channel_id: marker.channel_id,
                seq: marker.seq,
            });
        }
        ServerEvent::UserTyping(typing) => changes.send(Change::Typing { typing }),
        ServerEvent::UserStopTyping(typing) => changes.send(Change::StoppedTyping { typing }),
        ServerEvent::Presence(presence) => changes.send(Change::Presence { presence }),
        ServerEvent::CannedResponsesChanged(_) => {
            let report = sync::catch_up(session, cache, sync_batch).await?;
            if report.canned > 0 {
                changes.send(Change::CannedResponses);
            }
            if report.channels + report.dropped + report.messages > 0 {
                changes.send(Change::Synced {
                    channels: report.channels,
                    messages: report.messages,
                });
            }
        }
        ServerEvent::JoinedChannel(_)
        | ServerEvent::LeftChannel(_)
        | ServerEvent::ChannelAssigned(_)
        | ServerEvent::TicketEscalated(_)
        | ServerEvent::Error(_) => {}
    }
    Ok(())
}
