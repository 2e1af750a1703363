//! How the composer reads for the open channel: reply or note, who a reply reaches (its
//! placeholder names the customer and the ticket), the send button's words, the ticket's
//! `#number`, and the values canned responses are filled with.

use protocol::ipc::SignedIn;
use protocol::{Channel, SenderType, UserSummary};

use super::canned::Variables;

/// The longest subject a placeholder quotes whole, in characters.
const SUBJECT_CHARS: usize = 48;

/// What the composer sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// A public reply: everyone in the channel reads it, the customer included.
    #[default]
    Reply,
    /// An internal note: agents only.
    Note,
}

impl Mode {
    /// The mode of a draft whose `note` flag is `note`.
    pub fn from_note(note: bool) -> Self {
        if note {
            Self::Note
        } else {
            Self::Reply
        }
    }

    /// Whether it is a note.
    pub fn is_note(self) -> bool {
        self == Self::Note
    }

    /// The send button's words.
    pub fn send_label(self) -> &'static str {
        match self {
            Self::Reply => "Send reply",
            Self::Note => "Send note",
        }
    }
}

/// The customers of `channel`: its non-agent members, the one who opened it first.
pub fn customers(channel: &Channel) -> Vec<&UserSummary> {
    let mut found: Vec<&UserSummary> = channel
        .participants
        .iter()
        .filter(|p| p.user_type == SenderType::Participant)
        .map(|p| &p.user)
        .collect();
    found.sort_by_key(|user| user.id != channel.created_by);
    found
}

/// `#1042`, when `channel` is a numbered ticket.
pub fn number(channel: &Channel) -> Option<String> {
    channel
        .ticket
        .as_ref()
        .map(|t| t.number)
        .filter(|n| *n > 0)
        .map(|n| format!("#{n}"))
}

/// `subject`, cut to a placeholder's length with an ellipsis.
fn short(subject: &str) -> String {
    let subject = subject.trim();
    if subject.chars().count() <= SUBJECT_CHARS {
        return subject.to_owned();
    }
    let cut: String = subject.chars().take(SUBJECT_CHARS - 1).collect();
    format!("{} …", cut.trim_end())
}

