//! The connection-state line: where the console stands with the platform, and a button to
//! check again.

use protocol::ipc::{ConnectionReport, ConnectionState};
use yew::prelude::*;

use crate::ipc;
use crate::state::{Action, AppContext};

/// The words for a connection report.
pub fn describe_connection(report: Option<&ConnectionReport>) -> String {
    let Some(report) = report else {
        return "Connection not checked yet".to_owned();
    };
    let state = match report.state {
        ConnectionState::SignedOut => "Not signed in",
        ConnectionState::Connecting => "Connecting…",
        ConnectionState::Online => "Online",
        ConnectionState::Offline => "Offline",
    };
    let checked = report.checked_at.format("%H:%M:%S UTC");
    match &report.detail {
        Some(detail) => format!("{state} ({detail}) · checked {checked}"),
        None => format!("{state} · checked {checked}"),
    }
}

fn state_attribute(report: Option<&ConnectionReport>) -> &'static str {
    match report.map(|r| r.state) {
        None => "UNKNOWN",
        Some(ConnectionState::SignedOut) => "SIGNED_OUT",
        Some(ConnectionState::Connecting) => "CONNECTING",
        Some(ConnectionState::Online) => "ONLINE",
        Some(ConnectionState::Offline) => "OFFLINE",
    }
}

/// The line and its button.
#[function_component(ConnectionLine)]
pub fn connection_line() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let checking = use_state(|| false);
    let on_check = {
        let state = state.clone();
        let checking = checking.clone();
        Callback::from(move |_| {
            let state = state.clone();
            let checking = checking.clone();
            checking.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(error) = ipc::check_connection().await {
                    state.dispatch(Action::Failed(error));
                }
                checking.set(false);
            });
        })
    };
    let report = state.connection.as_ref();
    html! {
        <section class="connection">
            <p class="connection__line" data-testid="connection-line" data-state={state_attribute(report)}>
                <span class={classes!("connection__dot", state_attribute(report).to_lowercase())} />
                { describe_connection(report) }
            </p>
            <button class="button" data-testid="check-connection" onclick={on_check} disabled={*checking}>
                { if *checking { "Checking…" } else { "Check connection" } }
            </button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn nothing_reported_says_so() {
        assert_eq!(describe_connection(None), "Connection not checked yet");
    }

    #[test]
    fn a_report_names_its_state_and_time() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 24, 9, 5, 7)
            .single()
            .expect("a valid time");
        let mut report = ConnectionReport {
            state: ConnectionState::SignedOut,
            since: at,
            checked_at: at,
            detail: None,
        };
        assert_eq!(
            describe_connection(Some(&report)),
            "Not signed in · checked 09:05:07 UTC"
        );
        report.state = ConnectionState::Offline;
        report.detail = Some("connection refused".into());
        assert_eq!(
            describe_connection(Some(&report)),
            "Offline (connection refused) · checked 09:05:07 UTC"
        );
    }
}
