//! The payload of `typing` and `stop_typing`: `{channelId}`. Unlike every other event's,
//! it ignores fields the contract does not name (PLATFORM.md): the original web client
//! sends `{channelId, userName}`, and its typing indicator must work. What it adds is never
//! trusted: the name the room hears comes from the server.

use protocol::events::ChannelRef;
use protocol::validate::Validate;
use protocol::{ChannelId, FieldError};
use serde::Deserialize;

/// `typing` / `stop_typing`, extra fields ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypingTarget {
    /// The channel.
    pub channel_id: ChannelId,
}

impl Validate for TypingTarget {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        Ok(())
    }
}

impl From<TypingTarget> for ChannelRef {
    fn from(target: TypingTarget) -> Self {
        Self {
            channel_id: target.channel_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_original_clients_user_name_is_ignored() {
        let id = ChannelId::from(uuid::Uuid::new_v4());
        let target: TypingTarget =
            protocol::json::from_value(json!({"channelId": id, "userName": "Mallory"}))
                .expect("decoded");
        assert_eq!(target.channel_id, id);
    }

    #[test]
    fn the_channel_is_still_required() {
        let error = protocol::json::from_value::<TypingTarget>(json!({"userName": "Mallory"}))
            .expect_err("refused");
        assert!(error.to_string().contains("channelId"), "{error}");
    }
}
