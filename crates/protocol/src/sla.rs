//! SLA policies and a ticket's SLA (PLATFORM.md, "Agent workflow", "SLA policies and
//! clocks"): the wire types of `GET /api/sla-policies`, `PUT /api/sla-policies/:priority`,
//! `Ticket.sla` and the queue's `?sla=` filter. The clock that fills a [`TicketSla`] in is
//! the `sla_clock` module's; the rules a policy must follow are checked with the other
//! requests' rules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::enums::{Role, TicketPriority};
use crate::ids::TenantId;

/// The longest time a policy may give, in minutes: a year.
pub const SLA_MINUTES_MAX: u32 = 525_600;
/// How close an open due time must be to count as due soon (`?sla=due_soon`), in minutes.
pub const DUE_SOON_MINUTES: i64 = 60;
/// The most open intervals business hours may list (ten a weekday leaves room for split
/// shifts; more is a mistake, not a calendar).
pub const BUSINESS_INTERVALS_MAX: usize = 70;

wire_enum!(
    /// Which of a ticket's clocks a due time or a breach is about.
    SlaKind {
        /// From the ticket's creation to the first public agent reply.
        FirstResponse = "FIRST_RESPONSE",
        /// From a customer message after an agent reply to the next public agent reply.
        NextResponse = "NEXT_RESPONSE",
        /// From creation (or reopening) to resolution.
        Resolution = "RESOLUTION",
    }
);

wire_enum!(
    /// The queue's `?sla=` filter (lower case on the wire).
    SlaFilter {
        /// Tickets that missed a due time: a recorded breach, or an open due time now past.
        Breached = "breached",
        /// Tickets with an open due time within the next [`DUE_SOON_MINUTES`].
        DueSoon = "due_soon",
    }
);

/// One open interval of a weekday, in the business hours' time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BusinessDay {
    /// The ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// When it opens, `HH:MM` from `00:00` to `23:59`.
    pub start: String,
    /// When it closes, `HH:MM` after `start`; `24:00` is the midnight that ends the day.
    pub end: String,
}

/// When the SLA clocks run: open intervals of the week in one time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BusinessHours {
    /// An IANA time zone name (`Europe/Berlin`); the intervals are in its local time.
    pub time_zone: String,
    /// The open intervals, at least one; those of one weekday must not overlap.
    pub days: Vec<BusinessDay>,
}

/// A tenant's SLA times for one priority; each time is optional (none: no such clock).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SlaPolicy {
    /// Its tenant.
    pub tenant_id: TenantId,
    /// The ticket priority it applies to.
    pub priority: TicketPriority,
    /// Minutes of open time from creation to the first public agent reply.
    pub first_response_minutes: Option<u32>,
    /// Minutes of open time from a customer message to the next public agent reply.
    pub next_response_minutes: Option<u32>,
    /// Minutes of open time from creation (or reopening) to resolution.
    pub resolution_minutes: Option<u32>,
    /// When the clocks run; none: around the clock.
    pub business_hours: Option<BusinessHours>,
}

impl SlaPolicy {
    /// The policy's minutes for a clock of `kind`, if it sets any.
    pub fn minutes(&self, kind: SlaKind) -> Option<u32> {
        match kind {
            SlaKind::FirstResponse => self.first_response_minutes,
            SlaKind::NextResponse => self.next_response_minutes,
            SlaKind::Resolution => self.resolution_minutes,
        }
    }
}

/// Whether `role` may replace its tenant's SLA policies (`PUT /api/sla-policies/:priority`):
/// its admins only; every agent reads them. The platform enforces this; the console offers
/// the editor by it.
pub fn edits_policies(role: Role) -> bool {
    matches!(role, Role::OrgAdmin | Role::SuperAdmin)
}

