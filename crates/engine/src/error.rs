//! `Error`: every way an engine call can fail, told apart so the front can say the right
//! thing (offline is not a failure, unauthorized means sign in again, invalid names fields),
//! and each classified as a [`Problem`] a person reads in words.

use protocol::error::{CodedError, ErrorCode};
use protocol::problem::{Problem, ProblemKind};
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
    /// The platform failed or answered something this engine does not understand.
    #[error("the platform failed: {0}")]
    Server(String),
    /// The platform answered with an HTTP status this engine has no better name for (a
    /// 500).
    #[error("the platform answered {status}: {message}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// What it said, or the status's reason.
        message: String,
    },
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
            Self::Offline(_) | Self::RateLimited { .. } | Self::Server(_) | Self::Status { .. }
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
            Self::Server(_)
            | Self::Status { .. }
            | Self::Cache(_)
            | Self::Io { .. }
            | Self::Local(_) => ErrorCode::Internal,
        };
        CodedError::new(code, self.problem().sentence()).with_detail(self.to_string())
    }

    /// The failure as a person reads it (no host: see [`Problem::at`]); [`Error`]'s own
    /// text is the technical detail behind it.
    pub fn problem(&self) -> Problem {
        let kind = match self {
            Self::Offline(_) => ProblemKind::Unreachable,
            Self::Unauthorized(_) => ProblemKind::SessionEnded,
            Self::Refused { code, .. } => match code {
                Some(ErrorCode::Busy) => ProblemKind::Busy,
                Some(ErrorCode::RateLimited) => ProblemKind::RateLimited,
                Some(ErrorCode::Internal) => ProblemKind::PlatformFailed,
                Some(
                    ErrorCode::Unauthorized
                    | ErrorCode::MissingToken
                    | ErrorCode::InvalidToken
                    | ErrorCode::TokenExpired,
                ) => ProblemKind::SessionEnded,
                _ => ProblemKind::ConnectionRefused,
            },
            Self::Forbidden(said) => return Problem::new(ProblemKind::Forbidden).with_said(said),
            Self::NotFound(_) => ProblemKind::NotFound,
            Self::Invalid { fields } => {
                let said = fields
                    .iter()
                    .map(|f| f.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                return Problem::new(ProblemKind::Invalid).with_said(said);
            }
            Self::Conflict(_) => ProblemKind::Conflict,
            Self::RateLimited { retry_after } => {
                return Problem {
                    retry_after: Some(*retry_after),
                    ..Problem::new(ProblemKind::RateLimited)
                }
            }
            Self::Server(_) => ProblemKind::PlatformFailed,
            Self::Status { status, .. } => {
                return Problem::new(ProblemKind::PlatformFailed).with_status(*status)
            }
            Self::Cache(_) | Self::Io { .. } | Self::Local(_) => ProblemKind::Local,
        };
        Problem::new(kind)
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
            Self::Status { status, message } => Self::Status {
                status: *status,
                message: message.clone(),
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_connection_reads_as_unreachable_with_the_os_error_in_the_detail() {
        let error = Error::Offline(
            "error sending request for url (http://127.0.0.1:39101/api/chat/channels/1/messages): \
             client error (Connect): tcp connect error: Connection refused (os error 111)"
                .to_owned(),
        );
        let coded = error.coded();
        assert_eq!(coded.code, ErrorCode::Offline);
        assert_eq!(coded.message, "Can't reach the platform");
        assert!(coded.detail.is_some_and(|d| d.contains("os error 111")));
        assert_eq!(
            error.problem().at("http://127.0.0.1:39101").sentence(),
            "Can't reach the platform at 127.0.0.1:39101"
        );
    }

    #[test]
    fn each_failure_has_its_kind() {
        let table = [
            (
                Error::Unauthorized("expired".into()),
                ProblemKind::SessionEnded,
            ),
            (
                Error::Status {
                    status: 500,
                    message: "Internal Server Error".into(),
                },
                ProblemKind::PlatformFailed,
            ),
            (
                Error::Server("bad json".into()),
                ProblemKind::PlatformFailed,
            ),
            (
                Error::Refused {
                    code: Some(ErrorCode::Busy),
                    message: "BUSY: deploying".into(),
                },
                ProblemKind::Busy,
            ),
            (
                Error::Refused {
                    code: None,
                    message: "MAINTENANCE".into(),
                },
                ProblemKind::ConnectionRefused,
            ),
            (Error::Conflict("changed".into()), ProblemKind::Conflict),
            (Error::NotFound("gone".into()), ProblemKind::NotFound),
            (Error::Local("damaged".into()), ProblemKind::Local),
            (
                Error::RateLimited { retry_after: 3 },
                ProblemKind::RateLimited,
            ),
        ];
        for (error, kind) in table {
            assert_eq!(error.problem().kind, kind, "{error:?}");
        }
    }

    #[test]
    fn a_500_names_its_status_and_refused_input_names_the_reason() {
        let failed = Error::Status {
            status: 500,
            message: "Internal Server Error".into(),
        };
        assert_eq!(
            failed.coded().message,
            "The platform had a problem (500); try again"
        );
        let invalid = Error::Invalid {
            fields: vec![FieldError::new(
                "content",
                "must be at most 10000 characters",
            )],
        };
        assert_eq!(
            invalid.problem().sentence(),
            "The platform refused this: must be at most 10000 characters"
        );
        let wrong = Error::Unauthorized("invalid email or password".into());
        assert_eq!(
            wrong.problem().during_sign_in().sentence(),
            "The platform refused the sign-in: wrong email or password"
        );
    }
}
