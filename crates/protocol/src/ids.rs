//! Typed identifiers: a `ChannelId` cannot be passed where a `UserId` is expected.
//!
//! All ids are UUIDs, serialized as their hyphenated string form.

uuid_id!(
    /// An organisation on the platform.
    TenantId
);
uuid_id!(
    /// A person who signs in.
    UserId
);
uuid_id!(
    /// A conversation: a support ticket's thread, a team room or a tournament room.
    ChannelId
);
uuid_id!(
    /// One message in a channel.
    MessageId
);
uuid_id!(
    /// The support ticket attached to a SUPPORT channel.
    TicketId
);
uuid_id!(
    /// A saved reply an agent inserts into the composer.
    CannedResponseId
);
