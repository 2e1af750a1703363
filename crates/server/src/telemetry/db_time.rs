//! Database time without touching the store: sqlx reports every statement it runs (target
//! `sqlx::query`, with `elapsed_secs`), and this tracing layer turns those reports into the
//! `switchboard_db_statement_seconds` histogram, labelled by the statement's first keyword.
//! It sees statements, not waits for a connection or for the write lock; those show in the
//! request durations.

use metrics::histogram;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::Layer;

use super::metrics::DB_SECONDS;

/// The target sqlx reports statements under.
pub const TARGET: &str = "sqlx::query";

/// The layer; give it a filter that lets `sqlx::query` through at `debug` (the logs'
/// `init` does).
#[derive(Debug, Clone, Copy, Default)]
pub struct DbTime;

impl<S: Subscriber> Layer<S> for DbTime {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != TARGET {
            return;
        }
        let mut report = Report::default();
        event.record(&mut report);
        if let Some(seconds) = report.seconds {
            histogram!(DB_SECONDS, "statement" => report.kind).record(seconds);
        }
    }
}

/// What one statement report says.
#[derive(Debug)]
struct Report {
    seconds: Option<f64>,
    kind: &'static str,
}

impl Default for Report {
    fn default() -> Self {
        Self {
            seconds: None,
            kind: "other",
        }
    }
}

impl Visit for Report {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.seconds = Some(value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "summary" {
            self.kind = kind(value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.kind = kind(&format!("{value:?}"));
        }
    }
}

/// The statement's kind from its first keyword: a fixed set, whatever the SQL.
fn kind(summary: &str) -> &'static str {
    let first = summary
        .trim_start_matches(|c: char| !c.is_ascii_alphabetic())
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match first.as_str() {
        "select" | "with" => "select",
        "insert" => "insert",
        "update" => "update",
        "delete" => "delete",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::kind;

    #[test]
    fn statements_fall_into_a_fixed_set_of_kinds() {
        assert_eq!(kind("SELECT id FROM channels …"), "select");
        assert_eq!(kind("\"INSERT INTO messages\""), "insert");
        assert_eq!(kind("update channels SET"), "update");
        assert_eq!(kind("DELETE FROM x"), "delete");
        assert_eq!(kind("PRAGMA foreign_keys = ON"), "other");
        assert_eq!(kind(""), "other");
    }
}
