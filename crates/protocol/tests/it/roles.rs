//! PLATFORM.md's role table, row by row: what each role sees, may do, and sends as.

use protocol::roles::ChannelFacts;
use protocol::{
    ChannelType, ChatAction, Permission, Role, SenderType, TicketCategory, VisibilityScope,
};
use rstest::rstest;

/// One row of the table: `(escalate, assign, resolve/reopen, archive)`.
type Powers = (bool, bool, bool, bool);

#[rstest]
#[case::super_admin(Role::SuperAdmin, (true, true, true, true))]
#[case::org_admin(Role::OrgAdmin, (true, true, true, true))]
#[case::question_manager(Role::QuestionManager, (false, false, false, false))]
#[case::account_officer(Role::AccountOfficer, (false, false, false, false))]
#[case::inspector(Role::Inspector, (false, false, false, false))]
#[case::moderator(Role::Moderator, (false, false, true, false))]
#[case::participant(Role::Participant, (false, false, false, false))]
#[case::practice_user(Role::PracticeUser, (false, false, false, false))]
fn actions_follow_the_role_table(#[case] role: Role, #[case] powers: Powers) {
    let (escalate, assign, resolve, archive) = powers;
    assert_eq!(role.may(ChatAction::Escalate), escalate, "escalate");
    assert_eq!(role.may(ChatAction::Assign), assign, "assign");
    assert_eq!(role.may(ChatAction::Resolve), resolve, "resolve");
    assert_eq!(
        role.may(ChatAction::Reopen),
        resolve,
        "reopen goes with resolve"
    );
    assert_eq!(role.may(ChatAction::Archive), archive, "archive");
    // Every role has chat.access and chat.create_channel.
    assert!(role.has(Permission::Access));
    assert!(role.has(Permission::CreateChannel));
    assert!(role.may(ChatAction::CreateChannel));
    // Ticket status: chat.manage or chat.resolve; priority and category: chat.manage.
    assert_eq!(
        role.may(ChatAction::UpdateTicketStatus),
        role.has(Permission::Manage) || role.has(Permission::Resolve)
    );
    assert_eq!(
        role.may(ChatAction::UpdateTicket),
        role.has(Permission::Manage)
    );
}

#[rstest]
#[case::super_admin(Role::SuperAdmin, SenderType::SuperAdmin)]
#[case::org_admin(Role::OrgAdmin, SenderType::TenantAdmin)]
#[case::question_manager(Role::QuestionManager, SenderType::ManagementTeam)]
#[case::account_officer(Role::AccountOfficer, SenderType::ManagementTeam)]
#[case::inspector(Role::Inspector, SenderType::ManagementTeam)]
#[case::moderator(Role::Moderator, SenderType::ManagementTeam)]
#[case::participant(Role::Participant, SenderType::Participant)]
#[case::practice_user(Role::PracticeUser, SenderType::Participant)]
fn sender_type_follows_the_role(#[case] role: Role, #[case] sender_type: SenderType) {
    assert_eq!(role.sender_type(), sender_type);
}

fn facts(channel_type: ChannelType, category: Option<TicketCategory>) -> ChannelFacts {
    ChannelFacts {
        same_tenant: true,
        is_participant: false,
        is_assignee: false,
        channel_type,
        ticket_category: category,
    }
}

