//! The one door to the desktop shell: typed `invoke` for commands and `listen` for events,
//! over `window.__TAURI__` (the shell sets `app.withGlobalTauri`).
//!
//! Every call returns `Result<_, CodedError>`; nothing here panics on what the shell answers.

use protocol::canned::{CannedResponse, CreateCannedResponseRequest, UpdateCannedResponseRequest};
use protocol::console::{Draft, OutboxItem, SearchHit};
use protocol::error::{CodedError, ErrorCode};
use protocol::ipc::{
    name, ActRequest, ChannelPage, ChannelPageRequest, Settings, SignIn, SignInOutcome, Startup,
};
use protocol::queue::{QueuePage, QueuePageRequest};
use protocol::rest::CreateChannelRequest;
use protocol::sla::{PutSlaPolicyRequest, SlaPolicy};
use protocol::{CannedResponseId, Channel, ChannelId, TicketPriority, UserSummary};
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
    // JSON-compatible: maps as objects and 64-bit integers as numbers, as the shell reads
    // the arguments as JSON.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args.serialize(&serializer).map_err(|error| {
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

/// Asks the shell to check the connection; the result arrives as a connection-state event.
pub async fn check_connection() -> Result<(), CodedError> {
    invoke(name::CHECK_CONNECTION, &NoArgs {}).await
}

/// While offline, asks the shell to try the platform now; the outcome arrives as
/// connection changes.
pub async fn retry_connection() -> Result<(), CodedError> {
    invoke(name::RETRY_CONNECTION, &NoArgs {}).await
}

#[derive(Debug, Serialize)]
struct QueueShownArgs {
    rows: usize,
    marks: Vec<(String, f64)>,
}

/// Tells the shell the queue is on screen for the first time, with `rows` rows, and the
/// page's start-up milestones (ms since the page began loading).
pub async fn queue_shown(rows: usize, marks: Vec<(String, f64)>) -> Result<(), CodedError> {
    invoke(name::QUEUE_SHOWN, &QueueShownArgs { rows, marks }).await
}

/// What the console starts with.
pub async fn start() -> Result<Startup, CodedError> {
    invoke(name::START, &NoArgs {}).await
}

#[derive(Debug, Serialize)]
struct RequestArg<'a, T> {
    request: &'a T,
}

/// Signs in.
pub async fn sign_in(request: &SignIn) -> Result<SignInOutcome, CodedError> {
    invoke(name::SIGN_IN, &RequestArg { request }).await
}

/// Signs out.
pub async fn sign_out() -> Result<(), CodedError> {
    invoke(name::SIGN_OUT, &NoArgs {}).await
}

/// A window of the queue.
pub async fn queue_page(request: &QueuePageRequest) -> Result<QueuePage, CodedError> {
    invoke(name::QUEUE_PAGE, &RequestArg { request }).await
}

/// A channel and a page of its history.
pub async fn channel(request: &ChannelPageRequest) -> Result<ChannelPage, CodedError> {
    invoke(name::CHANNEL, &RequestArg { request }).await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ChannelArg {
    channel_id: Option<ChannelId>,
}

/// Tells the shell which channel is on screen.
pub async fn view_channel(channel_id: Option<ChannelId>) -> Result<(), CodedError> {
    invoke(name::VIEW, &ChannelArg { channel_id }).await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SendArgs<'a> {
    channel_id: ChannelId,
    content: &'a str,
    internal: bool,
}

/// Sends a message (queued when offline): an internal note when `internal`, else a public
/// reply.
pub async fn send_message(
    channel_id: ChannelId,
    content: &str,
    internal: bool,
) -> Result<OutboxItem, CodedError> {
    invoke(
        name::SEND,
        &SendArgs {
            channel_id,
            content,
            internal,
        },
    )
    .await
}

#[derive(Debug, Serialize)]
struct RetryArgs {
    id: uuid::Uuid,
}

/// Sends a failed or parked outbox item again.
pub async fn retry(id: uuid::Uuid) -> Result<OutboxItem, CodedError> {
    invoke(name::RETRY, &RetryArgs { id }).await
}

/// Acts on a channel.
pub async fn act(request: &ActRequest) -> Result<OutboxItem, CodedError> {
    invoke(name::ACT, &RequestArg { request }).await
}

/// Opens a ticket.
pub async fn create_channel(request: &CreateChannelRequest) -> Result<Channel, CodedError> {
    invoke(name::CREATE, &RequestArg { request }).await
}

/// The tenant's users.
pub async fn users() -> Result<Vec<UserSummary>, CodedError> {
    invoke(name::USERS, &NoArgs {}).await
}

#[derive(Debug, Serialize)]
struct SearchArgs<'a> {
    text: &'a str,
}

