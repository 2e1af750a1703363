//! A dismissible banner with the last error, in words, and its technical cause behind
//! "Details".

use yew::prelude::*;

use crate::components::disclosure::disclosure;
use crate::state::{Action, AppContext};

/// Shows the current error, if any.
#[function_component(ErrorBanner)]
pub fn error_banner() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let Some(error) = &state.error else {
        return html! {};
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::DismissError))
    };
    html! {
        <div class="banner banner--error" role="alert" data-testid="error-banner">
            <div class="banner__words">
                <span>{ &error.message }</span>
                { disclosure(error.detail.as_deref()) }
            </div>
            <button class="banner__dismiss" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
        </div>
    }
}
