//! How things read: enum labels, ages, connection lines, outbox states.

use chrono::{DateTime, Utc};
use protocol::console::OutboxState;
use protocol::ipc::{ConnectionReport, ConnectionState};

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

/// The offline banner's words, or `None` when online.
pub fn offline_banner(report: Option<&ConnectionReport>, waiting: usize) -> Option<String> {
    let report = report?;
    if report.state != ConnectionState::Offline {
        return None;
    }
    let since = report.since.format("%H:%M");
    let outbox = match waiting {
        0 => "nothing waiting to be sent".to_owned(),
        1 => "1 item waiting to be sent".to_owned(),
        n => format!("{n} items waiting to be sent"),
    };
    Some(format!(
        "Offline since {since} UTC — showing what is cached; {outbox}"
    ))
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

    #[test]
    fn the_offline_banner_says_since_when_and_what_waits() {
        let mut report = ConnectionReport {
            state: ConnectionState::Online,
            since: at(12),
            checked_at: at(13),
            detail: None,
        };
        assert_eq!(offline_banner(Some(&report), 3), None);
        report.state = ConnectionState::Offline;
        assert_eq!(
            offline_banner(Some(&report), 1).as_deref(),
            Some("Offline since 09:12 UTC — showing what is cached; 1 item waiting to be sent")
        );
        assert!(offline_banner(Some(&report), 0)
            .is_some_and(|text| text.ends_with("nothing waiting to be sent")));
    }
}
