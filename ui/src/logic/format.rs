//! How things read: enum labels, ages, outbox states (trouble reads as `logic::words`).

use chrono::{DateTime, Utc};
use protocol::console::OutboxState;

/// `FEATURE_REQUEST` → `Feature request`.
pub fn label(wire: &str) -> String {
    let lower = wire.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// How long ago `then` was, in the queue's short form: `now`, `5m`, `3h`, `2d`, `6w`.
pub fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds().max(0);
    match seconds {
        0..60 => "now".to_owned(),
        60..3_600 => format!("{}m", seconds / 60),
        3_600..86_400 => format!("{}h", seconds / 3_600),
        86_400..1_209_600 => format!("{}d", seconds / 86_400),
        _ => format!("{}w", seconds / 604_800),
    }
}

/// What an own message's outbox state says under it.
pub fn outbox_state(state: OutboxState) -> &'static str {
    match state {
        OutboxState::Queued => "Queued — sends when back online",
        OutboxState::Sending => "Sending…",
        OutboxState::Sent => "Sent",
        OutboxState::Failed => "Not sent",
        OutboxState::NeedsReview => "Needs review: the ticket changed meanwhile",
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::logic::queue::tests::at;

    #[test]
    fn wire_names_read_as_words() {
        assert_eq!(label("FEATURE_REQUEST"), "Feature request");
        assert_eq!(label("URGENT"), "Urgent");
        assert_eq!(label(""), "");
    }

    #[test]
    fn ages_are_short() {
        let now = at(30);
        assert_eq!(age(now, now), "now");
        assert_eq!(age(now - Duration::minutes(5), now), "5m");
        assert_eq!(age(now - Duration::hours(3), now), "3h");
        assert_eq!(age(now - Duration::days(2), now), "2d");
        assert_eq!(age(now - Duration::days(43), now), "6w");
        assert_eq!(age(now + Duration::minutes(5), now), "now", "clock skew");
    }
}
