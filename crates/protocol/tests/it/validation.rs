//! The input rules of PLATFORM.md: lengths, ranges, required fields.

use protocol::rest::{
    ChannelListQuery, CreateChannelRequest, EscalateRequest, MessagesQuery, SendMessageRequest,
    UpdateTicketRequest,
};
use protocol::validate::{Validate, CONTENT_MAX_CHARS, SUBJECT_MAX_CHARS};
use protocol::{ChannelType, TicketPriority};

fn fields(result: Result<(), Vec<protocol::FieldError>>) -> Vec<String> {
    result
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.field)
        .collect()
}

fn support(subject: Option<&str>) -> CreateChannelRequest {
    CreateChannelRequest {
        channel_type: ChannelType::Support,
        participant_ids: None,
        subject: subject.map(str::to_owned),
        category: None,
        priority: None,
        context_id: None,
        initial_message: None,
    }
}

fn message(content: &str) -> SendMessageRequest {
    SendMessageRequest {
        content: content.to_owned(),
        metadata: None,
        client_message_id: None,
        internal: None,
    }
}

#[test]
fn a_support_channel_needs_a_subject_of_1_to_200_characters() {
    assert_eq!(fields(support(None).validate()), ["subject"]);
    assert_eq!(fields(support(Some("   ")).validate()), ["subject"]);
    let longest = "é".repeat(SUBJECT_MAX_CHARS);
    assert!(
        support(Some(&longest)).validate().is_ok(),
        "counts characters"
    );
    let too_long = "x".repeat(SUBJECT_MAX_CHARS + 1);
    assert_eq!(fields(support(Some(&too_long)).validate()), ["subject"]);
    assert!(support(Some("Cannot log in")).validate().is_ok());
}

#[test]
fn only_support_channels_take_ticket_fields() {
    let mut team = support(None);
    team.channel_type = ChannelType::Team;
    assert!(team.validate().is_ok(), "TEAM needs no subject");
    team.priority = Some(TicketPriority::High);
    assert_eq!(fields(team.validate()), ["priority"]);
}

#[test]
fn message_content_is_1_to_10000_characters_after_trimming() {
    assert_eq!(fields(message("").validate()), ["content"]);
    assert_eq!(fields(message(" \n\t ").validate()), ["content"]);
    assert!(message(&"a".repeat(CONTENT_MAX_CHARS)).validate().is_ok());
    assert_eq!(
        fields(message(&"a".repeat(CONTENT_MAX_CHARS + 1)).validate()),
        ["content"]
    );
    let padded = format!("  {}  ", "a".repeat(CONTENT_MAX_CHARS));
    assert!(
        message(&padded).validate().is_ok(),
        "trimmed before counting"
    );
}

#[test]
fn metadata_must_be_an_object_and_client_ids_bounded() {
    let mut send = message("hi");
    send.metadata = Some(serde_json::json!([1, 2]));
    send.client_message_id = Some(String::new());
    assert_eq!(fields(send.validate()), ["metadata", "clientMessageId"]);
}

#[test]
fn an_escalation_needs_a_reason() {
    let empty = EscalateRequest { reason: " ".into() };
    assert_eq!(fields(empty.validate()), ["reason"]);
    let long = EscalateRequest {
        reason: "x".repeat(2_001),
    };
    assert_eq!(fields(long.validate()), ["reason"]);
}

#[test]
fn a_ticket_update_must_change_something() {
    assert_eq!(fields(UpdateTicketRequest::default().validate()), ["body"]);
}

#[test]
fn pages_are_1_to_200() {
    let mut query = ChannelListQuery {
        limit: Some(0),
        ..Default::default()
    };
    assert_eq!(fields(query.validate()), ["limit"]);
    query.limit = Some(201);
    assert_eq!(fields(query.validate()), ["limit"]);
    query.limit = Some(200);
    assert!(query.validate().is_ok());
    let both = MessagesQuery {
        before: Some(5),
        after: Some(1),
        limit: None,
    };
    assert_eq!(fields(both.validate()), ["before"]);
}
