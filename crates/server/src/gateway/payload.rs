//! What every event handler starts with: the socket's session, its payload decoded and
//! validated (errors naming the field), and failures as coded errors.

use std::sync::Arc;

use protocol::error::{CodedError, ErrorCode};
use protocol::validate::Validate;
use serde::de::DeserializeOwned;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use socketioxide::ParserError;

use super::session::SocketSession;
use crate::error::ApiError;

/// The session the handshake recorded for `socket`.
pub(super) fn session<A: Adapter>(socket: &SocketRef<A>) -> Result<Arc<SocketSession>, CodedError> {
    socket
        .extensions
        .get::<Arc<SocketSession>>()
        .ok_or_else(|| CodedError::new(ErrorCode::Unauthorized, "this socket has no session"))
}

/// Decodes and validates an event's payload; errors name the field.
pub(super) fn decode<T: DeserializeOwned + Validate>(
    data: Result<Value, ParserError>,
) -> Result<T, CodedError> {
    let value = data.map_err(|_| ApiError::invalid("payload", "must be a JSON object").coded())?;
    let payload: T = protocol::json::from_value(value)
        .map_err(|error| ApiError::Invalid(vec![error.into_field_error()]).coded())?;
    payload
        .validate()
        .map_err(|fields| ApiError::Invalid(fields).coded())?;
    Ok(payload)
}

/// A failure as the coded error an ack or `error` event carries.
pub(super) fn coded(error: impl Into<ApiError>) -> CodedError {
    error.into().coded()
}
