//! The SLA settings' form as data: a policy's text fields and day list, turned into the
//! `PutSlaPolicyRequest` the platform takes and checked by protocol's rules (the ones the
//! platform enforces), with every problem named by the field the platform would name;
//! and the profile's "warn N minutes before a breach".

use protocol::error::{CodedError, ErrorCode, FieldError};
use protocol::sla::{BusinessDay, BusinessHours, PutSlaPolicyRequest, SlaPolicy, SLA_MINUTES_MAX};
use protocol::validate::Validate;

/// The longest warning before a breach the settings take, in minutes: a day.
pub const WARNING_MINUTES_MAX: u32 = 1_440;

/// The field names of a policy's three times, as the platform names them.
pub const FIRST_RESPONSE: &str = "firstResponseMinutes";
/// See [`FIRST_RESPONSE`].
pub const NEXT_RESPONSE: &str = "nextResponseMinutes";
/// See [`FIRST_RESPONSE`].
pub const RESOLUTION: &str = "resolutionMinutes";
/// The business hours' time zone, as the platform names it.
pub const TIME_ZONE: &str = "businessHours.timeZone";
/// The business hours' list of days, as the platform names it.
pub const DAYS: &str = "businessHours.days";

/// The weekdays' short names, Monday (ISO 1) first.
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// ISO weekday `weekday`'s short name (`1` → `Mon`), or `?` outside 1..=7.
pub fn weekday_name(weekday: u8) -> &'static str {
    usize::from(weekday)
        .checked_sub(1)
        .and_then(|i| WEEKDAYS.get(i))
        .copied()
        .unwrap_or("?")
}

/// The field name of one part of day `index` (`start`, `end`, `weekday`).
pub fn day_field(index: usize, part: &str) -> String {
    format!("{DAYS}[{index}].{part}")
}

/// One priority's policy as the form holds it: text as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyForm {
    /// Minutes to the first response (empty: no such clock).
    pub first_response: String,
    /// Minutes to the next response (empty: no such clock).
    pub next_response: String,
    /// Minutes to resolution (empty: no such clock).
    pub resolution: String,
    /// Whether the clocks run in business hours only (else around the clock).
    pub business_hours: bool,
    /// The business hours' IANA time zone.
    pub time_zone: String,
    /// The open intervals.
    pub days: Vec<BusinessDay>,
}

/// One change a person makes to a [`PolicyForm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// The first response's minutes, as typed.
    FirstResponse(String),
    /// The next response's minutes, as typed.
    NextResponse(String),
    /// Resolution's minutes, as typed.
    Resolution(String),
    /// Business hours on (from this time zone, when none is set yet) or off.
    BusinessHours(bool, String),
    /// The time zone, as typed.
    TimeZone(String),
    /// Another interval ([`PolicyForm::add_day`]).
    AddDay,
    /// Interval `.0` goes.
    RemoveDay(usize),
    /// Interval `.0`'s weekday, from the weekday list (`1`…`7`).
    Weekday(usize, String),
    /// Interval `.0`'s start.
    Start(usize, String),
    /// Interval `.0`'s end.
    End(usize, String),
    /// The whole form anew (the policy as the platform saved it).
    Reset(PolicyForm),
}

fn minutes_text(minutes: Option<u32>) -> String {
    minutes.map(|m| m.to_string()).unwrap_or_default()
}

impl PolicyForm {
    /// The form showing `policy` (none: no clocks, around the clock).
    pub fn of(policy: Option<&SlaPolicy>) -> Self {
        let Some(policy) = policy else {
            return Self::default();
        };
        let hours = policy.business_hours.as_ref();
        Self {
            first_response: minutes_text(policy.first_response_minutes),
            next_response: minutes_text(policy.next_response_minutes),
            resolution: minutes_text(policy.resolution_minutes),
            business_hours: hours.is_some(),
            time_zone: hours.map(|h| h.time_zone.clone()).unwrap_or_default(),
            days: hours.map(|h| h.days.clone()).unwrap_or_default(),
        }
    }