/// Searches the cached history.
pub async fn search(text: &str) -> Result<Vec<SearchHit>, CodedError> {
    invoke(name::SEARCH, &SearchArgs { text }).await
}

/// The outbox.
pub async fn outbox() -> Result<Vec<OutboxItem>, CodedError> {
    invoke(name::OUTBOX, &NoArgs {}).await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ReadArgs {
    channel_id: ChannelId,
    seq: i64,
}

/// Marks a channel read up to `seq`.
pub async fn mark_read(channel_id: ChannelId, seq: i64) -> Result<(), CodedError> {
    invoke(name::MARK_READ, &ReadArgs { channel_id, seq }).await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TypingArgs {
    channel_id: ChannelId,
    typing: bool,
}

/// Typing started or stopped.
pub async fn typing(channel_id: ChannelId, typing: bool) -> Result<(), CodedError> {
    invoke(name::TYPING, &TypingArgs { channel_id, typing }).await
}

#[derive(Debug, Serialize)]
struct SettingsArgs<'a> {
    settings: &'a Settings,
}

/// Saves the settings.
pub async fn set_settings(settings: &Settings) -> Result<Settings, CodedError> {
    invoke(name::SETTINGS, &SettingsArgs { settings }).await
}

/// The cached canned responses, sorted by short code (works offline).
pub async fn canned_responses() -> Result<Vec<CannedResponse>, CodedError> {
    invoke(name::CANNED_LIST, &NoArgs {}).await
}

/// Creates a canned response.
pub async fn canned_create(
    request: &CreateCannedResponseRequest,
) -> Result<CannedResponse, CodedError> {
    invoke(name::CANNED_CREATE, &RequestArg { request }).await
}

#[derive(Debug, Serialize)]
struct CannedUpdateArgs<'a> {
    id: CannedResponseId,
    request: &'a UpdateCannedResponseRequest,
}

/// Edits a canned response.
pub async fn canned_update(
    id: CannedResponseId,
    request: &UpdateCannedResponseRequest,
) -> Result<CannedResponse, CodedError> {
    invoke(name::CANNED_UPDATE, &CannedUpdateArgs { id, request }).await
}

#[derive(Debug, Serialize)]
struct CannedIdArg {
    id: CannedResponseId,
}

/// Deletes a canned response.
pub async fn canned_delete(id: CannedResponseId) -> Result<(), CodedError> {
    invoke(name::CANNED_DELETE, &CannedIdArg { id }).await
}

/// The tenant's SLA policies, from the platform (online only).
pub async fn sla_policies() -> Result<Vec<SlaPolicy>, CodedError> {
    invoke(name::SLA_POLICIES, &NoArgs {}).await
}

#[derive(Debug, Serialize)]
struct SlaPolicyPutArgs<'a> {
    priority: TicketPriority,
    request: &'a PutSlaPolicyRequest,
}

/// Replaces one priority's SLA policy (admins); a refusal names its fields.
pub async fn sla_policy_put(
    priority: TicketPriority,
    request: &PutSlaPolicyRequest,
) -> Result<SlaPolicy, CodedError> {
    invoke(
        name::SLA_POLICY_PUT,
        &SlaPolicyPutArgs { priority, request },
    )
    .await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DraftArg {
    channel_id: ChannelId,
}

/// The saved draft of a channel's composer, if any.
pub async fn draft(channel_id: ChannelId) -> Result<Option<Draft>, CodedError> {
    invoke(name::DRAFT, &DraftArg { channel_id }).await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SaveDraftArgs<'a> {
    channel_id: ChannelId,
    draft: &'a Draft,
}

/// Keeps a channel's draft in the profile; an empty text deletes it.
pub async fn save_draft(channel_id: ChannelId, draft: &Draft) -> Result<(), CodedError> {
    invoke(name::SAVE_DRAFT, &SaveDraftArgs { channel_id, draft }).await
}
