//! SLA clocks on the platform (PLATFORM.md, "SLA policies and clocks"): protocol's table of
//! event sequences played through the store on both databases, the clocks moved by the real
//! events over REST (replies, a note that is none, customer messages, `PENDING_USER`, a
//! priority change, resolve and reopen), `?sort=due` and `?sla=`, who reads and edits
//! policies, and bad input named by field.

use chrono::{TimeDelta, Utc};
use protocol::sla::{SlaKind, SlaPolicy, TicketSla};
use protocol::sla_clock::{cases, SlaEvent};
use protocol::{Channel, ChannelId, Message, TicketPriority, TicketStatus};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::{Answer, Db, Session, TestServer};

pub(crate) async fn put_policy(
    server: &TestServer,
    who: &Session,
    priority: &str,
    body: Value,
) -> Answer {
    server
        .call(
            Method::PUT,
            &format!("/api/sla-policies/{priority}"),
            Some(&who.token),
            Some(body),
        )
        .await
}

/// A policy as the body that puts it (none: a policy without times).
fn body_of(policy: Option<&SlaPolicy>) -> Value {
    match policy {
        Some(p) => json!({
            "firstResponseMinutes": p.first_response_minutes,
            "nextResponseMinutes": p.next_response_minutes,
            "resolutionMinutes": p.resolution_minutes,
            "businessHours": p.business_hours,
        }),
        None => json!({}),
    }
}

/// The ticket's `sla` as `who` is told it.
async fn sla(server: &TestServer, who: &Session, id: ChannelId) -> Option<TicketSla> {
    let channel: Channel = server.get(who, &format!("/api/chat/channels/{id}")).await;
    channel.ticket.and_then(|t| t.sla)
}

