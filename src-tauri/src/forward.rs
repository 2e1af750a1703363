//! Forwards the engine's change stream to the window as `console-change` events, keeps the
//! connection line current, and raises native notifications as the policy decides; a click
//! on one brings the window forward on its channel.

use std::collections::HashMap;
use std::time::Duration;

use engine::cache::channels;
use engine::notify::notifier::Notifier;
use engine::notify::policy::{self, Context, Event, Notice};
use protocol::console::Change;
use protocol::ipc::name;
use protocol::{ChannelId, UserId};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::broadcast::error::RecvError;

use crate::connection::ConnectionTracker;
use crate::console::Console;

/// How many of the most recently active open channels the console follows live.
const WATCHED: u32 = 300;
/// How long notices gather into one burst before they are shown.
const BURST: Duration = Duration::from_millis(400);

/// Runs until the engine's stream ends (the app quits).
pub async fn run<R: Runtime>(app: AppHandle<R>) {
    let console = app.state::<Console>();
    let mut changes = console.engine.read().await.subscribe();
    let mut assignees = assignees_of(&console).await;
    watch_busiest(&console).await;
    let mut burst: Vec<Notice> = Vec::new();
    crate::tray::refresh(&app).await;
    loop {
        let next = if burst.is_empty() {
            changes.recv().await
        } else {
            match tokio::time::timeout(BURST, changes.recv()).await {
                Ok(next) => next,
                Err(_) => {
                    show(&app, std::mem::take(&mut burst)).await;
                    continue;
                }
            }
        };
        let change = match next {
            Ok(change) => change,
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "the window fell behind the engine; it reloads");
                Change::Synced {
                    channels: 0,
                    messages: 0,
                }
            }
            Err(RecvError::Closed) => break,
        };
        if let Change::Connection {
            state,
            detail,
            outage,
        } = &change
        {
            let tracker = app.state::<ConnectionTracker>();
            tracker.set(*state, detail.clone(), outage.clone());
            if let Err(error) = app.emit(name::CONNECTION_STATE, tracker.check()) {
                tracing::warn!(%error, "cannot tell the window the connection state");
            }
        }
        if let Change::Synced { .. } = change {
            assignees = assignees_of(&console).await;
            watch_busiest(&console).await;
        }
        if let Change::Channel { channel } = &change {
            if channel.status != protocol::ChannelStatus::Archived {
                console.watch_also(channel.id);
            }
        }
        if let Some(notice) = notice_for(&app, &change, &mut assignees).await {
            burst.push(notice);
        }
        if let Err(error) = app.emit(name::CHANGE, &change) {
            tracing::warn!(%error, "cannot pass a change to the window");
        }
        if changes_unread(&change) {
            crate::tray::refresh(&app).await;
        }
    }
}

/// Whether `change` may change how many messages are unread.
fn changes_unread(change: &Change) -> bool {
    matches!(
        change,
        Change::Channel { .. }
            | Change::ChannelRemoved { .. }
            | Change::Message { .. }
            | Change::Read { .. }
            | Change::Synced { .. }
    )
}

/// Follows the rooms of the most recently active channels that are not archived.
async fn watch_busiest(console: &Console) {
    let cache = console.engine.read().await.cache().clone();
    match cache.read(|conn| channels::busiest(conn, WATCHED)).await {
        Ok(busiest) => console.watch(busiest.into_iter().collect()),
        Err(error) => tracing::warn!(%error, "cannot read the busiest channels"),
    }
}

/// Who each cached channel is assigned to: an assignment notifies only when it changes.
/// (Ids only, read without decoding a channel; empty when the cache cannot be read, which
/// is logged.)
async fn assignees_of(console: &Console) -> HashMap<ChannelId, Option<UserId>> {
    let cache = console.engine.read().await.cache().clone();
    match cache.read(channels::assignees).await {
        Ok(assignees) => assignees.into_iter().collect(),
        Err(error) => {
            tracing::warn!(%error, "cannot read the cached assignees");
            HashMap::new()
        }
    }
}

/// The notice `change` calls for, if any.
async fn notice_for<R: Runtime>(
    app: &AppHandle<R>,
    change: &Change,
    assignees: &mut HashMap<ChannelId, Option<UserId>>,
) -> Option<Notice> {
    let console = app.state::<Console>();
    let settings = console.settings();
    if !settings.notifications {
        return None;
    }
    let engine = console.engine.read().await;
    let me = engine.signed_in().map(|record| record.user_id);
    let view = console.view();
    let context = Context {
        me,
        open_channel: view.channel,
        window_focused: view.focused,
        muted: settings.muted,
        do_not_disturb: settings.do_not_disturb,
    };
    match change {
        Change::Message { message } => {
            let id = message.channel_id;
            let channel = engine
                .cache()
                .read(move |conn| channels::get(conn, id))
                .await
                .ok()
                .flatten()?;
            policy::decide(
                &context,
                &Event::Message {
                    channel: &channel,
                    message,
                },
            )
        }
        Change::Channel { channel } => {
            let before = assignees.insert(channel.id, channel.assigned_to);
            let newly_mine = channel.assigned_to.is_some()
                && channel.assigned_to == me
                && before.is_some_and(|before| before != me);
            let assignee = channel.assigned_to?;
            if !newly_mine {
                return None;
            }
            policy::decide(&context, &Event::Assigned { channel, assignee })
        }
        _ => None,
    }
}

/// Shows a burst of notices, grouped per channel.
async fn show<R: Runtime>(app: &AppHandle<R>, notices: Vec<Notice>) {
    let notifier = Notifier;
    for notice in policy::group(notices) {
        let app = app.clone();
        let shown = notifier
            .show_opening(&notice, move |channel| open_channel(&app, channel))
            .await;
        tracing::debug!(shown = shown.is_some(), channel = %notice.channel_id, "notice");
    }
}

/// Brings the main window forward on `channel`.
pub(crate) fn open_channel<R: Runtime>(app: &AppHandle<R>, channel: ChannelId) {
    crate::tray::bring_forward(app);
    if let Err(error) = app.emit(name::OPEN_CHANNEL, channel) {
        tracing::warn!(%error, "cannot ask the window to open a channel");
    }
}
