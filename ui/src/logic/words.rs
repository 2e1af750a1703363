//! How trouble reads: the offline banner (why, since when, when the next attempt comes),
//! the connection line, and why a queued or refused outbox item did not go. The words come
//! from typed problems ([`protocol::problem`]); the technical text is only ever the
//! "Details" behind them.

use chrono::{DateTime, Utc};
use protocol::console::{OutboxItem, OutboxState};
use protocol::ipc::{ConnectionReport, ConnectionState};
use protocol::problem::Outage;

/// What the offline banner says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineBanner {
    /// Why, and when the next attempt comes.
    pub headline: String,
    /// Since when, and what the console does meanwhile.
    pub since: String,
    /// The technical cause, for a "Details" disclosure.
    pub detail: Option<String>,
}

/// The offline banner, or `None` when the platform is in reach. It stays up while the
/// console reconnects after an outage, so it does not blink with each attempt.
pub fn offline_banner(
    report: Option<&ConnectionReport>,
    waiting: usize,
    now: DateTime<Utc>,
) -> Option<OfflineBanner> {
    let report = report?;
    let outage = report.outage.as_ref();
    let shown = match report.state {
        ConnectionState::Offline => true,
        ConnectionState::Connecting => outage.is_some(),
        ConnectionState::Online | ConnectionState::SignedOut => false,
    };
    if !shown {
        return None;
    }
    let headline = match outage {
        Some(outage) => format!(
            "{} — {}",
            outage.problem.sentence(),
            next_attempt(outage, now)
        ),
        None => "Can't reach the platform — trying again shortly".to_owned(),
    };
    let since = outage.map_or(report.since, |o| o.since).format("%H:%M");
    let outbox = match waiting {
        0 => "nothing waiting to be sent".to_owned(),
        1 => "1 item waiting to be sent".to_owned(),
        n => format!("{n} items waiting to be sent"),
    };
    Some(OfflineBanner {
        headline,
        since: format!("Offline since {since} UTC — showing what is cached; {outbox}"),
        detail: report.detail.clone(),
    })
}

/// When the next attempt comes: `retrying in 8 s`, `retrying at 09:14:05 UTC` beyond a
/// minute and a half, or `trying again now`.
pub fn next_attempt(outage: &Outage, now: DateTime<Utc>) -> String {
    let Some(at) = outage.retry_at else {
        return "trying again now".to_owned();
    };
    let millis = (at - now).num_milliseconds();
    if millis <= 0 {
        return "trying again now".to_owned();
    }
    let seconds = (millis + 999) / 1000;
    if seconds > 90 {
        format!("retrying at {} UTC", at.format("%H:%M:%S"))
    } else {
        format!("retrying in {seconds} s")
    }
}

/// The connection line's words: the state, why in words when there is trouble, and when it
/// was checked.
pub fn connection_words(report: Option<&ConnectionReport>) -> String {
    let Some(report) = report else {
        return "Connection not checked yet".to_owned();
    };
    let state = match report.state {
        ConnectionState::SignedOut => "Not signed in",
        ConnectionState::Connecting => "Connecting…",
        ConnectionState::Online => "Online",
        ConnectionState::Offline => "Offline",
    };
    let checked = report.checked_at.format("%H:%M:%S UTC");
    match (&report.outage, report.state) {
        (Some(outage), ConnectionState::Offline | ConnectionState::Connecting) => {
            format!(
                "{state} — {} · checked {checked}",
                outage.problem.sentence()
            )
        }
        _ => format!("{state} · checked {checked}"),
    }
}

