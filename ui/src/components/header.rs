//! The title bar: the app's name and version as the shell reports them.

use yew::prelude::*;

use crate::state::AppContext;

/// The title bar.
#[function_component(Header)]
pub fn header() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let title = match &state.app {
        Some(info) => format!("{} {}", info.name, info.version),
        None => "Switchboard".to_owned(),
    };
    html! {
        <header class="header">
            <h1 class="header__title" data-testid="app-title" data-loaded={state.app.is_some().to_string()}>
                { title }
            </h1>
        </header>
    }
}
