//! Generators for the property tests: valid values of every request type and client event
//! payload, random JSON, and frame-shaped text for the Socket.IO codec.

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use protocol::canned::{
    CannedResponseQuery, CannedScope, CreateCannedResponseRequest, UpdateCannedResponseRequest,
};
use protocol::events::{ChannelRef, ReadMarker, SendMessagePayload};
use protocol::rest::QueueSort;
use protocol::rest::{
    AssignRequest, AssigneeFilter, ChannelListQuery, CreateChannelRequest, EscalateRequest,
    LoginRequest, LogoutRequest, MarkReadRequest, MessagesQuery, RefreshRequest, ResolveRequest,
    SendMessageRequest, SyncQuery, UpdateTicketRequest, UserListQuery,
};
use protocol::sla::{BusinessDay, BusinessHours, PutSlaPolicyRequest, SlaFilter};
use protocol::socketio::{EnginePacket, SocketPacket};
use protocol::{
    ChannelId, ChannelStatus, ChannelType, Role, Secret, TenantId, TicketCategory, TicketPriority,
    TicketStatus, UserId,
};
use serde_json::{Map, Number, Value};

/// Any text: every Unicode scalar, NUL and the JSON specials included.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => vec(any::<char>(), 0..12).prop_map(String::from_iter),
        2 => vec(select(SPECIAL_CHARS), 0..12).prop_map(String::from_iter),
    ]
}

/// Characters JSON, Socket.IO frames, query strings and the database treat specially.
const SPECIAL_CHARS: &[char] = &[
    '\0',
    '\n',
    '\u{1f}',
    '"',
    '\\',
    '/',
    ',',
    '[',
    ']',
    '{',
    '}',
    '&',
    '=',
    '%',
    '+',
    '#',
    '0',
    '7',
    'a',
    ' ',
    '\u{e9}',
    '\u{1f600}',
    '\u{feff}',
    '\u{2028}',
];

fn uuid() -> impl Strategy<Value = uuid::Uuid> {
    any::<u128>().prop_map(uuid::Uuid::from_u128)
}

fn channel_id() -> impl Strategy<Value = ChannelId> {
    uuid().prop_map(ChannelId)
}

fn user_id() -> impl Strategy<Value = UserId> {
    uuid().prop_map(UserId)
}

fn tenant_id() -> impl Strategy<Value = TenantId> {
    uuid().prop_map(TenantId)
}

fn secret() -> impl Strategy<Value = Secret> {
    text().prop_map(Secret::new)
}

