//! Group commit for sends: one writer task per store takes every send waiting (from REST and
//! sockets alike) and applies them in one transaction, then answers each caller; the caller
//! broadcasts after that commit. A send refused by its own checks (a channel out of sight,
//! an archived channel, an observer) is answered with its error and the rest commit. Change
//! numbers are taken in the batch's order, as if each send had committed alone, one after
//! another. If the batch as a whole fails (a database error, a unique violation from another
//! node racing on a `clientMessageId`), it is rolled back and each send is tried alone, as
//! before batching, so no send fails for another's sake.

use protocol::ChannelId;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool};
use tokio::sync::{mpsc, oneshot};

use super::batch::{self, Job};
use super::checkpoint::Checkpoints;
use super::messages::{send_alone, NewMessage, SendOutcome};
use super::{Backend, StoreError, StoreResult};

use crate::actor::Actor;

/// What a caller hears when the writer is gone: the store was closed.
fn closed() -> StoreError {
    StoreError::Database(sqlx::Error::PoolClosed)
}

/// The most sends one transaction takes; more wait for the next.
const MAX_BATCH: usize = 256;

/// The way in to the writer task. Cheap to clone; the task ends when the last one goes.
#[derive(Debug, Clone)]
pub(super) struct Writer {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Writer {
    /// Starts the writer task over `pool`, a `backend` database.
    pub(super) fn start(pool: AnyPool, backend: Backend) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        let checkpoints = (backend == Backend::Sqlite).then(|| Checkpoints::new(pool.clone()));
        tokio::spawn(run(pool, checkpoints, queue));
        Self { jobs }
    }

    /// Queues a send and waits for its outcome, which is committed when it comes.
    pub(super) async fn send(
        &self,
        actor: &Actor,
        channel: ChannelId,
        new: &NewMessage,
    ) -> StoreResult<SendOutcome> {
        let (reply, outcome) = oneshot::channel();
        let job = Job {
            actor: actor.clone(),
            channel,
            new: new.clone(),
            reply,
        };
        self.jobs.send(job).map_err(|_| closed())?;
        outcome.await.map_err(|_| closed())?
    }
}

async fn run(
    pool: AnyPool,
    mut checkpoints: Option<Checkpoints>,
    mut queue: mpsc::UnboundedReceiver<Job>,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    // The writer keeps one connection: no checkout per batch, and the batch's statements
    // stay prepared on it. A batch that fails gives it back (it may be broken); the next
    // batch takes a fresh one. Closing the pool waits for every connection, so the writer
    // gives its own back when the pool closes.
    let mut connection: Option<PoolConnection<Any>> = None;
    let mut closing = std::pin::pin!(pool.close_event());
    loop {
        tokio::select! {
            biased;
            () = &mut closing, if connection.is_some() => {
                connection = None;
                continue;
            }
            received = queue.recv_many(&mut jobs, MAX_BATCH) => {
                if received == 0 {
                    break;
                }
            }
        }
        let batch = std::mem::take(&mut jobs);
        if connection.is_none() && !pool.is_closed() {
            match take_connection(&pool, checkpoints.is_some()).await {
                Ok(taken) => connection = Some(taken),
                Err(error) => tracing::warn!(%error, "the writer cannot get a connection"),
            }
        }
        let started = std::time::Instant::now();
        let applied = match connection.as_mut() {
            Some(held) => batch::apply(held, &batch).await,
            None => Err(closed()),
        };
        tracing::trace!(
            sends = batch.len(),
            micros = started.elapsed().as_micros() as u64,
            ok = applied.is_ok(),
            "batch applied"
        );
        match (&applied, checkpoints.as_mut()) {
            (Err(_), _) => connection = None,
            (Ok(outcomes), Some(checkpoints)) => {
                checkpoints.committed(outcomes.iter().filter(|o| o.is_ok()).count());
            }
            (Ok(_), None) => {}
        }
        answer(&pool, batch, applied).await;
    }
}

/// A connection of the writer's own: closed rather than given back when the writer lets
/// it go, since with `checkpointing_apart` it no longer checkpoints on commit.
async fn take_connection(
    pool: &AnyPool,
    checkpointing_apart: bool,
) -> Result<PoolConnection<Any>, sqlx::Error> {
    let mut connection = pool.acquire().await?;
    connection.close_on_drop();
    if checkpointing_apart {
        Checkpoints::hand_over(&mut connection).await?;
    }
    Ok(connection)
}

/// Answers each caller of a batch with its outcome; when the batch failed as a whole, each
/// send is tried alone.
async fn answer(
    pool: &AnyPool,
    jobs: Vec<Job>,
    applied: StoreResult<Vec<StoreResult<SendOutcome>>>,
) {
    match applied {
        Ok(outcomes) => {
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                // A caller that gave up waiting (its request was dropped) needs no answer.
                let _ = job.reply.send(outcome);
            }
        }
        Err(error) => {
            tracing::debug!(%error, sends = jobs.len(), "batch failed; each send alone");
            for job in jobs {
                let outcome = send_alone(pool, &job.actor, job.channel, &job.new).await;
                let _ = job.reply.send(outcome);
            }
        }
    }
}
