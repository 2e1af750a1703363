//! Who looks at the console: a user signed in to a tenant (or, as a super admin, to every
//! tenant) with a role. The one place a console decides what that user may see and which
//! actions to offer on a channel; the platform decides the same by the same tables.

use serde::{Deserialize, Serialize};

use crate::action::ChannelAction;
use crate::enums::{ChannelStatus, ChannelType};
use crate::ids::{TenantId, UserId};
use crate::model::Channel;
use crate::roles::{ChannelFacts, ChatAction, Role};

/// A signed-in user as visibility and permissions see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Viewer {
    /// The user.
    pub user: UserId,
    /// The active tenant (absent: a super admin over every tenant).
    pub tenant: Option<TenantId>,
    /// The role in it.
    pub role: Role,
}

impl Viewer {
    /// What visibility knows of `channel` for this viewer.
    pub fn facts(&self, channel: &Channel) -> ChannelFacts {
        ChannelFacts::of(channel, self.user, self.tenant)
    }

    /// Whether this viewer may see `channel` as it is now (the role's
    /// [`crate::Visibility::allows`]).
    pub fn may_see(&self, channel: &Channel) -> bool {
        self.role.visibility().allows(&self.facts(channel))
    }

    /// Whether this viewer's role permits `action` (on a channel it can see).
    pub fn may(&self, action: &ChannelAction) -> bool {
        action.allowed_for(self.role)
    }

    /// The actions to offer on `channel`, in the order they are shown: those the role
    /// permits and the channel's state admits. The platform checks again; this only keeps
    /// impossible buttons away.
    pub fn offered(&self, channel: &Channel) -> Vec<ChatAction> {
        ChatAction::ALL
            .iter()
            .copied()
            .filter(|&action| self.role.may(action) && admits(channel, action))
            .collect()
    }
}

/// Whether `channel`'s state admits `action` at all (whoever asks).
fn admits(channel: &Channel, action: ChatAction) -> bool {
    let is_ticket = channel.channel_type == ChannelType::Support && channel.ticket.is_some();
    let status = channel.status;
    match action {
        ChatAction::CreateChannel => false,
        ChatAction::Assign | ChatAction::Archive => status != ChannelStatus::Archived,
        ChatAction::Escalate => status == ChannelStatus::Active,
        ChatAction::Resolve => matches!(status, ChannelStatus::Active | ChannelStatus::Escalated),
        ChatAction::Reopen => status == ChannelStatus::Resolved,
        ChatAction::UpdateTicket | ChatAction::UpdateTicketStatus => {
            is_ticket && status != ChannelStatus::Archived
        }
    }
}
