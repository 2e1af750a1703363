//! The offline banner: why the platform cannot be used, in words, when the next attempt
//! comes (counting down), since when, what waits to be sent; "Retry now", and the
//! technical cause behind "Details".

use yew::prelude::*;

use crate::components::disclosure::disclosure;
use crate::hooks::use_now;
use crate::ipc;
use crate::logic::words::offline_banner;
use crate::state::{Action, AppContext};

/// How often the countdown moves.
const TICK_MS: i32 = 1_000;

/// The banner, shown while offline (and while reconnecting after an outage).
#[function_component(OfflineBanner)]
pub fn offline_banner_view() -> Html {
    let state = use_context::<AppContext>();
    let now = use_now(TICK_MS);
    let retrying = use_state(|| false);
    let Some(state) = state else {
        return html! {};
    };
    let Some(banner) = offline_banner(state.connection.as_ref(), state.waiting(), now) else {
        return html! {};
    };
    let on_retry = {
        let state = state.clone();
        let retrying = retrying.clone();
        Callback::from(move |_| {
            let state = state.clone();
            let retrying = retrying.clone();
            retrying.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(error) = ipc::retry_connection().await {
                    state.dispatch(Action::Failed(error));
                }
                retrying.set(false);
            });
        })
    };
    html! {
        <div class="banner banner--offline" role="status" data-testid="offline-banner">
            <div class="banner__words">
                <div data-testid="offline-headline">{ banner.headline }</div>
                <div class="banner__since" data-testid="offline-since">{ banner.since }</div>
                { disclosure(banner.detail.as_deref()) }
            </div>
            <button class="button" data-testid="retry-now" onclick={on_retry} disabled={*retrying}>
                { "Retry now" }
            </button>
        </div>
    }
}
