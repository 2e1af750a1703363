//! A ticket's SLA clocks as data: what starts, stops and pauses them ([`SlaEvent`]), and what
//! they make of a policy ([`SlaState::view`], due times, breaches). The state holds no
//! minutes: due times come from the policy each time they are asked for, so a priority or
//! policy change recomputes them from the same starts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::Calendar;
use crate::sla::{SlaBreach, SlaKind, SlaPolicy, TicketSla};

/// What happened to a ticket, as far as its clocks care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlaEvent {
    /// The ticket was opened: the first-response and resolution clocks start.
    Created,
    /// An agent posted a public reply: the first one stops the first-response clock, any
    /// stops a running next-response clock. An internal note is no reply: for a note the
    /// caller sends no event at all.
    AgentReplied,
    /// The customer (a non-agent) posted: after an agent has replied, this starts the
    /// next-response clock unless one is already running.
    CustomerMessaged,
    /// The ticket's status became `PENDING_USER`: every clock pauses.
    Paused,
    /// The ticket's status left `PENDING_USER`: the paused open time is added back.
    Resumed,
    /// The ticket was resolved: every clock stops, and a pause ends.
    Resolved,
    /// A resolved ticket was reopened: a fresh resolution clock starts.
    Reopened,
}

/// A clock that is running (once stopped it is gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunningClock {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Open minutes it spent paused, added to its due time.
    #[serde(default)]
    pub paused_minutes: i64,
    /// Whether its breach has been recorded (its due time then stays where it was missed).
    #[serde(default)]
    pub breached: bool,
}

impl RunningClock {
    fn start(at: DateTime<Utc>) -> Self {
        Self {
            started_at: at,
            paused_minutes: 0,
            breached: false,
        }
    }
}

/// A ticket's SLA clocks, kept by the server as JSON beside the ticket. Change it only
/// through [`SlaState::apply`] (or [`SlaState::step`]) and [`SlaState::record_breaches`].
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaState {
    /// When the ticket was created (`None`: no event yet, and nothing but `Created` counts).
    pub created_at: Option<DateTime<Utc>>,
    /// Until the first public agent reply.
    pub first_response: Option<RunningClock>,
    /// While a customer waits for the next public agent reply.
    pub next_response: Option<RunningClock>,
    /// Until resolution.
    pub resolution: Option<RunningClock>,
    /// When the first public agent reply was sent.
    pub first_responded_at: Option<DateTime<Utc>>,
    /// Since when the ticket has been `PENDING_USER`.
    pub paused_since: Option<DateTime<Utc>>,
    /// Every missed due time, oldest first.
    #[serde(default)]
    pub breaches: Vec<SlaBreach>,
}

impl SlaState {
    /// The running clock of `kind`.
    pub fn clock(&self, kind: SlaKind) -> Option<&RunningClock> {
        match kind {
            SlaKind::FirstResponse => self.first_response.as_ref(),
            SlaKind::NextResponse => self.next_response.as_ref(),
            SlaKind::Resolution => self.resolution.as_ref(),
        }
    }

    fn clock_mut(&mut self, kind: SlaKind) -> Option<&mut RunningClock> {
        match kind {
            SlaKind::FirstResponse => self.first_response.as_mut(),
            SlaKind::NextResponse => self.next_response.as_mut(),
            SlaKind::Resolution => self.resolution.as_mut(),
        }
    }

    /// Whether the ticket is resolved (created, and its resolution clock stopped).
    pub fn is_resolved(&self) -> bool {
        self.created_at.is_some() && self.resolution.is_none()
    }

    /// Whether the clocks are paused.
    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    /// Applies `event`, which happened at `at`. An event that means nothing in the current
    /// state (a reply before creation, a second `Created`, `Resumed` without a pause,
    /// `Reopened` while open, anything but `AgentReplied` once resolved) changes nothing.
    ///
    /// A pause pushes every running clock's due time back, so a due time that passed just
    /// before the pause must be recorded first: [`SlaState::step`] does both.
    pub fn apply(&mut self, event: SlaEvent, at: DateTime<Utc>, calendar: &Calendar) {
        if self.created_at.is_none() {
            if event == SlaEvent::Created {
                self.created_at = Some(at);
                self.first_response = Some(RunningClock::start(at));
                self.resolution = Some(RunningClock::start(at));
            }
            return;
        }
        let resolved = self.is_resolved();
        match event {
            SlaEvent::Created => {}
            SlaEvent::AgentReplied => {
                // The first reply is a fact even on a ticket resolved without one.
                if self.first_responded_at.is_none() {
                    self.first_responded_at = Some(at);
                    self.first_response = None;
                }
                self.next_response = None;
            }
            SlaEvent::CustomerMessaged => {
                if !resolved && self.first_responded_at.is_some() && self.next_response.is_none() {
                    self.next_response = Some(RunningClock::start(at));
                }
            }
            SlaEvent::Paused => {
                if !resolved && self.paused_since.is_none() {
                    self.paused_since = Some(at);
                }
            }
            SlaEvent::Resumed => self.resume(at, calendar),
            SlaEvent::Resolved => {
                if !resolved {
                    self.first_response = None;
                    self.next_response = None;
                    self.resolution = None;
                    self.paused_since = None;
                }
            }
            SlaEvent::Reopened => {
                if resolved {
                    self.resolution = Some(RunningClock::start(at));
                }
            }
        }
    }

