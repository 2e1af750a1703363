//! Group commit for sends: one writer task per store takes every send waiting (from REST and
//! sockets alike) and applies them in one transaction, then answers each caller; the caller
//! broadcasts after that commit. A send refused by its own checks (a channel out of sight,
//! an archived channel, an observer) is answered with its error and the rest commit. Change
//! numbers are taken in the batch's order, as if each send had committed alone, one after
//! another. If the batch as a whole fails (a database error, a unique violation from another
//! node racing on a `clientMessageId`), it is rolled back and each send is tried alone, as
//! before batching, so no send fails for another's sake.

use protocol::ChannelId;
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::batch::{self, Job};
use super::messages::{send_alone, NewMessage, SendOutcome};
use super::{StoreError, StoreResult};

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
    /// Starts the writer task over `pool`.
    pub(super) fn start(pool: AnyPool) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, queue));
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

async fn run(pool: AnyPool, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let batch = std::mem::take(&mut jobs);
        apply(&pool, batch).await;
    }
}

/// Applies one batch and answers each of its callers.
async fn apply(pool: &AnyPool, jobs: Vec<Job>) {
    match batch::apply(pool, &jobs).await {
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
