//! Who may read a message: every reader of its channel, or agents only. The one rule
//! behind message pages, sync, a channel's last message, unread counts and broadcasts.

use crate::enums::Role;
use crate::model::Message;

/// A message's readers, and a reader's reach: what the other side of the rule is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Agents only: the roles that send as staff (everyone but participants and practice
    /// users).
    Agents,
    /// Everyone who may see the channel.
    Everyone,
}

impl Audience {
    /// Every audience.
    pub const ALL: [Audience; 2] = [Audience::Everyone, Audience::Agents];

    /// The audience a reader in `role` belongs to: agents, or everyone else.
    pub const fn of_reader(role: Role) -> Self {
        if role.is_agent() {
            Self::Agents
        } else {
            Self::Everyone
        }
    }

    /// Who may read `message`: agents only for an internal note, everyone otherwise.
    pub const fn of_message(message: &Message) -> Self {
        if message.internal {
            Self::Agents
        } else {
            Self::Everyone
        }
    }

    /// Who may read what a sender asks to post: a note (`internal`) is for agents.
    pub const fn of_posting(internal: bool) -> Self {
        if internal {
            Self::Agents
        } else {
            Self::Everyone
        }
    }

    /// Whether a message meant for `self` may reach a reader of `reader`'s audience.
    pub const fn reaches(self, reader: Audience) -> bool {
        match self {
            Self::Everyone => true,
            Self::Agents => matches!(reader, Self::Agents),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_messages_reach_agents_only_and_everyones_reach_all() {
        for role in Role::ALL {
            let reader = Audience::of_reader(*role);
            assert!(Audience::Everyone.reaches(reader), "{role}");
            assert_eq!(Audience::Agents.reaches(reader), role.is_agent(), "{role}");
        }
        assert!(!Role::Participant.is_agent());
        assert!(!Role::PracticeUser.is_agent());
        assert!(Role::Moderator.is_agent());
        assert!(Role::OrgAdmin.is_agent());
    }
}
