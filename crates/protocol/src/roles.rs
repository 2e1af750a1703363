//! Roles, permissions, and the visibility rules of PLATFORM.md's role table, as functions.
//!
//! This is the one table: the server checks every route and event against it, and the UI
//! uses it to offer only the actions a role may take.

pub use crate::enums::Role;
use crate::enums::{ChannelType, SenderType, TicketCategory};
use crate::ids::{TenantId, UserId};
use crate::model::Channel;

wire_enum!(
    /// A capability a role grants.
    Permission {
        /// Use chat at all. Every role has it.
        Access = "chat.access",
        /// Open channels and tickets. Every role has it.
        CreateChannel = "chat.create_channel",
        /// Change a ticket's priority, category and status.
        Manage = "chat.manage",
        /// Hand a channel to platform support.
        Escalate = "chat.escalate",
        /// Assign a channel to a team member.
        Assign = "chat.assign",
        /// Resolve and reopen.
        Resolve = "chat.resolve",
        /// Archive.
        Archive = "chat.archive",
    }
);

/// Something a user may try to do to a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatAction {
    /// Open a new channel or ticket.
    CreateChannel,
    /// Hand to platform support.
    Escalate,
    /// Assign to a team member.
    Assign,
    /// Mark resolved.
    Resolve,
    /// Bring a resolved channel back.
    Reopen,
    /// Archive.
    Archive,
    /// Change a ticket's priority or category.
    UpdateTicket,
    /// Change a ticket's status.
    UpdateTicketStatus,
}

impl ChatAction {
    /// Every action, in declaration order.
    pub const ALL: &'static [ChatAction] = &[
        Self::CreateChannel,
        Self::Escalate,
        Self::Assign,
        Self::Resolve,
        Self::Reopen,
        Self::Archive,
        Self::UpdateTicket,
        Self::UpdateTicketStatus,
    ];

    /// The permissions any one of which allows this action.
    pub const fn allowed_by(self) -> &'static [Permission] {
        match self {
            Self::CreateChannel => &[Permission::CreateChannel],
            Self::Escalate => &[Permission::Escalate],
            Self::Assign => &[Permission::Assign],
            Self::Resolve | Self::Reopen => &[Permission::Resolve],
            Self::Archive => &[Permission::Archive],
            Self::UpdateTicket => &[Permission::Manage],
            Self::UpdateTicketStatus => &[Permission::Manage, Permission::Resolve],
        }
    }
}

/// How far a role's sight reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisibilityScope {
    /// Every channel of every tenant.
    AllTenants,
    /// Every channel of the role's tenant.
    Tenant,
    /// Channels the user takes part in (or is assigned), plus the extras of [`Visibility`].
    Own,
}

/// Which channels a role sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    /// The base reach.
    pub scope: VisibilityScope,
    /// Beyond its own: the tenant's tickets of these categories.
    pub ticket_categories: &'static [TicketCategory],
    /// Beyond its own: the tenant's channels of these types.
    pub channel_types: &'static [ChannelType],
}

/// What is known about a channel when deciding whether a user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelFacts {
    /// The channel belongs to the user's active tenant (always, in a session over every
    /// tenant).
    pub same_tenant: bool,
    /// The user is a participant who has not left.
    pub is_participant: bool,
    /// The channel is assigned to the user.
    pub is_assignee: bool,
    /// The channel's type.
    pub channel_type: ChannelType,
    /// The category of its ticket, if it has one.
    pub ticket_category: Option<TicketCategory>,
}

impl ChannelFacts {
    /// The facts of `channel` as it stands, for `user` signed in to `tenant` (`None`: a
    /// super admin's session over every tenant). Participants are the current ones.
    pub fn of(channel: &Channel, user: UserId, tenant: Option<TenantId>) -> Self {
        Self {
            same_tenant: tenant.is_none_or(|tenant| tenant == channel.tenant_id),
            is_participant: channel.participants.iter().any(|p| p.user_id == user),
            is_assignee: channel.assigned_to == Some(user),
            channel_type: channel.channel_type,
            ticket_category: channel.ticket.as_ref().map(|ticket| ticket.category),
        }
    }
}

