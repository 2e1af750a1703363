//! Keeping each channel's draft in the profile: saved 400 ms after the last keystroke, at
//! once when the composer goes away (a channel switch) or the mode changes, and cleared
//! when sent. Saves of one channel go out one at a time, newest last, so an older draft can
//! never land after the clearing of a sent one. What this window last handed over is kept,
//! so reopening a channel restores it even before the shell has answered.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use protocol::console::Draft;
use protocol::ChannelId;

use crate::ipc;
use crate::state::workflow::WorkflowAction;
use crate::state::{Action, AppContext};

/// How long typing must pause before the draft is saved, in milliseconds.
pub const DEBOUNCE_MS: i32 = 400;

/// One channel's draft keeper.
#[derive(Debug)]
pub struct Drafts {
    channel: ChannelId,
    /// Bumped on every change: a debounced save only goes out if nothing came after it.
    generation: Cell<u64>,
    /// The newest draft not yet handed to the shell.
    pending: RefCell<Option<Draft>>,
    /// The newest draft of this channel this window knows of (saved or pending).
    latest: RefCell<Option<Draft>>,
    /// Whether a save is on its way (the next one waits for it).
    saving: Cell<bool>,
}

thread_local! {
    static KEEPERS: RefCell<HashMap<ChannelId, Rc<Drafts>>> = RefCell::new(HashMap::new());
}

/// Waits `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

impl Drafts {
    /// The keeper of `channel`'s draft (one per channel for the window's life).
    pub fn of(channel: ChannelId) -> Rc<Self> {
        KEEPERS.with(|keepers| {
            keepers
                .borrow_mut()
                .entry(channel)
                .or_insert_with(|| {
                    Rc::new(Self {
                        channel,
                        generation: Cell::new(0),
                        pending: RefCell::new(None),
                        latest: RefCell::new(None),
                        saving: Cell::new(false),
                    })
                })
                .clone()
        })
    }

    /// The newest draft this window knows of, if it has handled one.
    pub fn latest(&self) -> Option<Draft> {
        self.latest.borrow().clone()
    }

    /// Keeps `draft` as known (a draft read from the shell).
    pub fn know(&self, draft: Draft) {
        *self.latest.borrow_mut() = Some(draft);
    }

    /// Saves `draft` once typing pauses.
    pub fn schedule(self: &Rc<Self>, state: &AppContext, draft: Draft) {
        let generation = self.change(draft);
        let this = self.clone();
        let state = state.clone();
        wasm_bindgen_futures::spawn_local(async move {
            sleep(DEBOUNCE_MS).await;
            if this.generation.get() == generation {
                this.flush(&state);
            }
        });
    }

    /// Saves `draft` now (a mode switch, a sent message).
    pub fn save_now(self: &Rc<Self>, state: &AppContext, draft: Draft) {
        self.change(draft);
        self.flush(state);
    }

    /// Hands what is pending to the shell now (the composer goes away).
    pub fn flush(self: &Rc<Self>, state: &AppContext) {
        if self.saving.get() || self.pending.borrow().is_none() {
            // A save on its way picks the pending one up when it is done.
            return;
        }
        self.saving.set(true);
        let this = self.clone();
        let state = state.clone();
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = this.pending.borrow_mut().take();
                let Some(draft) = next else { break };
                match ipc::save_draft(this.channel, &draft).await {
                    Ok(()) => state.dispatch(Action::Workflow(WorkflowAction::DraftSaved(
                        this.channel,
                        draft,
                    ))),
                    Err(error) => state.dispatch(Action::Failed(error)),
                }
            }
            this.saving.set(false);
        });
    }

    fn change(&self, draft: Draft) -> u64 {
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        *self.latest.borrow_mut() = Some(draft.clone());
        *self.pending.borrow_mut() = Some(draft);
        generation
    }
}
