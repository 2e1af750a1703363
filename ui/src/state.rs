//! The app's state and the actions that change it: one reducer, testable without a browser.
//! Large collections sit behind `Rc` so a change clones only what it touches.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use protocol::console::{Change, OutboxItem, Work};
use protocol::error::CodedError;
use protocol::events::UserTyping;
use protocol::ipc::{
    AppInfo, ChannelPage, ConnectionReport, ConnectionState, Settings, SignInDefaults, SignedIn,
};
use protocol::presence::PresenceAgent;
use protocol::queue::QueuePage;
use protocol::{Channel, ChannelId, Message, MessageId, UserId};
use yew::Reducible;

use crate::logic::hold::{Hold, HoldEvent};
use crate::logic::queue::QueueView;

pub mod queue;
pub mod workflow;

/// Where the app is.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Phase {
    /// Asking the shell what it knows.
    #[default]
    Starting,
    /// The sign-in screen.
    SignedOut,
    /// The console.
    SignedIn(SignedIn),
}

/// The channel on screen and the part of its history loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenChannel {
    /// Which.
    pub id: ChannelId,
    /// It, whole (participants, ticket), as cached now.
    pub channel: Channel,
    /// Its messages, by seq.
    pub messages: Rc<BTreeMap<i64, Message>>,
    /// Whether older messages are cached.
    pub has_older: bool,
    /// The message to bring into view (a search hit).
    pub focus: Option<MessageId>,
}

/// Everything the UI shows, in one place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppState {
    /// The app's name and version, once the shell has answered.
    pub app: Option<AppInfo>,
    /// Signed in or not.
    pub phase: Phase,
    /// What the sign-in screen is prefilled with.
    pub defaults: SignInDefaults,
    /// The settings.
    pub settings: Settings,
    /// The latest connection report pushed by the shell.
    pub connection: Option<ConnectionReport>,
    /// The window of the queue in view (`state::queue`).
    pub queue: queue::QueueWindow,
    /// Whether the queue has loaded once.
    pub queue_loaded: bool,
    /// The queue's filters and order.
    pub view: QueueView,
    /// Whether the queue holds its order under the agent's hand, and which (`logic::hold`).
    pub hold: Hold,
    /// The channel on screen.
    pub open: Option<OpenChannel>,
    /// Who is typing where.
    pub typing: Rc<HashMap<ChannelId, Vec<UserTyping>>>,
    /// The agents viewing or typing in each channel, as the platform last said (agents
    /// only; emptied while offline, since it would go stale).
    pub presence: Rc<HashMap<ChannelId, Vec<PresenceAgent>>>,
    /// The outbox.
    pub outbox: Rc<Vec<OutboxItem>>,
    /// The last failure worth showing, until dismissed.
    pub error: Option<CodedError>,
    /// A passing word on what just happened ("Assigned", "Queued").
    pub notice: Option<String>,
    /// How many catch-ups have finished (the app reloads from the cache after each).
    pub synced: u32,
    /// How many outbox changes were announced (the app rereads the outbox after each).
    pub outbox_changes: u32,
    /// Canned responses and each composer's reply/note mode (`state::workflow`).
    pub workflow: workflow::Workflow,
}

/// A change to [`AppState`].
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The shell told the app's identity.
    AppInfoLoaded(AppInfo),
    /// The shell said what the console starts with.
    Started {
        /// The recorded session, if any.
        signed_in: Option<SignedIn>,
        /// The sign-in defaults.
        defaults: SignInDefaults,
        /// The settings.
        settings: Settings,
    },
    /// Signed in.
    SignedIn(SignedIn),
    /// Signed out.
    SignedOut,
    /// The shell pushed a connection report.
    ConnectionReported(ConnectionReport),
    /// The engine answered a window of the queue for this view.
    QueueAnswered(QueueView, QueuePage),
    /// The engine changed something.
    Changed(Change),
    /// A channel was opened (its newest page), optionally to bring a message into view.
    ChannelOpened(ChannelPage, Option<MessageId>),
    /// An older page of the open channel arrived.
    OlderLoaded(ChannelPage),
    /// The queue's filters or order changed.
    SetView(QueueView),
    /// The agent did something to the queue's list (pointer, keyboard, scroll, `u`).
    Hold(HoldEvent),
    /// The channel on screen was closed.
    CloseChannel,
    /// The outbox was read.
    OutboxLoaded(Vec<OutboxItem>),
    /// The settings were saved.
    SettingsSaved(Settings),
    /// A command failed.
    Failed(CodedError),
    /// The user dismissed the error.
    DismissError,
    /// Something worth a passing word happened.
    Notice(String),
    /// The passing word faded.
    DismissNotice,
    /// A change to the agent workflow's part.
    Workflow(workflow::WorkflowAction),
}

