//! The input rules of PLATFORM.md, checked the same way by the platform and the console.
//!
//! Decoding (see [`crate::json`]) catches wrong shapes and types; [`Validate`] catches values
//! that decode but break a rule (an empty subject, a page of 500).

use crate::canned;
use crate::enums::ChannelType;
use crate::error::FieldError;
use crate::events::SendMessagePayload;
use crate::rest::{
    ChannelListQuery, CreateChannelRequest, EscalateRequest, LoginRequest, MarkReadRequest,
    MessagesQuery, ResolveRequest, SendMessageRequest, SyncQuery, UpdateTicketRequest,
};
use crate::sla::{self, BusinessHours, PutSlaPolicyRequest};
use crate::sla_clock::opening_hours;

/// Message content, in characters after trimming.
pub const CONTENT_MAX_CHARS: usize = 10_000;
/// A ticket's subject, in characters after trimming.
pub const SUBJECT_MAX_CHARS: usize = 200;
/// An escalation's reason, in characters after trimming.
pub const REASON_MAX_CHARS: usize = 2_000;
/// A resolution, in characters after trimming.
pub const RESOLUTION_MAX_CHARS: usize = 10_000;
/// A client message id, in characters.
pub const CLIENT_MESSAGE_ID_MAX_CHARS: usize = 128;
/// A context id, in characters.
pub const CONTEXT_ID_MAX_CHARS: usize = 200;
/// A free-text search, in characters.
pub const QUERY_MAX_CHARS: usize = 200;
/// The most participants named when opening a channel.
pub const PARTICIPANTS_MAX: usize = 100;
/// The largest page of a list.
pub const PAGE_MAX: u32 = 200;
/// The page size when none is asked for.
pub const PAGE_DEFAULT: u32 = 50;
/// The largest sync batch, in changes (about 2 MB of JSON when each is one message).
pub const SYNC_BATCH_MAX: u32 = 5_000;

/// What a text field holding NUL is told.
const NUL: &str = "must not contain the NUL character (\\u0000)";

/// A value that can be checked against the contract's rules.
pub trait Validate {
    /// `Ok` when every rule holds; otherwise every broken rule, one per field.
    fn validate(&self) -> Result<(), Vec<FieldError>>;
}

/// Collects field errors.
#[derive(Debug, Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Text that must hold 1..=max characters once trimmed, and no NUL (which PostgreSQL
    /// cannot store, so both databases refuse it alike).
    fn text(&mut self, field: &str, value: &str, max: usize) {
        let length = value.trim().chars().count();
        if value.contains('\0') {
            self.add(field, NUL);
        } else if length == 0 {
            self.add(field, "must not be empty");
        } else if length > max {
            self.add(field, format!("must be at most {max} characters"));
        }
    }

    fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.text(field, value, max);
        }
    }

    /// Text of at most `max` characters (empty allowed) without NUL.
    fn plain(&mut self, field: &str, value: Option<&str>, max: usize) {
        let Some(value) = value else {
            return;
        };
        if value.contains('\0') {
            self.add(field, NUL);
        } else if value.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        }
    }

    /// A canned response's short code.
    fn short_code(&mut self, code: &str) {
        if !canned::is_short_code(code) {
            self.add(
                "shortCode",
                format!(
                    "must be 1 to {} of a-z, 0-9, _ and -",
                    canned::SHORT_CODE_MAX_CHARS
                ),
            );
        }
    }

    fn limit(&mut self, field: &str, value: Option<u32>, max: u32) {
        if let Some(value) = value {
            if value == 0 || value > max {
                self.add(field, format!("must be between 1 and {max}"));
            }
        }
    }

    /// An SLA time: 1 minute to a year.
    fn sla_minutes(&mut self, field: &str, value: Option<u32>) {
        if value.is_some_and(|v| v == 0 || v > sla::SLA_MINUTES_MAX) {
            self.add(
                field,
                format!(
                    "must be between 1 and {} minutes (a year)",
                    sla::SLA_MINUTES_MAX
                ),
            );
        }
    }

    /// The problems of a part of the input, their fields put under `prefix`.
    fn nested(&mut self, prefix: &str, fields: Vec<FieldError>) {
        self.0.extend(
            fields
                .into_iter()
                .map(|f| FieldError::new(format!("{prefix}.{}", f.field), f.message)),
        );
    }

    fn metadata(&mut self, value: Option<&serde_json::Value>) {
        if value.is_some_and(|v| !v.is_object() && !v.is_null()) {
            self.add("metadata", "must be a JSON object");
        }
    }

    fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

impl Validate for LoginRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        if !self.email.contains('@')
            || self.email.trim().len() != self.email.len()
            || self.email.contains('\0')
        {
            problems.add("email", "must be an email address");
        }
        if self.password.expose().is_empty() {
            problems.add("password", "must not be empty");
        }
        problems.finish()
    }
}

