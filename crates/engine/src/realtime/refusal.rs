//! What a refused Socket.IO handshake (`connect_error`) means for the session: only a
//! refusal about the token or the account ends it; anything else is the platform having a
//! problem, which the connection waits out (backing off) with the session kept.

use protocol::error::ErrorCode;

/// What to do about a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The access token expired: refresh it and try again at once (once).
    Expired,
    /// The token or the account is refused: the person must sign in again.
    SignIn,
    /// The platform has a problem (failing, busy, slowing us down, or a code this console
    /// does not know): keep the session, back off and try again.
    Platform,
}

impl Refusal {
    /// The decision for a refusal with `code` (none: the message carried no known code).
    pub fn of(code: Option<ErrorCode>) -> Self {
        match code {
            // An invalid token may be one the platform no longer takes after a change of
            // keys: a fresh one is worth one try before asking to sign in.
            Some(ErrorCode::TokenExpired | ErrorCode::InvalidToken) => Self::Expired,
            Some(ErrorCode::MissingToken | ErrorCode::Unauthorized | ErrorCode::Forbidden) => {
                Self::SignIn
            }
            _ => Self::Platform,
        }
    }
}

/// Words a person understands for a refusal that is the platform's problem; `message` is
/// the platform's own (`"CODE: text"`), kept at the end for whoever reads further.
pub fn explain(code: Option<ErrorCode>, message: &str) -> String {
    let what = match code {
        Some(ErrorCode::Busy) => "The platform is busy right now",
        Some(ErrorCode::RateLimited) => "The platform asked this console to slow down",
        Some(ErrorCode::Internal) => "The platform has a problem right now",
        _ => "The platform refused the live connection",
    };
    format!(
        "{what}; you are still signed in and it will be tried again shortly. \
         (The platform said: {message})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_token_and_account_refusals_end_the_session() {
        let table = [
            (Some(ErrorCode::TokenExpired), Refusal::Expired),
            (Some(ErrorCode::InvalidToken), Refusal::Expired),
            (Some(ErrorCode::MissingToken), Refusal::SignIn),
            (Some(ErrorCode::Unauthorized), Refusal::SignIn),
            (Some(ErrorCode::Forbidden), Refusal::SignIn),
            (Some(ErrorCode::Internal), Refusal::Platform),
            (Some(ErrorCode::Busy), Refusal::Platform),
            (Some(ErrorCode::RateLimited), Refusal::Platform),
            (Some(ErrorCode::Offline), Refusal::Platform),
            (Some(ErrorCode::Invalid), Refusal::Platform),
            (Some(ErrorCode::UnknownEvent), Refusal::Platform),
            (None, Refusal::Platform),
        ];
        for (code, wanted) in table {
            assert_eq!(Refusal::of(code), wanted, "{code:?}");
        }
    }

    #[test]
    fn the_words_say_the_session_is_kept_and_quote_the_platform() {
        let words = explain(Some(ErrorCode::Busy), "BUSY: deploying");
        assert!(words.starts_with("The platform is busy"), "{words}");
        assert!(words.contains("still signed in"), "{words}");
        assert!(
            words.ends_with("(The platform said: BUSY: deploying)"),
            "{words}"
        );
        let unknown = explain(None, "SOMETHING_NEW: eh");
        assert!(unknown.contains("refused the live connection"), "{unknown}");
    }
}