impl AppState {
    /// The signed-in user.
    pub fn me(&self) -> Option<&SignedIn> {
        match &self.phase {
            Phase::SignedIn(me) => Some(me),
            _ => None,
        }
    }

    /// The channel on screen, as cached.
    pub fn open_channel(&self) -> Option<&Channel> {
        self.open.as_ref().map(|o| &o.channel)
    }

    /// Channel `id`, when it is the one on screen.
    pub fn open_channel_of(&self, id: ChannelId) -> Option<&Channel> {
        self.open_channel().filter(|c| c.id == id)
    }

    /// Runs `change` on the hold, with the window's order as the one to keep; when it starts
    /// keeping (or renews) an order, it keeps it where the window starts now.
    fn change_hold(&mut self, change: impl FnOnce(&mut Hold, &dyn Fn() -> Vec<ChannelId>)) {
        let before = (self.hold.frozen().is_some(), self.hold.settles);
        let order = self.queue.order.clone();
        change(&mut self.hold, &|| order.as_ref().clone());
        let kept = self.hold.frozen().is_some();
        if kept && (!before.0 || self.hold.settles != before.1) {
            self.queue.held_offset = self.queue.offset;
        }
    }

    /// Outbox items still to go out.
    pub fn waiting(&self) -> usize {
        self.outbox.iter().filter(|i| i.state.is_pending()).count()
    }

    /// The own messages of `channel` not yet confirmed by the platform, oldest first.
    pub fn unsent(&self, channel: ChannelId) -> Vec<&OutboxItem> {
        self.outbox
            .iter()
            .filter(|item| {
                item.channel_id == channel
                    && matches!(item.work, Work::SendMessage { .. })
                    && item.state != protocol::console::OutboxState::Sent
            })
            .collect()
    }

    /// Whether the platform is reachable now.
    pub fn online(&self) -> bool {
        self.connection
            .as_ref()
            .is_some_and(|c| c.state == ConnectionState::Online)
    }

    /// The state after `action`.
    pub fn apply(&self, action: Action) -> Self {
        let mut next = self.clone();
        match action {
            Action::AppInfoLoaded(info) => next.app = Some(info),
            Action::Started {
                signed_in,
                defaults,
                settings,
            } => {
                next.defaults = defaults;
                next.settings = settings;
                next.phase = match signed_in {
                    Some(me) => Phase::SignedIn(me),
                    None => Phase::SignedOut,
                };
            }
            Action::SignedIn(me) => {
                next.phase = Phase::SignedIn(me);
                next.error = None;
            }
            Action::SignedOut => {
                next = AppState {
                    app: next.app,
                    defaults: next.defaults,
                    settings: next.settings,
                    phase: Phase::SignedOut,
                    ..AppState::default()
                };
            }
            Action::ConnectionReported(report) => {
                // Reports can arrive out of order (a command's answer racing a pushed
                // event); keep the newest.
                let newer = next
                    .connection
                    .as_ref()
                    .is_none_or(|current| report.checked_at >= current.checked_at);
                if newer {
                    next.connection = Some(report);
                }
            }
            Action::QueueAnswered(view, page) => {
                // An answer for a view no longer asked for is dropped.
                if view == next.view {
                    let new_view = next.queue.view.as_ref() != Some(&view);
                    let moved = page.offset as usize != next.queue.held_offset;
                    let held = next.hold.frozen();
                    next.queue
                        .answered(view, page, held.as_deref().map(Vec::as_slice));
                    next.queue_loaded = true;
                    // A new view shows at once (the agent asked for it), and so do rows
                    // scrolled to beyond those held: they hold from now on.
                    if held.is_some() && (new_view || moved) {
                        next.change_hold(|hold, order| hold.view_changed(order));
                    }
                }
            }
            Action::Changed(change) => next.change(change),
            Action::ChannelOpened(page, focus) => {
                let id = page.channel.id;
                next.hold.opened(id);
                next.queue.patch(&page.channel, true);
                next.open = Some(OpenChannel {
                    id,
                    channel: page.channel,
                    messages: Rc::new(page.messages.into_iter().map(|m| (m.seq, m)).collect()),
                    has_older: page.has_older,
                    focus,
                });
            }
            Action::OlderLoaded(page) => {
                if let Some(open) = next.open.as_mut().filter(|o| o.id == page.channel.id) {
                    let messages = Rc::make_mut(&mut open.messages);
                    for message in page.messages {
                        messages.insert(message.seq, message);
                    }
                    open.has_older = page.has_older;
                }
            }
            Action::SetView(view) => next.view = view,
            Action::Hold(event) => next.change_hold(|hold, order| hold.on(event, order)),
            Action::CloseChannel => next.open = None,
            Action::OutboxLoaded(items) => next.outbox = Rc::new(items),
            Action::SettingsSaved(settings) => next.settings = settings,
            Action::Failed(error) => next.error = Some(error),
            Action::DismissError => next.error = None,
            Action::Notice(text) => next.notice = Some(text),
            Action::DismissNotice => next.notice = None,
            Action::Workflow(action) => next.workflow.apply(action),
        }
        next
    }