    /// Applies one change.
    pub fn apply(&mut self, edit: Edit) {
        match edit {
            Edit::FirstResponse(text) => self.first_response = text,
            Edit::NextResponse(text) => self.next_response = text,
            Edit::Resolution(text) => self.resolution = text,
            Edit::BusinessHours(true, zone) => self.enable_business_hours(&zone),
            Edit::BusinessHours(false, _) => self.business_hours = false,
            Edit::TimeZone(text) => self.time_zone = text,
            Edit::AddDay => self.add_day(),
            Edit::RemoveDay(index) => self.remove_day(index),
            Edit::Weekday(index, text) => self.set_weekday(index, &text),
            Edit::Start(index, text) => self.set_start(index, &text),
            Edit::End(index, text) => self.set_end(index, &text),
            Edit::Reset(form) => *self = form,
        }
    }

    /// Turns business hours on, starting from `time_zone` (the computer's, say) and Monday
    /// to Friday, 09:00–17:00, when nothing was set before.
    pub fn enable_business_hours(&mut self, time_zone: &str) {
        self.business_hours = true;
        if self.time_zone.trim().is_empty() {
            time_zone.clone_into(&mut self.time_zone);
        }
        if self.days.is_empty() {
            self.days = (1..=5)
                .map(|weekday| day(weekday, "09:00", "17:00"))
                .collect();
        }
    }

    /// Adds an interval: the weekday after the last one's, with its hours (Monday
    /// 09:00–17:00 when there is none).
    pub fn add_day(&mut self) {
        let next = match self.days.last() {
            Some(last) => day(last.weekday % 7 + 1, &last.start, &last.end),
            None => day(1, "09:00", "17:00"),
        };
        self.days.push(next);
    }

    /// Removes interval `index` (nothing when there is none).
    pub fn remove_day(&mut self, index: usize) {
        if index < self.days.len() {
            self.days.remove(index);
        }
    }

    /// Changes interval `index`'s weekday (text from the weekday list: `1`…`7`).
    pub fn set_weekday(&mut self, index: usize, weekday: &str) {
        if let (Some(slot), Ok(weekday)) = (self.days.get_mut(index), weekday.parse()) {
            slot.weekday = weekday;
        }
    }

    /// Changes interval `index`'s start (`HH:MM`).
    pub fn set_start(&mut self, index: usize, start: &str) {
        if let Some(slot) = self.days.get_mut(index) {
            start.trim().clone_into(&mut slot.start);
        }
    }

    /// Changes interval `index`'s end (`HH:MM`).
    pub fn set_end(&mut self, index: usize, end: &str) {
        if let Some(slot) = self.days.get_mut(index) {
            end.trim().clone_into(&mut slot.end);
        }
    }

    /// The request this form describes, or every problem with it, named as the platform
    /// names them: the minutes must be whole numbers, then protocol's rules (the
    /// platform's own) decide the rest.
    pub fn request(&self) -> Result<PutSlaPolicyRequest, Vec<FieldError>> {
        let mut problems = Vec::new();
        let mut minutes = |field: &str, text: &str| {
            parse_minutes(text).unwrap_or_else(|message| {
                problems.push(FieldError::new(field, message));
                None
            })
        };
        let request = PutSlaPolicyRequest {
            first_response_minutes: minutes(FIRST_RESPONSE, &self.first_response),
            next_response_minutes: minutes(NEXT_RESPONSE, &self.next_response),
            resolution_minutes: minutes(RESOLUTION, &self.resolution),
            business_hours: self.business_hours.then(|| BusinessHours {
                time_zone: self.time_zone.trim().to_owned(),
                days: self.days.clone(),
            }),
        };
        if let Err(fields) = request.validate() {
            problems.extend(fields);
        }
        if problems.is_empty() {
            Ok(request)
        } else {
            Err(problems)
        }
    }
}

fn day(weekday: u8, start: &str, end: &str) -> BusinessDay {
    BusinessDay {
        weekday,
        start: start.to_owned(),
        end: end.to_owned(),
    }
}

/// A policy time as typed: empty is none (no such clock); otherwise a whole number of
/// minutes (its range is protocol's rule, checked with the rest).
pub fn parse_minutes(text: &str) -> Result<Option<u32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "must be a whole number of minutes from 1 to {SLA_MINUTES_MAX} (a year), or empty for no clock"
        ));
    }
    // Digits only, so the one failure left is a number too large for any clock.
    Ok(Some(text.parse().unwrap_or(u32::MAX)))
}

/// The warning before a breach as typed: 1 to [`WARNING_MINUTES_MAX`] minutes.
pub fn parse_warning_minutes(text: &str) -> Result<u32, String> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=WARNING_MINUTES_MAX).contains(m))
        .ok_or_else(|| format!("must be a whole number of minutes from 1 to {WARNING_MINUTES_MAX}"))
}

