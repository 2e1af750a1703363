//! Every event a client may send on `/chat`, listed once (as [`crate::endpoints`] lists the
//! REST routes): the gateway registers one handler per entry and the server's cross-tenant
//! suite attacks each entry, both through an exhaustive `match`, so an event added here
//! without a handler or an attack case does not compile.

use crate::events::name;

/// A client → server event of PLATFORM.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClientEvent {
    /// `join_channel {channelId}`: enter a channel's room (acked).
    JoinChannel,
    /// `leave_channel {channelId}`: leave a channel's room (acked).
    LeaveChannel,
    /// `send_message {channelId, content, …}`: post a message (acked with the message).
    SendMessage,
    /// `typing {channelId}`: the room hears `user_typing`.
    Typing,
    /// `stop_typing {channelId}`: the room hears `user_stop_typing`.
    StopTyping,
    /// `mark_read {channelId, seq}`: move the read marker (acked).
    MarkRead,
    /// `viewing {channelId}` (agents): the user has the channel open; acked with the
    /// current presence list.
    Viewing,
    /// `stop_viewing {channelId}` (agents): the user closed it (acked).
    StopViewing,
}

/// What an event carries, by the protocol type its payload decodes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// [`crate::events::ChannelRef`].
    ChannelRef,
    /// [`crate::events::SendMessagePayload`].
    SendMessage,
    /// [`crate::events::ReadMarker`].
    ReadMarker,
}

impl ClientEvent {
    /// Every client event, in the order PLATFORM.md lists them.
    pub const ALL: &'static [ClientEvent] = &[
        Self::JoinChannel,
        Self::LeaveChannel,
        Self::SendMessage,
        Self::Typing,
        Self::StopTyping,
        Self::MarkRead,
        Self::Viewing,
        Self::StopViewing,
    ];

    /// Its name on the wire.
    pub const fn name(self) -> &'static str {
        match self {
            Self::JoinChannel => name::JOIN_CHANNEL,
            Self::LeaveChannel => name::LEAVE_CHANNEL,
            Self::SendMessage => name::SEND_MESSAGE,
            Self::Typing => name::TYPING,
            Self::StopTyping => name::STOP_TYPING,
            Self::MarkRead => name::MARK_READ,
            Self::Viewing => name::VIEWING,
            Self::StopViewing => name::STOP_VIEWING,
        }
    }

    /// What its payload decodes as.
    pub const fn payload(self) -> Payload {
        match self {
            Self::JoinChannel
            | Self::LeaveChannel
            | Self::Typing
            | Self::StopTyping
            | Self::Viewing
            | Self::StopViewing => Payload::ChannelRef,
            Self::SendMessage => Payload::SendMessage,
            Self::MarkRead => Payload::ReadMarker,
        }
    }

    /// The event called `name`, if a client may send it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|event| event.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_event_has_its_own_name_and_is_found_by_it() {
        let names: HashSet<_> = ClientEvent::ALL.iter().map(|e| e.name()).collect();
        assert_eq!(names.len(), ClientEvent::ALL.len());
        for &event in ClientEvent::ALL {
            assert_eq!(ClientEvent::from_name(event.name()), Some(event));
        }
        assert_eq!(ClientEvent::from_name(name::NEW_MESSAGE), None);
    }
}
