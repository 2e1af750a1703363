//! The shell's commands as state changes: each runs a command and dispatches its result (or
//! its error) into the app state. Components call these instead of `ipc` directly.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use protocol::console::OutboxState;
use protocol::error::CodedError;
use protocol::ipc::{ActRequest, ChannelAction, ChannelPageRequest, SignInOutcome};
use protocol::queue::QueuePageRequest;
use protocol::{ChannelId, MessageId};

use crate::ipc;
use crate::logic::words::outbox_why;
use crate::state::{Action, AppContext};

/// Messages per history page.
pub const PAGE: u32 = 60;

/// Runs `work`; a failure shows in the error banner.
pub fn spawn<F>(state: &AppContext, work: F)
where
    F: Future<Output = Result<(), CodedError>> + 'static,
{
    let state = state.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = work.await {
            state.dispatch(Action::Failed(error));
        }
    });
}

/// The queue's questions to the engine: one at a time, and only the latest waiting one
/// asked next (a burst of live changes asks twice, not once per change).
#[derive(Debug, Default)]
pub struct QueueAsker {
    asking: bool,
    next: Option<QueuePageRequest>,
}

/// Asks the engine for the queue's window `request`; the answer lands in the state.
pub fn ask_queue(state: &AppContext, asker: &Rc<RefCell<QueueAsker>>, request: QueuePageRequest) {
    {
        let mut asker = asker.borrow_mut();
        if asker.asking {
            asker.next = Some(request);
            return;
        }
        asker.asking = true;
    }
    let (state, asker) = (state.clone(), asker.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let mut request = request;
        loop {
            crate::startup::mark("queue_asked");
            let answer = ipc::queue_page(&request).await;
            crate::startup::mark("queue_answered");
            match answer {
                Ok(page) => state.dispatch(Action::QueueAnswered(request.view, page)),
                Err(error) => state.dispatch(Action::Failed(error)),
            }
            let mut asking = asker.borrow_mut();
            match asking.next.take() {
                Some(next) => request = next,
                None => {
                    asking.asking = false;
                    return;
                }
            }
        }
    });
}

/// Reads the outbox.
pub async fn load_outbox(state: AppContext) -> Result<(), CodedError> {
    let items = ipc::outbox().await?;
    crate::startup::mark("outbox");
    state.dispatch(Action::OutboxLoaded(items));
    Ok(())
}

/// Opens `channel` on its newest page (or on the page holding `seq`, to bring message
/// `focus` into view), and tells the shell it is on screen.
pub async fn open_channel(
    state: AppContext,
    channel: ChannelId,
    around: Option<(i64, MessageId)>,
) -> Result<(), CodedError> {
    let before = around.map(|(seq, _)| seq + i64::from(PAGE) / 2);
    let page = ipc::channel(&ChannelPageRequest {
        channel_id: channel,
        before,
        limit: PAGE,
    })
    .await?;
    state.dispatch(Action::ChannelOpened(page, around.map(|(_, id)| id)));
    ipc::view_channel(Some(channel)).await
}

/// Loads the page before `before` (or the newest page) of the open channel into what is
/// already loaded.
pub async fn load_page(
    state: AppContext,
    channel: ChannelId,
    before: Option<i64>,
) -> Result<(), CodedError> {
    let page = ipc::channel(&ChannelPageRequest {
        channel_id: channel,
        before,
        limit: PAGE,
    })
    .await?;
    state.dispatch(Action::OlderLoaded(page));
    Ok(())
}

/// Reloads the open channel's newest page (after sending), keeping what is loaded.
pub async fn refresh_open(state: AppContext, channel: ChannelId) -> Result<(), CodedError> {
    load_page(state, channel, None).await
}

/// Saves the settings and keeps what the shell saved.
pub async fn save_settings(
    state: AppContext,
    settings: protocol::ipc::Settings,
) -> Result<(), CodedError> {
    let saved = ipc::set_settings(&settings).await?;
    state.dispatch(Action::SettingsSaved(saved));
    Ok(())
}

/// After signing in or starting signed in: the outbox (the queue pane asks for its window).
pub async fn enter(state: AppContext) -> Result<(), CodedError> {
    load_outbox(state).await
}

/// What a sign-in attempt came to, for the sign-in page.
pub async fn sign_in(
    state: AppContext,
    request: protocol::ipc::SignIn,
) -> Result<SignInOutcome, CodedError> {
    let outcome = ipc::sign_in(&request).await?;
    if let SignInOutcome::SignedIn { session } = &outcome {
        state.dispatch(Action::SignedIn(session.clone()));
        enter(state).await?;
    }
    Ok(outcome)
}

/// Runs `action` on `channel` and reports the outcome in words.
pub fn run_action(
    state: &AppContext,
    channel: ChannelId,
    action: ChannelAction,
    done: &'static str,
) {
    let state2 = state.clone();
    spawn(state, async move {
        let item = ipc::act(&ActRequest {
            channel_id: channel,
            action,
        })
        .await?;
        let word = match item.state {
            OutboxState::Sent => done.to_owned(),
            OutboxState::Queued | OutboxState::Sending => {
                format!("Offline: queued — {} when back online", done.to_lowercase())
            }
            OutboxState::NeedsReview => {
                "Not applied: the ticket changed meanwhile; see the outbox".to_owned()
            }
            OutboxState::Failed => format!(
                "Refused: {}",
                outbox_why(&item).unwrap_or_else(|| "the platform said no".to_owned())
            ),
        };
        state2.dispatch(Action::Notice(word));
        load_outbox(state2).await
    });
}