/// JSON that reads back exactly as written: no floats, whose text form need not.
pub fn exact_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(text(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON object of exact JSON.
pub fn json_object() -> impl Strategy<Value = Value> {
    btree_map(text(), exact_json(), 0..4).prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// Any JSON at all, floats included, with keys a request type may know.
pub fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        2 => select(KNOWN_KEYS).prop_map(str::to_owned),
        1 => text(),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        text().prop_map(Value::String),
        uuid().prop_map(|u| Value::String(u.to_string())),
        select(WIRE_WORDS).prop_map(|w| Value::String(w.to_owned())),
    ];
    leaf.prop_recursive(3, 16, 4, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(key.clone(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Field names of the request types, so random objects often look almost right.
pub const KNOWN_KEYS: &[&str] = &[
    "email",
    "password",
    "tenantId",
    "refreshToken",
    "q",
    "role",
    "type",
    "status",
    "priority",
    "category",
    "assignedTo",
    "limit",
    "cursor",
    "before",
    "after",
    "participantIds",
    "subject",
    "contextId",
    "initialMessage",
    "content",
    "metadata",
    "clientMessageId",
    "internal",
    "seq",
    "reason",
    "teamMemberId",
    "resolution",
    "since",
    "scope",
    "shortCode",
    "title",
    "channelId",
];

/// Wire words the enums and filters read.
const WIRE_WORDS: &[&str] = &[
    "SUPPORT",
    "TEAM",
    "ACTIVE",
    "RESOLVED",
    "LOW",
    "URGENT",
    "BILLING",
    "OPEN",
    "CLOSED",
    "ORG_ADMIN",
    "PARTICIPANT",
    "TENANT",
    "PERSONAL",
    "me",
    "none",
    "",
];

// ---- request types ----

pub fn login_request() -> impl Strategy<Value = LoginRequest> {
    (text(), secret(), option::of(tenant_id())).prop_map(|(email, password, tenant_id)| {
        LoginRequest {
            email,
            password,
            tenant_id,
        }
    })
}

pub fn refresh_request() -> impl Strategy<Value = RefreshRequest> {
    secret().prop_map(|refresh_token| RefreshRequest { refresh_token })
}

pub fn logout_request() -> impl Strategy<Value = LogoutRequest> {
    secret().prop_map(|refresh_token| LogoutRequest { refresh_token })
}

pub fn user_list_query() -> impl Strategy<Value = UserListQuery> {
    (option::of(text()), option::of(select(Role::ALL)))
        .prop_map(|(q, role)| UserListQuery { q, role })
}

fn assignee_filter() -> impl Strategy<Value = AssigneeFilter> {
    prop_oneof![
        Just(AssigneeFilter::Me),
        Just(AssigneeFilter::Unassigned),
        user_id().prop_map(AssigneeFilter::User),
    ]
}

pub fn channel_list_query() -> impl Strategy<Value = ChannelListQuery> {
    (
        option::of(select(ChannelType::ALL)),
        option::of(select(ChannelStatus::ALL)),
        option::of(select(TicketPriority::ALL)),
        option::of(select(TicketCategory::ALL)),
        option::of(assignee_filter()),
        option::of(text()),
        option::of(any::<u32>()),
        option::of(text()),
        option::of(select(QueueSort::ALL)),
        option::of(select(SlaFilter::ALL)),
    )
        .prop_map(
            |(
                channel_type,
                status,
                priority,
                category,
                assigned_to,
                q,
                limit,
                cursor,
                sort,
                sla,
            )| {
                ChannelListQuery {
                    channel_type,
                    status,
                    priority,
                    category,
                    assigned_to,
                    q,
                    sort,
                    sla,
                    limit,
                    cursor,
                }
            },
        )
}

pub fn messages_query() -> impl Strategy<Value = MessagesQuery> {
    (
        option::of(any::<i64>()),
        option::of(any::<i64>()),
        option::of(any::<u32>()),
    )
        .prop_map(|(before, after, limit)| MessagesQuery {
            before,
            after,
            limit,
        })
}

pub fn create_channel_request() -> impl Strategy<Value = CreateChannelRequest> {
    (
        select(ChannelType::ALL),
        option::of(vec(user_id(), 0..4)),
        option::of(text()),
        option::of(select(TicketCategory::ALL)),
        option::of(select(TicketPriority::ALL)),
        option::of(text()),
        option::of(text()),
    )
        .prop_map(
            |(channel_type, participant_ids, subject, category, priority, context_id, first)| {
                CreateChannelRequest {
                    channel_type,
                    participant_ids,
                    subject,
                    category,
                    priority,
                    context_id,
                    initial_message: first,
                }
            },
        )
}

pub fn send_message_request() -> impl Strategy<Value = SendMessageRequest> {
    (
        text(),
        option::of(json_object()),
        option::of(text()),
        option::of(any::<bool>()),
    )
        .prop_map(
            |(content, metadata, client_message_id, internal)| SendMessageRequest {
                content,
                metadata,
                client_message_id,
                internal,
            },
        )
}

pub fn mark_read_request() -> impl Strategy<Value = MarkReadRequest> {
    any::<i64>().prop_map(|seq| MarkReadRequest { seq })
}

pub fn escalate_request() -> impl Strategy<Value = EscalateRequest> {
    text().prop_map(|reason| EscalateRequest { reason })
}

pub fn assign_request() -> impl Strategy<Value = AssignRequest> {
    user_id().prop_map(|team_member_id| AssignRequest { team_member_id })
}

pub fn resolve_request() -> impl Strategy<Value = ResolveRequest> {
    option::of(text()).prop_map(|resolution| ResolveRequest { resolution })
}

pub fn update_ticket_request() -> impl Strategy<Value = UpdateTicketRequest> {
    (
        option::of(select(TicketStatus::ALL)),
        option::of(select(TicketPriority::ALL)),
        option::of(select(TicketCategory::ALL)),
    )
        .prop_map(|(status, priority, category)| UpdateTicketRequest {
            status,
            priority,
            category,
        })
}

pub fn sync_query() -> impl Strategy<Value = SyncQuery> {
    (option::of(text()), option::of(any::<u32>()))
        .prop_map(|(since, limit)| SyncQuery { since, limit })
}

pub fn canned_response_query() -> impl Strategy<Value = CannedResponseQuery> {
    option::of(text()).prop_map(|q| CannedResponseQuery { q })
}

pub fn create_canned_response_request() -> impl Strategy<Value = CreateCannedResponseRequest> {
    (select(CannedScope::ALL), text(), text(), text()).prop_map(
        |(scope, short_code, title, content)| CreateCannedResponseRequest {
            scope,
            short_code,
            title,
            content,
        },
    )
}

pub fn update_canned_response_request() -> impl Strategy<Value = UpdateCannedResponseRequest> {
    (option::of(text()), option::of(text()), option::of(text())).prop_map(
        |(short_code, title, content)| UpdateCannedResponseRequest {
            short_code,
            title,
            content,
        },
    )
}

pub fn put_sla_policy_request() -> impl Strategy<Value = PutSlaPolicyRequest> {
    let day = (any::<u8>(), text(), text()).prop_map(|(weekday, start, end)| BusinessDay {
        weekday,
        start,
        end,
    });
    let hours =
        (text(), vec(day, 0..4)).prop_map(|(time_zone, days)| BusinessHours { time_zone, days });
    (
        option::of(any::<u32>()),
        option::of(any::<u32>()),
        option::of(any::<u32>()),
        option::of(hours),
    )
        .prop_map(
            |(first, next, resolution, business_hours)| PutSlaPolicyRequest {
                first_response_minutes: first,
                next_response_minutes: next,
                resolution_minutes: resolution,
                business_hours,
            },
        )
}

// ---- client event payloads ----

pub fn channel_ref() -> impl Strategy<Value = ChannelRef> {
    channel_id().prop_map(|channel_id| ChannelRef { channel_id })
}

pub fn send_message_payload() -> impl Strategy<Value = SendMessagePayload> {
    (channel_id(), send_message_request()).prop_map(|(channel_id, r)| SendMessagePayload {
        channel_id,
        content: r.content,
        metadata: r.metadata,
        client_message_id: r.client_message_id,
        internal: r.internal,
    })
}

pub fn read_marker() -> impl Strategy<Value = ReadMarker> {
    (channel_id(), any::<i64>()).prop_map(|(channel_id, seq)| ReadMarker { channel_id, seq })
}

// ---- Socket.IO ----

fn namespace() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/".to_owned()),
        Just("/chat".to_owned()),
        "/[a-z0-9_./-]{1,12}",
        // Anything but the comma that ends a namespace.
        "/[^,]{1,12}",
    ]
}

/// Every Socket.IO packet the codec writes, with the payloads each carries on `/chat`
/// (a CONNECT's auth and a CONNECT_ERROR's data are objects).
pub fn socket_packet() -> impl Strategy<Value = SocketPacket> {
    prop_oneof![
        (namespace(), option::of(json_object()))
            .prop_map(|(namespace, data)| SocketPacket::Connect { namespace, data }),
        namespace().prop_map(|namespace| SocketPacket::Disconnect { namespace }),
        (
            namespace(),
            option::of(any::<u64>()),
            text(),
            vec(exact_json(), 0..4)
        )
            .prop_map(|(namespace, ack, name, args)| SocketPacket::Event {
                namespace,
                ack,
                name,
                args,
            }),
        (namespace(), any::<u64>(), vec(exact_json(), 0..4)).prop_map(|(namespace, ack, args)| {
            SocketPacket::Ack {
                namespace,
                ack,
                args,
            }
        }),
        (namespace(), json_object())
            .prop_map(|(namespace, data)| SocketPacket::ConnectError { namespace, data }),
    ]
}

/// Every Engine.IO packet (an OPEN's data is an object).
pub fn engine_packet() -> impl Strategy<Value = EnginePacket> {
    prop_oneof![
        1 => json_object().prop_map(EnginePacket::Open),
        1 => Just(EnginePacket::Close),
        1 => Just(EnginePacket::Ping),
        1 => Just(EnginePacket::Pong),
        1 => Just(EnginePacket::Noop),
        8 => socket_packet().prop_map(EnginePacket::Message),
    ]
}

/// Text shaped like a frame: a packet type or two, maybe a namespace, maybe an ack id, then
/// JSON, a valid frame's text, or noise, each possibly cut short.
pub fn frame_like() -> impl Strategy<Value = String> {
    let head = select(
        &[
            "", "0", "1", "2", "3", "4", "5", "6", "7", "40", "41", "42", "43", "44", "45", "46",
            "49", "4/", "42/chat,", "43/chat,", "42/,", "4/chat", "42/chat",
        ][..],
    );
    let ack = prop_oneof![
        Just(String::new()),
        "[0-9]{1,5}",
        // Past u64::MAX.
        "[1-9][0-9]{20,24}",
    ];
    let tail = prop_oneof![
        exact_json().prop_map(|v| v.to_string()),
        any_json().prop_map(|v| v.to_string()),
        engine_packet().prop_map(|p| p.encode()),
        text(),
    ];
    (head, ack, tail, any::<prop::sample::Index>(), any::<bool>()).prop_map(
        |(head, ack, tail, cut, truncate)| {
            let mut tail = tail;
            if truncate && !tail.is_empty() {
                let mut at = cut.index(tail.len());
                while !tail.is_char_boundary(at) {
                    at -= 1;
                }
                tail.truncate(at);
            }
            format!("{head}{ack}{tail}")
        },
    )
}
