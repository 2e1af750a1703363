//! Bad input is rejected with an error that names the field at fault.

use protocol::events::SendMessagePayload;
use protocol::json::{self, DecodeError};
use protocol::rest::{CreateChannelRequest, SendMessageRequest, UpdateTicketRequest};

fn field_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> Option<String> {
    let error: DecodeError = json::from_str::<T>(text).expect_err("must be rejected");
    error.field
}

#[test]
fn an_invalid_enum_value_names_its_field() {
    let error = json::from_str::<CreateChannelRequest>(r#"{"type":"HELPDESK","subject":"x"}"#)
        .expect_err("HELPDESK is no channel type");
    assert_eq!(error.field.as_deref(), Some("type"));
    assert!(error.message.contains("HELPDESK"), "{}", error.message);
    assert!(error.message.contains("SUPPORT"), "lists what is accepted");
}

#[test]
fn an_invalid_nested_enum_value_names_its_field() {
    let field = field_of::<UpdateTicketRequest>(r#"{"priority":"CRITICAL"}"#);
    assert_eq!(field.as_deref(), Some("priority"));
}

#[test]
fn a_bad_id_in_a_list_names_its_position() {
    let field = field_of::<CreateChannelRequest>(
        r#"{"type":"TEAM","participantIds":["22222222-2222-4222-8222-222222222222","nope"]}"#,
    );
    assert_eq!(field.as_deref(), Some("participantIds[1]"));
}

#[test]
fn a_missing_field_is_named() {
    let field = field_of::<SendMessageRequest>(r#"{"clientMessageId":"a"}"#);
    assert_eq!(field.as_deref(), Some("content"));
}

#[test]
fn an_unknown_field_is_named() {
    let field = field_of::<SendMessageRequest>(r#"{"content":"hi","tenantId":"x"}"#);
    assert_eq!(field.as_deref(), Some("tenantId"));
}

#[test]
fn a_wrong_type_is_named() {
    let field = field_of::<SendMessagePayload>(
        r#"{"channelId":"44444444-4444-4444-8444-444444444444","content":42}"#,
    );
    assert_eq!(field.as_deref(), Some("content"));
}

#[test]
fn malformed_json_names_no_field() {
    let error = json::from_str::<SendMessageRequest>(r#"{"content": "#).expect_err("malformed");
    assert_eq!(error.field, None);
    assert!(error.message.starts_with("malformed JSON"));
    assert_eq!(error.into_field_error().field, "body");
}

#[test]
fn decoding_a_parsed_value_names_the_field_too() {
    let value = serde_json::json!({"channelId": "not-a-uuid", "content": "hi"});
    let error = json::from_value::<SendMessagePayload>(value).expect_err("bad id");
    assert_eq!(error.field.as_deref(), Some("channelId"));
}

#[test]
fn a_refused_handshake_carries_its_code_in_the_message() {
    use protocol::error::ErrorCode;
    use protocol::events::ConnectErrorData;
    let refusal = ConnectErrorData::new(ErrorCode::TokenExpired, "the access token has expired");
    assert_eq!(
        refusal.message,
        "TOKEN_EXPIRED: the access token has expired"
    );
    assert_eq!(refusal.code(), Some(ErrorCode::TokenExpired));
    let foreign = ConnectErrorData {
        message: "Invalid namespace".to_owned(),
    };
    assert_eq!(foreign.code(), None);
}
