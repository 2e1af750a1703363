//! The outbox's one owner: a task per signed-in engine that drains the outbox whenever it
//! is woken, so no two flushes ever run at once and no queued action is applied twice.
//!
//! As matrix-rust-sdk's send queue keeps one task per room: everything else — a send, a
//! retry, a sync, the live connection's catch-up — only wakes the owner ([`OutboxHandle::wake`])
//! and, where it must know the outcome, waits for the drain its wake-up asked for
//! ([`OutboxHandle::drained`]). Wake-ups that arrive while a drain runs coalesce into one more
//! drain. Each wake-up takes a ticket from a counter; each drain notes the counter when it
//! starts and publishes that generation with its report when it ends, so a drain published
//! with generation `g` began after every wake-up numbered up to `g` and covers what they
//! queued.
//!
//! The task lives as long as its [`OutboxTask`]: dropping that (the engine signing out or
//! closing) stops it, and whoever still waits is told the outbox stopped.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use super::{flush, FlushReport};
use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::session::Session;

/// What one drain ended with, and the last wake-up it answers.
#[derive(Debug)]
struct Drained {
    generation: u64,
    outcome: Result<FlushReport>,
}

/// What the handles and the task share.
#[derive(Debug, Default)]
struct Shared {
    /// Wakes the task (a wake-up while it drains is kept as one permit).
    wake: Notify,
    /// The last ticket handed out.
    requested: AtomicU64,
}

/// A way to wake the owner and wait for its drains. Cheap to clone; it does not keep the
/// task alive.
#[derive(Debug, Clone)]
pub struct OutboxHandle {
    shared: Arc<Shared>,
    drained: watch::Receiver<Drained>,
}

impl OutboxHandle {
    /// Asks for a drain and returns at once; the ticket names the drain to wait for with
    /// [`OutboxHandle::drained`].
    pub fn wake(&self) -> u64 {
        let ticket = self.shared.requested.fetch_add(1, Ordering::SeqCst) + 1;
        self.shared.wake.notify_one();
        ticket
    }

    /// Waits until a drain that began after wake-up `ticket` has ended, and returns its
    /// report (or its error). Fails with `Unauthorized` when the owner stopped first.
    pub async fn drained(&self, ticket: u64) -> Result<FlushReport> {
        let mut drained = self.drained.clone();
        let done = drained
            .wait_for(|drained| drained.generation >= ticket)
            .await
            .map_err(|_| {
                Error::Unauthorized(
                    "the outbox stopped: the profile was signed out or closed".to_owned(),
                )
            })?;
        match &done.outcome {
            Ok(report) => Ok(*report),
            Err(error) => Err(error.replica()),
        }
    }

    /// Wakes the owner and waits for the drain that covers everything queued until now.
    pub async fn drain(&self) -> Result<FlushReport> {
        let ticket = self.wake();
        self.drained(ticket).await
    }
}

/// The running owner; dropping it stops the task (a drain cut short leaves its item
/// `sending`, which the next drain takes up again, as after a crash).
#[derive(Debug)]
pub struct OutboxTask {
    handle: OutboxHandle,
    task: JoinHandle<()>,
}

impl OutboxTask {
    /// Starts the owner of `cache`'s outbox, sending as `session`. Must run inside the
    /// tokio runtime.
    pub fn start(session: Arc<Session>, cache: Cache) -> Self {
        let shared = Arc::new(Shared::default());
        let (done, drained) = watch::channel(Drained {
            generation: 0,
            outcome: Ok(FlushReport::default()),
        });
        let task = tokio::spawn(run(session, cache, shared.clone(), done));
        Self {
            handle: OutboxHandle { shared, drained },
            task,
        }
    }

    /// A handle to wake it and wait for it.
    pub fn handle(&self) -> OutboxHandle {
        self.handle.clone()
    }

    /// Whether the task has ended (it only ends when stopped, or if it panicked).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl Drop for OutboxTask {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The owner's loop: wait to be woken, drain, publish, again.
async fn run(
    session: Arc<Session>,
    cache: Cache,
    shared: Arc<Shared>,
    done: watch::Sender<Drained>,
) {
    loop {
        shared.wake.notified().await;
        // Every wake-up up to here queued its work before taking its ticket: this drain
        // sees that work.
        let generation = shared.requested.load(Ordering::SeqCst);
        let outcome = flush(&session, &cache).await;
        match &outcome {
            Ok(report) => tracing::debug!(generation, ?report, "outbox drained"),
            Err(error) => tracing::debug!(generation, %error, "outbox drain stopped"),
        }
        done.send_replace(Drained {
            generation,
            outcome,
        });
    }
}
