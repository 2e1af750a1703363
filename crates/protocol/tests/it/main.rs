//! The protocol crate's tests, one binary.
//!
//! - `fixtures`: each REST body and event payload, in the exact shape of PLATFORM.md, parses
//!   and serializes back to the same JSON.
//! - `decoding`: bad input is rejected with an error naming the field.
//! - `enums`: every enum's wire names, both ways.
//! - `roles`: the role table of PLATFORM.md, row by row.
//! - `validation`: the input rules (lengths, ranges, required fields).
//! - `sla`: SLA policies and a ticket's `sla` on the wire, and the rules a policy follows.
//! - `sla_clock`: the SLA clock: business-hours arithmetic (daylight-saving changes
//!   included, and a property against itself) and the table of event sequences.
//! - `actions`: each channel action's permission keys, and its IPC and outbox shapes.
//! - `viewer`: what a signed-in user sees and is offered.
//! - `tenant_choice`: the tenants a login offers, written and read back.
//! - `props_codec`: property tests of the Socket.IO codec (round trip, no panic on any text).
//! - `props_decoders`: property tests of every request body, query and client event payload.
//! - `near`: JSON equality up to a float's last bits, for values read twice.
//! - `strategies`: the generators those property tests draw from.

mod actions;
mod decoding;
mod enums;
mod fixtures;
mod near;
mod props_codec;
mod props_decoders;
mod roles;
mod sla;
mod sla_clock;
mod strategies;
mod tenant_choice;
mod validation;
mod viewer;