    /// Ends a pause at `at`: each running clock not yet breached gets the open time it
    /// spent paused (from its start, if it started during the pause).
    fn resume(&mut self, at: DateTime<Utc>, calendar: &Calendar) {
        let Some(since) = self.paused_since.take() else {
            return;
        };
        for kind in SlaKind::ALL {
            if let Some(clock) = self.clock_mut(*kind).filter(|c| !c.breached) {
                let from = since.max(clock.started_at);
                clock.paused_minutes = clock
                    .paused_minutes
                    .saturating_add(calendar.minutes_between(from, at));
            }
        }
    }

    /// Records the breaches due by `at`, then applies `event`: what the server does for
    /// each event, returning the breaches it recorded.
    pub fn step(
        &mut self,
        event: SlaEvent,
        at: DateTime<Utc>,
        policy: Option<&SlaPolicy>,
        calendar: &Calendar,
    ) -> Vec<SlaBreach> {
        let breaches = self.record_breaches(policy, calendar, at);
        self.apply(event, at, calendar);
        breaches
    }

    /// The due time of the running clock of `kind` under `policy`, breached or not.
    pub fn due(
        &self,
        kind: SlaKind,
        policy: Option<&SlaPolicy>,
        calendar: &Calendar,
    ) -> Option<DateTime<Utc>> {
        let clock = self.clock(kind)?;
        let minutes = policy?.minutes(kind)?;
        Some(calendar.add_minutes(
            clock.started_at,
            i64::from(minutes).saturating_add(clock.paused_minutes),
        ))
    }

    /// The ticket's SLA as its `sla` field shows it under `policy` (whose business hours
    /// `calendar` is). While paused the due times are those the pause began with; they
    /// move on by the paused time when it ends.
    pub fn view(&self, policy: Option<&SlaPolicy>, calendar: &Calendar) -> TicketSla {
        TicketSla {
            first_response_due_at: self.due(SlaKind::FirstResponse, policy, calendar),
            first_responded_at: self.first_responded_at,
            next_response_due_at: self.due(SlaKind::NextResponse, policy, calendar),
            resolution_due_at: self.due(SlaKind::Resolution, policy, calendar),
            breaches: self.breaches.clone(),
        }
    }

    /// The soonest open due time, breached ones included (they sort first in `?sort=due`);
    /// `None` while paused, or when no clock with minutes runs.
    pub fn next_due(
        &self,
        policy: Option<&SlaPolicy>,
        calendar: &Calendar,
    ) -> Option<DateTime<Utc>> {
        if self.is_paused() {
            return None;
        }
        SlaKind::ALL
            .iter()
            .filter_map(|kind| self.due(*kind, policy, calendar))
            .min()
    }

    /// When [`SlaState::record_breaches`] will next find something: the soonest due time
    /// not yet recorded as missed (while paused, only one missed before the pause began).
    /// A breach task may wait for it.
    pub fn next_breach(
        &self,
        policy: Option<&SlaPolicy>,
        calendar: &Calendar,
    ) -> Option<DateTime<Utc>> {
        SlaKind::ALL
            .iter()
            .filter(|kind| self.clock(**kind).is_some_and(|c| !c.breached))
            .filter_map(|kind| self.due(*kind, policy, calendar))
            .filter(|due| self.paused_since.is_none_or(|since| *due <= since))
            .min()
    }

    /// Records each running clock's breach once its due time is at or before `now` (while
    /// paused, only a due time that passed before the pause began: a paused clock does
    /// not breach). Returns the breaches recorded by this call; a second call records none.
    pub fn record_breaches(
        &mut self,
        policy: Option<&SlaPolicy>,
        calendar: &Calendar,
        now: DateTime<Utc>,
    ) -> Vec<SlaBreach> {
        let limit = self.paused_since.map_or(now, |since| since.min(now));
        let mut recorded = Vec::new();
        for kind in SlaKind::ALL {
            if self.clock(*kind).is_none_or(|c| c.breached) {
                continue;
            }
            let Some(due) = self
                .due(*kind, policy, calendar)
                .filter(|due| *due <= limit)
            else {
                continue;
            };
            if let Some(clock) = self.clock_mut(*kind) {
                clock.breached = true;
            }
            recorded.push(SlaBreach {
                kind: *kind,
                due_at: due,
                at: now,
            });
        }
        self.breaches.extend(recorded.iter().cloned());
        recorded
    }
}
