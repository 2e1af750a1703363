//! Every contract type against a fixture in the exact shape of PLATFORM.md: it parses, and
//! serializing it gives back the same JSON (absent optional fields and `null` being equal).

use std::path::Path;

use protocol::events::{
    Ack, ChannelAssigned, ChannelRef, ChannelUpdated, ConnectErrorData, Empty, ErrorEvent,
    HandshakeAuth, NewMessage, ReadMarker, SendMessagePayload, SentMessage, ServerEvent,
    TicketEscalated, UserStopTyping, UserTyping,
};
use protocol::rest::{
    AssignRequest, ChannelListQuery, CreateChannelRequest, EscalateRequest, HealthResponse,
    LoginRequest, LoginResponse, LogoutRequest, MarkReadRequest, MeResponse, MessagesQuery,
    RefreshRequest, ResolveRequest, SendMessageRequest, SyncResponse, TokenPair,
    UpdateTicketRequest,
};
use protocol::{
    Channel, ErrorBody, Message, Participant, PutSlaPolicyRequest, SlaPolicy, Tenant,
    TenantMembership, Ticket, TicketSla, UserSummary,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// `null` members mean the same as absent ones.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Parses fixture `name` as `T`, checks it serializes back to the same JSON and parses
/// again to an equal value, and returns it.
fn round_trip<T>(name: &str) -> T
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let original = fixture(name);
    let text = original.to_string();
    let parsed: T = protocol::json::from_str(&text)
        .unwrap_or_else(|e| panic!("{name} does not parse as the contract type: {e}"));
    let written = serde_json::to_value(&parsed).expect("serializes");
    assert_eq!(
        without_nulls(written.clone()),
        without_nulls(original),
        "{name} does not serialize back to the same JSON"
    );
    let again: T = serde_json::from_value(written).expect("parses what it wrote");
    assert_eq!(again, parsed, "{name} changes in a round trip");
    parsed
}

macro_rules! round_trips {
    ($($test:ident: $ty:ty = $file:literal;)+) => {
        $(
            #[test]
            fn $test() {
                round_trip::<$ty>($file);
            }
        )+
    };
}

round_trips! {
    user_summary: UserSummary = "model/user_summary.json";
    tenant: Tenant = "model/tenant.json";
    tenant_membership: TenantMembership = "model/tenant_membership.json";
    message: Message = "model/message.json";
    system_message: Message = "model/message_system.json";
    participant: Participant = "model/participant.json";
    ticket: Ticket = "model/ticket.json";
    support_channel: Channel = "model/channel.json";
    team_channel_without_optionals: Channel = "model/channel_team.json";
    login_request: LoginRequest = "rest/login_request.json";
    login_response: LoginResponse = "rest/login_response.json";
    refresh_request: RefreshRequest = "rest/refresh_request.json";
    token_pair: TokenPair = "rest/token_pair.json";
    logout_request: LogoutRequest = "rest/logout_request.json";
    me_response: MeResponse = "rest/me_response.json";
    user_list: Vec<UserSummary> = "rest/user_list.json";
    create_channel_request: CreateChannelRequest = "rest/create_channel_request.json";
    send_message_request: SendMessageRequest = "rest/send_message_request.json";
    mark_read_request: MarkReadRequest = "rest/mark_read_request.json";
    escalate_request: EscalateRequest = "rest/escalate_request.json";
    assign_request: AssignRequest = "rest/assign_request.json";
    resolve_request: ResolveRequest = "rest/resolve_request.json";
    update_ticket_request: UpdateTicketRequest = "rest/update_ticket_request.json";
    sync_response: SyncResponse = "rest/sync_response.json";
    health_response: HealthResponse = "rest/health_response.json";
    error_body_with_fields: ErrorBody = "rest/error_body.json";
    error_body_plain: ErrorBody = "rest/error_body_plain.json";
    channel_ref: ChannelRef = "events/channel_ref.json";
    send_message_payload: SendMessagePayload = "events/send_message.json";
    read_marker: ReadMarker = "events/read_marker.json";
    ack_empty: Ack<Empty> = "events/ack_empty.json";
    ack_sent_message: Ack<SentMessage> = "events/ack_sent_message.json";
    ack_error: Ack<SentMessage> = "events/ack_error.json";
    new_message: NewMessage = "events/new_message.json";
    channel_updated: ChannelUpdated = "events/channel_updated.json";
    channel_assigned: ChannelAssigned = "events/channel_assigned.json";
    ticket_escalated: TicketEscalated = "events/ticket_escalated.json";
    user_typing: UserTyping = "events/user_typing.json";
    user_stop_typing: UserStopTyping = "events/user_stop_typing.json";
    error_event: ErrorEvent = "events/error.json";
    connect_error: ConnectErrorData = "events/connect_error.json";
    handshake_auth: HandshakeAuth = "events/handshake_auth.json";
    sla_policy: SlaPolicy = "model/sla_policy.json";
    sla_policy_around_the_clock: SlaPolicy = "model/sla_policy_around_the_clock.json";
    ticket_sla: TicketSla = "model/ticket_sla.json";
    put_sla_policy_request: PutSlaPolicyRequest = "rest/put_sla_policy_request.json";
}

