//! [`Problem`]: a failure as a person reads it. Its kind and the few typed facts its words
//! need (the platform's `host:port`, an HTTP status, how long to wait); never a URL, an
//! error chain or an OS error, which travel beside it as the technical detail a front puts
//! behind a "Details" disclosure. [`Outage`]: a spell of being offline, with when the next
//! attempt comes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

wire_enum!(
    /// What kind of trouble it is.
    ProblemKind {
        /// The platform does not answer (refused connection, timeout, no route, unknown name).
        Unreachable = "UNREACHABLE",
        /// The platform answers but is busy or restarting for a moment.
        Busy = "BUSY",
        /// The platform failed (a 5xx, or an answer this console does not understand).
        PlatformFailed = "PLATFORM_FAILED",
        /// The platform refused the live connection for a reason of its own.
        ConnectionRefused = "CONNECTION_REFUSED",
        /// The sign-in was refused: wrong email or password.
        SignInRefused = "SIGN_IN_REFUSED",
        /// The session ended (its token was refused or revoked): sign in again.
        SessionEnded = "SESSION_ENDED",
        /// The role does not permit this.
        Forbidden = "FORBIDDEN",
        /// It is gone, or no longer visible to this user.
        NotFound = "NOT_FOUND",
        /// The input was refused.
        Invalid = "INVALID",
        /// Someone changed it meanwhile.
        Conflict = "CONFLICT",
        /// The platform asked this console to slow down.
        RateLimited = "RATE_LIMITED",
        /// Something failed on this computer (its cache, a file).
        Local = "LOCAL",
    }
);

/// A failure, classified for the words a person reads.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// What kind of trouble.
    pub kind: ProblemKind,
    /// The platform as `host:port` (never a whole URL), when known.
    pub host: Option<String>,
    /// The HTTP status the platform answered with, when it matters.
    pub status: Option<u16>,
    /// Seconds the platform asked to wait.
    pub retry_after: Option<u64>,
    /// The platform's own words for a person (a refused input's reason), when it gave any.
    pub said: Option<String>,
}

impl Problem {
    /// A problem of `kind`, with nothing more known.
    pub fn new(kind: ProblemKind) -> Self {
        Self {
            kind,
            host: None,
            status: None,
            retry_after: None,
            said: None,
        }
    }

    /// The same, at the platform whose address is `server` (`http://host:port/...`).
    pub fn at(mut self, server: &str) -> Self {
        self.host = host_of(server);
        self
    }

    /// The same, with the platform's HTTP `status`.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// The same, with the platform's own words.
    pub fn with_said(mut self, said: impl Into<String>) -> Self {
        let said = said.into();
        self.said = (!said.trim().is_empty()).then_some(said);
        self
    }

    /// The same, read as the answer to a sign-in: there a refused token means a wrong
    /// email or password, not an ended session.
    pub fn during_sign_in(mut self) -> Self {
        if self.kind == ProblemKind::SessionEnded {
            self.kind = ProblemKind::SignInRefused;
        }
        self
    }

    /// Whether the console waits it out by itself (and retries).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ProblemKind::Unreachable
                | ProblemKind::Busy
                | ProblemKind::PlatformFailed
                | ProblemKind::ConnectionRefused
                | ProblemKind::RateLimited
        )
    }

    /// The sentence a person reads, without a final full stop.
    pub fn sentence(&self) -> String {
        let platform = match &self.host {
            Some(host) => format!("the platform at {host}"),
            None => "the platform".to_owned(),
        };
        let with_said = |words: &str| match &self.said {
            Some(said) => format!("{words}: {said}"),
            None => words.to_owned(),
        };
        match self.kind {
            ProblemKind::Unreachable => format!("Can't reach {platform}"),
            ProblemKind::Busy => capitalized(&format!("{platform} is busy for a moment")),
            ProblemKind::PlatformFailed => match self.status {
                Some(status) => format!("The platform had a problem ({status}); try again"),
                None => "The platform had a problem; try again".to_owned(),
            },
            ProblemKind::ConnectionRefused => {
                "The platform refused the live connection; you are still signed in".to_owned()
            }
            ProblemKind::SignInRefused => {
                "The platform refused the sign-in: wrong email or password".to_owned()
            }
            ProblemKind::SessionEnded => "Your session ended; sign in again".to_owned(),
            ProblemKind::Forbidden => with_said("Your role does not allow this"),
            ProblemKind::NotFound => {
                "It is no longer on the platform, or no longer yours to see".to_owned()
            }
            ProblemKind::Invalid => with_said("The platform refused this"),
            ProblemKind::Conflict => {
                "Someone changed this meanwhile; check it and try again".to_owned()
            }
            ProblemKind::RateLimited => match self.retry_after {
                Some(seconds) => {
                    format!("The platform asked to slow down; try again in {seconds} s")
                }
                None => "The platform asked to slow down; try again shortly".to_owned(),
            },
            ProblemKind::Local => "Something went wrong on this computer".to_owned(),
        }
    }
}

