//! SQLite's WAL checkpoints, kept off the write path. By default the commit that takes the
//! write-ahead log past 1,000 pages also copies it into the database and syncs both files,
//! which stalled that batch's sends by ~5 ms at 1,000 messages/s (the fan-out bench's p99:
//! 8.8 ms with it, 6.1 ms without). The writer's connection does not checkpoint on commit;
//! after enough commits the writer starts a PASSIVE checkpoint on another pooled connection,
//! which runs beside it: the writer goes on committing to the log meanwhile.

use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::task::JoinHandle;

/// A checkpoint after this many commits of the writer…
const EVERY_COMMITS: u32 = 100;
/// …or this many sends, whichever comes first (about SQLite's own 1,000 pages).
const EVERY_SENDS: usize = 1_000;

/// The writer's checkpoint schedule.
#[derive(Debug)]
pub(super) struct Checkpoints {
    pool: AnyPool,
    commits: u32,
    sends: usize,
    running: Option<JoinHandle<()>>,
}

impl Checkpoints {
    /// A schedule that checkpoints through `pool`.
    pub(super) fn new(pool: AnyPool) -> Self {
        Self {
            pool,
            commits: 0,
            sends: 0,
            running: None,
        }
    }

    /// Stops `connection` (the writer's own) from checkpointing on its commits.
    pub(super) async fn hand_over(connection: &mut AnyConnection) -> Result<(), sqlx::Error> {
        connection
            .execute("PRAGMA wal_autocheckpoint = 0")
            .await
            .map(drop)
    }

    /// The writer committed `sends`; starts a checkpoint when enough have come since the
    /// last one and it has finished.
    pub(super) fn committed(&mut self, sends: usize) {
        self.commits += 1;
        self.sends += sends;
        if self.commits < EVERY_COMMITS && self.sends < EVERY_SENDS {
            return;
        }
        if self
            .running
            .as_ref()
            .is_some_and(|task| !task.is_finished())
        {
            return;
        }
        self.commits = 0;
        self.sends = 0;
        let pool = self.pool.clone();
        self.running = Some(tokio::spawn(async move {
            if let Err(error) = pool.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
                tracing::warn!(%error, "WAL checkpoint failed; the next one retries");
            }
        }));
    }
}
