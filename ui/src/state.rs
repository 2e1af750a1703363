//! The app's state and the actions that change it: a reducer, testable without a browser.

use std::rc::Rc;

use protocol::error::CodedError;
use protocol::ipc::{AppInfo, ConnectionReport};
use yew::Reducible;

/// Everything the UI shows, in one place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppState {
    /// The app's name and version, once the shell has answered.
    pub app: Option<AppInfo>,
    /// The latest connection report pushed by the shell.
    pub connection: Option<ConnectionReport>,
    /// The last failure worth showing, until dismissed.
    pub error: Option<CodedError>,
}

/// A change to [`AppState`].
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The shell told the app's identity.
    AppInfoLoaded(AppInfo),
    /// The shell pushed a connection report.
    ConnectionReported(ConnectionReport),
    /// A command failed.
    Failed(CodedError),
    /// The user dismissed the error.
    DismissError,
}

impl AppState {
    /// The state after `action`.
    pub fn apply(&self, action: Action) -> Self {
        let mut next = self.clone();
        match action {
            Action::AppInfoLoaded(info) => next.app = Some(info),
            Action::ConnectionReported(report) => {
                // Reports can arrive out of order (a command's answer racing a pushed event);
                // keep the newest.
                let newer = next
                    .connection
                    .as_ref()
                    .is_none_or(|current| report.checked_at >= current.checked_at);
                if newer {
                    next.connection = Some(report);
                }
            }
            Action::Failed(error) => next.error = Some(error),
            Action::DismissError => next.error = None,
        }
        next
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

/// The handle components use to read and change the state.
pub type AppContext = yew::UseReducerHandle<AppState>;

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use protocol::error::ErrorCode;
    use protocol::ipc::ConnectionState;

    use super::*;

    fn report(state: ConnectionState, second: u32) -> ConnectionReport {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, second).single();
        let at = at.expect("a valid time");
        ConnectionReport {
            state,
            since: at,
            checked_at: at,
            detail: None,
        }
    }

    #[test]
    fn app_info_is_kept() {
        let info = AppInfo {
            name: "Switchboard".into(),
            version: "1.2.3".into(),
        };
        let state = AppState::default().apply(Action::AppInfoLoaded(info.clone()));
        assert_eq!(state.app, Some(info));
    }

    #[test]
    fn a_newer_connection_report_replaces_an_older_one() {
        let state = AppState::default()
            .apply(Action::ConnectionReported(report(
                ConnectionState::Connecting,
                1,
            )))
            .apply(Action::ConnectionReported(report(
                ConnectionState::Online,
                2,
            )));
        assert_eq!(
            state.connection.map(|r| r.state),
            Some(ConnectionState::Online)
        );
    }

    #[test]
    fn a_stale_connection_report_is_ignored() {
        let state = AppState::default()
            .apply(Action::ConnectionReported(report(
                ConnectionState::Online,
                5,
            )))
            .apply(Action::ConnectionReported(report(
                ConnectionState::Offline,
                4,
            )));
        assert_eq!(
            state.connection.map(|r| r.state),
            Some(ConnectionState::Online)
        );
    }

    #[test]
    fn an_error_shows_until_dismissed() {
        let error = CodedError::new(ErrorCode::Internal, "boom");
        let state = AppState::default().apply(Action::Failed(error.clone()));
        assert_eq!(state.error, Some(error));
        assert_eq!(state.apply(Action::DismissError).error, None);
    }
}
