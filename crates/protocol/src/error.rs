//! The error body every REST error answers with, and the codes acks and IPC use.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// One bad input field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The field's path in the input, in wire names (`subject`, `participantIds[1]`).
    pub field: String,
    /// What is wrong, in words.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The JSON body of every REST error: `{statusCode, error, message, fields?}`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The HTTP status code.
    pub status_code: u16,
    /// The status's reason phrase (`Bad Request`).
    pub error: String,
    /// What went wrong, in words a user can act on.
    pub message: String,
    /// For 400: each bad field; for 409: the field whose value is taken.
    pub fields: Option<Vec<FieldError>>,
}

wire_enum!(
    /// Why a socket event, an ack or a console command failed.
    ErrorCode {
        /// The input is invalid; see the fields.
        Invalid = "INVALID",
        /// No valid session.
        Unauthorized = "UNAUTHORIZED",
        /// No access token was given.
        MissingToken = "MISSING_TOKEN",
        /// The access token is not valid.
        InvalidToken = "INVALID_TOKEN",
        /// The access token has expired; get a fresh one.
        TokenExpired = "TOKEN_EXPIRED",
        /// The role does not permit this.
        Forbidden = "FORBIDDEN",
        /// No such thing, or not visible to the caller.
        NotFound = "NOT_FOUND",
        /// The target's state does not allow this.
        Conflict = "CONFLICT",
        /// Too many requests; slow down.
        RateLimited = "RATE_LIMITED",
        /// The platform cannot be reached.
        Offline = "OFFLINE",
        /// The platform is overloaded for a moment; try again shortly.
        Busy = "BUSY",
        /// Something failed on the other side; the message says what.
        Internal = "INTERNAL",
        /// A socket event the platform does not know (answered in its ack).
        UnknownEvent = "UNKNOWN_EVENT",
        /// A REST route that exists, called with a method it does not take.
        MethodNotAllowed = "METHOD_NOT_ALLOWED",
    }
);

/// A failure as acks and console commands report it: `{code, message, fields?}`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct CodedError {
    /// The kind of failure.
    pub code: ErrorCode,
    /// What went wrong, in words.
    pub message: String,
    /// For `INVALID`: each bad field.
    pub fields: Option<Vec<FieldError>>,
    /// The technical cause behind `message` (console commands only), for a "Details"
    /// disclosure; the platform never sends it.
    #[serde(default)]
    pub detail: Option<String>,
}

impl CodedError {
    /// An error without field details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: None,
            detail: None,
        }
    }

    /// The same, with the technical cause behind its words.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// An `INVALID` error naming the bad fields.
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        let message = format!("invalid input: {}", names.join(", "));
        Self {
            code: ErrorCode::Invalid,
            message,
            fields: Some(fields),
            detail: None,
        }
    }
}
