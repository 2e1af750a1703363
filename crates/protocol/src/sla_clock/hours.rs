//! Reading business hours by their rules into the opening hours a calendar walks: the
//! checks `PUT /api/sla-policies/:priority` answers with, naming each field.

use chrono_tz::Tz;

use crate::error::FieldError;
use crate::sla::{self, BusinessHours};

/// An open interval of a local day, in minutes from its midnight: `start < end <= 1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Interval {
    pub(crate) start: u16,
    pub(crate) end: u16,
}

/// Business hours once read: the zone, and each ISO weekday's intervals (index 0 = Monday),
/// sorted and disjoint. Only `hours::opening_hours` makes one, so every calendar has
/// passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpeningHours {
    pub(crate) zone: Tz,
    pub(crate) week: [Vec<Interval>; 7],
}

/// The rules broken so far.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
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
