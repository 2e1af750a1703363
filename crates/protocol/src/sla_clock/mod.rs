//! The SLA clock, the one implementation the server keeps tickets' `sla` with and the console
//! counts down with: business-hours arithmetic ([`Calendar`]) and a ticket's clocks as a
//! state changed by events ([`SlaState`], [`SlaEvent`]).
//!
//! Sans I/O: the caller says what happened and when, and which policy is in force. A due
//! time is its clock's start plus the policy's minutes plus the time it spent paused,
//! counted in open time of the policy's business hours; so the state keeps starts and
//! paused minutes, never due times, and a priority or policy change recomputes.
//!
//! The server, for each ticket: keep an [`SlaState`] beside it; on each event call
//! [`SlaState::step`] (records what fell due, then applies the event); store
//! [`SlaState::next_due`] for `?sort=due` and `?sla=`; show [`SlaState::view`] as
//! `Ticket.sla`; let a breach task call [`SlaState::record_breaches`] once
//! [`SlaState::next_breach`] has passed. `cases()` is the table of event sequences and
//! their expected `sla` that both this crate and the server's store are tested against.

mod calendar;
mod cases;
mod hours;
mod state;

pub use calendar::{Calendar, InvalidBusinessHours};
#[doc(hidden)]
pub use cases::{cases, SlaCase};
pub use state::{RunningClock, SlaEvent, SlaState};

pub(crate) use hours::opening_hours;
