//! The SLA clock's table: event sequences and the `sla` a ticket must show after them. This
//! crate's tests play it through [`SlaState`]; the server's tests play the same table
//! through its store (creating the ticket, posting, changing status and priority, running
//! its breach task at `now`), so both keep one behaviour.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Calendar, InvalidBusinessHours, SlaEvent, SlaState};
use crate::enums::TicketPriority;
use crate::ids::TenantId;
use crate::sla::{BusinessDay, BusinessHours, SlaBreach, SlaKind, SlaPolicy, TicketSla};

use SlaEvent::{AgentReplied, Created, CustomerMessaged, Paused, Reopened, Resolved, Resumed};

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaCase {
    /// What it shows.
    pub name: &'static str,
    /// The policy of the ticket's priority at `now` (`None`: the tenant has none).
    pub policy: Option<SlaPolicy>,
    /// The policy in force during the events when the priority (or the policy) changes
    /// after the last event and before `now`; `None`: `policy` throughout.
    pub policy_before: Option<SlaPolicy>,
    /// What happened, in order, and when.
    pub events: Vec<(SlaEvent, DateTime<Utc>)>,
    /// When breaches are checked (twice: they are recorded once) and the `sla` is read.
    pub now: DateTime<Utc>,
    /// The ticket's `sla` at `now`; a breach recorded at `now` has `at: now`.
    pub expected: TicketSla,
}

impl SlaCase {
    /// Plays the case through [`SlaState`]: each event through [`SlaState::step`] under
    /// the policy in force then, breaches recorded twice at `now`, and the view.
    pub fn run(&self) -> Result<TicketSla, InvalidBusinessHours> {
        let during = self.policy_before.as_ref().or(self.policy.as_ref());
        let calendar = Calendar::for_policy(during)?;
        let mut state = SlaState::default();
        for (event, at) in &self.events {
            state.step(*event, *at, during, &calendar);
        }
        let policy = self.policy.as_ref();
        let calendar = Calendar::for_policy(policy)?;
        state.record_breaches(policy, &calendar, self.now);
        state.record_breaches(policy, &calendar, self.now);
        Ok(state.view(policy, &calendar))
    }
}

const TENANT: TenantId = TenantId(Uuid::from_u128(0x1111_1111_1111_4111_8111_1111_1111_1111));

/// An instant of the table.
fn t(text: &str) -> DateTime<Utc> {
    text.parse()
        .expect("the case table's instants are valid RFC 3339")
}

fn policy(
    priority: TicketPriority,
    minutes: [Option<u32>; 3],
    business_hours: Option<BusinessHours>,
) -> SlaPolicy {
    let [first, next, resolution] = minutes;
    SlaPolicy {
        tenant_id: TENANT,
        priority,
        first_response_minutes: first,
        next_response_minutes: next,
        resolution_minutes: resolution,
        business_hours,
    }
}

/// MEDIUM around the clock: first response 1 h, next response 2 h, resolution 8 h.
fn medium() -> SlaPolicy {
    policy(
        TicketPriority::Medium,
        [Some(60), Some(120), Some(480)],
        None,
    )
}

/// HIGH around the clock: 30 min, 1 h, 4 h.
fn high() -> SlaPolicy {
    policy(TicketPriority::High, [Some(30), Some(60), Some(240)], None)
}

fn hours(zone: &str, weekdays: &[u8], start: &str, end: &str) -> BusinessHours {
    BusinessHours {
        time_zone: zone.to_owned(),
        days: weekdays
            .iter()
            .map(|weekday| BusinessDay {
                weekday: *weekday,
                start: start.to_owned(),
                end: end.to_owned(),
            })
            .collect(),
    }
}

/// Berlin office hours, 09:00–17:00 Monday to Friday: 1 h, 2 h, 2 business days.
fn office() -> SlaPolicy {
    policy(
        TicketPriority::Medium,
        [Some(60), Some(120), Some(960)],
        Some(hours("Europe/Berlin", &[1, 2, 3, 4, 5], "09:00", "17:00")),
    )
}

fn breach(kind: SlaKind, due_at: &str, at: &str) -> SlaBreach {
    SlaBreach {
        kind,
        due_at: t(due_at),
        at: t(at),
    }
}