/// What a role sees of its tenant's channels it takes no part in:
/// `(scope, sees a QUESTION_ISSUE ticket, a BILLING ticket, a TOURNAMENT_ISSUE ticket,
/// a TOURNAMENT channel, a TEAM channel)`.
#[rstest]
#[case::super_admin(Role::SuperAdmin, VisibilityScope::AllTenants, [true, true, true, true, true])]
#[case::org_admin(Role::OrgAdmin, VisibilityScope::Tenant, [true, true, true, true, true])]
#[case::question_manager(Role::QuestionManager, VisibilityScope::Own, [true, false, false, false, false])]
#[case::account_officer(Role::AccountOfficer, VisibilityScope::Own, [false, true, false, false, false])]
#[case::inspector(Role::Inspector, VisibilityScope::Own, [false, false, true, true, false])]
#[case::moderator(Role::Moderator, VisibilityScope::Own, [false, false, true, true, false])]
#[case::participant(Role::Participant, VisibilityScope::Own, [false, false, false, false, false])]
#[case::practice_user(Role::PracticeUser, VisibilityScope::Own, [false, false, false, false, false])]
fn visibility_follows_the_role_table(
    #[case] role: Role,
    #[case] scope: VisibilityScope,
    #[case] sees: [bool; 5],
) {
    let visibility = role.visibility();
    assert_eq!(visibility.scope, scope);
    let channels = [
        facts(ChannelType::Support, Some(TicketCategory::QuestionIssue)),
        facts(ChannelType::Support, Some(TicketCategory::Billing)),
        facts(ChannelType::Support, Some(TicketCategory::TournamentIssue)),
        facts(ChannelType::Tournament, None),
        facts(ChannelType::Team, None),
    ];
    for (channel, expected) in channels.iter().zip(sees) {
        assert_eq!(
            visibility.allows(channel),
            expected,
            "{role} on {channel:?}"
        );
    }
}

#[rstest]
fn everyone_sees_their_own_and_assigned_channels(
    #[values(
        Role::SuperAdmin,
        Role::OrgAdmin,
        Role::QuestionManager,
        Role::AccountOfficer,
        Role::Inspector,
        Role::Moderator,
        Role::Participant,
        Role::PracticeUser
    )]
    role: Role,
) {
    let own = ChannelFacts {
        is_participant: true,
        ..facts(ChannelType::Team, None)
    };
    let assigned = ChannelFacts {
        is_assignee: true,
        ..facts(ChannelType::Support, Some(TicketCategory::Other))
    };
    assert!(role.visibility().allows(&own));
    assert!(role.visibility().allows(&assigned));
}

/// No role sees another tenant's channel from a session of its own tenant, not even as a
/// participant; only a super admin's session over every tenant (where every channel counts
/// as its tenant's, see `ChannelFacts::of`) sees them all.
#[rstest]
fn no_session_sees_outside_its_tenant(
    #[values(
        Role::SuperAdmin,
        Role::OrgAdmin,
        Role::QuestionManager,
        Role::AccountOfficer,
        Role::Inspector,
        Role::Moderator,
        Role::Participant,
        Role::PracticeUser
    )]
    role: Role,
) {
    let foreign = ChannelFacts {
        same_tenant: false,
        is_participant: true,
        is_assignee: true,
        channel_type: ChannelType::Tournament,
        ticket_category: Some(TicketCategory::TournamentIssue),
    };
    assert!(!role.visibility().allows(&foreign));
}

#[test]
fn a_super_admin_session_over_every_tenant_sees_every_channel() {
    let channel: protocol::Channel =
        serde_json::from_str(include_str!("../fixtures/model/channel.json"))
            .expect("the channel fixture");
    let stranger = protocol::UserId::from(uuid::Uuid::new_v4());
    let everywhere = ChannelFacts::of(&channel, stranger, None);
    assert!(Role::SuperAdmin.visibility().allows(&everywhere));
    let elsewhere = ChannelFacts::of(
        &channel,
        stranger,
        Some(protocol::TenantId::from(uuid::Uuid::new_v4())),
    );
    assert!(!Role::SuperAdmin.visibility().allows(&elsewhere));
}

#[test]
fn permissions_of_the_admins_are_all_of_them() {
    for role in [Role::SuperAdmin, Role::OrgAdmin] {
        assert_eq!(role.permissions(), Permission::ALL);
    }
    assert_eq!(
        Role::Moderator.permissions(),
        [
            Permission::Access,
            Permission::CreateChannel,
            Permission::Resolve
        ]
    );
}