impl Visibility {
    /// Whether a channel with these facts is visible. This is the reference rule; the
    /// server's SQL predicate must agree with it.
    pub fn allows(&self, channel: &ChannelFacts) -> bool {
        match self.scope {
            // A super admin's session spans every tenant unless it signed in to one;
            // `same_tenant` holds for every channel in the former.
            VisibilityScope::AllTenants | VisibilityScope::Tenant => channel.same_tenant,
            VisibilityScope::Own => {
                channel.same_tenant
                    && (channel.is_participant
                        || channel.is_assignee
                        || self.channel_types.contains(&channel.channel_type)
                        || channel
                            .ticket_category
                            .is_some_and(|category| self.ticket_categories.contains(&category)))
            }
        }
    }
}

const EVERY_PERMISSION: &[Permission] = Permission::ALL;
const BASE: &[Permission] = &[Permission::Access, Permission::CreateChannel];
const MODERATOR: &[Permission] = &[
    Permission::Access,
    Permission::CreateChannel,
    Permission::Resolve,
];

impl Role {
    /// The permissions this role grants (PLATFORM.md's role table).
    pub const fn permissions(self) -> &'static [Permission] {
        match self {
            Self::SuperAdmin | Self::OrgAdmin => EVERY_PERMISSION,
            Self::Moderator => MODERATOR,
            Self::QuestionManager
            | Self::AccountOfficer
            | Self::Inspector
            | Self::Participant
            | Self::PracticeUser => BASE,
        }
    }

    /// Whether this role grants `permission`.
    pub fn has(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// Whether this role may take `action` (on a channel it can see).
    pub fn may(self, action: ChatAction) -> bool {
        action.allowed_by().iter().any(|&p| self.has(p))
    }

    /// The sender type of this role's messages.
    pub const fn sender_type(self) -> SenderType {
        match self {
            Self::SuperAdmin => SenderType::SuperAdmin,
            Self::OrgAdmin => SenderType::TenantAdmin,
            Self::QuestionManager | Self::AccountOfficer | Self::Inspector | Self::Moderator => {
                SenderType::ManagementTeam
            }
            Self::Participant | Self::PracticeUser => SenderType::Participant,
        }
    }

    /// Which channels this role sees.
    pub const fn visibility(self) -> Visibility {
        const NONE_CATEGORIES: &[TicketCategory] = &[];
        const NONE_TYPES: &[ChannelType] = &[];
        let (scope, ticket_categories, channel_types) = match self {
            Self::SuperAdmin => (VisibilityScope::AllTenants, NONE_CATEGORIES, NONE_TYPES),
            Self::OrgAdmin => (VisibilityScope::Tenant, NONE_CATEGORIES, NONE_TYPES),
            Self::QuestionManager => (
                VisibilityScope::Own,
                &[TicketCategory::QuestionIssue] as &[TicketCategory],
                NONE_TYPES,
            ),
            Self::AccountOfficer => (
                VisibilityScope::Own,
                &[TicketCategory::Billing] as &[TicketCategory],
                NONE_TYPES,
            ),
            Self::Inspector | Self::Moderator => (
                VisibilityScope::Own,
                &[TicketCategory::TournamentIssue] as &[TicketCategory],
                &[ChannelType::Tournament] as &[ChannelType],
            ),
            Self::Participant | Self::PracticeUser => {
                (VisibilityScope::Own, NONE_CATEGORIES, NONE_TYPES)
            }
        };
        Visibility {
            scope,
            ticket_categories,
            channel_types,
        }
    }

    /// Whether this role is an agent's: it works the support queue and sends as a super
    /// admin, a tenant admin or the management team (PLATFORM.md, "Agent workflow"), as
    /// opposed to an end user.
    pub const fn is_agent(self) -> bool {
        !matches!(self.sender_type(), SenderType::Participant)
    }
}