/// What a case expects: due times (first response, next response, resolution), the first
/// response, the breaches.
fn sla(
    [first, next, resolution]: [Option<&str>; 3],
    responded: Option<&str>,
    breaches: Vec<SlaBreach>,
) -> TicketSla {
    TicketSla {
        first_response_due_at: first.map(t),
        first_responded_at: responded.map(t),
        next_response_due_at: next.map(t),
        resolution_due_at: resolution.map(t),
        breaches,
    }
}

fn case(
    name: &'static str,
    policy: Option<SlaPolicy>,
    events: &[(SlaEvent, &str)],
    now: &str,
    expected: TicketSla,
) -> SlaCase {
    SlaCase {
        name,
        policy,
        policy_before: None,
        events: events.iter().map(|(event, at)| (*event, t(at))).collect(),
        now: t(now),
        expected,
    }
}

/// The table. Around-the-clock rows are on Monday 2026-03-02 (UTC); business-hours rows
/// in Berlin, which leaves CET for CEST on Sunday 2026-03-29 and goes back on Sunday
/// 2026-10-25.
#[doc(hidden)]
pub fn cases() -> Vec<SlaCase> {
    use SlaKind::{FirstResponse, NextResponse, Resolution};
    let mut table = vec![
        case(
            "the first public reply stops the first-response clock",
            Some(medium()),
            &[(Created, "2026-03-02T10:00:00Z"), (AgentReplied, "2026-03-02T10:20:00Z")],
            "2026-03-02T10:30:00Z",
            sla([None, None, Some("2026-03-02T18:00:00Z")], Some("2026-03-02T10:20:00Z"), vec![]),
        ),
        case(
            "a customer message before any reply starts no next-response clock",
            Some(medium()),
            &[(Created, "2026-03-02T10:00:00Z"), (CustomerMessaged, "2026-03-02T10:10:00Z")],
            "2026-03-02T10:30:00Z",
            sla([Some("2026-03-02T11:00:00Z"), None, Some("2026-03-02T18:00:00Z")], None, vec![]),
        ),
        case(
            "a customer message after a reply starts the next-response clock, a second one does not restart it",
            Some(medium()),
            &[
                (Created, "2026-03-02T10:00:00Z"),
                (AgentReplied, "2026-03-02T10:20:00Z"),
                (CustomerMessaged, "2026-03-02T11:00:00Z"),
                (CustomerMessaged, "2026-03-02T11:30:00Z"),
            ],
            "2026-03-02T11:45:00Z",
            sla(
                [None, Some("2026-03-02T13:00:00Z"), Some("2026-03-02T18:00:00Z")],
                Some("2026-03-02T10:20:00Z"),
                vec![],
            ),
        ),
        case(
            "the next public reply answers the next response",
            Some(medium()),
            &[
                (Created, "2026-03-02T10:00:00Z"),
                (AgentReplied, "2026-03-02T10:20:00Z"),
                (CustomerMessaged, "2026-03-02T11:00:00Z"),
                (AgentReplied, "2026-03-02T12:00:00Z"),
            ],
            "2026-03-02T12:10:00Z",
            sla([None, None, Some("2026-03-02T18:00:00Z")], Some("2026-03-02T10:20:00Z"), vec![]),
        ),
        case(
            // The note at 10:15 sends no event.
            "an internal note is no reply: the first response is breached, and recorded once",
            Some(medium()),
            &[(Created, "2026-03-02T10:00:00Z")],
            "2026-03-02T11:30:00Z",
            sla(
                [Some("2026-03-02T11:00:00Z"), None, Some("2026-03-02T18:00:00Z")],
                None,
                vec![breach(FirstResponse, "2026-03-02T11:00:00Z", "2026-03-02T11:30:00Z")],
            ),
        ),
        case(
            "a late first reply stops the clock and keeps its breach",
            Some(medium()),
            &[(Created, "2026-03-02T10:00:00Z"), (AgentReplied, "2026-03-02T11:30:00Z")],
            "2026-03-02T12:00:00Z",
            sla(
                [None, None, Some("2026-03-02T18:00:00Z")],
                Some("2026-03-02T11:30:00Z"),
                vec![breach(FirstResponse, "2026-03-02T11:00:00Z", "2026-03-02T11:30:00Z")],
            ),
        ),
        case(
            "every clock that misses is recorded once, in kind order",
            Some(medium()),
            &[
                (Created, "2026-03-02T10:00:00Z"),
                (AgentReplied, "2026-03-02T10:10:00Z"),
                (CustomerMessaged, "2026-03-02T10:20:00Z"),
            ],
            "2026-03-02T19:00:00Z",
            sla(
                [None, Some("2026-03-02T12:20:00Z"), Some("2026-03-02T18:00:00Z")],
                Some("2026-03-02T10:10:00Z"),
                vec![
                    breach(NextResponse, "2026-03-02T12:20:00Z", "2026-03-02T19:00:00Z"),
                    breach(Resolution, "2026-03-02T18:00:00Z", "2026-03-02T19:00:00Z"),
                ],
            ),
        ),
        case(
            "a pause pushes each running clock back by its length",
            Some(medium()),
            &[
                (Created, "2026-03-02T10:00:00Z"),
                (AgentReplied, "2026-03-02T10:10:00Z"),
                (CustomerMessaged, "2026-03-02T10:30:00Z"),
                (Paused, "2026-03-02T11:00:00Z"),
                (Resumed, "2026-03-02T13:00:00Z"),
            ],
            "2026-03-02T13:30:00Z",
            sla(
                [None, Some("2026-03-02T14:30:00Z"), Some("2026-03-02T20:00:00Z")],
                Some("2026-03-02T10:10:00Z"),
                vec![],
            ),
        ),
        case(
            "a paused clock does not breach, and shows the due time the pause began with",
            Some(medium()),
            &[(Created, "2026-03-02T10:00:00Z"), (Paused, "2026-03-02T10:30:00Z")],
            "2026-03-02T12:00:00Z",
            sla([Some("2026-03-02T11:00:00Z"), None, Some("2026-03-02T18:00:00Z")], None, vec![]),
        ),
        case(
            "a clock started during a pause gets only the paused time after its start",
            Some(medium()),
            &[
                (Created, "2026-03-02T10:00:00Z"),
                (AgentReplied, "2026-03-02T10:05:00Z"),
                (Paused, "2026-03-02T10:30:00Z"),
                (CustomerMessaged, "2026-03-02T11:00:00Z"),
                (Resumed, "2026-03-02T12:00:00Z"),
            ],
            "2026-03-02T12:30:00Z",
            sla(
                [None, Some("2026-03-02T14:00:00Z"), Some("2026-03-02T19:30:00Z")],
                Some("2026-03-02T10:05:00Z"),
                vec![],
            ),
        ),
        case(
            "a due time missed before a pause stays missed where it was",
            Some(medium()),
            &[
                (Created, "2026-03-02T10:00:00Z"),
                (Paused, "2026-03-02T11:30:00Z"),
                (Resumed, "2026-03-02T12:30:00Z"),
            ],
            "2026-03-02T12:45:00Z",
            sla(
                [Some("2026-03-02T11:00:00Z"), None, Some("2026-03-02T19:00:00Z")],
                None,
                vec![breach(FirstResponse, "2026-03-02T11:00:00Z", "2026-03-02T11:30:00Z")],
            ),
        ),
        case(
            "resolving stops every clock and ends a pause",
            Some(medium()),
            &[
                (Created, "2026-03-02T10:00:00Z"),
                (AgentReplied, "2026-03-02T10:10:00Z"),
                (CustomerMessaged, "2026-03-02T10:20:00Z"),
                (Paused, "2026-03-02T10:30:00Z"),
                (Resolved, "2026-03-02T11:00:00Z"),
            ],
            "2026-03-02T20:00:00Z",
            sla([None, None, None], Some("2026-03-02T10:10:00Z"), vec![]),
        ),
        case(
            "reopening starts a fresh resolution clock; the customer's message after it waits for a reply",
            Some(medium()),
            &[
                (Created, "2026-03-02T10:00:00Z"),
                (AgentReplied, "2026-03-02T10:10:00Z"),
                (Resolved, "2026-03-02T11:00:00Z"),
                (Reopened, "2026-03-02T12:00:00Z"),
                (CustomerMessaged, "2026-03-02T12:00:00Z"),
            ],
            "2026-03-02T12:30:00Z",
            sla(
                [None, Some("2026-03-02T14:00:00Z"), Some("2026-03-02T20:00:00Z")],
                Some("2026-03-02T10:10:00Z"),
                vec![],
            ),
        ),
        case(
            "events that mean nothing in their state change nothing",
            Some(medium()),
            &[
                (AgentReplied, "2026-03-02T09:00:00Z"),
                (Created, "2026-03-02T10:00:00Z"),
                (Created, "2026-03-02T10:30:00Z"),
                (Resumed, "2026-03-02T10:40:00Z"),
                (Reopened, "2026-03-02T10:45:00Z"),
            ],
            "2026-03-02T10:50:00Z",
            sla([Some("2026-03-02T11:00:00Z"), None, Some("2026-03-02T18:00:00Z")], None, vec![]),
        ),
        case(
            "without a policy there are no due times and no breaches",
            None,
            &[(Created, "2026-03-02T10:00:00Z"), (AgentReplied, "2026-03-02T10:10:00Z")],
            "2026-03-03T10:00:00Z",
            sla([None, None, None], Some("2026-03-02T10:10:00Z"), vec![]),
        ),
        case(
            "a policy without a time for a clock gives that clock no due time",
            Some(policy(TicketPriority::Low, [Some(60), None, None], None)),
            &[(Created, "2026-03-02T10:00:00Z")],
            "2026-03-02T10:30:00Z",
            sla([Some("2026-03-02T11:00:00Z"), None, None], None, vec![]),
        ),
        case(
            "business hours: a clock stops for the weekend",
            Some(office()),
            &[(Created, "2026-03-20T15:30:00Z")],
            "2026-03-20T15:45:00Z",
            sla([Some("2026-03-23T08:30:00Z"), None, Some("2026-03-24T15:30:00Z")], None, vec![]),
        ),
        case(
            "business hours across the spring-forward: Monday's hours are CEST",
            Some(office()),
            &[
                (Created, "2026-03-27T15:30:00Z"),
                (AgentReplied, "2026-03-27T15:40:00Z"),
                (CustomerMessaged, "2026-03-27T15:50:00Z"),
            ],
            "2026-03-28T12:00:00Z",
            sla(
                [None, Some("2026-03-30T08:50:00Z"), Some("2026-03-31T14:30:00Z")],
                Some("2026-03-27T15:40:00Z"),
                vec![],
            ),
        ),
        case(
            "a pause over a weekend adds back only business minutes",
            Some(office()),
            &[
                (Created, "2026-03-19T09:00:00Z"),
                (AgentReplied, "2026-03-19T09:30:00Z"),
                (Paused, "2026-03-19T15:00:00Z"),
                (Resumed, "2026-03-23T09:00:00Z"),
            ],
            "2026-03-23T09:30:00Z",
            sla([None, None, Some("2026-03-24T11:00:00Z")], Some("2026-03-19T09:30:00Z"), vec![]),
        ),
        case(
            "a night window across the fall-back is four hours long",
            Some(policy(
                TicketPriority::Urgent,
                [Some(200), None, Some(480)],
                Some(hours("Europe/Berlin", &[1, 2, 3, 4, 5, 6, 7], "01:00", "04:00")),
            )),
            &[(Created, "2026-10-24T23:00:00Z")],
            "2026-10-25T01:00:00Z",
            sla([Some("2026-10-25T02:20:00Z"), None, Some("2026-10-27T01:00:00Z")], None, vec![]),
        ),
    ];
    let mut raised = case(
        "a priority raised mid-way recomputes the due times from the same start",
        Some(high()),
        &[(Created, "2026-03-02T10:00:00Z")],
        "2026-03-02T10:20:00Z",
        sla(
            [
                Some("2026-03-02T10:30:00Z"),
                None,
                Some("2026-03-02T14:00:00Z"),
            ],
            None,
            vec![],
        ),
    );
    raised.policy_before = Some(medium());
    let mut lowered = case(
        "a priority lowered after a breach moves the due time and keeps the breach",
        Some(medium()),
        &[
            (Created, "2026-03-02T10:00:00Z"),
            (CustomerMessaged, "2026-03-02T10:45:00Z"),
        ],
        "2026-03-02T10:50:00Z",
        sla(
            [
                Some("2026-03-02T11:00:00Z"),
                None,
                Some("2026-03-02T18:00:00Z"),
            ],
            None,
            vec![breach(
                FirstResponse,
                "2026-03-02T10:30:00Z",
                "2026-03-02T10:45:00Z",
            )],
        ),
    );
    lowered.policy_before = Some(high());
    table.extend([raised, lowered]);
    table
}
