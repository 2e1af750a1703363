//! A ticket's SLA as the console shows it: a countdown badge worked out from the cached due
//! times and the clock, so it keeps counting offline; calm, then amber within the warning
//! window, then red once a due time has passed. Paused while the ticket waits for the
//! customer.

use chrono::{DateTime, TimeDelta, Utc};
use protocol::{Channel, Ticket, TicketStatus};

/// How a badge looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Due later than the warning window.
    Calm,
    /// Due within the warning window.
    Warning,
    /// A due time has passed unmet.
    Breached,
    /// The clocks wait for the customer (`PENDING_USER`).
    Paused,
}

impl Tone {
    /// Its name in classes and test ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calm => "calm",
            Self::Warning => "warning",
            Self::Breached => "breached",
            Self::Paused => "paused",
        }
    }
}

/// What the badge says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    /// How it looks.
    pub tone: Tone,
    /// Its words ("due in 12 min", "breached 5 min ago").
    pub text: String,
}

/// The soonest due time that counts for `ticket`: none while it is resolved, closed or
/// waiting for the customer.
pub fn due(ticket: &Ticket) -> Option<DateTime<Utc>> {
    ticket.counting_sla().and_then(|sla| sla.soonest_due())
}

/// The soonest due time of a channel's ticket, for the "due soonest" order.
pub fn channel_due(channel: &Channel) -> Option<DateTime<Utc>> {
    channel.ticket.as_ref().and_then(due)
}

/// The badge of `ticket` at `now`, warning `warning` ahead; none when no clock runs.
pub fn badge(ticket: &Ticket, now: DateTime<Utc>, warning: TimeDelta) -> Option<Badge> {
    if ticket.status == TicketStatus::PendingUser {
        return ticket.sla.as_ref()?.soonest_due().map(|_| Badge {
            tone: Tone::Paused,
            text: "SLA paused".to_owned(),
        });
    }
    let due_at = due(ticket)?;
    let left = due_at - now;
    let (tone, text) = if left <= TimeDelta::zero() {
        (Tone::Breached, format!("breached {} ago", span(-left)))
    } else if left <= warning {
        (Tone::Warning, format!("due in {}", span(left)))
    } else {
        (Tone::Calm, format!("due in {}", span(left)))
    };
    Some(Badge { tone, text })
}

/// A span as people say it: "40 s", "12 min", "3 h 20 min", "2 d 4 h".
fn span(span: TimeDelta) -> String {
    let minutes = span.num_minutes();
    if minutes < 1 {
        return format!("{} s", span.num_seconds().max(0));
    }
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours, minutes) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use protocol::sla::{SlaBreach, SlaKind, TicketSla};
    use protocol::{ChannelId, TicketCategory, TicketId, TicketPriority};

    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
            .single()
            .expect("a time")
            + TimeDelta::minutes(minute)
    }

    fn ticket(status: TicketStatus, sla: Option<TicketSla>) -> Ticket {
        Ticket {
            id: TicketId::from(uuid::Uuid::nil()),
            number: 7,
            channel_id: ChannelId::from(uuid::Uuid::nil()),
            subject: "Timer".to_owned(),
            category: TicketCategory::Technical,
            priority: TicketPriority::High,
            status,
            assigned_to: None,
            escalated_at: None,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
            created_at: at(0),
            updated_at: at(0),
            sla,
        }
    }

    fn due_at(minute: i64) -> TicketSla {
        TicketSla {
            first_response_due_at: Some(at(minute)),
            resolution_due_at: Some(at(minute + 600)),
            ..TicketSla::default()
        }
    }

    /// The profile's default warning window.
    const WARN: TimeDelta = TimeDelta::minutes(15);

    fn shown(status: TicketStatus, sla: Option<TicketSla>, now: i64) -> Option<(Tone, String)> {
        badge(&ticket(status, sla), at(now), WARN).map(|b| (b.tone, b.text))
    }

    #[test]
    fn calm_then_amber_then_red() {
        let open = TicketStatus::Open;
        assert_eq!(
            shown(open, Some(due_at(200)), 0),
            Some((Tone::Calm, "due in 3 h 20 min".into()))
        );
        assert_eq!(
            shown(open, Some(due_at(60)), 0),
            Some((Tone::Calm, "due in 1 h".into()))
        );
        assert_eq!(
            shown(open, Some(due_at(16)), 0),
            Some((Tone::Calm, "due in 16 min".into()))
        );
        assert_eq!(
            shown(open, Some(due_at(15)), 0),
            Some((Tone::Warning, "due in 15 min".into()))
        );
        assert_eq!(
            shown(open, Some(due_at(2)), 0),
            Some((Tone::Warning, "due in 2 min".into()))
        );
        assert_eq!(
            badge(
                &ticket(open, Some(due_at(1))),
                at(0) + TimeDelta::seconds(30),
                WARN
            )
            .map(|b| b.text),
            Some("due in 30 s".into())
        );
        assert_eq!(
            shown(open, Some(due_at(0)), 0),
            Some((Tone::Breached, "breached 0 s ago".into()))
        );
        assert_eq!(
            shown(open, Some(due_at(-5)), 0),
            Some((Tone::Breached, "breached 5 min ago".into()))
        );
        assert_eq!(
            shown(open, Some(due_at(-3000)), 0),
            Some((Tone::Breached, "breached 2 d 2 h ago".into()))
        );
    }

    #[test]
    fn nothing_without_a_running_clock_and_paused_while_waiting_for_the_customer() {
        assert_eq!(shown(TicketStatus::Open, None, 0), None);
        assert_eq!(
            shown(TicketStatus::Open, Some(TicketSla::default()), 0),
            None
        );
        // Answered in time once, breached before: nothing runs, nothing to show.
        let answered = TicketSla {
            breaches: vec![SlaBreach {
                kind: SlaKind::FirstResponse,
                due_at: at(-10),
                at: at(-9),
            }],
            ..TicketSla::default()
        };
        assert_eq!(shown(TicketStatus::InProgress, Some(answered), 0), None);
        assert_eq!(shown(TicketStatus::Resolved, Some(due_at(-5)), 0), None);
        assert_eq!(shown(TicketStatus::Closed, Some(due_at(5)), 0), None);
        assert_eq!(
            shown(TicketStatus::PendingUser, Some(due_at(-5)), 0),
            Some((Tone::Paused, "SLA paused".into()))
        );
        assert_eq!(
            due(&ticket(TicketStatus::PendingUser, Some(due_at(5)))),
            None
        );
        assert_eq!(
            due(&ticket(TicketStatus::PendingAdmin, Some(due_at(5)))),
            Some(at(5))
        );
    }

    #[test]
    fn the_soonest_due_time_counts() {
        let sla = TicketSla {
            first_response_due_at: Some(at(90)),
            next_response_due_at: Some(at(10)),
            resolution_due_at: Some(at(400)),
            ..TicketSla::default()
        };
        assert_eq!(
            shown(TicketStatus::InProgress, Some(sla), 0),
            Some((Tone::Warning, "due in 10 min".into()))
        );
    }
}
