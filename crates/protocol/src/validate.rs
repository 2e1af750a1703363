//! The input rules of PLATFORM.md, checked the same way by the platform and the console.
//!
//! Decoding (see [`crate::json`]) catches wrong shapes and types; [`Validate`] catches values
//! that decode but break a rule (an empty subject, a page of 500).

use chrono_tz::Tz;

use crate::canned;
use crate::enums::ChannelType;
use crate::error::FieldError;
use crate::events::SendMessagePayload;
use crate::rest::{
    ChannelListQuery, CreateChannelRequest, EscalateRequest, LoginRequest, MarkReadRequest,
    MessagesQuery, ResolveRequest, SendMessageRequest, SyncQuery, UpdateTicketRequest,
};
use crate::sla::{self, BusinessHours, PutSlaPolicyRequest};
use crate::sla_clock::{Interval, OpeningHours};

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
/// The largest sync batch.
pub const SYNC_BATCH_MAX: u32 = 1_000;

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

/// Reads business hours by their rules: a known IANA zone; at least one interval (hours
/// with no open time would never let a clock run), at most
/// [`sla::BUSINESS_INTERVALS_MAX`]; each on an ISO weekday 1..=7, from a strict `HH:MM`
/// start to a later `HH:MM` end (`24:00` ends the day, so no interval spans midnight); the
/// intervals of one weekday apart (touching is fine). What passes is the calendar's input.
pub(crate) fn opening_hours(hours: &BusinessHours) -> Result<OpeningHours, Vec<FieldError>> {
    let mut problems = Problems::default();
    let zone = hours.time_zone.parse::<Tz>().ok();
    if zone.is_none() {
        problems.add(
            "timeZone",
            "must be an IANA time zone name, such as Europe/Berlin or America/New_York",
        );
    }
    if hours.days.is_empty() {
        problems.add(
            "days",
            "must list at least one open interval: business hours with no open time would never let an SLA clock run",
        );
    } else if hours.days.len() > sla::BUSINESS_INTERVALS_MAX {
        problems.add(
            "days",
            format!(
                "must list at most {} open intervals",
                sla::BUSINESS_INTERVALS_MAX
            ),
        );
    }
    // Each weekday's intervals with their place in `days`, to name the one that overlaps.
    let mut week: [Vec<(Interval, usize)>; 7] = Default::default();
    for (i, day) in hours.days.iter().enumerate() {
        let slot = usize::from(day.weekday)
            .checked_sub(1)
            .and_then(|index| week.get_mut(index));
        if slot.is_none() {
            problems.add(
                &format!("days[{i}].weekday"),
                "must be an ISO weekday from 1 (Monday) to 7 (Sunday)",
            );
        }
        let start = sla::minute_of_day(&day.start, false);
        if start.is_none() {
            problems.add(
                &format!("days[{i}].start"),
                "must be a time of day HH:MM from 00:00 to 23:59",
            );
        }
        let end = sla::minute_of_day(&day.end, true);
        if end.is_none() {
            problems.add(
                &format!("days[{i}].end"),
                "must be a time of day HH:MM from 00:00 to 23:59, or 24:00 for the end of the day",
            );
        }
        let (Some(start), Some(end)) = (start, end) else {
            continue;
        };
        if start >= end {
            problems.add(
                &format!("days[{i}].end"),
                "must be after start (an interval cannot span midnight: end it at 24:00 and \
                 start the next day's at 00:00)",
            );
        } else if let Some(slot) = slot {
            slot.push((Interval { start, end }, i));
        }
    }
    for intervals in &mut week {
        intervals.sort();
        // The interval reaching furthest so far, which a later start must not fall before.
        let mut furthest: Option<(u16, usize)> = None;
        for (interval, i) in intervals.iter() {
            if let Some((end, j)) = furthest.filter(|(end, _)| interval.start < *end) {
                problems.add(
                    &format!("days[{i}].start"),
                    format!(
                        "overlaps days[{j}] (until {}), on the same weekday",
                        clock(end)
                    ),
                );
            }
            if furthest.is_none_or(|(end, _)| interval.end > end) {
                furthest = Some((interval.end, *i));
            }
        }
    }
    match zone {
        Some(zone) if problems.0.is_empty() => Ok(OpeningHours {
            zone,
            week: week.map(|intervals| {
                intervals
                    .into_iter()
                    .map(|(interval, _)| interval)
                    .collect()
            }),
        }),
        _ => Err(problems.0),
    }
}

/// A minute of the day as `HH:MM`.
fn clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}
