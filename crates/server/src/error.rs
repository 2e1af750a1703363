//! `ApiError`: every way a request can fail, mapped to a status code and the contract's
//! `{statusCode, error, message, fields?}` body. Internal causes are logged, never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use protocol::error::{CodedError, ErrorCode};
use protocol::{ErrorBody, FieldError};

use crate::store::StoreError;

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The input broke the contract; each bad field is named.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// No valid credentials or token.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// The caller's role does not permit this on something it can see.
    #[error("{0}")]
    Forbidden(&'static str),
    /// No such thing, or not visible to the caller (the same answer, by design).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The target's state does not allow this.
    #[error("{0}")]
    Conflict(String),
    /// A value that must be unique is taken; the field is named.
    #[error("already taken: {}", .0.field)]
    Taken(FieldError),
    /// The route exists but does not take this method.
    #[error("this route does not take that method")]
    MethodNotAllowed,
    /// The body is larger than allowed.
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; try again in {0} seconds")]
    RateLimited(u64),
    /// The database stayed locked or out of connections for too long; try again shortly.
    #[error("the platform is busy; try again in a moment")]
    Busy,
    /// Something failed on our side.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// Results of handlers.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A single invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) | Self::Taken(_) => StatusCode::CONFLICT,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The contract's error body.
    pub fn body(&self) -> ErrorBody {
        let status = self.status();
        let (message, fields) = match self {
            Self::Invalid(fields) => {
                let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
                (
                    format!("invalid input: {}", names.join(", ")),
                    Some(fields.clone()),
                )
            }
            Self::Taken(field) => (
                format!("{} is already taken", field.field),
                Some(vec![field.clone()]),
            ),
            other => (other.to_string(), None),
        };
        ErrorBody {
            status_code: status.as_u16(),
            error: status.canonical_reason().unwrap_or("Error").to_owned(),
            message,
            fields,
        }
    }

    /// The same failure as a socket ack or event error.
    pub fn coded(&self) -> CodedError {
        let code = match self {
            Self::Invalid(_) => ErrorCode::Invalid,
            Self::Unauthorized(_) => ErrorCode::Unauthorized,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict(_) | Self::Taken(_) => ErrorCode::Conflict,
            Self::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Self::PayloadTooLarge => ErrorCode::Invalid,
            Self::RateLimited(_) => ErrorCode::RateLimited,
            Self::Busy => ErrorCode::Busy,
            Self::Internal(_) => ErrorCode::Internal,
        };
        let body = self.body();
        CodedError {
            code,
            message: body.message,
            fields: body.fields,
            detail: None,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(why) => Self::Conflict(why),
            StoreError::Taken(field) => Self::Taken(field),
            StoreError::Forbidden(why) => Self::Forbidden(why),
            StoreError::Invalid(fields) => Self::Invalid(fields),
            busy if busy.is_busy() => {
                tracing::warn!(error = %busy, "database busy");
                Self::Busy
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        crate::telemetry::metrics::error("rest", self.coded().code);
        if let Self::Internal(source) = &self {
            tracing::error!(error = format!("{source:#}"), "request failed");
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        let retry_after = match self {
            Self::RateLimited(seconds) => Some(seconds),
            Self::Busy => Some(1),
            _ => None,
        };
        if let Some(value) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}
