//! The SLA clock: business-hours arithmetic (weekends, daylight-saving changes in Berlin and
//! New York, checked to the UTC instant; and a property: the open minutes between a start
//! and its due time are the minutes asked for), and the table of event sequences.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use protocol::sla_clock::{cases, Calendar, SlaEvent, SlaState};
use protocol::{BusinessDay, BusinessHours, SlaKind, SlaPolicy, TicketPriority};

fn t(text: &str) -> DateTime<Utc> {
    text.parse().expect("a valid instant")
}

fn calendar(zone: &str, weekdays: &[u8], intervals: &[(&str, &str)]) -> Calendar {
    let days = weekdays
        .iter()
        .flat_map(|weekday| {
            intervals.iter().map(|(start, end)| BusinessDay {
                weekday: *weekday,
                start: (*start).to_owned(),
                end: (*end).to_owned(),
            })
        })
        .collect();
    Calendar::new(&BusinessHours {
        time_zone: zone.to_owned(),
        days,
    })
    .expect("valid hours")
}

const WEEKDAYS: &[u8] = &[1, 2, 3, 4, 5];
const EVERY_DAY: &[u8] = &[1, 2, 3, 4, 5, 6, 7];

fn berlin_office() -> Calendar {
    calendar("Europe/Berlin", WEEKDAYS, &[("09:00", "17:00")])
}

#[test]
fn around_the_clock_every_minute_counts() {
    let always = Calendar::around_the_clock();
    let start = t("2026-03-28T23:59:30Z");
    assert_eq!(always.add_minutes(start, 90), t("2026-03-29T01:29:30Z"));
    assert_eq!(always.add_minutes(start, 0), start);
    assert_eq!(always.add_minutes(start, -5), start, "negative counts as 0");
    assert_eq!(
        always.minutes_between(start, t("2026-03-29T01:29:29Z")),
        89,
        "whole minutes, rounded down"
    );
    assert_eq!(always.minutes_between(start, start), 0);
    assert_eq!(always.minutes_between(t("2026-03-29T00:00:00Z"), start), 0);
    assert_eq!(
        always.add_minutes(start, i64::MAX),
        DateTime::<Utc>::MAX_UTC,
        "beyond what can be told is never"
    );
}

#[test]
fn office_hours_skip_the_night_and_the_weekend() {
    let office = berlin_office();
    // Friday 16:30 CET + 60 min: 30 on Friday, 30 on Monday from 09:00.
    assert_eq!(
        office.add_minutes(t("2026-03-20T15:30:00Z"), 60),
        t("2026-03-23T08:30:00Z")
    );
    // Saturday: the count begins Monday 09:00 CET.
    assert_eq!(
        office.add_minutes(t("2026-03-21T12:00:00Z"), 90),
        t("2026-03-23T09:30:00Z")
    );
    assert_eq!(
        office.add_minutes(t("2026-03-21T12:00:00Z"), 0),
        t("2026-03-23T08:00:00Z"),
        "nothing to count: the next opening"
    );
    // Tuesday 07:00 CET (before opening) + 480: the whole of Tuesday.
    assert_eq!(
        office.add_minutes(t("2026-03-24T06:00:00Z"), 480),
        t("2026-03-24T16:00:00Z")
    );
    assert_eq!(
        office.add_minutes(t("2026-03-24T06:00:00Z"), 481),
        t("2026-03-25T08:01:00Z"),
        "one minute more is Wednesday's first"
    );
    assert_eq!(
        office.minutes_between(t("2026-03-20T15:30:00Z"), t("2026-03-23T08:30:00Z")),
        60
    );
    assert_eq!(
        office.minutes_between(t("2026-03-21T00:00:00Z"), t("2026-03-22T23:59:00Z")),
        0,
        "a weekend has no open time"
    );
    assert_eq!(
        office.minutes_between(t("2026-03-16T00:00:00Z"), t("2026-03-23T00:00:00Z")),
        5 * 480
    );
}

#[test]
fn office_hours_follow_local_time_across_both_changes() {
    let office = berlin_office();
    // Friday 16:30 CET; Monday 09:30 is CEST, 07:30 UTC.
    assert_eq!(
        office.add_minutes(t("2026-03-27T15:30:00Z"), 60),
        t("2026-03-30T07:30:00Z")
    );
    // Friday 16:30 CEST; Monday 09:30 is CET again, 08:30 UTC.
    assert_eq!(
        office.add_minutes(t("2026-10-23T14:30:00Z"), 60),
        t("2026-10-26T08:30:00Z")
    );
}

