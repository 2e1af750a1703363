//! The time, renewed every so often: what countdowns render against, so they move on their
//! own (and offline) without anything else changing.

use std::cell::Cell;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use yew::prelude::*;

/// Waits `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Now, renewed every `period_ms` milliseconds while the component lives.
#[hook]
pub fn use_now(period_ms: i32) -> DateTime<Utc> {
    let now = use_state(Utc::now);
    {
        let now = now.clone();
        use_effect_with(period_ms, move |period| {
            let alive = Rc::new(Cell::new(true));
            let running = alive.clone();
            let period = *period;
            wasm_bindgen_futures::spawn_local(async move {
                loop {
                    sleep(period).await;
                    if !running.get() {
                        break;
                    }
                    now.set(Utc::now());
                }
            });
            move || alive.set(false)
        });
    }
    *now
}