/// A spell of being offline: why, since when, and when the next attempt comes.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outage {
    /// Why the platform cannot be used.
    pub problem: Problem,
    /// Since when (the first failure after being online, kept across retries).
    pub since: DateTime<Utc>,
    /// When the next attempt starts (absent: it is being tried now).
    pub retry_at: Option<DateTime<Utc>>,
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `host:port` of a URL (`http://user@127.0.0.1:39101/api/x?y` → `127.0.0.1:39101`); `None`
/// when there is no host.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    (!host.is_empty()).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_host_and_port_only() {
        assert_eq!(
            host_of("http://127.0.0.1:39101/api/chat/channels/x/messages").as_deref(),
            Some("127.0.0.1:39101")
        );
        assert_eq!(
            host_of("https://bob:secret@support.example.com").as_deref(),
            Some("support.example.com")
        );
        assert_eq!(
            host_of("support.example.com:8443?x").as_deref(),
            Some("support.example.com:8443")
        );
        assert_eq!(host_of("http://"), None);
    }

    #[test]
    fn each_kind_reads_as_a_sentence_without_technical_words() {
        let at = |kind| Problem::new(kind).at("http://127.0.0.1:39101/api/login");
        let cases = [
            (
                at(ProblemKind::Unreachable),
                "Can't reach the platform at 127.0.0.1:39101",
            ),
            (
                Problem::new(ProblemKind::Unreachable),
                "Can't reach the platform",
            ),
            (
                at(ProblemKind::Busy),
                "The platform at 127.0.0.1:39101 is busy for a moment",
            ),
            (
                at(ProblemKind::PlatformFailed).with_status(500),
                "The platform had a problem (500); try again",
            ),
            (
                at(ProblemKind::SessionEnded).during_sign_in(),
                "The platform refused the sign-in: wrong email or password",
            ),
            (
                at(ProblemKind::SessionEnded),
                "Your session ended; sign in again",
            ),
            (
                Problem::new(ProblemKind::Invalid).with_said("the message is too long"),
                "The platform refused this: the message is too long",
            ),
            (
                Problem::new(ProblemKind::Invalid).with_said("  "),
                "The platform refused this",
            ),
            (
                Problem {
                    retry_after: Some(8),
                    ..Problem::new(ProblemKind::RateLimited)
                },
                "The platform asked to slow down; try again in 8 s",
            ),
        ];
        for (problem, words) in cases {
            assert_eq!(problem.sentence(), words, "{problem:?}");
        }
    }

    #[test]
    fn no_sentence_holds_a_url_or_an_os_error() {
        for &kind in ProblemKind::ALL {
            let words = Problem::new(kind)
                .at("http://127.0.0.1:39101/api/chat/channels/1/messages")
                .with_status(503)
                .sentence();
            assert!(!words.contains("http"), "{kind:?}: {words}");
            assert!(!words.contains("/api"), "{kind:?}: {words}");
            assert!(!words.contains("os error"), "{kind:?}: {words}");
            assert!(words.starts_with(char::is_uppercase), "{kind:?}: {words}");
        }
    }

    #[test]
    fn a_problem_round_trips_in_camel_case() {
        let problem = Problem::new(ProblemKind::PlatformFailed)
            .at("http://h:1")
            .with_status(500);
        let json = serde_json::to_value(&problem).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"kind": "PLATFORM_FAILED", "host": "h:1", "status": 500})
        );
        let back: Problem = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, problem);
    }
}