#[test]
fn whole_days_are_23_and_25_hours_long_when_the_clocks_change() {
    let all_day = calendar("Europe/Berlin", EVERY_DAY, &[("00:00", "24:00")]);
    // Sunday 2026-03-29, local midnight to midnight: 23:00 UTC to 22:00 UTC.
    assert_eq!(
        all_day.minutes_between(t("2026-03-28T23:00:00Z"), t("2026-03-29T22:00:00Z")),
        23 * 60
    );
    // Sunday 2026-10-25: 22:00 UTC to 23:00 UTC the next day.
    assert_eq!(
        all_day.minutes_between(t("2026-10-24T22:00:00Z"), t("2026-10-25T23:00:00Z")),
        25 * 60
    );
    // Open all day is open all the time: real minutes, through either change.
    for start in ["2026-03-28T12:00:00Z", "2026-10-24T12:00:00Z"] {
        let start = t(start);
        assert_eq!(
            all_day.add_minutes(start, 24 * 60),
            start + TimeDelta::hours(24)
        );
    }
}

#[test]
fn a_night_window_loses_the_skipped_hour_and_keeps_the_repeated_one() {
    let night = calendar("Europe/Berlin", EVERY_DAY, &[("01:00", "04:00")]);
    // 2026-03-29: 01:00 CET (00:00 UTC) to 04:00 CEST (02:00 UTC), two hours.
    assert_eq!(
        night.minutes_between(t("2026-03-28T12:00:00Z"), t("2026-03-29T12:00:00Z")),
        120
    );
    assert_eq!(
        night.add_minutes(t("2026-03-29T00:00:00Z"), 120),
        t("2026-03-29T02:00:00Z")
    );
    // 30 more: the next window opens 01:00 CEST, 23:00 UTC.
    assert_eq!(
        night.add_minutes(t("2026-03-29T00:00:00Z"), 150),
        t("2026-03-29T23:30:00Z")
    );
    // 2026-10-25: 01:00 CEST (23:00 UTC the day before) to 04:00 CET (03:00 UTC), four hours.
    assert_eq!(
        night.minutes_between(t("2026-10-24T12:00:00Z"), t("2026-10-25T12:00:00Z")),
        240
    );
    assert_eq!(
        night.add_minutes(t("2026-10-24T23:00:00Z"), 200),
        t("2026-10-25T02:20:00Z")
    );
}

#[test]
fn a_time_in_the_gap_opens_after_it_and_a_repeated_time_at_its_first() {
    let late = calendar("Europe/Berlin", EVERY_DAY, &[("02:30", "04:00")]);
    // 02:30 does not exist on 2026-03-29: open from 03:00 CEST (01:00 UTC).
    assert_eq!(
        late.add_minutes(t("2026-03-28T22:00:00Z"), 0),
        t("2026-03-29T01:00:00Z")
    );
    assert_eq!(
        late.minutes_between(t("2026-03-28T12:00:00Z"), t("2026-03-29T12:00:00Z")),
        60
    );
    // 02:30 happens twice on 2026-10-25: open from the first (CEST, 00:30 UTC) to 04:00
    // CET (03:00 UTC).
    assert_eq!(
        late.add_minutes(t("2026-10-24T22:00:00Z"), 0),
        t("2026-10-25T00:30:00Z")
    );
    assert_eq!(
        late.minutes_between(t("2026-10-24T12:00:00Z"), t("2026-10-25T12:00:00Z")),
        150
    );
}

