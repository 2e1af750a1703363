//! The root component: owns the app state, asks the shell what the console starts with,
//! follows the shell's events, and shows the sign-in page or the console.

use protocol::console::Change;
use protocol::ipc::{name, ConnectionReport};
use protocol::queue::QueueView;
use protocol::ChannelId;
use yew::prelude::*;

use crate::components::{ConnectionLine, ErrorBanner, Header, Notice};
use crate::effects;
use crate::hooks::use_shell_event;
use crate::ipc;
use crate::pages::{ConsolePage, SignInPage};
use crate::state::{Action, AppContext, AppState, Phase};

/// The whole UI.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);

    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                crate::startup::mark("rendered");
                match ipc::start().await {
                    Ok(startup) => {
                        crate::startup::mark("started");
                        let signed_in = startup.signed_in.is_some();
                        state.dispatch(Action::AppInfoLoaded(startup.app));
                        state.dispatch(Action::Started {
                            signed_in: startup.signed_in,
                            defaults: startup.defaults,
                            settings: startup.settings,
                        });
                        if let Some(page) = startup.queue {
                            state.dispatch(Action::QueueAnswered(QueueView::default(), page));
                        }
                        if signed_in {
                            if let Err(error) = effects::enter(state.clone()).await {
                                state.dispatch(Action::Failed(error));
                            }
                        }
                    }
                    Err(error) => state.dispatch(Action::Failed(error)),
                }
            });
        });
    }

    let on_connection = {
        let state = state.clone();
        Callback::from(move |report: Result<ConnectionReport, _>| match report {
            Ok(report) => state.dispatch(Action::ConnectionReported(report)),
            Err(error) => state.dispatch(Action::Failed(error)),
        })
    };
    use_shell_event::<ConnectionReport>(name::CONNECTION_STATE, on_connection);

    let on_change = {
        let state = state.clone();
        Callback::from(move |change: Result<Change, _>| match change {
            Ok(change) => state.dispatch(Action::Changed(change)),
            Err(error) => state.dispatch(Action::Failed(error)),
        })
    };
    use_shell_event::<Change>(name::CHANGE, on_change);

    let on_open_channel = {
        let state = state.clone();
        Callback::from(move |channel: Result<ChannelId, _>| match channel {
            Ok(channel) => {
                effects::spawn(&state, effects::open_channel(state.clone(), channel, None))
            }
            Err(error) => state.dispatch(Action::Failed(error)),
        })
    };
    use_shell_event::<ChannelId>(name::OPEN_CHANNEL, on_open_channel);

    // After a catch-up: reread the open channel from the cache (the queue pane asks for its
    // window again by itself).
    {
        let state = state.clone();
        use_effect_with(state.synced, move |synced| {
            if *synced > 0 {
                let open = state.open.as_ref().map(|o| o.id);
                effects::spawn(&state, {
                    let state = state.clone();
                    async move {
                        match open {
                            Some(id) => effects::refresh_open(state, id).await,
                            None => Ok(()),
                        }
                    }
                });
            }
        });
    }
    // After an outbox change: reread it.
    {
        let state = state.clone();
        use_effect_with(state.outbox_changes, move |changes| {
            if *changes > 0 {
                effects::spawn(&state, effects::load_outbox(state.clone()));
            }
        });
    }

    let page = match &state.phase {
        Phase::Starting => {
            html! { <main class="starting" data-testid="starting">{ "Opening Switchboard…" }</main> }
        }
        Phase::SignedOut => html! { <SignInPage /> },
        Phase::SignedIn(_) => html! { <ConsolePage /> },
    };
    let who = state.me().map(|m| format!("{} · {}", m.name, m.email));
    html! {
        <ContextProvider<AppContext> context={state.clone()}>
            <div class="app">
                <Header />
                <ErrorBanner />
                <Notice />
                { page }
                <footer class="status-bar">
                    <ConnectionLine />
                    if let Some(who) = who {
                        <span class="status-bar__who" data-testid="signed-in-as">{ who }</span>
                    }
                </footer>
            </div>
        </ContextProvider<AppContext>>
    }
}
