//! The protocol crate's tests, one binary.
//!
//! - `fixtures`: each REST body and event payload, in the exact shape of PLATFORM.md, parses
//!   and serializes back to the same JSON.
//! - `decoding`: bad input is rejected with an error naming the field.
//! - `enums`: every enum's wire names, both ways.
//! - `roles`: the role table of PLATFORM.md, row by row.
//! - `validation`: the input rules (lengths, ranges, required fields).
//! - `actions`: each channel action's permission keys, and its IPC and outbox shapes.
//! - `viewer`: what a signed-in user sees and is offered.
//! - `tenant_choice`: the tenants a login offers, written and read back.

mod actions;
mod decoding;
mod enums;
mod fixtures;
mod roles;
mod tenant_choice;
mod validation;
mod viewer;