#[test]
fn new_york_changes_on_other_weekends() {
    let office = calendar("America/New_York", WEEKDAYS, &[("09:00", "17:00")]);
    // Friday 2026-03-06 16:00 EST + 120: Monday 2026-03-09 10:00 EDT.
    assert_eq!(
        office.add_minutes(t("2026-03-06T21:00:00Z"), 120),
        t("2026-03-09T14:00:00Z")
    );
    // Friday 2026-10-30 16:00 EDT + 120: Monday 2026-11-02 10:00 EST.
    assert_eq!(
        office.add_minutes(t("2026-10-30T20:00:00Z"), 120),
        t("2026-11-02T15:00:00Z")
    );
    // 02:00–03:00 is wholly skipped on 2026-03-08: that day has no open time.
    let skipped = calendar("America/New_York", EVERY_DAY, &[("02:00", "03:00")]);
    assert_eq!(
        skipped.add_minutes(t("2026-03-08T05:00:00Z"), 30),
        t("2026-03-09T06:30:00Z")
    );
    // On 2026-11-01 the hour repeated is 01:00–02:00; 02:00–03:00 comes once, in EST
    // (07:00–08:00 UTC).
    assert_eq!(
        skipped.minutes_between(t("2026-10-31T12:00:00Z"), t("2026-11-01T12:00:00Z")),
        60
    );
}

#[test]
fn a_day_a_zone_skipped_whole_is_no_open_time_but_real_time_goes_on() {
    // Samoa went from the end of 2011-12-29 (UTC-10) to 2011-12-31 (UTC+14).
    let all_day = calendar("Pacific/Apia", EVERY_DAY, &[("00:00", "24:00")]);
    assert_eq!(
        all_day.add_minutes(t("2011-12-30T09:00:00Z"), 120),
        t("2011-12-30T11:00:00Z")
    );
    let friday = calendar("Pacific/Apia", &[5], &[("09:00", "17:00")]);
    // Friday 2011-12-30 never happened: the next Friday's 09:00 (UTC+14) is the opening.
    assert_eq!(
        friday.add_minutes(t("2011-12-29T12:00:00Z"), 0),
        t("2012-01-05T19:00:00Z")
    );
}

#[test]
fn a_year_of_minutes_on_an_hour_a_week_is_quick() {
    let sparse = calendar("Europe/Berlin", &[3], &[("10:00", "11:00")]);
    let start = t("2026-01-01T00:00:00Z");
    let began = Instant::now();
    let due = sparse.add_minutes(start, 525_600);
    let between = sparse.minutes_between(start, due);
    assert!(
        began.elapsed() < Duration::from_secs(5),
        "took {:?}",
        began.elapsed()
    );
    assert_eq!(between, 525_600);
    assert!(due > t("2190-01-01T00:00:00Z"), "{due}");
}

fn hours_strategy() -> impl Strategy<Value = Calendar> {
    let zones = prop::sample::select(vec![
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "UTC",
    ]);
    let window = (0u16..1440, 1u16..=720).prop_map(|(start, length)| {
        let end = (start + length).min(1440);
        (start, end)
    });
    (zones, prop::collection::vec((1u8..=7, window), 1..6)).prop_map(|(zone, windows)| {
        let text = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        // One interval a weekday at most, so they never overlap.
        let mut seen = HashSet::new();
        let days = windows
            .into_iter()
            .filter(|(weekday, _)| seen.insert(*weekday))
            .map(|(weekday, (start, end))| BusinessDay {
                weekday,
                start: text(start),
                end: text(end),
            })
            .collect();
        Calendar::new(&BusinessHours {
            time_zone: zone.to_owned(),
            days,
        })
        .expect("generated hours are valid")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn the_open_minutes_to_a_due_time_are_the_minutes_asked_for(
        calendar in hours_strategy(),
        // 2026, around both changes, to the second.
        offset in 0i64..(366 * 24 * 3600),
        minutes in 0i64..20_000,
    ) {
        let start = t("2026-01-01T00:00:00Z") + TimeDelta::seconds(offset);
        let due = calendar.add_minutes(start, minutes);
        prop_assert!(due >= start);
        prop_assert_eq!(calendar.minutes_between(start, due), minutes);
        // The due time is the earliest such instant: a minute sooner is a minute short.
        if minutes > 0 {
            let sooner = due - TimeDelta::minutes(1);
            prop_assert_eq!(calendar.minutes_between(start, sooner), minutes - 1);
        }
    }
}

#[test]
fn every_case_of_the_table_gives_its_expected_sla() {
    let table = cases();
    assert!(table.len() >= 20, "{} cases", table.len());
    let names: HashSet<&str> = table.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), table.len(), "case names are unique");
    for case in &table {
        let sla = case.run().expect("the table's hours are valid");
        assert_eq!(sla, case.expected, "{}", case.name);
    }
}

