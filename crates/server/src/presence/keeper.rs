//! The presence keeper: with presence in Redis, renews this node's entries before they
//! expire and sweeps the entries of nodes that stopped renewing theirs (killed, cut off),
//! telling the agents of each channel whose list the sweep changed.

use std::time::Duration;

use tokio::sync::watch;

use super::Presence;
use crate::chat::Chat;

/// Renews and sweeps every `every` until a stop is asked through `stopped`.
pub async fn run(
    presence: Presence,
    chat: Chat,
    every: Duration,
    mut stopped: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            changed = stopped.wait_for(|asked| *asked) => {
                let _ = changed;
                return;
            }
        }
        match presence.keep().await {
            Ok(changed) => {
                for list in changed {
                    chat.tell_presence(list.tenant_id, list.presence).await;
                }
            }
            Err(error) => tracing::warn!(%error, "presence could not be renewed; retrying"),
        }
    }
}
