//! When SLA clocks run: around the clock, or the open intervals of business hours in local
//! time of their zone, with daylight-saving changes taken as they come.
//!
//! Local times map to instants the one way everywhere: a time that happens twice (the hour
//! a fall-back repeats) is its earlier instant; a time that never happens (the hour a
//! spring-forward skips) is the first instant after the gap. That mapping keeps the order
//! of local times, so the intervals of one day, and of one day and the next, never overlap
//! as instants: a local day is simply 23 or 25 hours long, and an interval inside a gap is
//! empty. Arithmetic walks day by day, never minute by minute.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use thiserror::Error;

use super::hours::OpeningHours;
use crate::error::FieldError;
use crate::sla::{BusinessHours, SlaPolicy};

/// A calendar whose walk finds no open time for this many days in a row has none (a valid
/// one opens every week; a gap skips at most a day).
const IDLE_DAYS_MAX: u32 = 400;
/// How far a walk goes, in days (a thousand years): past it, a due time is never.
const WALK_DAYS_MAX: u32 = 366_000;
/// The longest gap a zone has skipped, with room: Samoa skipped a whole day in 2011.
const GAP_MINUTES_MAX: u32 = 3 * 24 * 60;

/// Business hours that break a rule, each broken rule naming its field (`timeZone`,
/// `days[2].weekday`), as request validation reports them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid business hours: {}", names(fields))]
pub struct InvalidBusinessHours {
    /// Each broken rule.
    pub fields: Vec<FieldError>,
}

fn names(fields: &[FieldError]) -> String {
    let names: Vec<String> = fields
        .iter()
        .map(|f| format!("{} {}", f.field, f.message))
        .collect();
    names.join("; ")
}

/// When clocks run, and the arithmetic of open time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// `None`: around the clock.
    hours: Option<OpeningHours>,
}

impl Calendar {
    /// A calendar that is always open.
    pub fn around_the_clock() -> Self {
        Self { hours: None }
    }

    /// The calendar of `hours`, or every rule they break.
    pub fn new(hours: &BusinessHours) -> Result<Self, InvalidBusinessHours> {
        super::hours::opening_hours(hours)
            .map(|hours| Self { hours: Some(hours) })
            .map_err(|fields| InvalidBusinessHours { fields })
    }

    /// The calendar of a ticket's policy: its business hours, or around the clock when it
    /// has none (or there is no policy).
    pub fn for_policy(policy: Option<&SlaPolicy>) -> Result<Self, InvalidBusinessHours> {
        match policy.and_then(|p| p.business_hours.as_ref()) {
            Some(hours) => Self::new(hours),
            None => Ok(Self::around_the_clock()),
        }
    }

    /// The instant when `minutes` of open time have passed since `start`. Outside open time
    /// the count begins at the next opening (so 0 minutes gives that opening). Negative
    /// minutes count as 0; a due time beyond what can be told (or a thousand years of
    /// walking) is `DateTime::<Utc>::MAX_UTC`, never.
    pub fn add_minutes(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let left = TimeDelta::try_minutes(minutes.max(0)).unwrap_or(TimeDelta::MAX);
        let Some(hours) = &self.hours else {
            return start
                .checked_add_signed(left)
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
        };
        hours.add(start, left).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Whole minutes of open time in `[from, to)`; 0 when `to <= from`. Rounded down.
    pub fn minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        match &self.hours {
            None => to.signed_duration_since(from).num_minutes(),
            Some(hours) => hours.open_between(from, to).num_minutes(),
        }
    }
}

impl OpeningHours {
    /// The local date of `at`.
    fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// `date`'s open intervals as instants, in order.
    fn day(
        &self,
        date: NaiveDate,
    ) -> impl Iterator<Item = Option<(DateTime<Utc>, DateTime<Utc>)>> + '_ {
        let weekday = date.weekday().num_days_from_monday() as usize;
        self.week
            .get(weekday)
            .into_iter()
            .flatten()
            .map(move |interval| {
                Some((
                    self.instant(date, interval.start)?,
                    self.instant(date, interval.end)?,
                ))
            })
    }

    /// `left` of open time on from `start`; `None` past the walk's end or the dates' range.
    fn add(&self, start: DateTime<Utc>, mut left: TimeDelta) -> Option<DateTime<Utc>> {
        // An instant's interval belongs to its local date or, at a fall-back midnight, to
        // the day before: start one day early.
        let mut date = self.date_of(start).pred_opt()?;
        let mut cursor = start;
        let mut idle = 0;
        for _ in 0..WALK_DAYS_MAX {
            let mut opened = false;
            for interval in self.day(date) {
                let (open, close) = interval?;
                let from = open.max(cursor);
                // Passed, or empty (inside a gap): no opening.
                if close <= from {
                    continue;
                }
                let span = close.signed_duration_since(from);
                if span >= left {
                    return from.checked_add_signed(left);
                }
                left -= span;
                cursor = close;
                opened = true;
            }
            idle = if opened { 0 } else { idle + 1 };
            if idle > IDLE_DAYS_MAX {
                return None;
            }
            date = date.succ_opt()?;
        }
        None
    }

    /// Open time in `[from, to)`, `from < to`.
    fn open_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        let mut total = TimeDelta::zero();
        let (Some(mut date), Some(last)) =
            (self.date_of(from).pred_opt(), self.date_of(to).succ_opt())
        else {
            return total;
        };
        while date <= last {
            for (open, close) in self.day(date).flatten() {
                let (low, high) = (open.max(from), close.min(to));
                if high > low {
                    total += high.signed_duration_since(low);
                }
            }
            let Some(next) = date.succ_opt() else {
                break;
            };
            date = next;
        }
        total
    }

    /// The instant of `minute` (0..=1440) of local `date`: the earlier of two, or the
    /// first after a gap.
    fn instant(&self, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
        let (date, minute) = if minute >= 1440 {
            (date.succ_opt()?, minute - 1440)
        } else {
            (date, minute)
        };
        let local = date.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?;
        match self.zone.from_local_datetime(&local) {
            chrono::LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
            chrono::LocalResult::Ambiguous(a, b) => {
                Some(a.with_timezone(&Utc).min(b.with_timezone(&Utc)))
            }
            chrono::LocalResult::None => self.after_gap(local),
        }
    }

    /// The first instant after the gap `local` falls in: the transition itself.
    fn after_gap(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        let mut probe = local;
        for _ in 0..GAP_MINUTES_MAX {
            probe = probe.checked_add_signed(TimeDelta::minutes(1))?;
            let Some(found) = self.zone.from_local_datetime(&probe).earliest() else {
                continue;
            };
            // The first local minute after the gap: the transition is within the minute
            // before it, where local time jumps from before `local` to past it.
            // In whole seconds: transitions fall on them.
            let mut high = found.with_timezone(&Utc).timestamp();
            let mut low = high - 60;
            while high - low > 1 {
                let middle = low + (high - low) / 2;
                let local_middle = DateTime::from_timestamp(middle, 0)?
                    .with_timezone(&self.zone)
                    .naive_local();
                if local_middle > local {
                    high = middle;
                } else {
                    low = middle;
                }
            }
            return DateTime::from_timestamp(high, 0);
        }
        None
    }
}