#[test]
fn the_state_survives_json_at_every_step() {
    for case in cases() {
        let policy = case.policy.as_ref();
        let calendar = Calendar::for_policy(policy).expect("valid");
        let mut state = SlaState::default();
        for (event, at) in &case.events {
            state.step(*event, *at, policy, &calendar);
            let text = serde_json::to_string(&state).expect("serializes");
            let again: SlaState = protocol::json::from_str(&text).expect("reads back");
            assert_eq!(again, state, "{}: {text}", case.name);
        }
    }
}

fn medium() -> SlaPolicy {
    SlaPolicy {
        tenant_id: uuid::Uuid::nil().into(),
        priority: TicketPriority::Medium,
        first_response_minutes: Some(60),
        next_response_minutes: Some(120),
        resolution_minutes: Some(480),
        business_hours: None,
    }
}

#[test]
fn a_paused_ticket_has_no_next_due_time_and_records_no_breach() {
    let policy = medium();
    let always = Calendar::around_the_clock();
    let mut state = SlaState::default();
    state.apply(SlaEvent::Created, t("2026-03-02T10:00:00Z"), &always);
    assert_eq!(
        state.next_due(Some(&policy), &always),
        Some(t("2026-03-02T11:00:00Z"))
    );
    assert_eq!(
        state.next_breach(Some(&policy), &always),
        Some(t("2026-03-02T11:00:00Z"))
    );
    state.apply(SlaEvent::Paused, t("2026-03-02T10:30:00Z"), &always);
    state.apply(SlaEvent::Paused, t("2026-03-02T10:45:00Z"), &always);
    assert_eq!(
        state.paused_since,
        Some(t("2026-03-02T10:30:00Z")),
        "idempotent"
    );
    assert_eq!(state.next_due(Some(&policy), &always), None);
    assert_eq!(state.next_breach(Some(&policy), &always), None);
    let late = t("2026-03-03T10:00:00Z");
    assert!(state
        .record_breaches(Some(&policy), &always, late)
        .is_empty());
    state.apply(SlaEvent::Resumed, t("2026-03-02T11:30:00Z"), &always);
    assert_eq!(
        state.next_due(Some(&policy), &always),
        Some(t("2026-03-02T12:00:00Z")),
        "an hour paused, an hour later"
    );
    assert_eq!(
        state.next_due(None, &always),
        None,
        "no policy, no due time"
    );
}

#[test]
fn a_breach_is_recorded_once_and_then_left_out_of_the_next_breach() {
    let policy = medium();
    let always = Calendar::around_the_clock();
    let mut state = SlaState::default();
    state.apply(SlaEvent::Created, t("2026-03-02T10:00:00Z"), &always);
    let now = t("2026-03-02T11:00:00Z");
    let first = state.record_breaches(Some(&policy), &always, now);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].kind, SlaKind::FirstResponse);
    assert_eq!(first[0].due_at, now, "due at exactly now is missed");
    assert!(state
        .record_breaches(Some(&policy), &always, now)
        .is_empty());
    assert_eq!(state.breaches, first);
    assert_eq!(
        state.next_due(Some(&policy), &always),
        Some(now),
        "a missed due time still sorts first"
    );
    assert_eq!(
        state.next_breach(Some(&policy), &always),
        Some(t("2026-03-02T18:00:00Z")),
        "the breach task waits for resolution"
    );
}

#[test]
fn no_event_in_any_order_panics_or_runs_a_clock_before_creation() {
    use SlaEvent::*;
    let all = [
        Created,
        AgentReplied,
        CustomerMessaged,
        Paused,
        Resumed,
        Resolved,
        Reopened,
    ];
    let always = Calendar::around_the_clock();
    let policy = medium();
    let start = t("2026-03-02T10:00:00Z");
    for first in all {
        for second in all {
            for third in all {
                let mut state = SlaState::default();
                for (i, event) in [first, second, third].into_iter().enumerate() {
                    let at = start + TimeDelta::minutes(10 * i as i64);
                    state.step(event, at, Some(&policy), &always);
                }
                let view = state.view(Some(&policy), &always);
                if !matches!(first, Created) && !matches!(second, Created) && third != Created {
                    assert_eq!(state, SlaState::default(), "{first:?} {second:?} {third:?}");
                }
                assert!(view.breaches.is_empty());
            }
        }
    }
}
