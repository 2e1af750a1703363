//! Warns before SLA breaches: every 20 s the engine's rule (`notify::sla_warning`) reads
//! the cached tickets due within the warning window against the clock, and each warning is shown once (the cache records
//! it), online or offline, as a native notification that opens its ticket (many at once
//! show as one summary that opens the soonest).

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use engine::cache::{channels, sla_warnings};
use engine::notify::notifier::Notifier;
use engine::notify::policy::Context;
use engine::notify::sla_warning;
use tauri::{AppHandle, Manager, Runtime};

use crate::console::Console;

/// How often the queue is read for due times.
const TICK: Duration = Duration::from_secs(20);

/// Runs for the app's life.
pub async fn run<R: Runtime>(app: AppHandle<R>) {
    let mut tick = tokio::time::interval(TICK);
    loop {
        tick.tick().await;
        if let Err(error) = warn(&app).await {
            tracing::warn!(%error, "cannot check the SLA warnings");
        }
    }
}

/// Shows the warnings due now that were not shown before.
async fn warn<R: Runtime>(app: &AppHandle<R>) -> engine::Result<()> {
    let console = app.state::<Console>();
    let settings = console.settings();
    if !settings.notifications {
        return Ok(());
    }
    let ahead = TimeDelta::minutes(i64::from(settings.sla_warning_minutes));
    let now = Utc::now();
    let (me, role, cache) = {
        let engine = console.engine.read().await;
        let Some(record) = engine.signed_in() else {
            return Ok(());
        };
        (record.user_id, record.role, engine.cache().clone())
    };
    let view = console.view();
    let context = Context {
        me: Some(me),
        open_channel: view.channel,
        window_focused: view.focused,
        muted: settings.muted.clone(),
        do_not_disturb: settings.do_not_disturb,
    };
    // Only the tickets with a clock due within the window are read, not the whole cache,
    // and one at a time: what is kept is the warnings, not the tickets.
    let found = cache
        .read(move |conn| {
            let mut found = Vec::new();
            channels::for_each_due(conn, now, now + ahead, |channel| {
                found.extend(sla_warning::warnings(
                    &context,
                    role,
                    std::slice::from_ref(&channel),
                    now,
                    ahead,
                ));
            })?;
            Ok(found)
        })
        .await?;
    // Recorded as shown in one transaction: a start after a busy hour may find thousands.
    let keys: Vec<_> = found
        .iter()
        .map(|warning| (warning.channel_id, warning.kind, warning.due_at))
        .collect();
    let first = cache
        .write(move |tx| {
            keys.into_iter()
                .map(|(channel, kind, due)| sla_warnings::mark_shown(tx, channel, kind, due))
                .collect::<engine::Result<Vec<bool>>>()
        })
        .await?;
    let fresh: Vec<_> = found
        .into_iter()
        .zip(first)
        .filter_map(|(warning, first)| first.then_some(warning))
        .collect();
    // A few show one by one; many at once as one summary.
    for notice in sla_warning::notices(fresh) {
        let app = app.clone();
        let shown = Notifier
            .show_opening(&notice, move |channel| {
                crate::forward::open_channel(&app, channel)
            })
            .await;
        tracing::info!(
            shown = shown.is_some(),
            channel = %notice.channel_id,
            tickets = notice.count,
            "SLA warning"
        );
    }
    Ok(())
}