/// `minutes` as a person reads it beside the field: `45 min`, `8 h`, `1 d 2 h 30 min`.
pub fn duration(minutes: u32) -> String {
    let (days, hours, rest) = (minutes / 1_440, minutes % 1_440 / 60, minutes % 60);
    let parts: Vec<String> = [(days, "d"), (hours, "h"), (rest, "min")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if parts.is_empty() {
        "0 min".to_owned()
    } else {
        parts.join(" ")
    }
}

/// The problems a refused save shows: the fields a 400 names; otherwise the form as a
/// whole (`""`), offline and forbidden said in the settings' words.
pub fn problems_of(error: CodedError) -> Vec<FieldError> {
    if let Some(fields) = error.fields.filter(|fields| !fields.is_empty()) {
        return fields;
    }
    let message = match error.code {
        ErrorCode::Offline => {
            "The platform cannot be reached: SLA policies change only online.".to_owned()
        }
        ErrorCode::Forbidden => "Only the organisation's admins change SLA policies.".to_owned(),
        _ => error.message,
    };
    vec![FieldError::new("", message)]
}

#[cfg(test)]
mod tests {
    use protocol::{TenantId, TicketPriority};
    use uuid::Uuid;

    use super::*;

    fn fields(problems: &[FieldError]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    fn saved() -> SlaPolicy {
        SlaPolicy {
            tenant_id: TenantId::from(Uuid::nil()),
            priority: TicketPriority::Urgent,
            first_response_minutes: Some(30),
            next_response_minutes: None,
            resolution_minutes: Some(480),
            business_hours: Some(BusinessHours {
                time_zone: "Europe/Berlin".into(),
                days: vec![day(1, "09:00", "17:30"), day(5, "09:00", "12:00")],
            }),
        }
    }

    #[test]
    fn a_policy_reads_back_into_the_request_it_came_from() {
        let policy = saved();
        let form = PolicyForm::of(Some(&policy));
        assert_eq!(
            (form.first_response.as_str(), form.next_response.as_str()),
            ("30", "")
        );
        assert!(form.business_hours);
        let request = form.request().expect("a valid form");
        assert_eq!(
            request.into_policy(policy.tenant_id, policy.priority),
            policy
        );
    }

    #[test]
    fn no_policy_is_an_empty_form_with_no_clocks() {
        let form = PolicyForm::of(None);
        assert_eq!(form, PolicyForm::default());
        assert_eq!(form.request(), Ok(PutSlaPolicyRequest::default()));
    }

    #[test]
    fn business_hours_turned_off_are_left_out_but_kept_in_the_form() {
        let mut form = PolicyForm::of(Some(&saved()));
        form.business_hours = false;
        let request = form.request().expect("a valid form");
        assert_eq!(request.business_hours, None, "around the clock");
        assert_eq!(form.days.len(), 2, "turning them on again finds them");
    }

    #[test]
    fn minutes_are_whole_numbers_or_empty() {
        assert_eq!(parse_minutes(""), Ok(None));
        assert_eq!(parse_minutes("  "), Ok(None));
        assert_eq!(parse_minutes(" 45 "), Ok(Some(45)));
        for bad in ["-5", "1.5", "30m", "abc", "+3"] {
            assert!(parse_minutes(bad).is_err(), "{bad}");
        }
        // Too large for u32 still reads as a number, which the range rule refuses.
        assert_eq!(parse_minutes("99999999999"), Ok(Some(u32::MAX)));
    }

    #[test]
    fn every_problem_is_named_as_the_platform_names_it() {
        let mut form = PolicyForm::of(Some(&saved()));
        form.first_response = "-5".into();
        form.next_response = "0".into();
        form.resolution = "600000".into();
        form.time_zone = "Mars/Olympus".into();
        form.set_start(1, "9:00");
        form.set_end(0, "08:00");
        let problems = form.request().expect_err("a bad form");
        assert_eq!(
            fields(&problems),
            [
                FIRST_RESPONSE,
                NEXT_RESPONSE,
                RESOLUTION,
                TIME_ZONE,
                "businessHours.days[0].end",
                "businessHours.days[1].start",
            ]
        );
        assert_eq!(day_field(1, "start"), "businessHours.days[1].start");
    }

    #[test]
    fn business_hours_need_a_day() {
        let mut form = PolicyForm {
            business_hours: true,
            time_zone: "UTC".into(),
            ..PolicyForm::default()
        };
        assert_eq!(fields(&form.request().expect_err("no day")), [DAYS]);
        form.add_day();
        assert!(form.request().is_ok());
    }

    #[test]
    fn turning_business_hours_on_starts_from_the_working_week() {
        let mut form = PolicyForm::default();
        form.enable_business_hours("America/New_York");
        assert_eq!(form.time_zone, "America/New_York");
        let weekdays: Vec<u8> = form.days.iter().map(|d| d.weekday).collect();
        assert_eq!(weekdays, [1, 2, 3, 4, 5]);
        assert!(form.request().is_ok());
        // Set ones are kept.
        let mut form = PolicyForm::of(Some(&saved()));
        form.business_hours = false;
        form.enable_business_hours("UTC");
        assert_eq!(form.time_zone, "Europe/Berlin");
        assert_eq!(form.days.len(), 2);
    }

    #[test]
    fn days_are_added_after_the_last_removed_and_edited_in_place() {
        let mut form = PolicyForm::default();
        form.add_day();
        assert_eq!(form.days, [day(1, "09:00", "17:00")]);
        form.set_end(0, " 12:30 ");
        form.add_day();
        assert_eq!(
            form.days[1],
            day(2, "09:00", "12:30"),
            "the next day, same hours"
        );
        form.set_weekday(1, "7");
        form.add_day();
        assert_eq!(form.days[2].weekday, 1, "Sunday wraps to Monday");
        form.set_weekday(2, "not a day");
        assert_eq!(form.days[2].weekday, 1, "a bad choice changes nothing");
        form.remove_day(0);
        form.remove_day(9);
        let weekdays: Vec<u8> = form.days.iter().map(|d| d.weekday).collect();
        assert_eq!(weekdays, [7, 1]);
    }

    #[test]
    fn edits_change_what_they_name() {
        let mut form = PolicyForm::default();
        for edit in [
            Edit::FirstResponse("30".into()),
            Edit::Resolution("480".into()),
            Edit::BusinessHours(true, "Europe/Berlin".into()),
            Edit::RemoveDay(4),
            Edit::Weekday(0, "6".into()),
            Edit::Start(0, "10:00".into()),
            Edit::End(0, "14:00".into()),
        ] {
            form.apply(edit);
        }
        let request = form.request().expect("a valid form");
        assert_eq!(request.first_response_minutes, Some(30));
        assert_eq!(request.next_response_minutes, None);
        let hours = request.business_hours.expect("business hours");
        assert_eq!(hours.time_zone, "Europe/Berlin");
        assert_eq!(
            hours.days,
            [
                day(6, "10:00", "14:00"),
                day(2, "09:00", "17:00"),
                day(3, "09:00", "17:00"),
                day(4, "09:00", "17:00"),
            ]
        );
        form.apply(Edit::BusinessHours(false, String::new()));
        form.apply(Edit::TimeZone("UTC".into()));
        assert_eq!(form.request().map(|r| r.business_hours), Ok(None));
        form.apply(Edit::Reset(PolicyForm::default()));
        assert_eq!(form, PolicyForm::default());
    }

    #[test]
    fn weekdays_read_monday_to_sunday() {
        let names: Vec<&str> = (0..=8).map(weekday_name).collect();
        assert_eq!(
            names,
            ["?", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "?"]
        );
    }

    #[test]
    fn durations_read_in_days_hours_and_minutes() {
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(480), "8 h");
        assert_eq!(duration(1_590), "1 d 2 h 30 min");
        assert_eq!(duration(0), "0 min");
    }

    #[test]
    fn the_warning_is_one_minute_to_a_day() {
        assert_eq!(parse_warning_minutes(" 20 "), Ok(20));
        for bad in ["0", "", "1441", "-1", "ten"] {
            assert!(parse_warning_minutes(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_refusal_names_its_field_or_the_form() {
        let invalid = CodedError::invalid(vec![FieldError::new(TIME_ZONE, "unknown")]);
        assert_eq!(fields(&problems_of(invalid)), [TIME_ZONE]);
        for (code, words) in [
            (ErrorCode::Offline, "only online"),
            (ErrorCode::Forbidden, "admins"),
        ] {
            let problems = problems_of(CodedError::new(code, "no"));
            assert_eq!(fields(&problems), [""]);
            assert!(problems[0].message.contains(words), "{problems:?}");
        }
    }
}
