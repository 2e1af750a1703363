//! Property tests of every request decoder: each body and query of `protocol::endpoints::ALL`
//! and each payload of `protocol::client_events`, decoded with `protocol::json` (queries
//! also as the server reads them, form-encoded).
//!
//! For each type: a generated value reads back equal from its JSON (text, bytes and value)
//! and, for a query, from its query string; random JSON, random bytes and random query
//! strings are read or refused, never a panic, and what is read validates without a panic;
//! a valid document with one field replaced or added is refused naming that field (or
//! read). An endpoint or client event without its property here fails
//! `every_endpoint_and_event_has_its_properties`.
//!
//! Cases: `PROPTEST_CASES` (256 by default; `cargo xtask test` asks for 10,000).

use std::fmt::Debug;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use protocol::client_events::{ClientEvent, Payload};
use protocol::endpoints::{self, Endpoint};
use protocol::json;
use protocol::validate::Validate;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::near;
use crate::strategies::{self as s, any_json, text, KNOWN_KEYS};

/// What a request type must be to be tested here.
trait Request: Serialize + DeserializeOwned + PartialEq + Clone + Debug + Validate {}
impl<T: Serialize + DeserializeOwned + PartialEq + Clone + Debug + Validate> Request for T {}

/// One field replaced (or added, when the document has none or `add` says so).
#[derive(Debug, Clone)]
struct Mutation {
    at: Index,
    add: Option<String>,
    value: Value,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let key = prop_oneof![select(KNOWN_KEYS).prop_map(str::to_owned), text()];
    (
        any::<Index>(),
        proptest::option::weighted(0.3, key),
        any_json(),
    )
        .prop_map(|(at, add, value)| Mutation { at, add, value })
}

/// Random JSON and bytes thrown at a decoder.
#[derive(Debug, Clone)]
struct Noise {
    json: Value,
    bytes: Vec<u8>,
}

fn noise() -> impl Strategy<Value = Noise> {
    (any_json(), vec(any::<u8>(), 0..64)).prop_map(|(json, bytes)| Noise { json, bytes })
}

/// A decoded value survives validation and a second trip through JSON (floats within their
/// last bits, see `near`).
fn read_is_sound<T: Request>(value: &T) -> Result<(), TestCaseError> {
    let _ = value.validate();
    let text = serde_json::to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let again = json::from_str::<T>(&text);
    prop_assert!(again.is_ok(), "{} did not read back: {:?}", text, again);
    let (first, second) = (
        serde_json::to_value(value),
        serde_json::to_value(again.ok()),
    );
    prop_assert!(
        matches!((&first, &second), (Ok(a), Ok(b)) if near::same(a, b)),
        "{} read back as {:?}",
        text,
        second
    );
    Ok(())
}

/// The properties every request type has.
fn request_properties<T: Request>(
    valid: &T,
    change: &Mutation,
    noise: &Noise,
) -> Result<(), TestCaseError> {
    // What is written reads back equal, from text, bytes and a parsed value.
    let text = serde_json::to_string(valid).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(json::from_str::<T>(&text), Ok(valid.clone()), "{}", text);
    prop_assert_eq!(json::from_slice::<T>(text.as_bytes()), Ok(valid.clone()));
    let document = serde_json::to_value(valid).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(json::from_value::<T>(document.clone()), Ok(valid.clone()));
    let _ = valid.validate();

    // Random JSON: read or refused; as a value and as text alike.
    let as_value = json::from_value::<T>(noise.json.clone());
    let as_text = json::from_str::<T>(&noise.json.to_string());
    prop_assert_eq!(as_value.is_ok(), as_text.is_ok(), "{}", noise.json);
    if let Ok(read) = &as_value {
        read_is_sound(read)?;
    }

    // Random bytes: what is not JSON is refused.
    let from_bytes = json::from_slice::<T>(&noise.bytes);
    if serde_json::from_slice::<Value>(&noise.bytes).is_err() {
        prop_assert!(
            from_bytes.is_err(),
            "{:?} read as {:?}",
            noise.bytes,
            from_bytes
        );
    } else if let Ok(read) = &from_bytes {
        read_is_sound(read)?;
    }
    let lossy = String::from_utf8_lossy(&noise.bytes);
    if let Ok(read) = json::from_str::<T>(&lossy) {
        read_is_sound(&read)?;
    }

    // One field replaced or added: read, or refused naming that field.
    let Value::Object(mut object) = document else {
        return Err(TestCaseError::fail("a request is a JSON object"));
    };
    let key = match (&change.add, object.len()) {
        (Some(key), _) => key.clone(),
        (None, 0) => KNOWN_KEYS[change.at.index(KNOWN_KEYS.len())].to_owned(),
        (None, len) => object
            .keys()
            .nth(change.at.index(len))
            .cloned()
            .unwrap_or_default(),
    };
    object.insert(key.clone(), change.value.clone());
    match json::from_value::<T>(Value::Object(object)) {
        Ok(read) => read_is_sound(&read)?,
        Err(error) => {
            let named = match error.field.as_deref() {
                Some(field) => {
                    field == key
                        || field.starts_with(&format!("{key}["))
                        || field.starts_with(&format!("{key}."))
                }
                // An unknown field is named in the message.
                None => error.message.contains(&format!("`{key}`")),
            };
            prop_assert!(named, "{:?} changed, but the error says {:?}", key, error);
        }
    }
    Ok(())
}

