//! The empty app's page: one heading, and once it is rendered and painted, the shell's
//! `rendered` command (as the console's queue pane calls `queue_shown` once its rows are
//! painted: on the next animation frame, then a zero timeout).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(command: &str) -> Result<JsValue, JsValue>;
}

/// Tells the shell the page is on screen.
fn report() {
    wasm_bindgen_futures::spawn_local(async {
        // Nothing to show if it fails: the bench then times out, naming the missing line.
        let _ = tauri_invoke("rendered").await;
    });
}

#[function_component(Page)]
fn page() -> Html {
    use_effect_with((), |()| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let on_frame = Closure::once_into_js(|| {
            let on_painted = Closure::once_into_js(report);
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                    on_painted.unchecked_ref(),
                    0,
                );
            }
        });
        let _ = window.request_animation_frame(on_frame.unchecked_ref());
    });
    html! { <main><h1>{ "Empty app" }</h1></main> }
}

fn main() {
    yew::Renderer::<Page>::new().render();
}
