//! The one action vocabulary: each [`ChannelAction`]'s permission keys, its IPC shape, and
//! the outbox's `Work` around it.

use protocol::console::{Expected, Work};
use protocol::rest::UpdateTicketRequest;
use protocol::{
    ChannelAction, ChannelStatus, ChatAction, Role, TicketCategory, TicketPriority, TicketStatus,
    UserId,
};
use serde_json::json;

fn member() -> UserId {
    "22222222-2222-4222-8222-222222222222"
        .parse()
        .expect("a user id")
}

fn update(
    status: Option<TicketStatus>,
    priority: Option<TicketPriority>,
    category: Option<TicketCategory>,
) -> ChannelAction {
    ChannelAction::UpdateTicket {
        update: UpdateTicketRequest {
            status,
            priority,
            category,
        },
    }
}

/// Every variant, with the keys it needs and its name.
fn every_action() -> Vec<(ChannelAction, &'static [ChatAction], &'static str)> {
    vec![
        (
            ChannelAction::Assign { member: member() },
            &[ChatAction::Assign],
            "assign",
        ),
        (
            ChannelAction::Escalate {
                reason: "needs platform support".to_owned(),
            },
            &[ChatAction::Escalate],
            "escalate",
        ),
        (
            ChannelAction::Resolve { resolution: None },
            &[ChatAction::Resolve],
            "resolve",
        ),
        (ChannelAction::Reopen, &[ChatAction::Reopen], "reopen"),
        (ChannelAction::Archive, &[ChatAction::Archive], "archive"),
        (
            update(Some(TicketStatus::InProgress), None, None),
            &[ChatAction::UpdateTicketStatus],
            "updateTicket",
        ),
        (
            update(None, Some(TicketPriority::Urgent), None),
            &[ChatAction::UpdateTicket],
            "updateTicket",
        ),
        (
            update(None, None, Some(TicketCategory::Billing)),
            &[ChatAction::UpdateTicket],
            "updateTicket",
        ),
        (
            update(Some(TicketStatus::Open), Some(TicketPriority::Low), None),
            &[ChatAction::UpdateTicketStatus, ChatAction::UpdateTicket],
            "updateTicket",
        ),
        (update(None, None, None), &[], "updateTicket"),
    ]
}

#[test]
fn every_action_names_its_permission_keys() {
    for (action, keys, name) in every_action() {
        assert_eq!(action.permission_keys(), keys, "{action:?}");
        assert_eq!(action.name(), name, "{action:?}");
        let wire = serde_json::to_value(&action).expect("serializes");
        assert_eq!(wire["action"], name, "{wire}");
    }
}

#[test]
fn a_role_may_take_an_action_when_it_may_take_every_key() {
    for role in Role::ALL {
        for (action, keys, _) in every_action() {
            assert_eq!(
                action.allowed_for(*role),
                keys.iter().all(|key| role.may(*key)),
                "{role} {action:?}"
            );
        }
    }
    // A moderator may change a ticket's status (chat.resolve) but not its priority.
    assert!(update(Some(TicketStatus::Resolved), None, None).allowed_for(Role::Moderator));
    assert!(!update(None, Some(TicketPriority::High), None).allowed_for(Role::Moderator));
    assert!(!update(
        Some(TicketStatus::Resolved),
        Some(TicketPriority::High),
        None
    )
    .allowed_for(Role::Moderator));
}

#[test]
fn an_action_crosses_ipc_with_its_name_in_action() {
    let action: ChannelAction =
        serde_json::from_value(json!({"action": "assign", "member": member()})).expect("assign");
    assert_eq!(action, ChannelAction::Assign { member: member() });
    assert_eq!(
        serde_json::to_value(ChannelAction::Resolve { resolution: None }).expect("serializes"),
        json!({"action": "resolve"})
    );
    assert_eq!(
        serde_json::to_value(ChannelAction::Reopen).expect("serializes"),
        json!({"action": "reopen"})
    );
}

#[test]
fn outbox_work_stores_the_action_flattened_beside_its_expectation() {
    let expected = Expected {
        status: ChannelStatus::Active,
        assigned_to: None,
    };
    for (action, _, name) in every_action() {
        let work = Work::Act {
            action: action.clone(),
            expected: expected.clone(),
        };
        assert_eq!(work.kind(), name);
        let stored = serde_json::to_value(&work).expect("serializes");
        assert_eq!(stored["kind"], "act", "{stored}");
        assert_eq!(stored["action"], name, "{stored}");
        assert_eq!(stored["expected"]["status"], "ACTIVE", "{stored}");
        let back: Work = serde_json::from_value(stored).expect("reads back");
        assert_eq!(back, work);
    }
    let message = Work::SendMessage {
        content: "hello".to_owned(),
        internal: false,
    };
    assert_eq!(message.kind(), "sendMessage");
    assert_eq!(
        serde_json::to_value(&message).expect("serializes"),
        json!({"kind": "sendMessage", "content": "hello"})
    );
    assert_eq!(message.expected(), None);
    let note = Work::SendMessage {
        content: "for agents".to_owned(),
        internal: true,
    };
    let stored = serde_json::to_value(&note).expect("serializes");
    assert_eq!(
        stored,
        json!({"kind": "sendMessage", "content": "for agents", "internal": true})
    );
    assert_eq!(
        serde_json::from_value::<Work>(stored).expect("reads back"),
        note
    );
}

#[test]
fn rebasing_renews_an_actions_expectation_only() {
    let then = Expected {
        status: ChannelStatus::Active,
        assigned_to: None,
    };
    let now = Expected {
        status: ChannelStatus::Resolved,
        assigned_to: Some(member()),
    };
    let mut work = Work::Act {
        action: ChannelAction::Reopen,
        expected: then,
    };
    work.rebase(now.clone());
    assert_eq!(work.expected(), Some(&now));
    let mut message = Work::SendMessage {
        content: "hi".to_owned(),
        internal: false,
    };
    message.rebase(now);
    assert_eq!(message.expected(), None);
}
