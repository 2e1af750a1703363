//! The wire contract between the Switchboard console and the platform.
//!
//! Every type that crosses a wire lives here: the models (`Channel`, `Message`, …), the enums
//! with their exact upper-case wire names, each REST request and response body, each
//! Socket.IO event payload, the error body, and the role → permission table. The crate does
//! no I/O and compiles to `wasm32-unknown-unknown`, because the UI speaks it too; the
//! OpenAPI schemas of its types sit behind the `openapi` feature, for the server.
//!
//! The contract itself is written in `shared/spec/PLATFORM.md`; this crate is its code.
//!
//! - [`ids`]: typed UUID identifiers.
//! - [`enums`]: channel, ticket, sender and participant enums.
//! - [`audience`]: who may read a message (agents only, or everyone).
//! - [`canned`]: canned responses (saved replies) and their rules.
//! - [`sla`]: SLA policies, a ticket's due times and breaches, the queue's `?sla=` filter.
//! - [`sla_clock`]: the SLA clock the server and the console share: business-hours
//!   arithmetic and a ticket's clocks as events over a state.
//! - [`roles`]: roles, permissions, visibility, and which role may do which action.
//! - [`action`]: the one vocabulary of actions on a channel (IPC, outbox, wire), and the
//!   permission keys each needs.
//! - [`viewer`]: a signed-in user's sight and offered actions, by the role tables.
//! - [`tenant_choice`]: the tenants a login of a user of several is offered, and how the
//!   refusal lists them.
//! - [`model`]: the resources (`Channel`, `Message`, `Participant`, `Ticket`, users, tenants).
//! - [`endpoints`]: every REST endpoint described once: method, path, types, access.
//! - [`rest`]: REST request bodies, queries and responses.
//! - [`events`]: Socket.IO event names and payloads.
//! - [`client_events`]: every event a client may send, listed once.
//! - [`socketio`]: the Socket.IO / Engine.IO frame codec clients speak over a WebSocket.
//! - [`error`]: the error body shared by REST answers, acks and IPC.
//! - [`problem`]: a console failure as a person reads it, and a spell offline.
//! - [`validate`]: the input rules both ends enforce (lengths, ranges, required fields).
//! - [`json`]: decoding that names the offending field.
//! - [`secret`]: a string that never prints.
//! - [`queue`]: the console's ticket queue: its view, slim rows and windows.
//! - [`ipc`]: what the desktop shell and its UI say to each other.
//! - [`console`]: the console's own vocabulary (changes, outbox items, search hits), shared
//!   by its engine, shell and UI.

#[macro_use]
mod macros;

pub mod action;
pub mod audience;
pub mod canned;
pub mod client_events;
pub mod console;
pub mod endpoints;
pub mod enums;
pub mod error;
pub mod events;
pub mod ids;
pub mod ipc;
pub mod json;
pub mod model;
pub mod presence;
pub mod problem;
pub mod queue;
pub mod rest;
pub mod roles;
pub mod secret;
pub mod sla;
pub mod sla_clock;
pub mod socketio;
pub mod tenant_choice;
pub mod validate;
pub mod viewer;

pub use action::ChannelAction;
pub use audience::Audience;
pub use enums::{
    ChannelStatus, ChannelType, ParticipantRole, Role, SenderType, TicketCategory, TicketPriority,
    TicketStatus, UnknownVariant,
};
pub use error::{CodedError, ErrorBody, ErrorCode, FieldError};
pub use ids::{CannedResponseId, ChannelId, MessageId, TenantId, TicketId, UserId};
pub use model::{Channel, Message, Participant, Tenant, TenantMembership, Ticket, UserSummary};
pub use roles::{ChatAction, Permission, Visibility, VisibilityScope};
pub use secret::Secret;
pub use sla::{
    BusinessDay, BusinessHours, PutSlaPolicyRequest, SlaBreach, SlaFilter, SlaKind, SlaPolicy,
    TicketSla,
};
pub use sla_clock::{Calendar, SlaEvent, SlaState};
pub use tenant_choice::TenantChoice;
pub use viewer::Viewer;
