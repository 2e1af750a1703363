//! `use_shell_event`: subscribe a component to one shell event for as long as it is mounted.

use std::cell::RefCell;
use std::rc::Rc;

use protocol::error::CodedError;
use serde::de::DeserializeOwned;
use yew::prelude::*;

use crate::ipc;

/// Calls `on_event` with each payload of shell event `event` while the component lives.
#[hook]
pub fn use_shell_event<T>(event: &'static str, on_event: Callback<Result<T, CodedError>>)
where
    T: DeserializeOwned + 'static,
{
    use_effect_with(event, move |event| {
        let subscription = Rc::new(RefCell::new(None));
        let alive = Rc::new(RefCell::new(true));
        {
            let subscription = subscription.clone();
            let alive = alive.clone();
            let event = *event;
            wasm_bindgen_futures::spawn_local(async move {
                let handler = on_event.clone();
                match ipc::listen::<T, _>(event, move |payload| handler.emit(payload)).await {
                    // If the component went away while subscribing, dropping unsubscribes.
                    Ok(live) if *alive.borrow() => *subscription.borrow_mut() = Some(live),
                    Ok(_) => {}
                    Err(error) => on_event.emit(Err(error)),
                }
            });
        }
        move || {
            *alive.borrow_mut() = false;
            subscription.borrow_mut().take();
        }
    });
}
