//! Which actions the UI offers: the role's permissions (the platform's matrix) and the
//! channel's state. The platform checks again; this only keeps impossible buttons away.

use protocol::{Channel, ChannelStatus, ChannelType, ChatAction, Role};

/// The actions offered on `channel` to a user of `role`, in the order they are shown.
pub fn offered(role: Role, channel: &Channel) -> Vec<ChatAction> {
    let is_ticket = channel.channel_type == ChannelType::Support && channel.ticket.is_some();
    let status = channel.status;
    let fits = |action: ChatAction| match action {
        ChatAction::CreateChannel => false,
        ChatAction::Assign => status != ChannelStatus::Archived,
        ChatAction::Escalate => matches!(status, ChannelStatus::Active),
        ChatAction::Resolve => matches!(status, ChannelStatus::Active | ChannelStatus::Escalated),
        ChatAction::Reopen => status == ChannelStatus::Resolved,
        ChatAction::Archive => status != ChannelStatus::Archived,
        ChatAction::UpdateTicket | ChatAction::UpdateTicketStatus => {
            is_ticket && status != ChannelStatus::Archived
        }
    };
    ChatAction::ALL
        .iter()
        .copied()
        .filter(|action| role.may(*action) && fits(*action))
        .collect()
}

#[cfg(test)]
mod tests {
    use protocol::{ChannelStatus, ChannelType, TicketPriority};

    use super::*;
    use crate::logic::queue::tests::channel;

    fn ticket() -> Channel {
        channel(ChannelType::Support, "Help", TicketPriority::Medium, 1, 2)
    }

    #[test]
    fn an_org_admin_is_offered_every_action_on_an_active_ticket_but_reopen() {
        let offered = offered(Role::OrgAdmin, &ticket());
        for action in [
            ChatAction::Assign,
            ChatAction::Escalate,
            ChatAction::Resolve,
            ChatAction::Archive,
            ChatAction::UpdateTicket,
        ] {
            assert!(offered.contains(&action), "{action:?} missing");
        }
        assert!(!offered.contains(&ChatAction::Reopen));
    }

    #[test]
    fn a_participant_is_offered_no_management_action() {
        let offered = offered(Role::Participant, &ticket());
        for action in [
            ChatAction::Assign,
            ChatAction::Escalate,
            ChatAction::Resolve,
            ChatAction::Archive,
        ] {
            assert!(
                !offered.contains(&action),
                "{action:?} offered to a participant"
            );
        }
    }

    #[test]
    fn the_state_decides_between_resolve_and_reopen_and_archived_offers_nothing() {
        let mut channel = ticket();
        channel.status = ChannelStatus::Resolved;
        let resolved = offered(Role::OrgAdmin, &channel);
        assert!(resolved.contains(&ChatAction::Reopen));
        assert!(!resolved.contains(&ChatAction::Resolve));
        assert!(!resolved.contains(&ChatAction::Escalate));
        channel.status = ChannelStatus::Archived;
        assert!(offered(Role::OrgAdmin, &channel).is_empty());
    }

    #[test]
    fn offers_follow_the_role_matrix() {
        for role in Role::ALL {
            for action in offered(*role, &ticket()) {
                assert!(
                    role.may(action),
                    "{role:?} offered {action:?} it may not do"
                );
            }
        }
    }
}
