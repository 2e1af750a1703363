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
                .timeout(Timeout::Default);
            notification.show().map(|handle| Shown { id: handle.id() })
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
