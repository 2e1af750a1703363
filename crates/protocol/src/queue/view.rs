//! The queue's filters and order, and the rules that say which channels show in which
//! order: the reference the console's cache query is held to (its window must equal these
//! rules applied to every cached channel, sliced).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    Channel, ChannelId, ChannelStatus, ChannelType, TicketCategory, TicketPriority, UserId,
};

/// The tabs over the queue, as in the original console.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Tab {
    /// Everything.
    #[default]
    All,
    /// SUPPORT tickets.
    Support,
    /// TEAM rooms.
    Team,
}

/// Whose channels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Assignment {
    /// Anyone's.
    #[default]
    Anyone,
    /// Assigned to me.
    Me,
    /// Assigned to no one.
    Unassigned,
}

/// The order of the queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Sort {
    /// Latest activity first.
    #[default]
    Activity,
    /// Most urgent first (then latest activity).
    Priority,
    /// Oldest first: who has waited longest.
    Age,
    /// Soonest SLA due time first (the same due time: latest activity first); tickets
    /// without a running clock after them, by latest activity.
    Due,
}

/// What the queue shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QueueView {
    /// The tab.
    pub tab: Tab,
    /// Only this status.
    pub status: Option<ChannelStatus>,
    /// Only this priority.
    pub priority: Option<TicketPriority>,
    /// Only this category.
    pub category: Option<TicketCategory>,
    /// Whose.
    pub assignment: Assignment,
    /// Words every shown channel must contain (subject, last message, assignee), any case.
    pub text: String,
    /// The order.
    pub sort: Sort,
}

/// When a channel last saw activity.
pub fn last_activity(channel: &Channel) -> DateTime<Utc> {
    channel
        .last_message
        .as_ref()
        .map(|m| m.created_at)
        .unwrap_or(channel.updated_at)
        .max(channel.updated_at)
}

/// The channel's priority, LOW for channels without a ticket.
pub fn priority(channel: &Channel) -> TicketPriority {
    channel
        .ticket
        .as_ref()
        .map(|t| t.priority)
        .unwrap_or(TicketPriority::Low)
}

/// Where a priority sorts: urgent 0 … low 3.
pub fn priority_rank(priority: TicketPriority) -> u8 {
    match priority {
        TicketPriority::Urgent => 0,
        TicketPriority::High => 1,
        TicketPriority::Medium => 2,
        TicketPriority::Low => 3,
    }
}

/// The display name of whoever `user` is among the channel's participants.
pub fn participant_name(channel: &Channel, user: UserId) -> Option<&str> {
    channel
        .participants
        .iter()
        .find(|p| p.user_id == user)
        .map(|p| p.user.name.as_str())
}

/// The ticket number a filter word names, when it is `#` and digits only (`#1042`).
pub fn ticket_number(word: &str) -> Option<i64> {
    let digits = word.strip_prefix('#')?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&n: &i64| n > 0)
}

/// How a ticket is named in the queue and the header: `#1042`; `None` for a channel without
/// a ticket, or a ticket the platform has not numbered.
pub fn number_label(channel: &Channel) -> Option<String> {
    channel
        .ticket
        .as_ref()
        .filter(|t| t.number > 0)
        .map(|t| format!("#{}", t.number))
}

/// The soonest due time of a channel's ticket whose clock runs, for the "due soonest" order.
pub fn channel_due(channel: &Channel) -> Option<DateTime<Utc>> {
    channel
        .ticket
        .as_ref()
        .and_then(|t| t.counting_sla())
        .and_then(|sla| sla.soonest_due())
}

/// The words a filter text asks for: split on whitespace, lower-cased.
pub fn filter_words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

/// The text a filter word is looked for in, lower-cased: the number as shown (`#1042`),
/// the subject, the last message and the assignee's name.
pub fn haystack(channel: &Channel) -> String {
    let mut haystack = number_label(channel).unwrap_or_default();
    haystack.push(' ');
    if let Some(subject) = &channel.subject {
        haystack.push_str(subject);
    }
    if let Some(message) = &channel.last_message {
        haystack.push(' ');
        haystack.push_str(&message.content);
    }
    if let Some(name) = channel
        .assigned_to
        .and_then(|a| participant_name(channel, a))
    {
        haystack.push(' ');
        haystack.push_str(name);
    }
    haystack.to_lowercase()
}

