//! The connection-state line: where the console stands with the platform (in words, the
//! technical cause behind "Details"), and a button to check again.

use protocol::ipc::{ConnectionReport, ConnectionState};
use yew::prelude::*;

use crate::components::disclosure::disclosure;
use crate::ipc;
use crate::logic::words::connection_words;
use crate::state::{Action, AppContext};

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
                { connection_words(report) }
            </p>
            if report.is_some_and(|r| r.state == ConnectionState::Offline) {
                { disclosure(report.and_then(|r| r.detail.as_deref())) }
            }
            <button class="button" data-testid="check-connection" onclick={on_check} disabled={*checking}>
                { if *checking { "Checking…" } else { "Check connection" } }
            </button>
        </section>
    }
}