    fn change(&mut self, change: Change) {
        match change {
            Change::Channel { channel } => {
                let channel = *channel;
                let id = channel.id;
                // A channel the user can no longer see is dropped.
                let visible = self.me().is_none_or(|me| me.viewer().may_see(&channel));
                self.queue.channel_changed(&channel, visible);
                match self.open.as_mut().filter(|o| o.id == id) {
                    Some(open) if visible => open.channel = channel,
                    Some(_) => self.open = None,
                    None => {}
                }
            }
            Change::ChannelRemoved { channel_id } => {
                self.queue.channel_removed(channel_id);
                if self.open.as_ref().is_some_and(|o| o.id == channel_id) {
                    self.open = None;
                }
            }
            Change::Message { message } => {
                let message = *message;
                let mine = self.me().is_some_and(|m| m.user_id == message.sender_id);
                let open = self.open.as_mut().filter(|o| o.id == message.channel_id);
                let on_screen = open.is_some();
                self.queue.message_arrived(&message, !mine && !on_screen);
                if let Some(open) = open {
                    let channel = &mut open.channel;
                    if channel
                        .last_message
                        .as_ref()
                        .is_none_or(|last| last.seq < message.seq)
                    {
                        channel.last_message = Some(message.clone());
                        channel.updated_at = channel.updated_at.max(message.created_at);
                    }
                    Rc::make_mut(&mut open.messages).insert(message.seq, message.clone());
                }
                if let Some(typing) = Rc::make_mut(&mut self.typing).get_mut(&message.channel_id) {
                    typing.retain(|t| t.user_id != message.sender_id);
                }
            }
            Change::Typing { typing } => {
                let here = Rc::make_mut(&mut self.typing)
                    .entry(typing.channel_id)
                    .or_default();
                if !here.iter().any(|t| t.user_id == typing.user_id) {
                    here.push(typing);
                }
            }
            Change::StoppedTyping { typing } => {
                if let Some(here) = Rc::make_mut(&mut self.typing).get_mut(&typing.channel_id) {
                    here.retain(|t| t.user_id != typing.user_id);
                }
            }
            Change::Read { channel_id, .. } => {
                self.queue.read(channel_id);
                if let Some(open) = self.open.as_mut().filter(|o| o.id == channel_id) {
                    open.channel.unread_count = 0;
                }
            }
            Change::Synced { .. } => {
                self.synced += 1;
                self.queue.refresh();
            }
            Change::Outbox => self.outbox_changes += 1,
            Change::CannedResponses => self.workflow.canned_changed(),
            Change::Presence { presence } => {
                Rc::make_mut(&mut self.presence).insert(presence.channel_id, presence.agents);
            }
            Change::Connection { state, .. } => {
                if state != ConnectionState::Online && !self.presence.is_empty() {
                    self.presence = Rc::default();
                }
            }
        }
    }
}

/// Whether `user` is typing in `channel` (for tests and the indicator).
pub fn typists(state: &AppState, channel: ChannelId, me: Option<UserId>) -> Vec<String> {
    state
        .typing
        .get(&channel)
        .map(|list| {
            list.iter()
                .filter(|t| Some(t.user_id) != me)
                .map(|t| t.user_name.clone())
                .collect()
        })
        .unwrap_or_default()
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

/// The handle components use to read and change the state.
pub type AppContext = yew::UseReducerHandle<AppState>;

#[cfg(test)]
mod tests;
