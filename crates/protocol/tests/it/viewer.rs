//! The viewer: what a signed-in user may see (exactly what the role's visibility allows)
//! and which actions a console offers them on a channel.

use protocol::roles::ChannelFacts;
use protocol::{
    Channel, ChannelAction, ChannelStatus, ChannelType, ChatAction, Role, TenantId, TicketCategory,
    UserId, Viewer,
};

fn channel() -> Channel {
    serde_json::from_str(include_str!("../fixtures/model/channel.json")).expect("the fixture")
}

fn new_user() -> UserId {
    UserId::from(uuid::Uuid::new_v4())
}

fn new_tenant() -> TenantId {
    TenantId::from(uuid::Uuid::new_v4())
}

/// Every role, session tenant (its own, another, every tenant), channel type and ticket
/// category, participation and assignment: `may_see` says what `Visibility::allows` says of
/// the facts, written out by hand.
#[test]
fn may_see_agrees_with_the_role_visibility() {
    let base = channel();
    let owner = base.participants[0].clone();
    let categories = [
        None,
        Some(TicketCategory::QuestionIssue),
        Some(TicketCategory::Billing),
        Some(TicketCategory::TournamentIssue),
        Some(TicketCategory::Other),
    ];
    for role in Role::ALL {
        for tenant in [Some(base.tenant_id), Some(new_tenant()), None] {
            for channel_type in ChannelType::ALL {
                for category in categories {
                    for (participant, assignee) in
                        [(false, false), (true, false), (false, true), (true, true)]
                    {
                        let user = new_user();
                        let mut channel = base.clone();
                        channel.channel_type = *channel_type;
                        match (category, channel.ticket.as_mut()) {
                            (Some(category), Some(ticket)) => ticket.category = category,
                            _ => channel.ticket = None,
                        }
                        channel.participants.clear();
                        if participant {
                            let mut me = owner.clone();
                            me.user_id = user;
                            channel.participants.push(me);
                        }
                        channel.assigned_to = assignee.then_some(user);
                        let facts = ChannelFacts {
                            same_tenant: tenant.is_none_or(|t| t == base.tenant_id),
                            is_participant: participant,
                            is_assignee: assignee,
                            channel_type: *channel_type,
                            ticket_category: category,
                        };
                        let viewer = Viewer {
                            user,
                            tenant,
                            role: *role,
                        };
                        assert_eq!(viewer.facts(&channel), facts);
                        assert_eq!(
                            viewer.may_see(&channel),
                            role.visibility().allows(&facts),
                            "{viewer:?} on {facts:?}"
                        );
                    }
                }
            }
        }
    }
}

fn viewer(role: Role) -> Viewer {
    let ticket = channel();
    Viewer {
        user: new_user(),
        tenant: Some(ticket.tenant_id),
        role,
    }
}

fn ticket() -> Channel {
    let mut channel = channel();
    channel.status = ChannelStatus::Active;
    channel
}

#[test]
fn an_org_admin_is_offered_every_action_on_an_active_ticket_but_reopen() {
    let offered = viewer(Role::OrgAdmin).offered(&ticket());
    for action in [
        ChatAction::Assign,
        ChatAction::Escalate,
        ChatAction::Resolve,
        ChatAction::Archive,
        ChatAction::UpdateTicket,
        ChatAction::UpdateTicketStatus,
    ] {
        assert!(offered.contains(&action), "{action:?} missing");
    }
    assert!(!offered.contains(&ChatAction::Reopen));
    assert!(!offered.contains(&ChatAction::CreateChannel));
}

#[test]
fn a_participant_is_offered_no_management_action() {
    let offered = viewer(Role::Participant).offered(&ticket());
    assert!(offered.is_empty(), "{offered:?}");
}

#[test]
fn the_state_decides_between_resolve_and_reopen_and_archived_offers_nothing() {
    let admin = viewer(Role::OrgAdmin);
    let mut channel = ticket();
    channel.status = ChannelStatus::Resolved;
    let resolved = admin.offered(&channel);
    assert!(resolved.contains(&ChatAction::Reopen));
    assert!(!resolved.contains(&ChatAction::Resolve));
    assert!(!resolved.contains(&ChatAction::Escalate));
    channel.status = ChannelStatus::Escalated;
    let escalated = admin.offered(&channel);
    assert!(escalated.contains(&ChatAction::Resolve));
    assert!(!escalated.contains(&ChatAction::Escalate));
    channel.status = ChannelStatus::Archived;
    assert!(admin.offered(&channel).is_empty());
}

#[test]
fn a_channel_without_a_ticket_offers_no_ticket_change() {
    let mut team = ticket();
    team.channel_type = ChannelType::Team;
    team.ticket = None;
    let offered = viewer(Role::OrgAdmin).offered(&team);
    assert!(!offered.contains(&ChatAction::UpdateTicket));
    assert!(!offered.contains(&ChatAction::UpdateTicketStatus));
    assert!(offered.contains(&ChatAction::Assign));
}

#[test]
fn offers_and_may_follow_the_role_matrix() {
    for role in Role::ALL {
        let viewer = viewer(*role);
        for action in viewer.offered(&ticket()) {
            assert!(
                role.may(action),
                "{role:?} offered {action:?} it may not do"
            );
        }
        assert_eq!(
            viewer.may(&ChannelAction::Reopen),
            role.may(ChatAction::Reopen)
        );
        assert_eq!(
            viewer.may(&ChannelAction::Archive),
            role.may(ChatAction::Archive)
        );
    }
}
