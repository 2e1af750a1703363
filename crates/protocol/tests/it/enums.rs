//! Every enum's wire names, exactly as PLATFORM.md writes them, both ways.

use std::fmt::Debug;
use std::str::FromStr;

use protocol::error::ErrorCode;
use protocol::{
    ChannelStatus, ChannelType, ParticipantRole, Permission, Role, SenderType, TicketCategory,
    TicketPriority, TicketStatus,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn assert_wire_names<T>(expected: &[&str])
where
    T: Serialize + DeserializeOwned + FromStr + Copy + PartialEq + Debug + ToString + 'static,
    <T as FromStr>::Err: Debug,
{
    for name in expected {
        let parsed: T = serde_json::from_value(serde_json::json!(name))
            .unwrap_or_else(|e| panic!("`{name}` is not accepted: {e}"));
        assert_eq!(serde_json::to_value(parsed).expect("serializes"), *name);
        assert_eq!(parsed.to_string(), *name);
        assert_eq!(name.parse::<T>().expect("parses"), parsed);
    }
    assert!(serde_json::from_value::<T>(serde_json::json!("NOT_A_VARIANT")).is_err());
    assert!("not_a_variant".parse::<T>().is_err());
}

#[test]
fn channel_type() {
    assert_wire_names::<ChannelType>(&["SUPPORT", "TOURNAMENT", "TEAM", "PLATFORM_SUPPORT"]);
    assert_eq!(ChannelType::ALL.len(), 4);
}

#[test]
fn channel_status() {
    assert_wire_names::<ChannelStatus>(&["ACTIVE", "RESOLVED", "ESCALATED", "ARCHIVED"]);
    assert_eq!(ChannelStatus::ALL.len(), 4);
}

#[test]
fn sender_type() {
    assert_wire_names::<SenderType>(&[
        "SUPER_ADMIN",
        "TENANT_ADMIN",
        "MANAGEMENT_TEAM",
        "PARTICIPANT",
        "SYSTEM",
    ]);
    assert_eq!(SenderType::ALL.len(), 5);
}

#[test]
fn participant_role() {
    assert_wire_names::<ParticipantRole>(&["OWNER", "ADMIN", "MEMBER", "OBSERVER"]);
    assert_eq!(ParticipantRole::ALL.len(), 4);
}

#[test]
fn ticket_category() {
    assert_wire_names::<TicketCategory>(&[
        "TECHNICAL",
        "BILLING",
        "FEATURE_REQUEST",
        "TOURNAMENT_ISSUE",
        "QUESTION_ISSUE",
        "ACCOUNT_ACCESS",
        "OTHER",
    ]);
    assert_eq!(TicketCategory::ALL.len(), 7);
    assert_eq!(TicketCategory::default(), TicketCategory::Other);
}

#[test]
fn ticket_priority_is_ordered_low_to_urgent() {
    assert_wire_names::<TicketPriority>(&["LOW", "MEDIUM", "HIGH", "URGENT"]);
    assert!(TicketPriority::Low < TicketPriority::Medium);
    assert!(TicketPriority::High < TicketPriority::Urgent);
    assert_eq!(TicketPriority::default(), TicketPriority::Medium);
}

#[test]
fn ticket_status() {
    assert_wire_names::<TicketStatus>(&[
        "OPEN",
        "IN_PROGRESS",
        "PENDING_USER",
        "PENDING_ADMIN",
        "RESOLVED",
        "CLOSED",
    ]);
    assert_eq!(TicketStatus::ALL.len(), 6);
}

#[test]
fn role() {
    assert_wire_names::<Role>(&[
        "SUPER_ADMIN",
        "ORG_ADMIN",
        "QUESTION_MANAGER",
        "ACCOUNT_OFFICER",
        "INSPECTOR",
        "MODERATOR",
        "PARTICIPANT",
        "PRACTICE_USER",
    ]);
    assert_eq!(Role::ALL.len(), 8);
}

#[test]
fn permission() {
    assert_wire_names::<Permission>(&[
        "chat.access",
        "chat.create_channel",
        "chat.manage",
        "chat.escalate",
        "chat.assign",
        "chat.resolve",
        "chat.archive",
    ]);
    assert_eq!(Permission::ALL.len(), 7);
}

#[test]
fn error_code() {
    assert_wire_names::<ErrorCode>(&[
        "INVALID",
        "UNAUTHORIZED",
        "MISSING_TOKEN",
        "INVALID_TOKEN",
        "TOKEN_EXPIRED",
        "FORBIDDEN",
        "NOT_FOUND",
        "CONFLICT",
        "RATE_LIMITED",
        "OFFLINE",
        "INTERNAL",
    ]);
}

#[test]
fn only_active_and_escalated_channels_accept_messages() {
    let open: Vec<_> = ChannelStatus::ALL
        .iter()
        .filter(|s| s.accepts_messages())
        .collect();
    assert_eq!(open, [&ChannelStatus::Active, &ChannelStatus::Escalated]);
}
