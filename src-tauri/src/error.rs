//! `CommandError`: how a command fails. It is the [`CodedError`] the UI shows, serialized as
//! exactly that, and each one is logged once, where it is made: an engine failure through
//! `From<engine::Error>` (so commands use `?`), a shell failure through [`CommandError::internal`].
//!
//! `engine::Error` and `CodedError` both live in other crates, so the conversion the commands
//! need (`engine::Error` → `CodedError`) is this shell-local type's `From`. Logs carry the
//! code and the message only: never a request, which may hold a password.

use protocol::error::{CodedError, ErrorCode};
use serde::Serialize;

/// A command's failure, as the UI receives it (a [`CodedError`]).
#[derive(Debug, Serialize, thiserror::Error)]
#[serde(transparent)]
#[error(transparent)]
pub struct CommandError(CodedError);

/// A command's answer.
pub type Answer<T> = Result<T, CommandError>;

impl CommandError {
    /// A failure of the shell itself (not of the engine), in words.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::from(CodedError::new(ErrorCode::Internal, message))
    }
}

impl From<CodedError> for CommandError {
    /// Logs the failure (the expected ones, offline or invalid input, as info) and keeps it.
    fn from(error: CodedError) -> Self {
        let code = error.code.as_str();
        match error.code {
            ErrorCode::Offline | ErrorCode::Invalid => {
                tracing::info!(code, message = %error.message, detail = ?error.detail, "command failed");
            }
            _ => {
                tracing::warn!(code, message = %error.message, detail = ?error.detail, "command failed");
            }
        }
        Self(error)
    }
}

impl From<engine::Error> for CommandError {
    fn from(error: engine::Error) -> Self {
        Self::from(error.coded())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ui_receives_the_coded_error_itself() {
        let error = CommandError::from(engine::Error::NotFound("no such channel".to_owned()));
        let sent = serde_json::to_value(&error).expect("serializable");
        let coded: CodedError = serde_json::from_value(sent).expect("a CodedError");
        assert_eq!(coded.code, ErrorCode::NotFound);
        assert_eq!(
            coded.message,
            "It is no longer on the platform, or no longer yours to see"
        );
        assert_eq!(coded.detail.as_deref(), Some("not found: no such channel"));
    }
}
