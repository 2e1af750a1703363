//! SLA policies and a ticket's `sla` on the wire, and the rules a policy follows: each broken
//! rule names its field.

use protocol::json;
use protocol::sla::{BUSINESS_INTERVALS_MAX, SLA_MINUTES_MAX};
use protocol::validate::Validate;
use protocol::{
    BusinessDay, BusinessHours, Calendar, PutSlaPolicyRequest, SlaFilter, SlaKind, TicketSla,
};
use serde_json::json;

fn fields(result: Result<(), Vec<protocol::FieldError>>) -> Vec<String> {
    result
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.field)
        .collect()
}

fn day(weekday: u8, start: &str, end: &str) -> BusinessDay {
    BusinessDay {
        weekday,
        start: start.to_owned(),
        end: end.to_owned(),
    }
}

fn with_hours(days: Vec<BusinessDay>) -> PutSlaPolicyRequest {
    PutSlaPolicyRequest {
        first_response_minutes: Some(60),
        business_hours: Some(BusinessHours {
            time_zone: "Europe/Berlin".to_owned(),
            days,
        }),
        ..Default::default()
    }
}

#[test]
fn kinds_and_filters_have_their_wire_names() {
    assert_eq!(
        SlaKind::WIRE_NAMES,
        ["FIRST_RESPONSE", "NEXT_RESPONSE", "RESOLUTION"]
    );
    assert_eq!(SlaFilter::WIRE_NAMES, ["breached", "due_soon"]);
    #[derive(serde::Deserialize)]
    struct Query {
        sla: SlaFilter,
    }
    let query: Query = serde_urlencoded::from_str("sla=due_soon").expect("parses");
    assert_eq!(query.sla, SlaFilter::DueSoon);
    assert!(serde_urlencoded::from_str::<Query>("sla=BREACHED").is_err());
    assert_eq!(protocol::sla::DUE_SOON_MINUTES, 60);
}

#[test]
fn a_ticket_sla_always_lists_its_breaches_and_omits_absent_times() {
    let written = serde_json::to_value(TicketSla::default()).expect("serializes");
    assert_eq!(written, json!({"breaches": []}));
    let read: TicketSla = json::from_str("{}").expect("breaches default to none");
    assert_eq!(read, TicketSla::default());
}

#[test]
fn a_policy_put_may_clear_every_time() {
    assert!(PutSlaPolicyRequest::default().validate().is_ok());
    let policy = PutSlaPolicyRequest::default()
        .into_policy(uuid::Uuid::nil().into(), protocol::TicketPriority::Urgent);
    assert_eq!(policy.first_response_minutes, None);
    assert_eq!(policy.business_hours, None);
}

#[test]
fn minutes_are_1_to_a_year() {
    let request = PutSlaPolicyRequest {
        first_response_minutes: Some(0),
        next_response_minutes: Some(SLA_MINUTES_MAX + 1),
        resolution_minutes: Some(SLA_MINUTES_MAX),
        business_hours: None,
    };
    assert_eq!(
        fields(request.validate()),
        ["firstResponseMinutes", "nextResponseMinutes"]
    );
    let fine = PutSlaPolicyRequest {
        first_response_minutes: Some(1),
        ..request
    };
    assert_eq!(fields(fine.validate()), ["nextResponseMinutes"]);
}

