//! A passing word on what just happened ("Assigned", "Queued"), shown until the next one
//! or a click.

use yew::prelude::*;

use crate::state::{Action, AppContext};

/// The notice line.
#[function_component(Notice)]
pub fn notice() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let Some(text) = &state.notice else {
        return html! {};
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::DismissNotice))
    };
    html! {
        <div class="notice" role="status" data-testid="notice" onclick={dismiss}>{ text }</div>
    }
}
