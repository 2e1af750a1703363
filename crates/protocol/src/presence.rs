//! Presence (collision awareness): who else is viewing or typing in a ticket, told to
//! agents only. PLATFORM.md "Presence (collision)": client → server `viewing` /
//! `stop_viewing {channelId}`, server → client `presence {channelId, agents}`, the whole
//! current list whenever it changes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ChannelId, UserId};

wire_enum!(
    /// What an agent is doing in a channel.
    PresenceState {
        /// Has the channel open.
        Viewing = "VIEWING",
        /// Is writing in it.
        Typing = "TYPING",
    }
);

/// One agent in a channel's presence list (one entry per user, whatever number of
/// consoles it has open there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceAgent {
    /// Who.
    pub user_id: UserId,
    /// Their display name, as the platform knows it.
    pub user_name: String,
    /// Viewing, or typing.
    pub state: PresenceState,
    /// Since when it is in this state.
    pub since: DateTime<Utc>,
}

/// `presence`: the agents in a channel now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    /// The channel.
    pub channel_id: ChannelId,
    /// Everyone viewing or typing there, by user id.
    pub agents: Vec<PresenceAgent>,
}

/// What a successful `viewing` ack carries beside `ok: true`: the current list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewingList {
    /// Everyone viewing or typing in the channel, the caller included.
    pub agents: Vec<PresenceAgent>,
}

impl Presence {
    /// The others in the list: everyone but `me`.
    pub fn others(&self, me: UserId) -> impl Iterator<Item = &PresenceAgent> {
        self.agents.iter().filter(move |agent| agent.user_id != me)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_wire_names_are_the_contracts() {
        let user = UserId::from(uuid::Uuid::nil());
        let presence = Presence {
            channel_id: ChannelId::from(uuid::Uuid::nil()),
            agents: vec![PresenceAgent {
                user_id: user,
                user_name: "Ann".to_owned(),
                state: PresenceState::Typing,
                since: DateTime::from_timestamp(0, 0).unwrap_or_default(),
            }],
        };
        let value = serde_json::to_value(&presence).expect("json");
        assert_eq!(
            value,
            json!({
                "channelId": "00000000-0000-0000-0000-000000000000",
                "agents": [{
                    "userId": "00000000-0000-0000-0000-000000000000",
                    "userName": "Ann",
                    "state": "TYPING",
                    "since": "1970-01-01T00:00:00Z",
                }],
            })
        );
        assert_eq!(presence.others(user).count(), 0);
    }
}
