//! The process's log subscriber: text (the default) or one JSON object a line, both on
//! stderr and filtered by `RUST_LOG` (default `info`), with the database-time layer beside
//! them when metrics are on. What reaches a log line never holds a token or a password:
//! request spans carry the method and path (not the query, where a socket's `?token=` may
//! be), secrets are `protocol::Secret`, whose `Debug` is redacted, and the Socket.IO
//! libraries, which print whole packets at `debug`, are held at `info`.

use std::fmt;
use std::str::FromStr;

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::{SubscriberInitExt, TryInitError};
use tracing_subscriber::{EnvFilter, Layer};

use super::db_time::{DbTime, TARGET};

/// Libraries whose `debug` and `trace` lines print Socket.IO packets whole — the
/// handshake's `auth: {token}` among them — held at `info` whatever `RUST_LOG` asks.
const HANDSHAKE_PRINTERS: [&str; 2] = ["socketioxide=info", "engineioxide=info"];

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// For people: one line of text per event.
    #[default]
    Text,
    /// For log collectors: one JSON object per line (`timestamp`, `level`, `fields`,
    /// `target`, `span`, `spans`).
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("unknown log format `{other}`: text or json")),
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Text => "text",
            Self::Json => "json",
        })
    }
}

/// Installs the subscriber: logs in `format`, and with `database_time` the layer that
/// turns sqlx's statement reports into the database-time metric.
pub fn init(format: LogFormat, database_time: bool) -> Result<(), TryInitError> {
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    for quiet in HANDSHAKE_PRINTERS {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let output = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .boxed(),
    }
    .with_filter(filter);
    let database =
        database_time.then(|| DbTime.with_filter(Targets::new().with_target(TARGET, Level::DEBUG)));
    tracing_subscriber::registry()
        .with(output)
        .with(database)
        .try_init()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_read_and_print_the_same() {
        for format in [LogFormat::Text, LogFormat::Json] {
            assert_eq!(format.to_string().parse::<LogFormat>(), Ok(format));
        }
        assert!("xml".parse::<LogFormat>().is_err());
    }
}
