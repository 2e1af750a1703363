//! [`Engine`]: the one object a front drives. It opens a profile's cache (offline or not),
//! signs in and out, catches up, wakes the outbox's owner, and reads everything from the
//! cache. Its canned responses are in [`canned`], its composer drafts in [`drafts`], its
//! SLA policies in [`sla`].

use std::sync::{Arc, Mutex, PoisonError};

use protocol::validate::Validate;
use protocol::{Channel, ChannelAction, ChannelId, Message, Secret, TenantId};

use crate::cache::channels::QueueFilter;
use crate::cache::outbox::{self as rows, Expected, OutboxItem, Work};
use crate::cache::search::Hit;
use crate::cache::{channels, messages, search, Cache};
use crate::changes::{Change, Changes};
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::outbox::{FlushReport, OutboxHandle, OutboxTask};
use crate::profile::{Profile, SessionRecord};
use crate::realtime::Realtime;
use crate::session::Session;
use crate::sync::{self, SyncReport};

mod canned;
mod drafts;
mod sla;

/// How an engine is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineOptions {
    /// Keep the refresh token in the OS keyring when one answers.
    pub use_keyring: bool,
    /// Changes per sync request.
    pub sync_batch: u32,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            use_keyring: true,
            sync_batch: crate::sync::BATCH_DEFAULT,
        }
    }
}

/// The console's engine over one profile.
#[derive(Debug)]
pub struct Engine {
    profile: Profile,
    cache: Cache,
    credentials: Credentials,
    session: Option<Arc<Session>>,
    changes: Changes,
    options: EngineOptions,
    /// The one task that drains the outbox for the session, started on first use and
    /// stopped (dropped) on sign-in, sign-out and when the engine goes.
    outbox_owner: Mutex<Option<OutboxTask>>,
}

/// What `send` did with a message.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    /// The outbox row, as it stands after trying (`Queued`: the platform could not be
    /// reached, and the next sync delivers it).
    pub item: OutboxItem,
    /// The message as the platform stored it, when it was delivered now.
    pub message: Option<Message>,
}

impl Engine {
    /// Opens `profile`: its cache always, its session if one is recorded (no network).
    pub fn open(profile: Profile, options: EngineOptions) -> Result<Self> {
        let cache = Cache::open(&profile.cache_path())?;
        let credentials = Credentials::new(&profile, options.use_keyring);
        let session = match Session::resume(&profile, credentials.clone()) {
            Ok(session) => Some(Arc::new(session)),
            Err(Error::Unauthorized(_)) => None,
            Err(other) => return Err(other),
        };
        Ok(Self {
            profile,
            cache,
            credentials,
            session,
            changes: Changes::default(),
            options,
            outbox_owner: Mutex::new(None),
        })
    }

    /// Every change from now on (take a snapshot from the cache first).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// Starts the live connection: it catches up, then follows the platform, reconnecting
    /// until stopped; what arrives goes into the cache and onto [`Engine::subscribe`].
    pub fn connect(&self) -> Result<Realtime> {
        let session = self.session.clone().ok_or_else(|| {
            Error::Unauthorized("this profile is not signed in; run login".to_owned())
        })?;
        let outbox = self.outbox_handle()?;
        Ok(Realtime::start(
            session,
            self.cache.clone(),
            self.changes.clone(),
            self.options.sync_batch,
            outbox,
        ))
    }

    /// The outbox's owner for this session (started now if it is not running): wake it, or
    /// wait for it to drain. It is the only thing that sends the outbox. Must run inside
    /// the tokio runtime.
    pub fn outbox_handle(&self) -> Result<OutboxHandle> {
        let session = self.session.clone().ok_or_else(|| {
            Error::Unauthorized("this profile is not signed in; run login".to_owned())
        })?;
        let mut owner = self
            .outbox_owner
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // A task that ended (it only does if it panicked) is replaced.
        if owner.as_ref().is_some_and(OutboxTask::is_finished) {
            *owner = None;
        }
        let task = owner.get_or_insert_with(|| OutboxTask::start(session, self.cache.clone()));
        Ok(task.handle())
    }

