//! JSON decoding that names the field at fault, so a 400 or an error ack can say which.

use serde::de::DeserializeOwned;
use serde_json::Value;
use thiserror::Error;

use crate::error::FieldError;

/// Input that is not the expected JSON shape.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}: {message}", field.as_deref().unwrap_or("body"))]
pub struct DecodeError {
    /// The path of the offending field in wire names (`type`, `participantIds[0]`), or `None`
    /// when the input as a whole is malformed.
    pub field: Option<String>,
    /// What is wrong with it.
    pub message: String,
}

impl DecodeError {
    /// As the field list of an error body.
    pub fn into_field_error(self) -> FieldError {
        FieldError {
            field: self.field.unwrap_or_else(|| "body".to_owned()),
            message: self.message,
        }
    }
}

/// Decodes `text` as `T`, naming the field at fault on failure. The text must be exactly one
/// JSON document: anything after it but whitespace is refused.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(into_decode_error)?;
    deserializer.end().map_err(trailing)?;
    Ok(value)
}

/// Decodes `bytes` as `T`, naming the field at fault on failure. The bytes must be exactly
/// one JSON document: anything after it but whitespace is refused.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(into_decode_error)?;
    deserializer.end().map_err(trailing)?;
    Ok(value)
}

/// Something follows the document.
fn trailing(_: serde_json::Error) -> DecodeError {
    DecodeError {
        field: None,
        message: "malformed JSON: must be exactly one JSON document, with nothing after it"
            .to_owned(),
    }
}

/// Decodes an already parsed `value` as `T`, naming the field at fault on failure.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let message = error.into_inner().to_string();
        decode_error(path, message)
    })
}

fn into_decode_error(error: serde_path_to_error::Error<serde_json::Error>) -> DecodeError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return DecodeError {
            field: None,
            message: format!("malformed JSON: {inner}"),
        };
    }
    let message = {
        // serde_json appends " at line L column C", which means nothing to a caller
        // who sent the body in one line; keep just the reason.
        let text = inner.to_string();
        match text.rfind(" at line ") {
            Some(at) => text[..at].to_owned(),
            None => text,
        }
    };
    decode_error(path, message)
}

/// Builds the error, completing the path with the field a "missing field" message names
/// (serde reports it at the enclosing object).
fn decode_error(path: String, message: String) -> DecodeError {
    let path = if path == "." { String::new() } else { path };
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let field = match (missing, path.is_empty()) {
        (Some(name), true) => Some(name.to_owned()),
        (Some(name), false) => Some(format!("{path}.{name}")),
        (None, true) => None,
        (None, false) => Some(path),
    };
    DecodeError { field, message }
}
