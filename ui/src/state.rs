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
use protocol::{Channel, ChannelId, Message, MessageId, UserId};
use yew::Reducible;

use crate::logic::hold::{Hold, HoldEvent};
use crate::logic::queue::QueueView;

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
    /// Every cached channel.
    pub channels: Rc<HashMap<ChannelId, Channel>>,
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
    /// The whole queue was read.
    QueueLoaded(Vec<Channel>),
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
        self.open.as_ref().and_then(|o| self.channels.get(&o.id))
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
            Action::QueueLoaded(channels) => {
                next.channels = Rc::new(channels.into_iter().map(|c| (c.id, c)).collect());
                next.queue_loaded = true;
            }
            Action::Changed(change) => next.change(change),
            Action::ChannelOpened(page, focus) => {
                let id = page.channel.id;
                next.hold.opened(id);
                Rc::make_mut(&mut next.channels).insert(id, page.channel);
                next.open = Some(OpenChannel {
                    id,
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
            Action::SetView(view) => {
                next.view = view;
                let me = next.me().map(|m| m.user_id);
                let fresh = || next.view.order(next.channels.values(), me);
                next.hold.view_changed(fresh);
            }
            Action::Hold(event) => {
                let me = next.me().map(|m| m.user_id);
                let fresh = || next.view.order(next.channels.values(), me);
                next.hold.on(event, fresh);
            }
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
                if visible {
                    Rc::make_mut(&mut self.channels).insert(id, channel);
                } else {
                    Rc::make_mut(&mut self.channels).remove(&id);
                }
            }
            Change::ChannelRemoved { channel_id } => {
                Rc::make_mut(&mut self.channels).remove(&channel_id);
                if self.open.as_ref().is_some_and(|o| o.id == channel_id) {
                    self.open = None;
                }
            }
            Change::Message { message } => {
                let message = *message;
                let mine = self.me().is_some_and(|m| m.user_id == message.sender_id);
                let open = self.open.as_mut().filter(|o| o.id == message.channel_id);
                let on_screen = open.is_some();
                if let Some(channel) = Rc::make_mut(&mut self.channels).get_mut(&message.channel_id)
                {
                    let newer = channel
                        .last_message
                        .as_ref()
                        .is_none_or(|last| last.seq < message.seq);
                    if newer {
                        channel.last_message = Some(message.clone());
                        channel.updated_at = channel.updated_at.max(message.created_at);
                        if !mine && !on_screen {
                            channel.unread_count += 1;
                        }
                    }
                }
                if let Some(open) = open {
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
                if let Some(channel) = Rc::make_mut(&mut self.channels).get_mut(&channel_id) {
                    channel.unread_count = 0;
                }
            }
            Change::Synced { .. } => self.synced += 1,
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
mod tests {
    use protocol::error::ErrorCode;
    use protocol::{ChannelType, Role, TenantId, TicketPriority};
    use uuid::Uuid;

    use super::*;
    use crate::logic::queue::tests::{at, channel, user};

    fn report(state: ConnectionState, minute: u32) -> ConnectionReport {
        ConnectionReport {
            state,
            since: at(minute),
            checked_at: at(minute),
            detail: None,
            outage: None,
        }
    }

    fn signed_in(role: Role) -> AppState {
        let me = SignedIn {
            server: "http://127.0.0.1:3000".into(),
            email: "admin@acme.test".into(),
            user_id: UserId::from(Uuid::new_v4()),
            name: "Ada Admin".into(),
            tenant_id: Some(TenantId::from(Uuid::nil())),
            role,
        };
        AppState::default().apply(Action::SignedIn(me))
    }

    fn message_in(channel: &Channel, seq: i64, from: &protocol::UserSummary) -> Message {
        let mut message = channel.last_message.clone().expect("a last message");
        message.id = MessageId::from(Uuid::new_v4());
        message.seq = seq;
        message.sender_id = from.id;
        message.sender = from.clone();
        message.content = format!("message {seq}");
        message
    }

    #[test]
    fn a_newer_connection_report_replaces_an_older_one_and_a_stale_one_is_ignored() {
        let state = AppState::default()
            .apply(Action::ConnectionReported(report(
                ConnectionState::Connecting,
                1,
            )))
            .apply(Action::ConnectionReported(report(
                ConnectionState::Online,
                2,
            )))
            .apply(Action::ConnectionReported(report(
                ConnectionState::Offline,
                1,
            )));
        assert_eq!(
            state.connection.map(|r| r.state),
            Some(ConnectionState::Online)
        );
    }

    #[test]
    fn an_error_shows_until_dismissed() {
        let error = CodedError::new(ErrorCode::Internal, "boom");
        let state = AppState::default().apply(Action::Failed(error.clone()));
        assert_eq!(state.error, Some(error));
        assert_eq!(state.apply(Action::DismissError).error, None);
    }

    #[test]
    fn a_live_message_elsewhere_counts_as_unread_and_on_screen_does_not() {
        let ticket = channel(ChannelType::Support, "Help", TicketPriority::High, 1, 2);
        let other = channel(ChannelType::Support, "Other", TicketPriority::Low, 1, 2);
        let alice = user("alice");
        let state = signed_in(Role::OrgAdmin)
            .apply(Action::QueueLoaded(vec![ticket.clone(), other.clone()]))
            .apply(Action::ChannelOpened(
                ChannelPage {
                    channel: ticket.clone(),
                    messages: vec![],
                    has_older: false,
                },
                None,
            ))
            .apply(Action::Changed(Change::Message {
                message: Box::new(message_in(&ticket, 7, &alice)),
            }))
            .apply(Action::Changed(Change::Message {
                message: Box::new(message_in(&other, 9, &alice)),
            }));
        assert_eq!(state.channels[&ticket.id].unread_count, 0);
        assert_eq!(state.channels[&other.id].unread_count, 1);
        let open = state.open.as_ref().expect("open");
        assert_eq!(open.messages.keys().copied().collect::<Vec<_>>(), [7]);
        // The same message again (a reconnect's catch-up) is not counted twice.
        let again = state.apply(Action::Changed(Change::Message {
            message: Box::new(message_in(&other, 9, &alice)),
        }));
        assert_eq!(again.channels[&other.id].unread_count, 1);
        let read = again.apply(Action::Changed(Change::Read {
            channel_id: other.id,
            seq: 9,
        }));
        assert_eq!(read.channels[&other.id].unread_count, 0);
    }

    #[test]
    fn older_pages_merge_in_seq_order() {
        let ticket = channel(ChannelType::Support, "Help", TicketPriority::High, 1, 2);
        let alice = user("alice");
        let page = |seqs: &[i64], has_older| ChannelPage {
            channel: ticket.clone(),
            messages: seqs
                .iter()
                .map(|s| message_in(&ticket, *s, &alice))
                .collect(),
            has_older,
        };
        let state = AppState::default()
            .apply(Action::ChannelOpened(page(&[4, 5, 6], true), None))
            .apply(Action::OlderLoaded(page(&[1, 2, 3], false)));
        let open = state.open.expect("open");
        assert_eq!(
            open.messages.keys().copied().collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6]
        );
        assert!(!open.has_older);
    }

    #[test]
    fn typing_shows_others_until_they_stop_or_post() {
        let ticket = channel(ChannelType::Support, "Help", TicketPriority::High, 1, 2);
        let alice = user("alice");
        let typing = UserTyping {
            channel_id: ticket.id,
            user_id: alice.id,
            user_name: "alice".into(),
        };
        let state = signed_in(Role::OrgAdmin)
            .apply(Action::Changed(Change::Typing {
                typing: typing.clone(),
            }))
            .apply(Action::Changed(Change::Typing { typing }));
        assert_eq!(typists(&state, ticket.id, None), ["alice"]);
        let posted = state.apply(Action::Changed(Change::Message {
            message: Box::new(message_in(&ticket, 3, &alice)),
        }));
        assert!(typists(&posted, ticket.id, None).is_empty());
    }

    #[test]
    fn presence_is_kept_per_channel_and_forgotten_offline() {
        let ticket = channel(ChannelType::Support, "Help", TicketPriority::High, 1, 2);
        let quinn = user("quinn");
        let presence = protocol::presence::Presence {
            channel_id: ticket.id,
            agents: vec![PresenceAgent {
                user_id: quinn.id,
                user_name: "quinn".into(),
                state: protocol::presence::PresenceState::Typing,
                since: chrono::Utc::now(),
            }],
        };
        let state = signed_in(Role::OrgAdmin).apply(Action::Changed(Change::Presence {
            presence: presence.clone(),
        }));
        assert_eq!(state.presence.get(&ticket.id), Some(&presence.agents));
        let offline = state.apply(Action::Changed(Change::Connection {
            state: ConnectionState::Offline,
            detail: None,
            outage: None,
        }));
        assert!(offline.presence.is_empty());
    }

    #[test]
    fn a_channel_that_becomes_invisible_leaves_the_queue() {
        let ticket = channel(ChannelType::Support, "Help", TicketPriority::High, 1, 2);
        let state = signed_in(Role::OrgAdmin).apply(Action::QueueLoaded(vec![ticket.clone()]));
        let mut elsewhere = ticket.clone();
        elsewhere.tenant_id = TenantId::from(Uuid::new_v4());
        let state = state.apply(Action::Changed(Change::Channel {
            channel: Box::new(elsewhere),
        }));
        assert!(state.channels.is_empty());
    }

    #[test]
    fn signing_out_forgets_everything_but_the_defaults() {
        let ticket = channel(ChannelType::Support, "Help", TicketPriority::High, 1, 2);
        let state = signed_in(Role::OrgAdmin)
            .apply(Action::QueueLoaded(vec![ticket]))
            .apply(Action::SignedOut);
        assert_eq!(state.phase, Phase::SignedOut);
        assert!(state.channels.is_empty());
    }
}