    /// Stops the outbox's owner (it sends as a session that is about to change).
    fn stop_outbox_owner(&mut self) {
        *self
            .outbox_owner
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The cache (for fronts that read it directly).
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// The session, if signed in.
    pub fn session(&self) -> Result<&Session> {
        self.session.as_deref().ok_or_else(|| {
            Error::Unauthorized("this profile is not signed in; run login".to_owned())
        })
    }

    /// Signs in. A profile holds one platform + user + tenant: signing in as someone else
    /// needs another profile (or a logout first).
    pub async fn login(
        &mut self,
        server: &str,
        email: &str,
        password: Secret,
        tenant: Option<TenantId>,
    ) -> Result<SessionRecord> {
        let before = self.profile.session()?;
        self.stop_outbox_owner();
        let session = Session::login(
            &self.profile,
            self.credentials.clone(),
            server,
            email,
            password,
            tenant,
        )
        .await?;
        let record = session.record().clone();
        if let Some(before) = before {
            if (before.server.as_str(), before.user_id, before.tenant_id)
                != (record.server.as_str(), record.user_id, record.tenant_id)
            {
                // Someone else's cache must not show through: start it afresh.
                self.cache
                    .write(|tx| {
                        tx.execute_batch("DELETE FROM messages; DELETE FROM channels; DELETE FROM state; DELETE FROM outbox; DELETE FROM canned_responses; DELETE FROM drafts;")?;
                        Ok(())
                    })
                    .await?;
            }
        }
        self.session = Some(Arc::new(session));
        Ok(record)
    }

    /// Signs out (the cache stays readable).
    pub async fn logout(&mut self) -> Result<()> {
        self.stop_outbox_owner();
        match self.session.take() {
            Some(session) => session.logout(&self.profile).await,
            None => Ok(()),
        }
    }

    /// Sends what the outbox holds, then catches up. Offline, the outbox keeps its work and
    /// the error says so.
    pub async fn sync(&self) -> Result<(FlushReport, SyncReport)> {
        let session = self.session()?;
        let flushed = self.outbox_handle()?.drain().await?;
        if flushed.remaining > 0 {
            return Err(Error::Offline(format!(
                "{} queued item(s) wait for the platform",
                flushed.remaining
            )));
        }
        let synced = sync::catch_up(session, &self.cache, self.options.sync_batch).await?;
        if synced.canned > 0 {
            self.changes.send(Change::CannedResponses);
        }
        Ok((flushed, synced))
    }

    /// The queue, from the cache.
    pub async fn queue(&self, filter: QueueFilter) -> Result<Vec<Channel>> {
        let me = self.session.as_ref().map(|s| s.record().user_id);
        self.cache
            .read(move |conn| channels::queue(conn, &filter, me))
            .await
    }

    /// A window of the queue: the view's filters, text and order applied in the cache, the
    /// rows asked for, and the totals.
    pub async fn queue_page(
        &self,
        request: protocol::queue::QueuePageRequest,
    ) -> Result<protocol::queue::QueuePage> {
        let me = self.session.as_ref().map(|s| s.record().user_id);
        self.cache
            .read(move |conn| crate::cache::window::page(conn, &request, me))
            .await
    }

    /// The channel whose id is `text` or starts with it (at least 4 characters), or the
    /// ticket numbered so (`#1042`).
    pub async fn find_channel(&self, text: &str) -> Result<ChannelId> {
        if let Ok(id) = text.parse::<ChannelId>() {
            return Ok(id);
        }
        if let Some(number) = search::ticket_number(text) {
            return self
                .cache
                .read(move |conn| channels::by_number(conn, number))
                .await?
                .map(|channel| channel.id)
                .ok_or_else(|| Error::NotFound(format!("no cached ticket #{number}")));
        }
        let prefix = text.trim().to_lowercase();
        if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(Error::Invalid {
                fields: vec![protocol::FieldError::new(
                    "channel",
                    "give a channel id or at least its first 4 characters",
                )],
            });
        }
        let found: Vec<String> = self
            .cache
            .read(move |conn| {
                let mut statement =
                    conn.prepare("SELECT id FROM channels WHERE id LIKE ?1 || '%' LIMIT 2")?;
                let ids = statement
                    .query_map([prefix], |row| row.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(ids)
            })
            .await?;
        match found.as_slice() {
            [one] => one
                .parse()
                .map_err(|_| Error::Local(format!("a cached channel id is damaged: {one}"))),
            [] => Err(Error::NotFound(format!(
                "no cached channel starts with {text}"
            ))),
            _ => Err(Error::Invalid {
                fields: vec![protocol::FieldError::new(
                    "channel",
                    "several channels start with that; give more of the id",
                )],
            }),
        }
    }

    /// A channel and its newest `limit` messages, from the cache.
    pub async fn channel(&self, id: ChannelId, limit: u32) -> Result<(Channel, Vec<Message>)> {
        self.cache
            .read(move |conn| {
                let channel = channels::get(conn, id)?.ok_or_else(|| {
                    Error::NotFound(format!("channel {id} is not in the cache; sync first"))
                })?;
                let history = messages::history(conn, id, None, limit)?;
                Ok((channel, history))
            })
            .await
    }

    /// A page of a channel's history from the cache, oldest first: the newest `limit`, or
    /// those before `before`; and whether older ones are cached.
    pub async fn history(
        &self,
        id: ChannelId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<(Channel, Vec<Message>, bool)> {
        self.cache
            .read(move |conn| {
                let channel = channels::get(conn, id)?.ok_or_else(|| {
                    Error::NotFound(format!("channel {id} is not in the cache; sync first"))
                })?;
                let mut page = messages::history(conn, id, before, limit.saturating_add(1))?;
                let has_older = page.len() > limit as usize;
                if has_older {
                    page.remove(0);
                }
                Ok((channel, page, has_older))
            })
            .await
    }

    /// Opens a channel (a ticket, for SUPPORT) on the platform and caches it. Needs the
    /// platform: a new ticket is not queued offline.
    pub async fn create_channel(
        &self,
        request: protocol::rest::CreateChannelRequest,
    ) -> Result<Channel> {
        request
            .validate()
            .map_err(|fields| Error::Invalid { fields })?;
        let channel = self
            .session()?
            .call(|api| {
                let request = request.clone();
                async move { api.create_channel(&request).await }
            })
            .await?;
        let stored = channel.clone();
        let stored = self
            .cache
            .write(move |tx| channels::upsert_keeping_unread(tx, stored))
            .await?;
        self.changes.send(Change::Channel {
            channel: Box::new(stored),
        });
        Ok(channel)
    }

    /// The active tenant's users, matching `q` (from the platform).
    pub async fn users(&self, q: Option<String>) -> Result<Vec<protocol::UserSummary>> {
        self.session()?
            .call(|api| {
                let q = q.clone();
                async move { api.users(q.as_deref()).await }
            })
            .await
    }

    /// Marks `channel` read up to `seq`: at once in the cache, then on the platform (best
    /// effort: offline, the platform learns at the next read).
    pub async fn mark_read(&self, channel: ChannelId, seq: i64) -> Result<()> {
        self.cache
            .write(move |tx| channels::set_unread(tx, channel, 0))
            .await?;
        self.changes.send(Change::Read {
            channel_id: channel,
            seq,
        });
        self.session()?
            .call(|api| async move { api.mark_read(channel, seq).await })
            .await
    }

    /// Puts a failed or parked outbox item back in the queue and tries again. An action
    /// parked for review is re-based on the channel as cached now: retrying it is the
    /// person's decision to apply it anyway.
    pub async fn retry(&self, id: uuid::Uuid) -> Result<Sent> {
        let item = self
            .cache
            .read(move |conn| rows::get(conn, id))
            .await?
            .ok_or_else(|| Error::NotFound(format!("no outbox item {id}")))?;
        if item.state.is_pending() || item.state == rows::OutboxState::Sent {
            return Err(Error::Conflict(format!(
                "outbox item {id} is {:?}; only failed or parked work is retried",
                item.state
            )));
        }
        let mut work = item.work.clone();
        if work.expected().is_some() {
            work.rebase(self.expected(item.channel_id).await?);
        }
        self.cache
            .write(move |tx| rows::requeue(tx, id, &work))
            .await?;
        self.flush_and_report(id).await
    }

    /// Offline search, from the cache.
    pub async fn search(&self, text: &str, limit: u32) -> Result<Vec<Hit>> {
        let text = text.to_owned();
        self.cache
            .read(move |conn| search::search(conn, &text, limit))
            .await
    }

    /// Queues a message and tries to deliver it (and anything queued before it) now.
    pub async fn send(&self, channel: ChannelId, content: &str) -> Result<Sent> {
        self.send_as(channel, content, false).await
    }

    /// Queues an internal note (agents only: the customer never sees it) and tries to
    /// deliver it now; written offline, it goes out as a note once the platform is back.
    /// Refused at once for a user who is not an agent, as the platform would.
    pub async fn send_note(&self, channel: ChannelId, content: &str) -> Result<Sent> {
        self.send_as(channel, content, true).await
    }

    /// Queues a message, a note when `internal`, and tries to deliver it now.
    async fn send_as(&self, channel: ChannelId, content: &str, internal: bool) -> Result<Sent> {
        let request = protocol::rest::SendMessageRequest {
            content: content.to_owned(),
            metadata: None,
            client_message_id: None,
            internal: internal.then_some(true),
        };
        request
            .validate()
            .map_err(|fields| Error::Invalid { fields })?;
        let role = self.session()?.record().role;
        if internal && !role.is_agent() {
            return Err(Error::Forbidden(format!(
                "only agents write internal notes; you are signed in as {role}"
            )));
        }
        let work = Work::SendMessage {
            content: content.trim().to_owned(),
            internal,
        };
        // Queued with the message, the draft goes in the same transaction: what was
        // written is either still a draft or in the outbox, never lost, never both.
        let item = self
            .cache
            .write(move |tx| {
                let item = rows::enqueue(tx, channel, &work)?;
                crate::cache::drafts::clear(tx, channel)?;
                Ok(item)
            })
            .await?;
        self.flush_and_report(item.id).await
    }

    /// The channel as cached, for an action's expectation.
    async fn expected(&self, channel: ChannelId) -> Result<Expected> {
        let cached = self
            .cache
            .read(move |conn| channels::get(conn, channel))
            .await?
            .ok_or_else(|| {
                Error::NotFound(format!("channel {channel} is not in the cache; sync first"))
            })?;
        Ok(Expected {
            status: cached.status,
            assigned_to: cached.assigned_to,
        })
    }

    /// Queues an action, expecting the channel to stay as cached now, and tries to apply
    /// it.
    pub async fn act(&self, channel: ChannelId, action: ChannelAction) -> Result<Sent> {
        self.session()?;
        let work = Work::Act {
            action,
            expected: self.expected(channel).await?,
        };
        self.enqueue_and_flush(channel, work).await
    }

    async fn enqueue_and_flush(&self, channel: ChannelId, work: Work) -> Result<Sent> {
        let item = self
            .cache
            .write(move |tx| rows::enqueue(tx, channel, &work))
            .await?;
        self.flush_and_report(item.id).await
    }

    async fn flush_and_report(&self, id: uuid::Uuid) -> Result<Sent> {
        self.changes.send(Change::Outbox);
        let flushed = self.outbox_handle()?.drain().await;
        self.changes.send(Change::Outbox);
        let item = self
            .cache
            .read(move |conn| rows::get(conn, id))
            .await?
            .ok_or_else(|| Error::Local("the queued work vanished".to_owned()))?;
        let message = match (&item.work, item.state) {
            (Work::SendMessage { .. }, rows::OutboxState::Sent) => {
                let client_id = item.id.to_string();
                self.cache
                    .read(move |conn| messages::by_client_id(conn, &client_id))
                    .await?
            }
            _ => None,
        };
        match flushed {
            // Offline or busy: the item stays queued, and says so.
            Err(error) if !error.is_transient() => Err(error),
            _ => Ok(Sent { item, message }),
        }
    }

    /// Who is signed in, if anyone.
    pub fn signed_in(&self) -> Option<&SessionRecord> {
        self.session.as_deref().map(Session::record)
    }

    /// The outbox: everything not yet sent, and the last 20 sent.
    pub async fn outbox(&self) -> Result<Vec<OutboxItem>> {
        self.cache.read(|conn| rows::list(conn, 20)).await
    }
}
