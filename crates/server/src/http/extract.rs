//! Extractors that answer bad input in the contract's shape: JSON bodies and query strings
//! decoded with the offending field named, then checked against `protocol::validate`; the
//! channel id of the path; and the actor from the bearer token.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use protocol::validate::Validate;
use protocol::{CannedResponseId, ChannelId, FieldError, TicketPriority};
use serde::de::DeserializeOwned;

use super::AppState;
use crate::actor::Actor;
use crate::auth::TokenError;
use crate::error::ApiError;

/// A JSON body, decoded and validated.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned + Validate,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection: BytesRejection| {
                    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::PayloadTooLarge
                    } else {
                        ApiError::invalid("body", rejection.body_text())
                    }
                })?;
        // An empty body reads as `{}`: optional bodies may be left out, and a required
        // field still gets named.
        let bytes: &[u8] = if bytes.is_empty() { b"{}" } else { &bytes };
        let value: T = protocol::json::from_slice(bytes)
            .map_err(|error| ApiError::Invalid(vec![error.into_field_error()]))?;
        value.validate().map_err(ApiError::Invalid)?;
        Ok(Self(value))
    }
}

/// A query string, decoded and validated.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Validate,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        let value: T = serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let path = error.path().to_string();
            let message = error.into_inner().to_string();
            let field = if path == "." {
                // "unknown field `x`" / "missing field `x`" name it in the message.
                message
                    .split('`')
                    .nth(1)
                    .map(str::to_owned)
                    .unwrap_or_else(|| "query".to_owned())
            } else {
                path
            };
            ApiError::Invalid(vec![FieldError::new(field, message)])
        })?;
        value.validate().map_err(ApiError::Invalid)?;
        Ok(Self(value))
    }
}

/// The `{id}` of a route, parsed as `T`; a 400 naming `id` says it must be `what`.
async fn path_id<T: std::str::FromStr, S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
    what: &str,
) -> Result<T, ApiError> {
    let Path(id) = Path::<String>::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::invalid("id", format!("missing {what} id")))?;
    id.parse()
        .map_err(|_| ApiError::invalid("id", format!("must be a {what} id (a UUID)")))
}

/// The `{id}` of a channel route.
#[derive(Debug, Clone, Copy)]
pub struct ChannelPath(pub ChannelId);

impl<S: Send + Sync> FromRequestParts<S> for ChannelPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        path_id(parts, state, "channel").await.map(Self)
    }
}

/// The `{id}` of a canned response's route.
#[derive(Debug, Clone, Copy)]
pub struct CannedPath(pub CannedResponseId);

impl<S: Send + Sync> FromRequestParts<S> for CannedPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        path_id(parts, state, "canned response").await.map(Self)
    }
}

/// The `{priority}` of an SLA policy's route.
#[derive(Debug, Clone, Copy)]
pub struct PriorityPath(pub TicketPriority);

impl<S: Send + Sync> FromRequestParts<S> for PriorityPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let names = || {
            let names: Vec<&str> = TicketPriority::ALL.iter().map(|p| p.as_str()).collect();
            format!("must be one of {}", names.join(", "))
        };
        let Path(priority) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::invalid("priority", names()))?;
        priority
            .parse()
            .map(Self)
            .map_err(|_| ApiError::invalid("priority", names()))
    }
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or(ApiError::Unauthorized("sign in first: no bearer token"))?;
        // The scheme is case-insensitive (RFC 7235).
        let token = header
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token)
            .ok_or(ApiError::Unauthorized(
                "the Authorization header must be `Bearer <token>`",
            ))?;
        let claims = state
            .keys
            .verify(token.trim())
            .map_err(|error| match error {
                TokenError::Expired => ApiError::Unauthorized("the access token has expired"),
                TokenError::Invalid => ApiError::Unauthorized("the access token is not valid"),
            })?;
        Actor::vouched(claims.sub, claims.tid, claims.role)
    }
}
