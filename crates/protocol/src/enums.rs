//! The contract's enums, each with its exact upper-case wire names.

use thiserror::Error;

/// A string that names no variant of a wire enum.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown {type_name} `{value}`, expected one of: {}", expected.join(", "))]
pub struct UnknownVariant {
    /// The enum that was asked for.
    pub type_name: &'static str,
    /// What was given.
    pub value: String,
    /// The wire names that would have been accepted.
    pub expected: &'static [&'static str],
}

wire_enum!(
    /// What a channel is for.
    ChannelType {
        /// A help-desk ticket's conversation.
        Support = "SUPPORT",
        /// A tournament's room.
        Tournament = "TOURNAMENT",
        /// An internal team room.
        Team = "TEAM",
        /// A conversation with the platform's own support (super admins).
        PlatformSupport = "PLATFORM_SUPPORT",
    }
);

wire_enum!(
    /// Where a channel stands.
    ChannelStatus {
        /// Ongoing conversation.
        Active = "ACTIVE",
        /// The issue was resolved; posting is closed until it is reopened.
        Resolved = "RESOLVED",
        /// Handed to platform support.
        Escalated = "ESCALATED",
        /// Closed for good.
        Archived = "ARCHIVED",
    }
);

wire_enum!(
    /// Who wrote a message, by kind.
    SenderType {
        /// A platform administrator.
        SuperAdmin = "SUPER_ADMIN",
        /// An organisation's administrator.
        TenantAdmin = "TENANT_ADMIN",
        /// Question managers, account officers, inspectors and moderators.
        ManagementTeam = "MANAGEMENT_TEAM",
        /// End users.
        Participant = "PARTICIPANT",
        /// The platform itself (assigned, escalated, resolved …).
        System = "SYSTEM",
    }
);

wire_enum!(
    /// A participant's standing in one channel.
    ParticipantRole {
        /// Created the channel.
        Owner = "OWNER",
        /// May manage participants.
        Admin = "ADMIN",
        /// Regular participant.
        Member = "MEMBER",
        /// Reads, never posts.
        Observer = "OBSERVER",
    }
);

wire_enum!(
    /// What a support ticket is about; `Other` when not said.
    #[derive(Default)]
    TicketCategory {
        /// Technical issues.
        Technical = "TECHNICAL",
        /// Payment and subscription.
        Billing = "BILLING",
        /// Requests for new features.
        FeatureRequest = "FEATURE_REQUEST",
        /// Problems with a tournament.
        TournamentIssue = "TOURNAMENT_ISSUE",
        /// Problems with the question bank.
        QuestionIssue = "QUESTION_ISSUE",
        /// Sign-in and permissions.
        AccountAccess = "ACCOUNT_ACCESS",
        /// Anything else.
        #[default]
        Other = "OTHER",
    }
);

wire_enum!(
    /// How urgent a ticket is; ordered from `Low` to `Urgent`; `Medium` when not said.
    #[derive(Default)]
    TicketPriority {
        /// Can wait.
        Low = "LOW",
        /// The default.
        #[default]
        Medium = "MEDIUM",
        /// Soon.
        High = "HIGH",
        /// Now; always notifies.
        Urgent = "URGENT",
    }
);

wire_enum!(
    /// A ticket's workflow state.
    TicketStatus {
        /// Just created.
        Open = "OPEN",
        /// Being worked on.
        InProgress = "IN_PROGRESS",
        /// Waiting for the user's answer.
        PendingUser = "PENDING_USER",
        /// Waiting for an administrator.
        PendingAdmin = "PENDING_ADMIN",
        /// The issue was resolved.
        Resolved = "RESOLVED",
        /// Closed.
        Closed = "CLOSED",
    }
);

impl ChannelStatus {
    /// Whether messages may be posted into a channel in this state.
    pub const fn accepts_messages(self) -> bool {
        matches!(self, Self::Active | Self::Escalated)
    }
}

impl ChannelType {
    /// Whether a channel of this type carries a support ticket.
    pub const fn has_ticket(self) -> bool {
        matches!(self, Self::Support)
    }
}

wire_enum!(
    /// A user's role in a tenant (`SuperAdmin` is platform-wide).
    Role {
        /// Acts in every tenant and handles escalated channels.
        SuperAdmin = "SUPER_ADMIN",
        /// Runs one organisation.
        OrgAdmin = "ORG_ADMIN",
        /// Looks after the question bank.
        QuestionManager = "QUESTION_MANAGER",
        /// Looks after billing.
        AccountOfficer = "ACCOUNT_OFFICER",
        /// Inspects tournaments.
        Inspector = "INSPECTOR",
        /// Moderates tournaments.
        Moderator = "MODERATOR",
        /// Takes part in tournaments.
        Participant = "PARTICIPANT",
        /// Practises only.
        PracticeUser = "PRACTICE_USER",
    }
);
