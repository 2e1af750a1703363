//! `Error`: every way an engine call can fail, told apart so the front can say the right
//! thing (offline is not a failure, unauthorized means sign in again, invalid names fields).

use protocol::error::{CodedError, ErrorCode};
use protocol::FieldError;

/// An engine failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The platform cannot be reached; what was asked is kept (or served from the cache).
    #[error("the platform cannot be reached: {0}")]
    Offline(String),
    /// Not signed in, or the session ended: sign in again.
    #[error("not signed in: {0}")]
    Unauthorized(String),
    /// The real-time server refused the socket (`connect_error`); its message reads
    /// `"CODE: text"`.
    #[error("the connection was refused: {message}")]
    Refused {
        /// The code the message starts with, when it starts with one.
        code: Option<ErrorCode>,
        /// The server's message, whole.
        message: String,
    },
    /// The user's role does not permit this.
    #[error("not permitted: {0}")]
    Forbidden(String),
    /// No such thing, or not one the user may see.
    #[error("not found: {0}")]
    NotFound(String),
    /// The input was refused; each bad field is named.
    #[error("invalid input: {}", .fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The bad fields.
        fields: Vec<FieldError>,
    },
    /// The target's state does not allow this (someone changed it meanwhile).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Too many requests; try again after this many seconds.
    #[error("rate limited; try again in {retry_after} s")]
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The platform failed (5xx) or answered something this engine does not understand.
    #[error("the platform failed: {0}")]
    Server(String),
    /// The local cache failed.
    #[error("the local cache failed: {0}")]
    Cache(#[from] rusqlite::Error),
    /// A local file could not be read or written.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// Something local is not as it should be (a profile, a stored value).
    #[error("{0}")]
    Local(String),
}

/// Results of the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether trying again later may succeed (the outbox keeps such work queued).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Offline(_) | Self::RateLimited { .. } | Self::Server(_)
        )
    }

    /// The error as the front shows it: a code and a message.
    pub fn coded(&self) -> CodedError {
        let code = match self {
            Self::Offline(_) => ErrorCode::Offline,
            Self::Unauthorized(_) => ErrorCode::Unauthorized,
            Self::Refused { code, .. } => code.unwrap_or(ErrorCode::Unauthorized),
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Invalid { fields } => return CodedError::invalid(fields.clone()),
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Server(_) | Self::Cache(_) | Self::Io { .. } | Self::Local(_) => {
                ErrorCode::Internal
            }
        };
        CodedError::new(code, self.to_string())
    }

    /// The same failure as a new value, for handing one outcome to several waiters (the
    /// outbox's drains). Causes that cannot be copied (a cache or file error) keep their
    /// message as `Local`, which the front treats alike.
    pub(crate) fn replica(&self) -> Self {
        match self {
            Self::Offline(why) => Self::Offline(why.clone()),
            Self::Unauthorized(why) => Self::Unauthorized(why.clone()),
            Self::Refused { code, message } => Self::Refused {
                code: *code,
                message: message.clone(),
            },
            Self::Forbidden(why) => Self::Forbidden(why.clone()),
            Self::NotFound(why) => Self::NotFound(why.clone()),
            Self::Invalid { fields } => Self::Invalid {
                fields: fields.clone(),
            },
            Self::Conflict(why) => Self::Conflict(why.clone()),
            Self::RateLimited { retry_after } => Self::RateLimited {
                retry_after: *retry_after,
            },
            Self::Server(why) => Self::Server(why.clone()),
            Self::Cache(_) | Self::Io { .. } | Self::Local(_) => Self::Local(self.to_string()),
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}