pub(crate) async fn post(
    server: &TestServer,
    who: &Session,
    id: ChannelId,
    body: Value,
) -> Message {
    let answer = server
        .call(
            Method::POST,
            &format!("/api/chat/channels/{id}/messages"),
            Some(&who.token),
            Some(body),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    serde_json::from_value(answer.body).expect("a message")
}

pub(crate) async fn update(
    server: &TestServer,
    who: &Session,
    id: ChannelId,
    body: Value,
) -> Channel {
    let answer = server
        .call(
            Method::PUT,
            &format!("/api/chat/channels/{id}/ticket"),
            Some(&who.token),
            Some(body),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    serde_json::from_value(answer.body).expect("a channel")
}

async fn queue(server: &TestServer, who: &Session, query: &str) -> Answer {
    server
        .call(
            Method::GET,
            &format!("/api/chat/channels{query}"),
            Some(&who.token),
            None,
        )
        .await
}

pub(crate) fn minutes(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

on_both_databases! {
    async fn the_clock_table_plays_the_same_through_the_store(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let alice = server.login("alice@acme.test").await;
        let store = server.store().await;
        let mut played = 0;
        for case in cases() {
            // A policy that changes between the events and `now` is a priority change:
            // `real_events_move_the_clocks` plays one through the API.
            if case.policy_before.is_some() {
                continue;
            }
            let priority = case.policy.as_ref().map_or(TicketPriority::Medium, |p| p.priority);
            let put = put_policy(&server, &admin, priority.as_str(), body_of(case.policy.as_ref())).await;
            assert_eq!(put.status, StatusCode::OK, "{}: {:?}", case.name, put.body);
            let ticket = server
                .open_channel(&alice, json!({"type": "SUPPORT", "subject": case.name, "priority": priority}))
                .await;
            store.replay_sla(ticket.id, &case.events, case.now).await.expect("replayed");
            let seen = sla(&server, &admin, ticket.id).await.unwrap_or_default();
            assert_eq!(seen, case.expected, "{}", case.name);
            played += 1;
        }
        assert!(played >= 10, "only {played} cases played");
    }
}

on_both_databases! {
    async fn real_events_move_the_clocks(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let alice = server.login("alice@acme.test").await;
        let put = put_policy(&server, &admin, "HIGH", json!({"firstResponseMinutes": 60, "nextResponseMinutes": 30, "resolutionMinutes": 480})).await;
        assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);
        assert_eq!(put.body["priority"], "HIGH");
        assert_eq!(put.body["tenantId"], admin.login.tenant.as_ref().map(|t| t.id.to_string()).expect("a tenant"));

        let opened = server
            .open_channel(&alice, json!({"type": "SUPPORT", "subject": "Clocks", "priority": "HIGH", "initialMessage": "Help"}))
            .await;
        let id = opened.id;
        let created = opened.ticket.as_ref().expect("a ticket").created_at;
        // The customer is told no SLA; agents see the clocks from the ticket's creation.
        assert!(opened.ticket.as_ref().and_then(|t| t.sla.as_ref()).is_none());
        assert!(sla(&server, &alice, id).await.is_none());
        let clocks = sla(&server, &admin, id).await.expect("agents see the clocks");
        assert_eq!(clocks.first_response_due_at, Some(created + minutes(60)));
        assert_eq!(clocks.resolution_due_at, Some(created + minutes(480)));
        assert_eq!(clocks.next_response_due_at, None);

        // A note is no reply.
        post(&server, &admin, id, json!({"content": "Looking into it", "internal": true})).await;
        assert_eq!(sla(&server, &admin, id).await, Some(clocks.clone()));
        // The first public reply stops the first-response clock.
        let reply = post(&server, &admin, id, json!({"content": "On it"})).await;
        let clocks = sla(&server, &admin, id).await.expect("clocks");
        assert_eq!(clocks.first_responded_at, Some(reply.created_at));
        assert_eq!(clocks.first_response_due_at, None);
        // The customer writes again: the next-response clock starts.
        let again = post(&server, &alice, id, json!({"content": "Still broken"})).await;
        let clocks = sla(&server, &admin, id).await.expect("clocks");
        assert_eq!(clocks.next_response_due_at, Some(again.created_at + minutes(30)));
        let due_soon = queue(&server, &admin, "?sla=due_soon&limit=200").await;
        assert_eq!(due_soon.status, StatusCode::OK);
        assert!(due_soon.body.to_string().contains(&id.to_string()), "due within the hour");

        // PENDING_USER pauses the clocks: nothing is due while the customer owes an answer.
        update(&server, &admin, id, json!({"status": "PENDING_USER"})).await;
        let due_soon = queue(&server, &admin, "?sla=due_soon&limit=200").await;
        assert!(!due_soon.body.to_string().contains(&id.to_string()), "paused");
        update(&server, &admin, id, json!({"status": "IN_PROGRESS"})).await;
        let resumed = sla(&server, &admin, id).await.expect("clocks");
        assert!(resumed.next_response_due_at >= clocks.next_response_due_at);

        // A priority whose policy sets no times has no due times; back to HIGH they return.
        let cleared = put_policy(&server, &admin, "LOW", json!({})).await;
        assert_eq!(cleared.status, StatusCode::OK, "{:?}", cleared.body);
        update(&server, &admin, id, json!({"priority": "LOW"})).await;
        let low = sla(&server, &admin, id).await.expect("clocks");
        assert_eq!((low.next_response_due_at, low.resolution_due_at), (None, None));
        update(&server, &admin, id, json!({"priority": "HIGH"})).await;
        assert_eq!(sla(&server, &admin, id).await.and_then(|s| s.resolution_due_at), Some(created + minutes(480)));

        // Resolving stops the resolution clock; reopening starts a fresh one.
        let resolved = server
            .call(Method::PUT, &format!("/api/chat/channels/{id}/resolve"), Some(&admin.token), Some(json!({"resolution": "Fixed"})))
            .await;
        assert_eq!(resolved.status, StatusCode::OK, "{:?}", resolved.body);
        let clocks = sla(&server, &admin, id).await.expect("clocks");
        assert_eq!((clocks.resolution_due_at, clocks.next_response_due_at), (None, None));
        let reopened = server
            .call(Method::PUT, &format!("/api/chat/channels/{id}/reopen"), Some(&admin.token), None)
            .await;
        assert_eq!(reopened.status, StatusCode::OK, "{:?}", reopened.body);
        let reopened: Channel = serde_json::from_value(reopened.body).expect("a channel");
        let at = reopened.ticket.as_ref().expect("a ticket").updated_at;
        assert_eq!(sla(&server, &admin, id).await.and_then(|s| s.resolution_due_at), Some(at + minutes(480)));

        // A ticket opened two hours ago and never answered has breached its first response.
        let late = server
            .open_channel(&alice, json!({"type": "SUPPORT", "subject": "Late", "priority": "HIGH"}))
            .await;
        let now = Utc::now();
        let store = server.store().await;
        store.replay_sla(late.id, &[(SlaEvent::Created, now - minutes(120))], now).await.expect("replayed");
        let clocks = sla(&server, &admin, late.id).await.expect("clocks");
        assert_eq!(clocks.breaches.len(), 1, "{clocks:?}");
        assert_eq!(clocks.breaches[0].kind, SlaKind::FirstResponse);
        let breached = queue(&server, &admin, "?sla=breached&limit=200").await;
        let listed: Vec<Channel> = serde_json::from_value(breached.body).expect("channels");
        assert!(listed.iter().any(|c| c.id == late.id));
        assert!(listed.iter().all(|c| c.id != id), "the answered ticket has not breached");

        // ?sort=due: soonest due first, tickets without one last; pages agree with one page.
        let all: Vec<Channel> = serde_json::from_value(queue(&server, &admin, "?sort=due&limit=200").await.body).expect("channels");
        let dues: Vec<Option<chrono::DateTime<Utc>>> = all
            .iter()
            .map(|c| {
                // A paused ticket shows the due times its pause began with, but nothing is
                // due while it waits for the customer: it sorts with those without one.
                c.ticket
                    .as_ref()
                    .filter(|t| t.status != TicketStatus::PendingUser)
                    .and_then(|t| t.sla.as_ref())
                    .and_then(TicketSla::soonest_due)
            })
            .collect();
        let late_at = all.iter().position(|c| c.id == late.id).expect("listed");
        assert!(dues[late_at].is_some(), "the breached ticket is due");
        let known: Vec<_> = dues.iter().take_while(|d| d.is_some()).collect();
        assert!(known.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
        assert!(dues[known.len()..].iter().all(Option::is_none), "{dues:?}");
        let mut paged = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let query = match &cursor {
                Some(c) => format!("?sort=due&limit=7&cursor={c}"),
                None => "?sort=due&limit=7".to_owned(),
            };
            let page = queue(&server, &admin, &query).await;
            assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
            cursor = page.headers.get("x-next-cursor").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let channels: Vec<Channel> = serde_json::from_value(page.body).expect("channels");
            paged.extend(channels.into_iter().map(|c| c.id));
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(paged, all.iter().map(|c| c.id).collect::<Vec<_>>());
    }
}

#[tokio::test]
async fn who_reads_and_edits_sla_policies_and_bad_input_is_named() {
    let server = TestServer::start(Db::Sqlite).await;
    let admin = server.login("admin@acme.test").await;
    let qm = server.login("qm@acme.test").await;
    let alice = server.login("alice@acme.test").await;
    let gina = server.login("admin@globex.test").await;
    let hours = json!({"timeZone": "Europe/Berlin", "days": [{"weekday": 1, "start": "09:00", "end": "17:00"}]});
    let put = put_policy(
        &server,
        &admin,
        "MEDIUM",
        json!({"firstResponseMinutes": 240, "businessHours": hours}),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);

    let read = server
        .call(Method::GET, "/api/sla-policies", Some(&qm.token), None)
        .await;
    assert_eq!(read.status, StatusCode::OK, "{:?}", read.body);
    let policies: Vec<SlaPolicy> = serde_json::from_value(read.body).expect("policies");
    // The demo data has one per priority; MEDIUM is the one just put.
    assert_eq!(policies.len(), TicketPriority::ALL.len());
    let medium = policies
        .iter()
        .find(|p| p.priority == TicketPriority::Medium)
        .expect("MEDIUM");
    assert_eq!(medium.first_response_minutes, Some(240));
    assert_eq!(
        medium.next_response_minutes, None,
        "a PUT replaces the whole policy"
    );
    assert_eq!(
        medium.business_hours.as_ref().map(|h| h.time_zone.as_str()),
        Some("Europe/Berlin")
    );
    // Another tenant's admin sees only its own.
    let theirs = server
        .call(Method::GET, "/api/sla-policies", Some(&gina.token), None)
        .await;
    let theirs: Vec<SlaPolicy> = serde_json::from_value(theirs.body).expect("policies");
    assert!(!theirs.is_empty());
    assert!(theirs.iter().all(|p| p.tenant_id != medium.tenant_id));
    // A non-admin agent reads but does not edit; a customer does neither.
    assert_eq!(
        put_policy(&server, &qm, "MEDIUM", json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    let customer = server
        .call(Method::GET, "/api/sla-policies", Some(&alice.token), None)
        .await;
    assert_eq!(customer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        put_policy(&server, &alice, "MEDIUM", json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        queue(&server, &alice, "?sort=due").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        queue(&server, &alice, "?sla=breached").await.status,
        StatusCode::FORBIDDEN
    );

    let day = |weekday: i64, start: &str, end: &str| json!({"weekday": weekday, "start": start, "end": end});
    let bad = [
        ("SOMETIMES", json!({}), "priority"),
        (
            "HIGH",
            json!({"firstResponseMinutes": 0}),
            "firstResponseMinutes",
        ),
        (
            "HIGH",
            json!({"resolutionMinutes": 600_000}),
            "resolutionMinutes",
        ),
        (
            "HIGH",
            json!({"nextResponseMinutes": -5}),
            "nextResponseMinutes",
        ),
        (
            "HIGH",
            json!({"businessHours": {"timeZone": "Mars/Olympus", "days": [day(1, "09:00", "17:00")]}}),
            "businessHours.timeZone",
        ),
        (
            "HIGH",
            json!({"businessHours": {"timeZone": "UTC", "days": [day(8, "09:00", "17:00")]}}),
            "businessHours.days[0].weekday",
        ),
        (
            "HIGH",
            json!({"businessHours": {"timeZone": "UTC", "days": [day(1, "17:00", "09:00")]}}),
            "businessHours.days[0].end",
        ),
        (
            "HIGH",
            json!({"businessHours": {"timeZone": "UTC", "days": [day(1, "9am", "17:00")]}}),
            "businessHours.days[0].start",
        ),
        (
            "HIGH",
            json!({"firstResponseMinutes": 60, "color": "red"}),
            "color",
        ),
    ];
    for (priority, body, field) in bad {
        let answer = put_policy(&server, &admin, priority, body.clone()).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{priority} {body}: {:?}",
            answer.body
        );
        let fields: Vec<&str> = answer.body["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["field"].as_str())
            .collect();
        assert!(
            fields.contains(&field),
            "{body}: expected `{field}` in {fields:?}"
        );
    }
    let bogus = queue(&server, &admin, "?sla=someday").await;
    assert_eq!(bogus.status, StatusCode::BAD_REQUEST);
    assert_eq!(bogus.body["fields"][0]["field"], "sla");
    // Nothing bad was stored.
    let read = server
        .call(Method::GET, "/api/sla-policies", Some(&admin.token), None)
        .await;
    let after: Vec<SlaPolicy> = serde_json::from_value(read.body).expect("policies");
    assert_eq!(after, policies);
}