fn matches_text(channel: &Channel, words: &[String]) -> bool {
    if words.is_empty() {
        return true;
    }
    // `#1042` names one ticket exactly (`#104` does not find it); other words are looked
    // for in the text, where the number shows as `#1042` too.
    let number = channel.ticket.as_ref().map(|t| t.number);
    let (numbers, words): (Vec<&String>, Vec<&String>) =
        words.iter().partition(|w| ticket_number(w).is_some());
    if !numbers
        .iter()
        .all(|w| ticket_number(w).is_some_and(|n| Some(n) == number))
    {
        return false;
    }
    let haystack = haystack(channel);
    words.iter().all(|word| haystack.contains(word.as_str()))
}

impl QueueView {
    /// Whether `channel` shows, for user `me`.
    pub fn shows(&self, channel: &Channel, me: Option<UserId>, words: &[String]) -> bool {
        let tab = match self.tab {
            Tab::All => true,
            Tab::Support => channel.channel_type == ChannelType::Support,
            Tab::Team => channel.channel_type == ChannelType::Team,
        };
        let ticket = channel.ticket.as_ref();
        tab && self.status.is_none_or(|s| channel.status == s)
            && self
                .priority
                .is_none_or(|p| ticket.is_some_and(|t| t.priority == p))
            && self
                .category
                .is_none_or(|c| ticket.is_some_and(|t| t.category == c))
            && match self.assignment {
                Assignment::Anyone => true,
                Assignment::Me => me.is_some() && channel.assigned_to == me,
                Assignment::Unassigned => channel.assigned_to.is_none(),
            }
            && matches_text(channel, words)
    }

