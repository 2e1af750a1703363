//! The reducer, action by action.

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

/// The engine's answer holding `channels`, in the default view.
fn answered(channels: Vec<Channel>) -> Action {
    let page = protocol::queue::QueuePage {
        offset: 0,
        matching: channels.len() as u32,
        cached: channels.len() as u32,
        rows: channels.iter().map(protocol::queue::QueueRow::of).collect(),
    };
    Action::QueueAnswered(crate::logic::queue::QueueView::default(), page)
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
        .apply(answered(vec![ticket.clone(), other.clone()]))
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
    assert_eq!(state.queue.rows[&ticket.id].unread_count, 0);
    assert_eq!(state.queue.rows[&other.id].unread_count, 1);
    let open = state.open.as_ref().expect("open");
    assert_eq!(open.messages.keys().copied().collect::<Vec<_>>(), [7]);
    // The same message again (a reconnect's catch-up) is not counted twice.
    let again = state.apply(Action::Changed(Change::Message {
        message: Box::new(message_in(&other, 9, &alice)),
    }));
    assert_eq!(again.queue.rows[&other.id].unread_count, 1);
    let read = again.apply(Action::Changed(Change::Read {
        channel_id: other.id,
        seq: 9,
    }));
    assert_eq!(read.queue.rows[&other.id].unread_count, 0);
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
    let state = signed_in(Role::OrgAdmin).apply(answered(vec![ticket.clone()]));
    let mut elsewhere = ticket.clone();
    elsewhere.tenant_id = TenantId::from(Uuid::new_v4());
    let state = state.apply(Action::Changed(Change::Channel {
        channel: Box::new(elsewhere),
    }));
    assert!(state.queue.rows.is_empty());
}

#[test]
fn signing_out_forgets_everything_but_the_defaults() {
    let ticket = channel(ChannelType::Support, "Help", TicketPriority::High, 1, 2);
    let state = signed_in(Role::OrgAdmin)
        .apply(answered(vec![ticket]))
        .apply(Action::SignedOut);
    assert_eq!(state.phase, Phase::SignedOut);
    assert!(state.queue.rows.is_empty());
}
