//! The one door to the desktop shell: typed `invoke` for commands and `listen` for events,
//! over `window.__TAURI__` (the shell sets `app.withGlobalTauri`).
//!
//! Every call returns `Result<_, CodedError>`; nothing here panics on what the shell answers.

use protocol::error::{CodedError, ErrorCode};
use protocol::ipc::{name, AppInfo};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(command: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

/// Arguments of a command that takes none.
#[derive(Debug, Serialize)]
pub struct NoArgs {}

/// Calls shell command `command` with `args` and decodes its answer.
pub async fn invoke<A: Serialize, R: DeserializeOwned>(
    command: &str,
    args: &A,
) -> Result<R, CodedError> {
    let args = serde_wasm_bindgen::to_value(args).map_err(|error| {
        CodedError::new(
            ErrorCode::Internal,
            format!("cannot encode the arguments of `{command}`: {error}"),
        )
    })?;
    let answer = tauri_invoke(command, args).await.map_err(command_error)?;
    serde_wasm_bindgen::from_value(answer).map_err(|error| {
        CodedError::new(
            ErrorCode::Internal,
            format!("unexpected answer to `{command}`: {error}"),
        )
    })
}

/// Turns what a failed `invoke` rejected with into a [`CodedError`]: the shell rejects with
/// one; anything else (the bridge missing, a panic in the shell) becomes `INTERNAL`.
fn command_error(rejection: JsValue) -> CodedError {
    serde_wasm_bindgen::from_value::<CodedError>(rejection.clone()).unwrap_or_else(|_| {
        let text = rejection
            .as_string()
            .or_else(|| {
                js_sys::JSON::stringify(&rejection)
                    .ok()
                    .and_then(|s| s.as_string())
            })
            .unwrap_or_else(|| "the desktop shell did not answer".to_owned());
        CodedError::new(ErrorCode::Internal, text)
    })
}

/// A live event subscription; dropping it stops the events.
#[derive(Debug)]
pub struct Subscription {
    unlisten: Option<js_sys::Function>,
    _handler: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(unlisten) = self.unlisten.take() {
            // Nothing useful can be done if unlistening fails while tearing down.
            let _ = unlisten.call0(&JsValue::NULL);
        }
    }
}

/// Calls `on_event` with each payload of shell event `event`, decoded as `T`.
pub async fn listen<T, F>(event: &str, on_event: F) -> Result<Subscription, CodedError>
where
    T: DeserializeOwned + 'static,
    F: Fn(Result<T, CodedError>) + 'static,
{
    let event_name = event.to_owned();
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |envelope: JsValue| {
        let payload = js_sys::Reflect::get(&envelope, &JsValue::from_str("payload"))
            .unwrap_or(JsValue::UNDEFINED);
        let decoded = serde_wasm_bindgen::from_value::<T>(payload).map_err(|error| {
            CodedError::new(
                ErrorCode::Internal,
                format!("unexpected payload of `{event_name}`: {error}"),
            )
        });
        on_event(decoded);
    });
    let unlisten = tauri_listen(event, &handler).await.map_err(command_error)?;
    Ok(Subscription {
        unlisten: unlisten.dyn_into::<js_sys::Function>().ok(),
        _handler: handler,
    })
}

/// The app's name and version.
pub async fn app_info() -> Result<AppInfo, CodedError> {
    invoke(name::APP_INFO, &NoArgs {}).await
}

/// Asks the shell to check the connection; the result arrives as a connection-state event.
pub async fn check_connection() -> Result<(), CodedError> {
    invoke(name::CHECK_CONNECTION, &NoArgs {}).await
}