/// Who reads a reply in `channel`, in words: `Bob Baker`, `Bob Baker and 2 others`, or
/// everyone in it.
fn readers(channel: &Channel) -> String {
    match customers(channel).as_slice() {
        [] => "everyone in this channel".to_owned(),
        [one] => one.name.clone(),
        [one, rest @ ..] => format!(
            "{} and {} other{}",
            one.name,
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
    }
}

/// The composer's placeholder: what is written, to whom, about what. An agent's reply names
/// the customer and the ticket ("Reply to Bob Baker — Charged twice"); a note says who does
/// not read it; anyone else just writes.
pub fn placeholder(channel: &Channel, mode: Mode, agent: bool) -> String {
    let about = channel
        .subject
        .as_deref()
        .or(channel.ticket.as_ref().map(|t| t.subject.as_str()))
        .map(short);
    if !agent {
        return "Write a message · Enter sends, Shift+Enter adds a line".to_owned();
    }
    match mode {
        Mode::Reply => match about {
            Some(about) => format!("Reply to {} — {about}", readers(channel)),
            None => format!("Reply to {}", readers(channel)),
        },
        Mode::Note => match customers(channel).as_slice() {
            [] => "Internal note — only agents read it".to_owned(),
            _ => format!(
                "Internal note — agents only; {} will not see it",
                readers(channel)
            ),
        },
    }
}

/// What the composer says above a reply: who reads it.
pub fn reply_label(channel: &Channel) -> String {
    let readers = readers(channel);
    if customers(channel).is_empty() {
        format!("Public reply — {readers} reads it")
    } else {
        format!("Public reply — {readers} will read it")
    }
}

/// What the console fills canned responses with in `channel`, for `me`.
pub fn variables(channel: &Channel, me: &SignedIn, tenant_name: Option<&str>) -> Variables {
    let customer = customers(channel).first().copied();
    Variables {
        customer_name: customer.map(|c| c.name.clone()),
        customer_email: customer.map(|c| c.email.clone()),
        agent_name: Some(me.name.clone()),
        ticket_number: channel.ticket.as_ref().map(|t| t.number),
        ticket_subject: channel
            .ticket
            .as_ref()
            .map(|t| t.subject.clone())
            .or_else(|| channel.subject.clone()),
        tenant_name: tenant_name.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use protocol::{ChannelType, Participant, ParticipantRole, Role, TicketPriority, UserId};
    use uuid::Uuid;

    use super::*;
    use crate::logic::queue::tests::{channel, user};

    fn member(user: &UserSummary, user_type: SenderType) -> Participant {
        Participant {
            user_id: user.id,
            user: user.clone(),
            user_type,
            role: ParticipantRole::Member,
            joined_at: Utc::now(),
            last_read_at: None,
            last_read_seq: 0,
            notifications_enabled: true,
        }
    }

    fn ticket_with(subject: &str, members: &[Participant]) -> Channel {
        let mut ticket = channel(ChannelType::Support, subject, TicketPriority::High, 1, 2);
        ticket.participants = members.to_vec();
        if let Some(t) = ticket.ticket.as_mut() {
            t.number = 1042;
        }
        ticket
    }

    fn me() -> SignedIn {
        SignedIn {
            server: "http://127.0.0.1:3000".into(),
            email: "admin@acme.test".into(),
            user_id: UserId::from(Uuid::new_v4()),
            name: "Ada Admin".into(),
            tenant_id: None,
            role: Role::OrgAdmin,
        }
    }

    #[test]
    fn a_reply_names_the_customer_and_the_ticket() {
        let bob = user("Bob Baker");
        let agent = user("Ada Admin");
        let ticket = ticket_with(
            "Charged twice",
            &[
                member(&agent, SenderType::TenantAdmin),
                member(&bob, SenderType::Participant),
            ],
        );
        assert_eq!(
            placeholder(&ticket, Mode::Reply, true),
            "Reply to Bob Baker — Charged twice"
        );
        assert_eq!(
            placeholder(&ticket, Mode::Note, true),
            "Internal note — agents only; Bob Baker will not see it"
        );
        assert!(placeholder(&ticket, Mode::Reply, false).starts_with("Write a message"));
        assert_eq!(number(&ticket).as_deref(), Some("#1042"));
        assert_eq!(
            reply_label(&ticket),
            "Public reply — Bob Baker will read it"
        );
    }

    #[test]
    fn a_long_subject_is_cut_and_several_customers_are_counted() {
        let (bob, carol, dan) = (user("Bob"), user("Carol"), user("Dan"));
        let subject = "Charged twice for the March entry fee of the regional quiz league";
        let mut ticket = ticket_with(
            subject,
            &[
                member(&carol, SenderType::Participant),
                member(&bob, SenderType::Participant),
                member(&dan, SenderType::Participant),
            ],
        );
        ticket.created_by = bob.id;
        let text = placeholder(&ticket, Mode::Reply, true);
        assert!(
            text.starts_with("Reply to Bob and 2 others — Charged twice for the March"),
            "{text}"
        );
        assert!(text.ends_with(" …"), "{text}");
        assert!(text.chars().count() < 80, "{text}");
    }

    #[test]
    fn without_customers_a_reply_reaches_everyone_in_the_channel() {
        let ticket = ticket_with("Printer", &[]);
        assert_eq!(
            placeholder(&ticket, Mode::Reply, true),
            "Reply to everyone in this channel — Printer"
        );
        assert_eq!(
            reply_label(&ticket),
            "Public reply — everyone in this channel reads it"
        );
    }

    #[test]
    fn the_variables_come_from_the_ticket_its_customer_and_the_agent() {
        let bob = user("Bob Baker");
        let ticket = ticket_with("Charged twice", &[member(&bob, SenderType::Participant)]);
        let filled = variables(&ticket, &me(), Some("Acme"));
        assert_eq!(filled.customer_name.as_deref(), Some("Bob Baker"));
        assert_eq!(filled.customer_email, Some(bob.email.clone()));
        assert_eq!(filled.agent_name.as_deref(), Some("Ada Admin"));
        assert_eq!(filled.ticket_number, Some(1042));
        assert_eq!(filled.ticket_subject.as_deref(), Some("Charged twice"));
        assert_eq!(filled.tenant_name.as_deref(), Some("Acme"));
    }

    #[test]
    fn modes_read_as_their_buttons() {
        assert_eq!(Mode::from_note(true).send_label(), "Send note");
        assert_eq!(Mode::from_note(false).send_label(), "Send reply");
        assert_eq!(Mode::default(), Mode::Reply);
    }
}