#[test]
fn a_negative_or_fractional_minute_count_is_refused_at_decoding_naming_its_field() {
    let error = json::from_str::<PutSlaPolicyRequest>(r#"{"resolutionMinutes": -5}"#)
        .expect_err("negative");
    assert_eq!(error.field.as_deref(), Some("resolutionMinutes"));
    assert!(error.message.contains("-5"), "{}", error.message);
    let error = json::from_str::<PutSlaPolicyRequest>(r#"{"firstResponseMinutes": 1.5}"#)
        .expect_err("fractional");
    assert_eq!(error.field.as_deref(), Some("firstResponseMinutes"));
}

#[test]
fn nested_decoding_errors_name_their_path() {
    let cases = [
        (
            json!({"businessHours": {"timeZone": "UTC", "days": [{"weekday": 300, "start": "09:00", "end": "10:00"}]}}),
            "businessHours.days[0].weekday",
        ),
        (
            json!({"businessHours": {"timeZone": "UTC", "days": [{"weekday": 1, "start": "09:00"}]}}),
            "businessHours.days[0].end",
        ),
        (
            json!({"businessHours": {"timezone": "UTC", "days": []}}),
            "businessHours.timezone",
        ),
        (json!({"priority": "HIGH"}), "priority"),
    ];
    for (body, field) in cases {
        let error = json::from_str::<PutSlaPolicyRequest>(&body.to_string()).expect_err("refused");
        assert_eq!(error.field.as_deref(), Some(field), "{body}: {error}");
    }
}

#[test]
fn an_unknown_time_zone_is_refused() {
    for zone in ["Mars/Olympus", "europe/berlin", "", "+02:00", "CEST"] {
        let mut request = with_hours(vec![day(1, "09:00", "17:00")]);
        if let Some(hours) = &mut request.business_hours {
            hours.time_zone = zone.to_owned();
        }
        assert_eq!(
            fields(request.validate()),
            ["businessHours.timeZone"],
            "{zone}"
        );
    }
    for zone in [
        "UTC",
        "America/New_York",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
    ] {
        let mut request = with_hours(vec![day(1, "09:00", "17:00")]);
        if let Some(hours) = &mut request.business_hours {
            hours.time_zone = zone.to_owned();
        }
        assert!(request.validate().is_ok(), "{zone}");
    }
}

#[test]
fn business_hours_without_open_time_are_refused_with_a_reason() {
    let errors = with_hours(vec![]).validate().expect_err("no days");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "businessHours.days");
    assert!(errors[0].message.contains("never"), "{}", errors[0].message);
    let too_many = (0..=BUSINESS_INTERVALS_MAX)
        .map(|i| day(1, "00:00", "00:01").with_start(i))
        .collect();
    assert!(fields(with_hours(too_many).validate()).contains(&"businessHours.days".to_owned()));
}

trait WithStart {
    fn with_start(self, minute: usize) -> Self;
}

impl WithStart for BusinessDay {
    /// A one-minute interval starting `minute` after midnight (a day's worth never overlaps).
    fn with_start(self, minute: usize) -> Self {
        let at = |m: usize| format!("{:02}:{:02}", m / 60, m % 60);
        BusinessDay {
            start: at(minute),
            end: at(minute + 1),
            ..self
        }
    }
}

#[test]
fn a_weekday_is_iso_1_to_7() {
    let request = with_hours(vec![
        day(1, "09:00", "17:00"),
        day(0, "09:00", "17:00"),
        day(8, "09:00", "17:00"),
        day(7, "09:00", "17:00"),
    ]);
    assert_eq!(
        fields(request.validate()),
        [
            "businessHours.days[1].weekday",
            "businessHours.days[2].weekday"
        ]
    );
}

#[test]
fn times_are_strict_hh_mm_and_only_an_end_may_be_24_00() {
    let request = with_hours(vec![
        day(1, "9:00", "17:00"),
        day(2, "09:00", "17:60"),
        day(3, "24:00", "24:00"),
        day(4, "00:00", "24:00"),
        day(5, "09:00 ", "25:00"),
    ]);
    assert_eq!(
        fields(request.validate()),
        [
            "businessHours.days[0].start",
            "businessHours.days[1].end",
            "businessHours.days[2].start",
            "businessHours.days[4].start",
            "businessHours.days[4].end",
        ]
    );
}

#[test]
fn a_start_comes_before_its_end() {
    let request = with_hours(vec![
        day(1, "17:00", "09:00"),
        day(2, "09:00", "09:00"),
        day(3, "22:00", "00:00"),
        day(4, "23:59", "24:00"),
    ]);
    assert_eq!(
        fields(request.validate()),
        [
            "businessHours.days[0].end",
            "businessHours.days[1].end",
            "businessHours.days[2].end",
        ]
    );
}

#[test]
fn intervals_of_one_weekday_must_not_overlap_but_may_touch() {
    let request = with_hours(vec![
        day(1, "09:00", "12:00"),
        day(1, "12:00", "17:00"),
        day(2, "09:00", "17:00"),
        day(3, "10:00", "11:00"),
        day(2, "16:59", "18:00"),
        day(3, "09:00", "15:00"),
        day(3, "12:00", "13:00"),
        day(4, "09:00", "17:00"),
        day(5, "09:00", "17:00"),
    ]);
    let errors = request.validate().expect_err("overlaps");
    let named: Vec<&str> = errors.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        named,
        [
            "businessHours.days[4].start",
            "businessHours.days[3].start",
            "businessHours.days[6].start",
        ]
    );
    assert!(
        errors[0].message.contains("days[2]"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[2].message.contains("days[5]"),
        "{}",
        errors[2].message
    );
}

#[test]
fn a_calendar_is_made_only_of_valid_hours() {
    let bad = BusinessHours {
        time_zone: "Nowhere/Town".to_owned(),
        days: vec![day(9, "09:00", "17:00")],
    };
    let error = Calendar::new(&bad).expect_err("invalid");
    let named: Vec<&str> = error.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(named, ["timeZone", "days[0].weekday"]);
    assert!(error
        .to_string()
        .starts_with("invalid business hours: timeZone"));
    assert_eq!(fields(bad.validate()), ["timeZone", "days[0].weekday"]);
}

mod properties {
    use proptest::collection::vec;
    use proptest::prelude::*;
    use proptest::sample::select;
    use protocol::validate::Validate;
    use protocol::{BusinessDay, BusinessHours, Calendar, PutSlaPolicyRequest};

    use crate::strategies::{any_json, text};

    /// A time of day: mostly well-formed (24:00 and out-of-range ones included), else any text.
    fn time() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => (0u16..=25, 0u16..=61).prop_map(|(h, m)| format!("{h:02}:{m:02}")),
            1 => text(),
        ]
    }

    fn request() -> impl Strategy<Value = PutSlaPolicyRequest> {
        let minutes = proptest::option::of(prop_oneof![0u32..1_000, any::<u32>()]);
        let zone = prop_oneof![
            4 => select(vec!["Europe/Berlin", "America/New_York", "Pacific/Apia", "UTC"])
                .prop_map(str::to_owned),
            1 => text(),
        ];
        let day = (0u8..=9, time(), time()).prop_map(|(weekday, start, end)| BusinessDay {
            weekday,
            start,
            end,
        });
        let hours =
            (zone, vec(day, 0..6)).prop_map(|(time_zone, days)| BusinessHours { time_zone, days });
        (
            minutes.clone(),
            minutes.clone(),
            minutes,
            proptest::option::of(hours),
        )
            .prop_map(
                |(first, next, resolution, business_hours)| PutSlaPolicyRequest {
                    first_response_minutes: first,
                    next_response_minutes: next,
                    resolution_minutes: resolution,
                    business_hours,
                },
            )
    }

    proptest! {
        #[test]
        fn any_body_is_read_or_refused_and_what_validates_makes_a_calendar(
            request in request(),
            noise in any_json(),
        ) {
            let _ = protocol::json::from_value::<PutSlaPolicyRequest>(noise);
            let text = serde_json::to_string(&request).expect("serializes");
            let read: PutSlaPolicyRequest = protocol::json::from_str(&text).expect("reads back");
            prop_assert_eq!(&read, &request);
            let valid = request.validate().is_ok();
            if let Some(hours) = &request.business_hours {
                let calendar = Calendar::new(hours);
                prop_assert_eq!(calendar.is_ok(), hours.validate().is_ok());
                if let (true, Ok(calendar)) = (valid, calendar) {
                    let start = "2026-03-27T12:00:00Z".parse().expect("an instant");
                    let due = calendar.add_minutes(start, 600);
                    prop_assert_eq!(calendar.minutes_between(start, due), 600);
                }
            }
        }
    }
}