impl Validate for CreateChannelRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        match (&self.subject, self.channel_type) {
            (None, ChannelType::Support) => {
                problems.add("subject", "is required for a SUPPORT channel")
            }
            (subject, _) => {
                problems.optional_text("subject", subject.as_deref(), SUBJECT_MAX_CHARS)
            }
        }
        if !self.channel_type.has_ticket() {
            if self.category.is_some() {
                problems.add("category", "only a SUPPORT channel has a ticket category");
            }
            if self.priority.is_some() {
                problems.add("priority", "only a SUPPORT channel has a ticket priority");
            }
        }
        if let Some(ids) = &self.participant_ids {
            if ids.len() > PARTICIPANTS_MAX {
                problems.add(
                    "participantIds",
                    format!("must name at most {PARTICIPANTS_MAX} users"),
                );
            }
        }
        problems.optional_text(
            "contextId",
            self.context_id.as_deref(),
            CONTEXT_ID_MAX_CHARS,
        );
        problems.optional_text(
            "initialMessage",
            self.initial_message.as_deref(),
            CONTENT_MAX_CHARS,
        );
        problems.finish()
    }
}

fn message_problems(
    content: &str,
    metadata: Option<&serde_json::Value>,
    client_message_id: Option<&str>,
) -> Problems {
    let mut problems = Problems::default();
    problems.text("content", content, CONTENT_MAX_CHARS);
    problems.metadata(metadata);
    if let Some(id) = client_message_id {
        if id.contains('\0') {
            problems.add("clientMessageId", NUL);
        } else if id.is_empty() || id.chars().count() > CLIENT_MESSAGE_ID_MAX_CHARS {
            problems.add(
                "clientMessageId",
                format!("must be 1 to {CLIENT_MESSAGE_ID_MAX_CHARS} characters"),
            );
        }
    }
    problems
}

impl Validate for SendMessageRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        message_problems(
            &self.content,
            self.metadata.as_ref(),
            self.client_message_id.as_deref(),
        )
        .finish()
    }
}

impl Validate for SendMessagePayload {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        message_problems(
            &self.content,
            self.metadata.as_ref(),
            self.client_message_id.as_deref(),
        )
        .finish()
    }
}

impl Validate for MarkReadRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        if self.seq < 0 {
            problems.add("seq", "must not be negative");
        }
        problems.finish()
    }
}

impl Validate for crate::events::ReadMarker {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        if self.seq < 0 {
            problems.add("seq", "must not be negative");
        }
        problems.finish()
    }
}

impl Validate for EscalateRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.text("reason", &self.reason, REASON_MAX_CHARS);
        problems.finish()
    }
}

impl Validate for ResolveRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.optional_text(
            "resolution",
            self.resolution.as_deref(),
            RESOLUTION_MAX_CHARS,
        );
        problems.finish()
    }
}

impl Validate for UpdateTicketRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        if self.status.is_none() && self.priority.is_none() && self.category.is_none() {
            problems.add("body", "name at least one of status, priority, category");
        }
        problems.finish()
    }
}

impl Validate for ChannelListQuery {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.limit("limit", self.limit, PAGE_MAX);
        problems.optional_text("q", self.q.as_deref(), QUERY_MAX_CHARS);
        problems.finish()
    }
}

impl Validate for MessagesQuery {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.limit("limit", self.limit, PAGE_MAX);
        if self.before.is_some() && self.after.is_some() {
            problems.add("before", "give either before or after, not both");
        }
        problems.finish()
    }
}

/// Bodies whose every rule is in their shape.
macro_rules! valid_by_shape {
    ($($ty:ty),+) => {
        $(impl Validate for $ty {
            fn validate(&self) -> Result<(), Vec<FieldError>> {
                Ok(())
            }
        })+
    };
}

impl Validate for crate::canned::CreateCannedResponseRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.short_code(&self.short_code);
        problems.text("title", &self.title, canned::TITLE_MAX_CHARS);
        problems.text("content", &self.content, canned::CONTENT_MAX_CHARS);
        problems.finish()
    }
}

impl Validate for crate::canned::UpdateCannedResponseRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        if self.short_code.is_none() && self.title.is_none() && self.content.is_none() {
            problems.add("body", "name at least one of shortCode, title, content");
        }
        if let Some(code) = &self.short_code {
            problems.short_code(code);
        }
        problems.optional_text("title", self.title.as_deref(), canned::TITLE_MAX_CHARS);
        problems.optional_text(
            "content",
            self.content.as_deref(),
            canned::CONTENT_MAX_CHARS,
        );
        problems.finish()
    }
}

impl Validate for crate::canned::CannedResponseQuery {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.plain("q", self.q.as_deref(), QUERY_MAX_CHARS);
        problems.finish()
    }
}

valid_by_shape!(
    crate::rest::RefreshRequest,
    crate::rest::LogoutRequest,
    crate::rest::AssignRequest,
    crate::events::ChannelRef
);

impl Validate for crate::rest::UserListQuery {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.plain("q", self.q.as_deref(), QUERY_MAX_CHARS);
        problems.finish()
    }
}

impl Validate for SyncQuery {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.limit("limit", self.limit, SYNC_BATCH_MAX);
        problems.finish()
    }
}

impl Validate for PutSlaPolicyRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.sla_minutes("firstResponseMinutes", self.first_response_minutes);
        problems.sla_minutes("nextResponseMinutes", self.next_response_minutes);
        problems.sla_minutes("resolutionMinutes", self.resolution_minutes);
        if let Some(Err(fields)) = self.business_hours.as_ref().map(opening_hours) {
            problems.nested("businessHours", fields);
        }
        problems.finish()
    }
}

/// Fields are named from the business hours (`timeZone`, `days[0].end`).
impl Validate for BusinessHours {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        opening_hours(self).map(drop)
    }
}
