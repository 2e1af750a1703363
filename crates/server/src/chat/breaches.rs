//! The SLA breach task: once a ticket's due time passes unmet, its breach is recorded (once,
//! across nodes and restarts: the clocks are read again under the write lock) and the agents
//! who may see the ticket hear `channel_updated`. It sleeps until the next breach falls due,
//! and looks again at least every `interval` (a new ticket may fall due sooner).

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use super::Chat;

/// Tickets recorded per transaction; more wait for the next round at once.
const BATCH: i64 = 100;

/// Runs until a stop is asked through `stopped`.
pub async fn watch(chat: Chat, interval: Duration, mut stopped: watch::Receiver<bool>) {
    loop {
        let wait = match chat.record_due_breaches(Utc::now(), BATCH).await {
            Ok(recorded) if recorded as i64 == BATCH => Duration::ZERO,
            Ok(_) => match chat.next_breach_at().await {
                Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or_default().min(interval),
                Ok(None) => interval,
                Err(error) => {
                    tracing::warn!(%error, "cannot read when the next SLA breach falls due");
                    interval
                }
            },
            Err(error) => {
                tracing::warn!(%error, "cannot record SLA breaches; trying again");
                interval
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stopped.wait_for(|asked| *asked) => return,
        }
    }
}