/// `PUT /api/sla-policies/:priority`: the whole policy (what is left out is cleared; no
/// `businessHours` means around the clock).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PutSlaPolicyRequest {
    /// 1..=525,600 minutes.
    pub first_response_minutes: Option<u32>,
    /// 1..=525,600 minutes.
    pub next_response_minutes: Option<u32>,
    /// 1..=525,600 minutes.
    pub resolution_minutes: Option<u32>,
    /// When the clocks run; none: around the clock.
    pub business_hours: Option<BusinessHours>,
}

impl PutSlaPolicyRequest {
    /// The policy this request sets for `tenant_id`'s tickets of `priority`.
    pub fn into_policy(self, tenant_id: TenantId, priority: TicketPriority) -> SlaPolicy {
        SlaPolicy {
            tenant_id,
            priority,
            first_response_minutes: self.first_response_minutes,
            next_response_minutes: self.next_response_minutes,
            resolution_minutes: self.resolution_minutes,
            business_hours: self.business_hours,
        }
    }
}

/// A due time that passed unmet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SlaBreach {
    /// Which clock missed.
    pub kind: SlaKind,
    /// The due time it missed.
    pub due_at: DateTime<Utc>,
    /// When the miss was recorded.
    pub at: DateTime<Utc>,
}

/// `Ticket.sla`: the open due times, the first response, and every breach. A due time is
/// absent when its clock is not running (not started, answered, resolved) or the policy
/// sets no minutes for it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketSla {
    /// When the first public agent reply is due, until it is sent.
    pub first_response_due_at: Option<DateTime<Utc>>,
    /// When the first public agent reply was sent.
    pub first_responded_at: Option<DateTime<Utc>>,
    /// When the next public agent reply is due, while a customer waits for one.
    pub next_response_due_at: Option<DateTime<Utc>>,
    /// When resolution is due, until the ticket is resolved.
    pub resolution_due_at: Option<DateTime<Utc>>,
    /// Every missed due time, oldest first.
    #[serde(default)]
    pub breaches: Vec<SlaBreach>,
}

impl TicketSla {
    /// The soonest of the due times shown.
    pub fn soonest_due(&self) -> Option<DateTime<Utc>> {
        [
            self.first_response_due_at,
            self.next_response_due_at,
            self.resolution_due_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

/// The minute of the day a strict `HH:MM` names (`00:00` = 0 … `23:59` = 1439), or `None`
/// when `text` is not one. `24:00` (1440, the midnight that ends the day) is accepted only
/// when `end_of_day` is true, as an interval's end.
pub fn minute_of_day(text: &str, end_of_day: bool) -> Option<u16> {
    let &[h1, h2, b':', m1, m2] = text.as_bytes() else {
        return None;
    };
    if ![h1, h2, m1, m2].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let digit = |d: u8| u16::from(d - b'0');
    let (hour, minute) = (digit(h1) * 10 + digit(h2), digit(m1) * 10 + digit(m2));
    match (hour, minute) {
        (24, 0) if end_of_day => Some(1440),
        (0..=23, 0..=59) => Some(hour * 60 + minute),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_edit_policies() {
        for role in Role::ALL {
            assert_eq!(
                edits_policies(*role),
                matches!(role, Role::OrgAdmin | Role::SuperAdmin),
                "{role}"
            );
        }
    }

    #[test]
    fn times_of_day_are_strictly_hh_mm() {
        assert_eq!(minute_of_day("00:00", false), Some(0));
        assert_eq!(minute_of_day("09:30", false), Some(570));
        assert_eq!(minute_of_day("23:59", false), Some(1439));
        assert_eq!(minute_of_day("24:00", true), Some(1440));
        for bad in [
            "24:00",
            "9:30",
            "09:3",
            "09.30",
            "0930",
            "24:01",
            "12:60",
            "-1:00",
            " 9:30",
            "09:30 ",
            "",
            "٠٩:٣٠",
        ] {
            assert_eq!(minute_of_day(bad, false), None, "{bad}");
        }
        assert_eq!(minute_of_day("24:01", true), None);
    }
}
