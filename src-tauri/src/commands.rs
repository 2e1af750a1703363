//! The commands the UI invokes. Each takes and returns `protocol` types and fails with a
//! [`CommandError`] (a `CodedError` the UI can show, logged once); the engine does the work.

use protocol::canned::{CannedResponse, CreateCannedResponseRequest, UpdateCannedResponseRequest};
use protocol::console::{Draft, OutboxItem, SearchHit};
use protocol::error::CodedError;
use protocol::ipc::{
    name, ActRequest, AppInfo, ChannelPage, ChannelPageRequest, Settings, SignIn, SignInOutcome,
    Startup,
};
use protocol::queue::{QueuePage, QueuePageRequest};
use protocol::rest::CreateChannelRequest;
use protocol::sla::{PutSlaPolicyRequest, SlaPolicy};
use protocol::{CannedResponseId, Channel, ChannelId, TenantChoice, TicketPriority, UserSummary};
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::connection::ConnectionTracker;
use crate::console::{self, Console};
use crate::error::{Answer, CommandError};
use crate::startup;

/// The most messages one history page holds.
const PAGE_LIMIT: u32 = 200;

/// The app's name and version (told with the start).
fn app_info() -> AppInfo {
    AppInfo {
        name: "Switchboard".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// Logs that the queue is on screen (rendered and painted) for the first time, with the time since the process
/// started: the console's cold-start milestone (measured by `cargo xtask bench console`).
/// With it go the phases, each in milliseconds since the process started: `setup` (Tauri
/// ran the app's setup), `page` (the window's page began loading) and `ui`, the page's own
/// milestones as `name:ms` (`marks` count from the page's start; `page` is added).
#[tauri::command]
pub fn queue_shown(rows: usize, marks: Vec<(String, f64)>) {
    let page = startup::page_ms().unwrap_or(0);
    let ui: Vec<String> = marks
        .iter()
        .map(|(name, at)| format!("{name}:{:.0}", page as f64 + at))
        .collect();
    tracing::info!(
        rows,
        ms = startup::elapsed_ms(),
        setup = startup::setup_ms().unwrap_or(0),
        page,
        ui = ui.join(" "),
        "queue shown"
    );
}

/// Pushes the connection state to every window as a `connection-state` event.
#[tauri::command]
pub fn check_connection<R: Runtime>(
    app: AppHandle<R>,
    tracker: State<'_, ConnectionTracker>,
) -> Answer<()> {
    let report = tracker.check();
    app.emit(name::CONNECTION_STATE, &report).map_err(|error| {
        CommandError::internal(format!(
            "cannot tell the window the connection state: {error}"
        ))
    })
}

/// While offline, tries to reach the platform now rather than at the next attempt; the
/// outcome comes as connection changes.
#[tauri::command]
pub fn retry_connection(console: State<'_, Console>) {
    console.with_realtime(engine::realtime::Realtime::retry_now);
}

/// What the console starts with: who is signed in (then the live connection starts),
/// the sign-in screen's defaults, the settings.
#[tauri::command]
pub async fn console_start(console: State<'_, Console>) -> Answer<Startup> {
    let engine = console.engine.read().await;
    let signed_in = console::signed_in(&engine);
    if signed_in.is_some() && console.realtime.lock().map(|r| r.is_none()).unwrap_or(true) {
        console.go_live(&engine);
    }
    // The queue's first window goes with the answer: the console shows its rows on its first
    // render instead of asking once more.
    let queue = match signed_in {
        Some(_) => match engine.queue_page(QueuePageRequest::first()).await {
            Ok(page) => Some(page),
            Err(error) => {
                tracing::warn!(%error, "cannot read the queue's first window at start");
                None
            }
        },
        None => None,
    };
    Ok(Startup {
        app: app_info(),
        signed_in,
        queue,
        defaults: console::sign_in_defaults(&engine),
        settings: console.settings(),
    })
}

/// Signs in, then starts the live connection (which catches up first).
#[tauri::command]
pub async fn sign_in(console: State<'_, Console>, request: SignIn) -> Answer<SignInOutcome> {
    let server = request.server.trim().trim_end_matches('/').to_owned();
    if !(server.starts_with("http://") || server.starts_with("https://")) {
        return Err(CodedError::invalid(vec![protocol::FieldError::new(
            "server",
            "give the platform's address, starting with http:// or https://",
        )])
        .into());
    }
    let email = request.email.trim().to_owned();
    if email.is_empty() {
        return Err(CodedError::invalid(vec![protocol::FieldError::new(
            "email",
            "give your sign-in address",
        )])
        .into());
    }
    console.go_dark().await;
    let mut engine = console.engine.write().await;
    match engine
        .login(&server, &email, request.password, request.tenant_id)
        .await
    {
        Ok(_) => {}
        Err(engine::Error::Invalid { fields }) => {
            return match TenantChoice::from_fields(&fields) {
                Some(tenants) => Ok(SignInOutcome::ChooseTenant { tenants }),
                None => Err(CodedError::invalid(fields).into()),
            };
        }
        // Here a refused token means a wrong email or password, not an ended session.
        Err(error) => {
            let coded = error.coded();
            return Err(CodedError {
                message: error.problem().at(&server).during_sign_in().sentence(),
                ..coded
            }
            .into());
        }
    }
    let engine = engine.downgrade();
    let session = console::signed_in(&engine)
        .ok_or_else(|| CommandError::internal("signed in, but no session was recorded"))?;
    console.go_live(&engine);
    Ok(SignInOutcome::SignedIn { session })
}

/// Signs out (the cache stays on disk, unreadable through the UI until the next sign-in).
#[tauri::command]
pub async fn sign_out<R: Runtime>(app: AppHandle<R>, console: State<'_, Console>) -> Answer<()> {
    console.go_dark().await;
    let signed_out = console.engine.write().await.logout().await;
    crate::tray::refresh(&app).await;
    Ok(signed_out?)
}

/// A window of the queue, answered from the cache: the rows in view and the totals.
#[tauri::command]
pub async fn queue_page(
    console: State<'_, Console>,
    request: QueuePageRequest,
) -> Answer<QueuePage> {
    Ok(console.engine.read().await.queue_page(request).await?)
}

/// A channel and a page of its cached history.
#[tauri::command]
pub async fn channel(
    console: State<'_, Console>,
    request: ChannelPageRequest,
) -> Answer<ChannelPage> {
    let limit = request.limit.clamp(1, PAGE_LIMIT);
    let (channel, messages, has_older) = console
        .engine
        .read()
        .await
        .history(request.channel_id, request.before, limit)
        .await?;
    Ok(ChannelPage {
        channel,
        messages,
        has_older,
    })
}

/// The channel on screen changed: follow its room, and let the notification policy know.
#[tauri::command]
pub fn view_channel(console: State<'_, Console>, channel_id: Option<ChannelId>) {
    let before = console.view().channel;
    if before == channel_id {
        return;
    }
    console.set_view(|view| view.channel = channel_id);
    console.with_realtime(|realtime| {
        if let Some(old) = before.filter(|old| !console.is_watched(*old)) {
            realtime.leave(old);
        }
        if let Some(new) = channel_id {
            realtime.join(new);
        }
        realtime.view(channel_id);
    });
}

/// Sends a message: queued first, delivered now when the platform answers. With
/// `internal: true` it is an internal note (agents only); absent, a public reply.
#[tauri::command]
pub async fn send_message(
    console: State<'_, Console>,
    channel_id: ChannelId,
    content: String,
    internal: Option<bool>,
) -> Answer<OutboxItem> {
    let engine = console.engine.read().await;
    let sent = if internal.unwrap_or(false) {
        engine.send_note(channel_id, &content).await?
    } else {
        engine.send(channel_id, &content).await?
    };
    Ok(sent.item)
}

/// Sends a failed or parked outbox item again.
#[tauri::command]
pub async fn retry(console: State<'_, Console>, id: uuid::Uuid) -> Answer<OutboxItem> {
    let engine = console.engine.read().await;
    Ok(engine.retry(id).await?.item)
}

/// Acts on a channel (through the outbox: offline, it is queued).
#[tauri::command]
pub async fn act(console: State<'_, Console>, request: ActRequest) -> Answer<OutboxItem> {
    let engine = console.engine.read().await;
    let sent = engine.act(request.channel_id, request.action).await?;
    Ok(sent.item)
}

/// Opens a channel (a ticket) on the platform.
#[tauri::command]
pub async fn create_channel(
    console: State<'_, Console>,
    request: CreateChannelRequest,
) -> Answer<Channel> {
    let engine = console.engine.read().await;
    Ok(engine.create_channel(request).await?)
}

/// The active tenant's users, for the assign picker.
#[tauri::command]
pub async fn users(console: State<'_, Console>) -> Answer<Vec<UserSummary>> {
    let engine = console.engine.read().await;
    Ok(engine.users(None).await?)
}

/// Searches the cached history.
#[tauri::command]
pub async fn search(console: State<'_, Console>, text: String) -> Answer<Vec<SearchHit>> {
    let engine = console.engine.read().await;
    Ok(engine.search(&text, 50).await?)
}

/// The outbox.
#[tauri::command]
pub async fn outbox(console: State<'_, Console>) -> Answer<Vec<OutboxItem>> {
    let engine = console.engine.read().await;
    Ok(engine.outbox().await?)
}

/// Marks a channel read up to `seq` (offline, the cache still forgets its unread count).
#[tauri::command]
pub async fn mark_read(console: State<'_, Console>, channel_id: ChannelId, seq: i64) -> Answer<()> {
    let engine = console.engine.read().await;
    match engine.mark_read(channel_id, seq).await {
        Err(error) if error.is_transient() => Ok(()),
        other => Ok(other?),
    }
}

/// The user started or stopped typing.
#[tauri::command]
pub fn typing(console: State<'_, Console>, channel_id: ChannelId, typing: bool) {
    console.with_realtime(|realtime| realtime.typing(channel_id, typing));
}

/// Saves new settings.
#[tauri::command]
pub async fn set_settings<R: Runtime>(
    app: AppHandle<R>,
    console: State<'_, Console>,
    settings: Settings,
) -> Answer<Settings> {
    console
        .set_settings(settings.clone())
        .map_err(|error| CommandError::internal(format!("cannot save the settings: {error}")))?;
    // Muting a channel takes its unread messages out of the tray's count.
    crate::tray::refresh(&app).await;
    Ok(settings)
}

/// The cached canned responses, by short code (offline too).
#[tauri::command]
pub async fn canned_responses(console: State<'_, Console>) -> Answer<Vec<CannedResponse>> {
    let engine = console.engine.read().await;
    Ok(engine.canned_responses().await?)
}

/// Saves a new canned response on the platform (a taken short code is a conflict naming
/// `shortCode`).
#[tauri::command]
pub async fn canned_create(
    console: State<'_, Console>,
    request: CreateCannedResponseRequest,
) -> Answer<CannedResponse> {
    let engine = console.engine.read().await;
    Ok(engine.create_canned(request).await?)
}

/// Changes a canned response on the platform.
#[tauri::command]
pub async fn canned_update(
    console: State<'_, Console>,
    id: CannedResponseId,
    request: UpdateCannedResponseRequest,
) -> Answer<CannedResponse> {
    let engine = console.engine.read().await;
    Ok(engine.update_canned(id, request).await?)
}

/// Deletes a canned response on the platform.
#[tauri::command]
pub async fn canned_delete(console: State<'_, Console>, id: CannedResponseId) -> Answer<()> {
    let engine = console.engine.read().await;
    Ok(engine.delete_canned(id).await?)
}

/// The tenant's SLA policies, from the platform (online only).
#[tauri::command]
pub async fn sla_policies(console: State<'_, Console>) -> Answer<Vec<SlaPolicy>> {
    let engine = console.engine.read().await;
    Ok(engine.sla_policies().await?)
}

/// Replaces one priority's SLA policy on the platform (admins); a refusal names its fields.
#[tauri::command]
pub async fn sla_policy_put(
    console: State<'_, Console>,
    priority: TicketPriority,
    request: PutSlaPolicyRequest,
) -> Answer<SlaPolicy> {
    let engine = console.engine.read().await;
    Ok(engine.put_sla_policy(priority, request).await?)
}

/// The draft kept for a channel's composer, if any.
#[tauri::command]
pub async fn draft(console: State<'_, Console>, channel_id: ChannelId) -> Answer<Option<Draft>> {
    let engine = console.engine.read().await;
    Ok(engine.draft(channel_id).await?)
}

/// Keeps a channel's draft in the profile (an empty text deletes it).
#[tauri::command]
pub async fn save_draft(
    console: State<'_, Console>,
    channel_id: ChannelId,
    draft: Draft,
) -> Answer<()> {
    let engine = console.engine.read().await;
    Ok(engine.save_draft(channel_id, draft).await?)
}
