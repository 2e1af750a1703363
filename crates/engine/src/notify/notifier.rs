//! Shows notices through the desktop's notification daemon (notify-rust, over D-Bus). A
//! missing daemon is logged, never fatal: notifications are a courtesy.

use notify_rust::{Notification, Timeout, Urgency};

use super::policy::Notice;

/// The application name notifications carry.
pub const APP_NAME: &str = "Switchboard";

/// The notifier.
#[derive(Debug, Clone, Default)]
pub struct Notifier;

/// What the daemon said when a notice was shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// The daemon's id of the notification.
    pub id: u32,
}

impl Notifier {
    /// Shows `notice`; `None` when no daemon took it.
    pub async fn show(&self, notice: &Notice) -> Option<Shown> {
        self.show_opening(notice, |_| {}).await
    }

    /// Shows `notice` with an "Open" action (the default, a click on it where the daemon
    /// supports actions); `on_open` gets its channel when the user takes it. A thread waits
    /// for the answer until the notification closes.
    pub async fn show_opening<F>(&self, notice: &Notice, on_open: F) -> Option<Shown>
    where
        F: FnOnce(protocol::ChannelId) + Send + 'static,
    {
        let notice = notice.clone();
        let shown = tokio::task::spawn_blocking(move || {
            let mut notification = Notification::new();
            notification
                .appname(APP_NAME)
                .summary(&notice.title)
                .body(&notice.body)
                .hint(notify_rust::Hint::Category("im.received".to_owned()))
                .urgency(if notice.urgent {
                    Urgency::Critical
                } else {
                    Urgency::Normal
                })
                .action("default", "Open")
                .timeout(Timeout::Default);
            let handle = notification.show()?;
            let shown = Shown { id: handle.id() };
            let channel = notice.channel_id;
            std::thread::spawn(move || {
                handle.wait_for_action(move |action| {
                    if action == "default" {
                        on_open(channel);
                    }
                });
            });
            Ok::<_, notify_rust::error::Error>(shown)
        })
        .await;
        match shown {
            Ok(Ok(shown)) => Some(shown),
            Ok(Err(error)) => {
                tracing::warn!(%error, "no notification daemon took the notice");
                None
            }
            Err(error) => {
                tracing::warn!(%error, "the notifier task failed");
                None
            }
        }
    }

    /// The daemon's name, if one answers (for diagnostics).
    pub async fn daemon(&self) -> Option<String> {
        tokio::task::spawn_blocking(|| {
            notify_rust::get_server_information()
                .ok()
                .map(|info| info.name)
        })
        .await
        .ok()
        .flatten()
    }
}