#[test]
fn a_support_channel_carries_its_ticket_participants_and_last_message() {
    let channel: Channel = round_trip("model/channel.json");
    assert_eq!(channel.channel_type, protocol::ChannelType::Support);
    let ticket = channel.ticket.expect("the ticket");
    assert_eq!(ticket.priority, protocol::TicketPriority::High);
    assert_eq!(channel.participants.len(), 1);
    assert_eq!(channel.last_message.map(|m| m.seq), Some(3));
    assert_eq!(channel.unread_count, 2);
}

#[test]
fn acks_keep_ok_and_error_apart() {
    match round_trip::<Ack<SentMessage>>("events/ack_sent_message.json") {
        Ack::Ok(sent) => assert_eq!(sent.message.seq, 3),
        Ack::Err(error) => panic!("expected ok, got {error:?}"),
    }
    match round_trip::<Ack<SentMessage>>("events/ack_error.json") {
        Ack::Err(error) => assert_eq!(error.code, protocol::ErrorCode::NotFound),
        Ack::Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn every_server_event_decodes_by_name_and_keeps_its_payload() {
    let cases = [
        ("joined_channel", "events/channel_ref.json"),
        ("left_channel", "events/channel_ref.json"),
        ("new_message", "events/new_message.json"),
        ("channel_updated", "events/channel_updated.json"),
        ("channel_assigned", "events/channel_assigned.json"),
        ("ticket_escalated", "events/ticket_escalated.json"),
        ("user_typing", "events/user_typing.json"),
        ("user_stop_typing", "events/user_stop_typing.json"),
        ("read_updated", "events/read_marker.json"),
        ("canned_responses_changed", "events/empty.json"),
        ("presence", "events/presence.json"),
        ("error", "events/error.json"),
    ];
    for (name, file) in cases {
        let payload = fixture(file);
        let event = ServerEvent::decode(name, payload.clone())
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .unwrap_or_else(|| panic!("{name} is not known"));
        assert_eq!(event.name(), name);
        assert_eq!(
            without_nulls(event.payload().expect("serializes")),
            without_nulls(payload),
            "{name} changes its payload"
        );
    }
}

#[test]
fn an_unknown_server_event_is_not_an_error() {
    let decoded = ServerEvent::decode("presence_moved", serde_json::json!({}));
    assert_eq!(decoded, Ok(None));
}

#[test]
fn the_queue_query_parses_from_a_query_string() {
    let user = "22222222-2222-4222-8222-222222222222";
    let query: ChannelListQuery = serde_urlencoded::from_str(&format!(
        "type=SUPPORT&status=ESCALATED&priority=URGENT&category=BILLING&assignedTo={user}&q=refund&limit=20&cursor=abc"
    ))
    .expect("parses");
    assert_eq!(query.channel_type, Some(protocol::ChannelType::Support));
    assert_eq!(query.status, Some(protocol::ChannelStatus::Escalated));
    assert_eq!(
        query.assigned_to,
        Some(protocol::rest::AssigneeFilter::User(
            user.parse().expect("a uuid")
        ))
    );
    assert_eq!(query.limit, Some(20));
    for (text, expected) in [
        ("assignedTo=me", protocol::rest::AssigneeFilter::Me),
        (
            "assignedTo=none",
            protocol::rest::AssigneeFilter::Unassigned,
        ),
    ] {
        let query: ChannelListQuery = serde_urlencoded::from_str(text).expect("parses");
        assert_eq!(query.assigned_to, Some(expected));
    }
    let messages: MessagesQuery = serde_urlencoded::from_str("before=10&limit=200").expect("ok");
    assert_eq!(messages.before, Some(10));
}

#[test]
fn secrets_never_show_in_debug_output() {
    let login: LoginRequest = round_trip("rest/login_request.json");
    let response: LoginResponse = round_trip("rest/login_response.json");
    let shown = format!("{login:?} {response:?}");
    assert!(!shown.contains("switchboard"), "password leaked: {shown}");
    assert!(
        !shown.contains("r1.opaque"),
        "refresh token leaked: {shown}"
    );
    assert!(!shown.contains("eyJhbGci"), "access token leaked: {shown}");
    assert!(shown.contains("[redacted]"));
}
