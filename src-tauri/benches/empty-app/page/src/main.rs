//! The empty app's page: one heading, and once it is on screen, the shell's `rendered`
//! command (as the console's queue pane calls `queue_shown`).

use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(command: &str) -> Result<JsValue, JsValue>;
}

#[function_component(Page)]
fn page() -> Html {
    use_effect_with((), |()| {
        wasm_bindgen_futures::spawn_local(async {
            // Nothing to show if it fails: the bench then times out, naming the missing line.
            let _ = tauri_invoke("rendered").await;
        });
    });
    html! { <main><h1>{ "Empty app" }</h1></main> }
}

fn main() {
    yew::Renderer::<Page>::new().render();
}
