//! What the connection follows, kept across reconnects: the channel rooms joined, and the
//! channel on screen that an agent's colleagues see in its presence.

use std::collections::BTreeSet;

use protocol::events::name;
use protocol::ChannelId;
use serde_json::json;

use super::socket::Socket;
use crate::error::Result;

/// Rooms joined and the channel viewed.
#[derive(Debug, Default)]
pub struct Followed {
    /// The rooms joined.
    pub rooms: BTreeSet<ChannelId>,
    /// The channel on screen.
    viewing: Option<ChannelId>,
    /// Whether the user is an agent: only agents tell the platform what they view.
    agent: bool,
}

impl Followed {
    /// Nothing followed yet, for an agent or not.
    pub fn new(agent: bool) -> Self {
        Self {
            agent,
            ..Self::default()
        }
    }

    /// Tells a fresh connection everything followed.
    pub async fn replay(&self, socket: &mut Socket) -> Result<()> {
        for channel in &self.rooms {
            socket
                .emit(name::JOIN_CHANNEL, json!({"channelId": channel}))
                .await?;
        }
        if let Some(channel) = self.viewing.filter(|_| self.agent) {
            socket
                .emit(name::VIEWING, json!({"channelId": channel}))
                .await?;
        }
        Ok(())
    }

    /// The channel on screen is now `channel`; recorded only (offline).
    pub fn set_viewing(&mut self, channel: Option<ChannelId>) -> Option<ChannelId> {
        std::mem::replace(&mut self.viewing, channel)
    }

    /// The channel on screen is now `channel`: the platform hears the old one closed and
    /// the new one open.
    pub async fn view(&mut self, socket: &mut Socket, channel: Option<ChannelId>) -> Result<()> {
        let before = self.set_viewing(channel);
        if !self.agent || before == channel {
            return Ok(());
        }
        if let Some(old) = before {
            socket
                .emit(name::STOP_VIEWING, json!({"channelId": old}))
                .await?;
        }
        if let Some(new) = channel {
            socket
                .emit(name::VIEWING, json!({"channelId": new}))
                .await?;
        }
        Ok(())
    }
}
