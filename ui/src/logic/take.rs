//! "Take it": the open ticket assigned to me in one keystroke (`t`), and what the console
//! says instead when that is not the thing to do: it is mine already, my role may not
//! assign, or a colleague holds it (named, so a ticket is never taken from someone by a
//! stray key: the Assign dialog does that on purpose).

use protocol::ipc::SignedIn;
use protocol::{Channel, ChatAction, UserId};

use super::queue::participant_name;

/// What `t` does on a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Take {
    /// Assign it to me (`member` is me).
    Assign {
        /// Me.
        member: UserId,
    },
    /// Nothing to do; what to say.
    Say(String),
}

/// What `t` does on `channel` for `me`.
pub fn take(channel: &Channel, me: &SignedIn) -> Take {
    if channel.ticket.is_none() {
        return Take::Say("Only tickets are taken".to_owned());
    }
    if !me.viewer().offered(channel).contains(&ChatAction::Assign) {
        return Take::Say("Your role cannot take tickets".to_owned());
    }
    match channel.assigned_to {
        None => Take::Assign { member: me.user_id },
        Some(holder) if holder == me.user_id => Take::Say("It is yours already".to_owned()),
        Some(holder) => {
            let name = participant_name(channel, holder).unwrap_or("A colleague");
            Take::Say(format!(
                "{name} has this ticket — use Assign… to take it over"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use protocol::{ChannelType, Role, TenantId, TicketPriority};
    use uuid::Uuid;

    use super::*;
    use crate::logic::queue::tests::channel;

    fn signed_in(role: Role, tenant: TenantId) -> SignedIn {
        SignedIn {
            server: "http://127.0.0.1".to_owned(),
            email: "me@acme.test".to_owned(),
            user_id: UserId::from(Uuid::new_v4()),
            name: "Me".to_owned(),
            tenant_id: Some(tenant),
            role,
        }
    }

    fn ticket() -> Channel {
        channel(
            ChannelType::Support,
            "Timer froze",
            TicketPriority::High,
            1,
            2,
        )
    }

    #[test]
    fn an_unassigned_ticket_is_taken_and_a_held_one_names_its_holder() {
        let mut open = ticket();
        let admin = signed_in(Role::OrgAdmin, open.tenant_id);
        assert_eq!(
            take(&open, &admin),
            Take::Assign {
                member: admin.user_id
            }
        );
        open.assigned_to = Some(admin.user_id);
        assert_eq!(
            take(&open, &admin),
            Take::Say("It is yours already".to_owned())
        );
        let holder = open.participants[0].user_id;
        open.assigned_to = Some(holder);
        let said = take(&open, &admin);
        assert_eq!(
            said,
            Take::Say(format!(
                "{} has this ticket — use Assign… to take it over",
                open.participants[0].user.name
            ))
        );
    }

    #[test]
    fn a_participant_takes_nothing() {
        let open = ticket();
        let customer = signed_in(Role::Participant, open.tenant_id);
        assert!(matches!(take(&open, &customer), Take::Say(_)));
    }
}
