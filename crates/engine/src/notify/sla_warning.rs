//! Warnings before an SLA breach, as pure functions over the cached queue and the clock:
//! each running clock whose due time comes within the warning window (N minutes, per profile)
//! warns once, for a ticket assigned to me or to no one (an admin hears of every ticket).
//! Do-not-disturb and muted channels silence them, except for URGENT tickets. They work
//! offline: the due times are in the cache.

use chrono::{DateTime, TimeDelta, Utc};
use protocol::sla::SlaKind;
use protocol::{Channel, ChannelId, Role, TicketPriority};

use super::policy::{title, Context, Notice};

/// A warning to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The ticket's channel.
    pub channel_id: ChannelId,
    /// Which clock.
    pub kind: SlaKind,
    /// Its due time (a clock started again has another, and warns again).
    pub due_at: DateTime<Utc>,
    /// What the notification says.
    pub notice: Notice,
}

fn what(kind: SlaKind) -> &'static str {
    match kind {
        SlaKind::FirstResponse => "First response",
        SlaKind::NextResponse => "Next response",
        SlaKind::Resolution => "Resolution",
    }
}

/// The warnings `channels` call for at `now`, `ahead` before their due times, for a user of
/// `role` in `context` (whether each was shown already is the caller's to check).
pub fn warnings(
    context: &Context,
    role: Role,
    channels: &[Channel],
    now: DateTime<Utc>,
    ahead: TimeDelta,
) -> Vec<Warning> {
    let admin = matches!(role, Role::OrgAdmin | Role::SuperAdmin);
    let mut found = Vec::new();
    for channel in channels {
        let Some(ticket) = channel.ticket.as_ref() else {
            continue;
        };
        let Some(sla) = ticket.counting_sla() else {
            continue;
        };
        let mine = channel.assigned_to.is_none() || channel.assigned_to == context.me;
        if !(mine || admin) {
            continue;
        }
        let urgent = ticket.priority == TicketPriority::Urgent;
        if !urgent && (context.do_not_disturb || context.muted.contains(&channel.id)) {
            continue;
        }
        for (kind, due) in [
            (SlaKind::FirstResponse, sla.first_response_due_at),
            (SlaKind::NextResponse, sla.next_response_due_at),
            (SlaKind::Resolution, sla.resolution_due_at),
        ] {
            let Some(due) = due.filter(|due| *due > now && *due - now <= ahead) else {
                continue;
            };
            let minutes = (due - now).num_minutes();
            let when = if minutes < 1 {
                "in under a minute".to_owned()
            } else {
                format!("in {minutes} min")
            };
            found.push(Warning {
                channel_id: channel.id,
                kind,
                due_at: due,
                notice: Notice {
                    channel_id: channel.id,
                    title: title(channel),
                    body: format!("{} due {when}", what(kind)),
                    urgent,
                    count: 1,
                },
            });
        }
    }
    found
}

/// At most this many new warnings of one check show one by one; more show as one summary.
pub const SEPARATE_MAX: usize = 3;
/// Tickets the summary names, soonest first.
const SUMMARY_NAMES: usize = 3;

/// The notices for the warnings a check found new: each its own while they are few
/// ([`SEPARATE_MAX`] or fewer), else one summary that names the soonest, counts the rest and
/// opens the soonest ticket. A console with thousands of tickets due at once (a start after
/// a busy hour) so shows one notification, not thousands.
pub fn notices(mut fresh: Vec<Warning>) -> Vec<Notice> {
    if fresh.len() <= SEPARATE_MAX {
        return fresh.into_iter().map(|warning| warning.notice).collect();
    }
    fresh.sort_by_key(|warning| warning.due_at);
    let count = fresh.len();
    let mut lines: Vec<String> = fresh
        .iter()
        .take(SUMMARY_NAMES)
        .map(|warning| format!("{}: {}", warning.notice.title, warning.notice.body))
        .collect();
    lines.push(format!("and {} more", count - SUMMARY_NAMES));
    vec![Notice {
        channel_id: fresh[0].channel_id,
        title: format!("{count} SLA deadlines coming up"),
        body: lines.join("\n"),
        urgent: fresh.iter().any(|warning| warning.notice.urgent),
        count: u32::try_from(count).unwrap_or(u32::MAX),
    }]
}