    /// The channels to show, in order.
    pub fn apply<'a>(
        &self,
        channels: impl IntoIterator<Item = &'a Channel>,
        me: Option<UserId>,
    ) -> Vec<&'a Channel> {
        let words = filter_words(&self.text);
        let mut shown: Vec<&Channel> = channels
            .into_iter()
            .filter(|c| self.shows(c, me, &words))
            .collect();
        match self.sort {
            Sort::Activity => shown.sort_by(|a, b| {
                last_activity(b)
                    .cmp(&last_activity(a))
                    .then(a.id.cmp(&b.id))
            }),
            Sort::Priority => shown.sort_by(|a, b| {
                priority_rank(priority(a))
                    .cmp(&priority_rank(priority(b)))
                    .then(last_activity(b).cmp(&last_activity(a)))
                    .then(a.id.cmp(&b.id))
            }),
            Sort::Age => {
                shown.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)))
            }
            Sort::Due => shown.sort_by(|a, b| {
                let due = channel_due;
                match (due(a), due(b)) {
                    (Some(x), Some(y)) => x.cmp(&y).then(last_activity(b).cmp(&last_activity(a))),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => last_activity(b).cmp(&last_activity(a)),
                }
                .then(a.id.cmp(&b.id))
            }),
        }
        shown
    }

    /// The ids of the channels to show, in order.
    pub fn order<'a>(
        &self,
        channels: impl IntoIterator<Item = &'a Channel>,
        me: Option<UserId>,
    ) -> Vec<ChannelId> {
        self.apply(channels, me).iter().map(|c| c.id).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::{
        Message, MessageId, Participant, ParticipantRole, Role, SenderType, TenantId, Ticket,
        TicketId, TicketStatus, UserSummary,
    };
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, minute, 0)
            .single()
            .expect("a valid time")
    }

    fn user(name: &str) -> UserSummary {
        UserSummary {
            id: UserId::from(Uuid::new_v4()),
            email: format!("{name}@acme.test"),
            name: name.to_owned(),
            role: Role::Participant,
        }
    }

    fn channel(
        kind: ChannelType,
        subject: &str,
        priority: TicketPriority,
        created: u32,
        active: u32,
    ) -> Channel {
        let id = ChannelId::from(Uuid::new_v4());
        let author = user("alice");
        Channel {
            id,
            tenant_id: TenantId::from(Uuid::nil()),
            channel_type: kind,
            status: ChannelStatus::Active,
            context_id: None,
            subject: Some(subject.to_owned()),
            created_by: author.id,
            assigned_to: None,
            escalated_to: None,
            created_at: at(created),
            updated_at: at(created),
            last_message: Some(Message {
                id: MessageId::from(Uuid::new_v4()),
                channel_id: id,
                sender_id: author.id,
                sender_type: SenderType::Participant,
                sender: author.clone(),
                content: format!("about {subject}"),
                metadata: None,
                client_message_id: None,
                created_at: at(active),
                edited_at: None,
                seq: 1,
                internal: false,
            }),
            unread_count: 0,
            participants: vec![Participant {
                user_id: author.id,
                user: author,
                user_type: SenderType::Participant,
                role: ParticipantRole::Member,
                joined_at: at(created),
                last_read_at: None,
                last_read_seq: 0,
                notifications_enabled: true,
            }],
            ticket: (kind == ChannelType::Support).then(|| Ticket {
                id: TicketId::from(Uuid::new_v4()),
                number: 1,
                channel_id: id,
                subject: subject.to_owned(),
                category: TicketCategory::Technical,
                priority,
                status: TicketStatus::Open,
                assigned_to: None,
                escalated_at: None,
                resolved_at: None,
                resolved_by: None,
                resolution: None,
                created_at: at(created),
                updated_at: at(created),
                sla: None,
            }),
        }
    }

    fn subjects(channels: &[&Channel]) -> Vec<String> {
        channels
            .iter()
            .map(|c| c.subject.clone().unwrap_or_default())
            .collect()
    }

    fn sample() -> Vec<Channel> {
        vec![
            channel(
                ChannelType::Support,
                "Login fails",
                TicketPriority::Low,
                1,
                30,
            ),
            channel(
                ChannelType::Support,
                "Refund please",
                TicketPriority::Urgent,
                5,
                10,
            ),
            channel(ChannelType::Team, "Weekly sync", TicketPriority::Low, 3, 20),
            channel(
                ChannelType::Support,
                "Billing export",
                TicketPriority::High,
                2,
                25,
            ),
        ]
    }

    #[test]
    fn by_default_everything_shows_latest_activity_first() {
        let channels = sample();
        let shown = QueueView::default().apply(&channels, None);
        assert_eq!(
            subjects(&shown),
            [
                "Login fails",
                "Billing export",
                "Weekly sync",
                "Refund please"
            ]
        );
    }

    #[test]
    fn tabs_split_support_from_team() {
        let channels = sample();
        let support = QueueView {
            tab: Tab::Support,
            ..Default::default()
        };
        assert_eq!(support.apply(&channels, None).len(), 3);
        let team = QueueView {
            tab: Tab::Team,
            ..Default::default()
        };
        assert_eq!(subjects(&team.apply(&channels, None)), ["Weekly sync"]);
    }

    #[test]
    fn priority_sort_puts_urgent_first_and_age_sort_the_oldest() {
        let channels = sample();
        let by_priority = QueueView {
            sort: Sort::Priority,
            ..Default::default()
        };
        assert_eq!(
            subjects(&by_priority.apply(&channels, None)),
            [
                "Refund please",
                "Billing export",
                "Login fails",
                "Weekly sync"
            ]
        );
        let by_age = QueueView {
            sort: Sort::Age,
            ..Default::default()
        };
        assert_eq!(subjects(&by_age.apply(&channels, None))[0], "Login fails");
    }

    #[test]
    fn due_soonest_puts_running_clocks_first_and_paused_ones_with_none() {
        use crate::sla::TicketSla;
        let mut channels = sample();
        let due = |minute: u32| TicketSla {
            first_response_due_at: Some(at(minute)),
            ..TicketSla::default()
        };
        let tickets: Vec<usize> = (0..channels.len())
            .filter(|i| channels[*i].ticket.is_some())
            .collect();
        assert!(tickets.len() >= 3, "the sample has tickets");
        let (late, soon, paused) = (tickets[0], tickets[1], tickets[2]);
        for (i, minute) in [(late, 50), (soon, 10), (paused, 1)] {
            if let Some(ticket) = channels[i].ticket.as_mut() {
                ticket.sla = Some(due(minute));
            }
        }
        if let Some(ticket) = channels[paused].ticket.as_mut() {
            ticket.status = TicketStatus::PendingUser;
        }
        let by_due = QueueView {
            sort: Sort::Due,
            ..Default::default()
        };
        let order = by_due.order(&channels, None);
        assert_eq!(order[..2], [channels[soon].id, channels[late].id]);
        let rest: Vec<ChannelId> = QueueView::default()
            .order(&channels, None)
            .into_iter()
            .filter(|id| *id != channels[soon].id && *id != channels[late].id)
            .collect();
        assert_eq!(
            order[2..],
            rest[..],
            "then by latest activity, the paused one among them"
        );
    }

    #[test]
    fn filters_combine() {
        let mut channels = sample();
        let me = UserId::from(Uuid::new_v4());
        channels[1].assigned_to = Some(me);
        channels[3].status = ChannelStatus::Resolved;
        let mine = QueueView {
            assignment: Assignment::Me,
            ..Default::default()
        };
        assert_eq!(
            subjects(&mine.apply(&channels, Some(me))),
            ["Refund please"]
        );
        assert!(mine.apply(&channels, None).is_empty(), "no one is not me");
        let unassigned_resolved = QueueView {
            assignment: Assignment::Unassigned,
            status: Some(ChannelStatus::Resolved),
            ..Default::default()
        };
        assert_eq!(
            subjects(&unassigned_resolved.apply(&channels, Some(me))),
            ["Billing export"]
        );
        let urgent = QueueView {
            priority: Some(TicketPriority::Urgent),
            ..Default::default()
        };
        assert_eq!(subjects(&urgent.apply(&channels, None)), ["Refund please"]);
        let other_category = QueueView {
            category: Some(TicketCategory::Billing),
            ..Default::default()
        };
        assert!(other_category.apply(&channels, None).is_empty());
    }

    #[test]
    fn text_matches_every_word_in_any_case() {
        let channels = sample();
        let view = QueueView {
            text: "  REFUND   about ".to_owned(),
            ..Default::default()
        };
        assert_eq!(subjects(&view.apply(&channels, None)), ["Refund please"]);
        let none = QueueView {
            text: "refund login".to_owned(),
            ..Default::default()
        };
        assert!(none.apply(&channels, None).is_empty());
    }

    fn numbered() -> Vec<Channel> {
        let mut channels = sample();
        for (channel, number) in channels.iter_mut().zip([1042, 104, 7, 21042]) {
            if let Some(ticket) = channel.ticket.as_mut() {
                ticket.number = number;
            }
        }
        channels
    }

    #[test]
    fn a_hash_and_digits_find_exactly_that_ticket() {
        let channels = numbered();
        let find = |text: &str| {
            let view = QueueView {
                text: text.to_owned(),
                ..Default::default()
            };
            subjects(&view.apply(&channels, None))
        };
        assert_eq!(find("#1042"), ["Login fails"]);
        assert_eq!(find("  #104 "), ["Refund please"], "not #1042's prefix");
        assert!(find("#99").is_empty());
        // With words, every word still has to match.
        assert_eq!(find("#1042 login"), ["Login fails"]);
        assert!(find("#1042 refund").is_empty());
        // A team room has no number.
        assert!(find("#7").is_empty());
        // Digits alone are text, and the shown `#1042` is text too.
        assert_eq!(find("1042"), ["Login fails", "Billing export"]);
        // Not a number: searched as text.
        assert!(find("#12a").is_empty());
        assert_eq!(find("#").len(), 3, "a number begun: every numbered ticket");
    }

    #[test]
    fn only_numbered_tickets_have_a_label() {
        let channels = numbered();
        assert_eq!(number_label(&channels[0]).as_deref(), Some("#1042"));
        assert_eq!(number_label(&channels[2]), None, "a team room");
        let mut unnumbered = channels[1].clone();
        if let Some(ticket) = unnumbered.ticket.as_mut() {
            ticket.number = 0;
        }
        assert_eq!(number_label(&unnumbered), None);
        assert_eq!(ticket_number("#0"), None);
        assert_eq!(ticket_number("#00012"), Some(12));
        assert_eq!(ticket_number("#99999999999999999999"), None, "overflow");
    }
}
