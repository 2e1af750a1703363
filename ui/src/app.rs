//! The root component: owns the app state, loads what the shell knows, and lays out the page.

use protocol::ipc::{name, ConnectionReport};
use yew::prelude::*;

use crate::components::{ConnectionLine, ErrorBanner, Header};
use crate::hooks::use_shell_event;
use crate::ipc;
use crate::state::{Action, AppContext, AppState};

/// The whole UI.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);

    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::app_info().await {
                    Ok(info) => state.dispatch(Action::AppInfoLoaded(info)),
                    Err(error) => state.dispatch(Action::Failed(error)),
                }
            });
        });
    }

    let on_connection = {
        let state = state.clone();
        Callback::from(move |report| match report {
            Ok(report) => state.dispatch(Action::ConnectionReported(report)),
            Err(error) => state.dispatch(Action::Failed(error)),
        })
    };
    use_shell_event::<ConnectionReport>(name::CONNECTION_STATE, on_connection);

    html! {
        <ContextProvider<AppContext> context={state}>
            <div class="app">
                <Header />
                <ErrorBanner />
                <main class="shell">
                    <ConnectionLine />
                </main>
            </div>
        </ContextProvider<AppContext>>
    }
}