/// Why an outbox item did not go, in words (for one that failed, waits for review, or
/// waits for the platform after a try); `None` when there is nothing to say.
pub fn outbox_why(item: &OutboxItem) -> Option<String> {
    if item.state == OutboxState::Sent || item.state == OutboxState::Sending {
        return None;
    }
    match (&item.problem, &item.last_error) {
        (Some(problem), _) => Some(problem.sentence()),
        // Written by an older version: only the technical text, kept for the details.
        (None, Some(_)) => Some(match item.state {
            OutboxState::Queued => "The last try did not reach the platform".to_owned(),
            _ => "The platform did not take it".to_owned(),
        }),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use protocol::console::Work;
    use protocol::problem::{Problem, ProblemKind};
    use protocol::ChannelId;

    use super::*;
    use crate::logic::queue::tests::at;

    const RAW: &str =
        "error sending request for url (http://127.0.0.1:39101/api/chat/channels/1/messages): \
                       tcp connect error: Connection refused (os error 111)";

    fn offline(minute: u32, retry_in: Option<i64>) -> ConnectionReport {
        let now = at(minute);
        ConnectionReport {
            state: ConnectionState::Offline,
            since: now,
            checked_at: now,
            detail: Some(RAW.to_owned()),
            outage: Some(Outage {
                problem: Problem::new(ProblemKind::Unreachable).at("http://127.0.0.1:39101"),
                since: at(12),
                retry_at: retry_in.map(|s| now + Duration::seconds(s)),
            }),
        }
    }

    #[test]
    fn the_offline_banner_says_why_since_when_and_when_it_retries() {
        let report = offline(15, Some(8));
        let banner = offline_banner(Some(&report), 1, at(15)).expect("a banner");
        assert_eq!(
            banner.headline,
            "Can't reach the platform at 127.0.0.1:39101 — retrying in 8 s"
        );
        assert_eq!(
            banner.since,
            "Offline since 09:12 UTC — showing what is cached; 1 item waiting to be sent"
        );
        assert_eq!(banner.detail.as_deref(), Some(RAW));
        for words in [&banner.headline, &banner.since] {
            assert!(!words.contains("http://"), "{words}");
            assert!(!words.contains("os error"), "{words}");
        }
    }

    #[test]
    fn the_countdown_counts_down_then_says_it_is_trying() {
        let report = offline(15, Some(8));
        let outage = report.outage.as_ref().expect("an outage");
        let later = |ms| at(15) + Duration::milliseconds(ms);
        assert_eq!(next_attempt(outage, later(2_500)), "retrying in 6 s");
        assert_eq!(next_attempt(outage, later(7_999)), "retrying in 1 s");
        assert_eq!(next_attempt(outage, later(8_000)), "trying again now");
        let far = offline(15, Some(120));
        assert_eq!(
            next_attempt(far.outage.as_ref().expect("an outage"), at(15)),
            "retrying at 09:17:00 UTC"
        );
        let now = offline(15, None);
        assert_eq!(
            next_attempt(now.outage.as_ref().expect("an outage"), at(15)),
            "trying again now"
        );
    }

    #[test]
    fn the_banner_stays_while_reconnecting_after_an_outage_only() {
        let mut report = offline(15, None);
        report.state = ConnectionState::Connecting;
        let banner = offline_banner(Some(&report), 0, at(15)).expect("still shown");
        assert!(banner.headline.ends_with("trying again now"), "{banner:?}");
        assert!(banner.since.ends_with("nothing waiting to be sent"));
        report.outage = None;
        assert_eq!(offline_banner(Some(&report), 0, at(15)), None);
        report.state = ConnectionState::Online;
        assert_eq!(offline_banner(Some(&report), 0, at(15)), None);
        assert_eq!(offline_banner(None, 0, at(15)), None);
    }

    #[test]
    fn the_connection_line_gives_words_not_the_error() {
        assert_eq!(connection_words(None), "Connection not checked yet");
        let report = offline(15, Some(8));
        assert_eq!(
            connection_words(Some(&report)),
            "Offline — Can't reach the platform at 127.0.0.1:39101 · checked 09:15:00 UTC"
        );
        let mut signed_out = report.clone();
        signed_out.state = ConnectionState::SignedOut;
        assert_eq!(
            connection_words(Some(&signed_out)),
            "Not signed in · checked 09:15:00 UTC"
        );
    }

    #[test]
    fn an_outbox_item_says_why_in_words() {
        let mut item = OutboxItem {
            seq: 1,
            id: uuid::Uuid::nil(),
            channel_id: ChannelId::from(uuid::Uuid::nil()),
            work: Work::SendMessage {
                content: "hello".into(),
                internal: false,
            },
            state: OutboxState::Queued,
            attempts: 1,
            last_error: Some(RAW.to_owned()),
            problem: Some(Problem::new(ProblemKind::Unreachable).at("http://127.0.0.1:39101")),
        };
        assert_eq!(
            outbox_why(&item).as_deref(),
            Some("Can't reach the platform at 127.0.0.1:39101")
        );
        item.state = OutboxState::Failed;
        item.problem = Some(Problem::new(ProblemKind::PlatformFailed).with_status(500));
        assert_eq!(
            outbox_why(&item).as_deref(),
            Some("The platform had a problem (500); try again")
        );
        item.problem = None;
        let legacy = outbox_why(&item).expect("words for an older row");
        assert!(
            !legacy.contains("http") && !legacy.contains("os error"),
            "{legacy}"
        );
        item.state = OutboxState::Sent;
        assert_eq!(outbox_why(&item), None);
    }
}
