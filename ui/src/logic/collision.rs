//! Collision awareness: who else is on a ticket (the header's presence line), and the send
//! guard's question when the customer or a colleague posted since the composer opened.

use chrono::{DateTime, Utc};
use protocol::model::Seq;
use protocol::presence::{PresenceAgent, PresenceState};
use protocol::{Message, SenderType, UserId};

/// The others in a presence list, typing first, each as (initials, name, word).
pub fn others(agents: &[PresenceAgent], me: Option<UserId>) -> Vec<(String, String, &'static str)> {
    let mut others: Vec<&PresenceAgent> = agents
        .iter()
        .filter(|agent| Some(agent.user_id) != me)
        .collect();
    others.sort_by_key(|agent| agent.state != PresenceState::Typing);
    others
        .into_iter()
        .map(|agent| {
            let word = match agent.state {
                PresenceState::Typing => "typing",
                PresenceState::Viewing => "viewing",
            };
            (initials(&agent.user_name), agent.user_name.clone(), word)
        })
        .collect()
}

/// Up to two initials of a name: "Quinn Questions" → "QQ", "ann" → "A".
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|word| word.chars().next())
        .flat_map(char::to_uppercase)
        .take(2)
        .collect();
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters
    }
}

/// The newest message someone else posted after `since`: what Send asks about. System
/// lines (assigned, resolved) do not count.
pub fn posted_since<'a>(
    messages: impl IntoIterator<Item = &'a Message>,
    since: Seq,
    me: UserId,
) -> Option<&'a Message> {
    messages
        .into_iter()
        .filter(|m| m.seq > since && m.sender_id != me && m.sender_type != SenderType::System)
        .max_by_key(|m| m.seq)
}

/// The guard's question: "Alice replied 20 s ago", "Quinn added a note 2 min ago".
pub fn headline(message: &Message, now: DateTime<Utc>) -> String {
    let seconds = (now - message.created_at).num_seconds().max(0);
    let when = match seconds {
        0..5 => "just now".to_owned(),
        5..60 => format!("{seconds} s ago"),
        60..3_600 => format!("{} min ago", seconds / 60),
        _ => format!("{} h ago", seconds / 3_600),
    };
    let verb = if message.internal {
        "added a note"
    } else {
        "replied"
    };
    format!("{} {verb} {when}", message.sender.name)
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use protocol::{ChannelId, MessageId, Role, UserSummary};
    use uuid::Uuid;

    use super::*;

    fn message(seq: Seq, sender: UserId, sender_type: SenderType, name: &str) -> Message {
        Message {
            id: MessageId::from(Uuid::new_v4()),
            channel_id: ChannelId::from(Uuid::nil()),
            sender_id: sender,
            sender_type,
            sender: UserSummary {
                id: sender,
                email: "x@example.test".to_owned(),
                name: name.to_owned(),
                role: Role::Participant,
            },
            content: "hi".to_owned(),
            metadata: None,
            client_message_id: None,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            edited_at: None,
            seq,
            internal: false,
        }
    }

    #[test]
    fn the_guard_asks_about_the_newest_post_by_someone_else_only() {
        let me = UserId::from(Uuid::new_v4());
        let alice = UserId::from(Uuid::new_v4());
        let messages = [
            message(1, alice, SenderType::Participant, "Alice"),
            message(2, me, SenderType::TenantAdmin, "Me"),
            message(3, alice, SenderType::Participant, "Alice"),
            message(4, me, SenderType::TenantAdmin, "Me"),
            message(5, alice, SenderType::System, "System"),
        ];
        assert_eq!(posted_since(&messages, 0, me).map(|m| m.seq), Some(3));
        assert_eq!(
            posted_since(&messages, 3, me),
            None,
            "mine and system lines"
        );
        assert_eq!(posted_since(&messages[..2], 1, me), None);
    }

    #[test]
    fn the_headline_names_who_and_when() {
        let alice = UserId::from(Uuid::new_v4());
        let mut reply = message(1, alice, SenderType::Participant, "Alice");
        let at = |s| DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(s);
        assert_eq!(headline(&reply, at(20)), "Alice replied 20 s ago");
        assert_eq!(headline(&reply, at(2)), "Alice replied just now");
        assert_eq!(headline(&reply, at(150)), "Alice replied 2 min ago");
        reply.internal = true;
        assert_eq!(headline(&reply, at(7_300)), "Alice added a note 2 h ago");
    }

    #[test]
    fn presence_lists_the_others_typing_first() {
        let me = UserId::from(Uuid::new_v4());
        let agent = |name: &str, state, user| PresenceAgent {
            user_id: user,
            user_name: name.to_owned(),
            state,
            since: DateTime::<Utc>::UNIX_EPOCH,
        };
        let list = [
            agent("Me Myself", PresenceState::Typing, me),
            agent(
                "Quinn Questions",
                PresenceState::Viewing,
                UserId::from(Uuid::new_v4()),
            ),
            agent("bill", PresenceState::Typing, UserId::from(Uuid::new_v4())),
        ];
        assert_eq!(
            others(&list, Some(me)),
            vec![
                ("B".to_owned(), "bill".to_owned(), "typing"),
                ("QQ".to_owned(), "Quinn Questions".to_owned(), "viewing"),
            ]
        );
        assert_eq!(initials("  "), "?");
    }
}