/// The properties a query type has besides: its query string reads back equal, and any
/// query string is read or refused.
fn query_properties<T: Request>(valid: &T, query: &str) -> Result<(), TestCaseError> {
    let encoded =
        serde_urlencoded::to_string(valid).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        serde_urlencoded::from_str::<T>(&encoded).ok(),
        Some(valid.clone()),
        "{}",
        encoded
    );
    if let Ok(read) = serde_urlencoded::from_str::<T>(query) {
        let _ = read.validate();
    }
    Ok(())
}

/// A query string of known and unknown keys, values of any text, escapes and all.
fn query_string() -> impl Strategy<Value = String> {
    let key = prop_oneof![select(KNOWN_KEYS).prop_map(str::to_owned), text()];
    let value = prop_oneof![
        text(),
        "[A-Za-z0-9%+=&_-]{0,12}",
        select(
            &[
                "me",
                "none",
                "SUPPORT",
                "50",
                "-1",
                "0",
                "201",
                "4294967296"
            ][..]
        )
        .prop_map(str::to_owned),
    ];
    vec((key, value), 0..6).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// Endpoints with a JSON body (and no query): the body's properties, with the type the
/// endpoint declares.
macro_rules! bodies {
    ($($endpoint:ident => $strategy:expr,)+) => {
        const BODIES: &[&str] = &[$(stringify!($endpoint)),+];
        $(
            #[allow(non_snake_case)]
            mod $endpoint {
                use super::*;

                fn declared<E: Endpoint<Query = ()>>(_: E) {}

                proptest! {
                    #[test]
                    fn body(valid in $strategy, change in mutation(), noise in noise()) {
                        declared(endpoints::$endpoint);
                        let valid: <endpoints::$endpoint as Endpoint>::Body = valid;
                        request_properties(&valid, &change, &noise)?;
                    }
                }
            }
        )+
    };
}

/// Endpoints with a query string (and no body).
macro_rules! queries {
    ($($endpoint:ident => $strategy:expr,)+) => {
        const QUERIES: &[&str] = &[$(stringify!($endpoint)),+];
        $(
            #[allow(non_snake_case)]
            mod $endpoint {
                use super::*;

                fn declared<E: Endpoint<Body = ()>>(_: E) {}

                proptest! {
                    #[test]
                    fn query(
                        valid in $strategy,
                        change in mutation(),
                        noise in noise(),
                        query in query_string(),
                    ) {
                        declared(endpoints::$endpoint);
                        let valid: <endpoints::$endpoint as Endpoint>::Query = valid;
                        request_properties(&valid, &change, &noise)?;
                        query_properties(&valid, &query)?;
                    }
                }
            }
        )+
    };
}

/// Endpoints that take neither a body nor a query (only a path id, or nothing).
macro_rules! without_input {
    ($($endpoint:ident),+ $(,)?) => {
        const WITHOUT_INPUT: &[&str] = &[$(stringify!($endpoint)),+];

        #[test]
        fn endpoints_without_input_take_none() {
            fn none<E: Endpoint<Body = (), Query = ()>>(_: E) {}
            $(none(endpoints::$endpoint);)+
        }
    };
}

bodies! {
    Login => s::login_request(),
    Refresh => s::refresh_request(),
    Logout => s::logout_request(),
    CreateChannel => s::create_channel_request(),
    SendMessage => s::send_message_request(),
    MarkRead => s::mark_read_request(),
    Escalate => s::escalate_request(),
    Assign => s::assign_request(),
    Resolve => s::resolve_request(),
    UpdateTicket => s::update_ticket_request(),
    CreateCannedResponse => s::create_canned_response_request(),
    UpdateCannedResponse => s::update_canned_response_request(),
    PutSlaPolicy => s::put_sla_policy_request(),
}

queries! {
    ListUsers => s::user_list_query(),
    ListChannels => s::channel_list_query(),
    ListMessages => s::messages_query(),
    Sync => s::sync_query(),
    ListCannedResponses => s::canned_response_query(),
}

without_input!(
    Me,
    GetChannel,
    Reopen,
    Archive,
    DeleteCannedResponse,
    ListSlaPolicies,
    Health
);

/// The test of each client event payload, by the payload's kind (an exhaustive match: a new
/// kind needs its test).
fn payload_test(payload: Payload) -> &'static str {
    match payload {
        Payload::ChannelRef => "channel_ref_payload",
        Payload::SendMessage => "send_message_payload",
        Payload::ReadMarker => "read_marker_payload",
    }
}

proptest! {
    #[test]
    fn channel_ref_payload(valid in s::channel_ref(), change in mutation(), noise in noise()) {
        request_properties(&valid, &change, &noise)?;
    }

    #[test]
    fn send_message_payload(
        valid in s::send_message_payload(),
        change in mutation(),
        noise in noise(),
    ) {
        request_properties(&valid, &change, &noise)?;
    }

    #[test]
    fn read_marker_payload(valid in s::read_marker(), change in mutation(), noise in noise()) {
        request_properties(&valid, &change, &noise)?;
    }
}

#[test]
fn every_endpoint_and_event_has_its_properties() {
    let covered: Vec<&str> = [BODIES, QUERIES, WITHOUT_INPUT].concat();
    let missing: Vec<&str> = endpoints::ALL
        .iter()
        .map(|route| route.name)
        .filter(|name| !covered.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints without property tests: {missing:?}"
    );
    assert_eq!(
        covered.len(),
        endpoints::ALL.len(),
        "an endpoint is listed twice"
    );
    for &event in ClientEvent::ALL {
        assert!(!payload_test(event.payload()).is_empty(), "{event:?}");
    }
}
