//! Canned responses (PLATFORM.md, "Agent workflow"): the permission table, the uniqueness
//! rules, validation naming the field, and `canned_responses_changed` to whoever may use
//! one, on SQLite and PostgreSQL.

use protocol::events::name;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::socket::{Offer, SocketClient};
use crate::support::{Answer, Db, Session, TestServer};

const LIST: &str = "/api/canned-responses";

async fn create(server: &TestServer, who: &Session, scope: &str, code: &str) -> Answer {
    server
        .call(
            Method::POST,
            LIST,
            Some(&who.token),
            Some(
                json!({"scope": scope, "shortCode": code, "title": format!("About {code}"),
                        "content": "Hello {{customer.name}}, ..."}),
            ),
        )
        .await
}

fn id(answer: &Answer) -> String {
    answer.body["id"].as_str().expect("an id").to_owned()
}

fn codes(answer: &Answer) -> Vec<(String, String)> {
    answer
        .body
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| {
            (
                c["shortCode"].as_str().unwrap_or_default().to_owned(),
                c["scope"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn field(answer: &Answer) -> Option<String> {
    answer.body["fields"][0]["field"]
        .as_str()
        .map(str::to_owned)
}

on_both_databases! {
    async fn the_permission_table_and_the_uniqueness_rules_hold(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let qm = server.login("qm@acme.test").await;
        let inspector = server.login("inspector@acme.test").await;
        let alice = server.login("alice@acme.test").await;
        let gina = server.login("admin@globex.test").await;

        // Who may save what.
        let tenants = create(&server, &admin, "TENANT", "refund").await;
        assert_eq!(tenants.status, StatusCode::CREATED, "{:?}", tenants.body);
        assert_eq!(tenants.body["ownerId"], Value::Null);
        let refused = create(&server, &qm, "TENANT", "late").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{:?}", refused.body);
        let own = create(&server, &qm, "PERSONAL", "refund").await;
        assert_eq!(own.status, StatusCode::CREATED, "a personal code may repeat a tenant one: {:?}", own.body);
        let participant = create(&server, &alice, "PERSONAL", "mine").await;
        assert_eq!(participant.status, StatusCode::FORBIDDEN);
        let elsewhere = create(&server, &gina, "TENANT", "refund").await;
        assert_eq!(elsewhere.status, StatusCode::CREATED, "another tenant counts on its own");

        // Taken short codes: 409 naming the field.
        for (who, scope) in [(&admin, "TENANT"), (&qm, "PERSONAL")] {
            let again = create(&server, who, scope, "refund").await;
            assert_eq!(again.status, StatusCode::CONFLICT, "{scope}: {:?}", again.body);
            assert_eq!(field(&again).as_deref(), Some("shortCode"));
        }
        let other_agents_own = create(&server, &inspector, "PERSONAL", "refund").await;
        assert_eq!(other_agents_own.status, StatusCode::CREATED, "per owner");

        // Bad input: 400 naming the field.
        for (body, name) in [
            (json!({"scope": "PERSONAL", "shortCode": "Has Space", "title": "t", "content": "c"}), "shortCode"),
            (json!({"scope": "PERSONAL", "shortCode": "ok", "title": " ", "content": "c"}), "title"),
            (json!({"scope": "PERSONAL", "shortCode": "ok", "title": "t", "content": "x".repeat(10_001)}), "content"),
            (json!({"scope": "SHARED", "shortCode": "ok", "title": "t", "content": "c"}), "scope"),
        ] {
            let answer = server.call(Method::POST, LIST, Some(&qm.token), Some(body)).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.body);
            assert_eq!(field(&answer).as_deref(), Some(name), "{:?}", answer.body);
        }

        // Who sees what: the tenant's and one's own.
        let list = |who: &Session, q: &str| {
            let path = format!("{LIST}{q}");
            let token = who.token.clone();
            let server = &server;
            async move { server.call(Method::GET, &path, Some(&token), None).await }
        };
        let seen = list(&qm, "").await;
        assert_eq!(codes(&seen), [("refund".into(), "PERSONAL".into()), ("refund".into(), "TENANT".into())]);
        let seen = list(&admin, "").await;
        assert_eq!(codes(&seen), [("refund".into(), "TENANT".into())]);
        assert_eq!(list(&alice, "").await.status, StatusCode::FORBIDDEN);
        let globex = list(&gina, "").await;
        assert_eq!(codes(&globex).len(), 1);
        assert!(!globex.body.to_string().contains(&id(&tenants)));
        assert_eq!(codes(&list(&qm, "?q=REF").await).len(), 2);
        assert_eq!(codes(&list(&qm, "?q=nothing").await).len(), 0);

        // Who may change what.
        let put = |who: &Session, target: &str, body: Value| {
            let path = format!("{LIST}/{target}");
            let token = who.token.clone();
            let server = &server;
            async move { server.call(Method::PUT, &path, Some(&token), Some(body)).await }
        };
        let title = json!({"title": "Refunds"});
        assert_eq!(put(&qm, &id(&tenants), title.clone()).await.status, StatusCode::FORBIDDEN);
        let changed = put(&admin, &id(&tenants), title.clone()).await;
        assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
        assert_eq!(changed.body["title"], "Refunds");
        assert_eq!(changed.body["scope"], "TENANT");
        assert_eq!(put(&qm, &id(&own), title.clone()).await.status, StatusCode::OK);
        let foreign = put(&inspector, &id(&own), title.clone()).await;
        let unknown = put(&inspector, &uuid::Uuid::new_v4().to_string(), title.clone()).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
        assert_eq!(foreign.body, unknown.body, "another agent's own looks missing");
        assert_eq!(put(&gina, &id(&tenants), title.clone()).await.status, StatusCode::NOT_FOUND);
        let clash = put(&qm, &id(&own), json!({"shortCode": "refund"})).await;
        assert_eq!(clash.status, StatusCode::OK, "its own code again is fine");
        let second = create(&server, &qm, "PERSONAL", "late").await;
        let clash = put(&qm, &id(&second), json!({"shortCode": "refund"})).await;
        assert_eq!(clash.status, StatusCode::CONFLICT);
        assert_eq!(field(&clash).as_deref(), Some("shortCode"));
        let empty = put(&qm, &id(&second), json!({})).await;
        assert_eq!(empty.status, StatusCode::BAD_REQUEST);

        // Who may delete what.
        let delete = |who: &Session, target: String| {
            let path = format!("{LIST}/{target}");
            let token = who.token.clone();
            let server = &server;
            async move { server.call(Method::DELETE, &path, Some(&token), None).await }
        };
        assert_eq!(delete(&qm, id(&tenants)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(delete(&inspector, id(&own)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(delete(&qm, id(&own)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(delete(&qm, id(&own)).await.status, StatusCode::NOT_FOUND, "gone");
        assert_eq!(delete(&admin, id(&tenants)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(server.count("canned_deletions").await, 2, "sync will tell consoles");
        let seen = list(&qm, "").await;
        assert_eq!(codes(&seen), [("late".into(), "PERSONAL".into())]);
    }
}

#[tokio::test]
async fn whoever_may_use_a_canned_response_hears_it_changed() {
    let server = TestServer::start(Db::Sqlite).await;
    let admin = server.login("admin@acme.test").await;
    let qm = server.login("qm@acme.test").await;
    let inspector = server.login("inspector@acme.test").await;
    let alice = server.login("alice@acme.test").await;
    let connect = |who: &Session| {
        let token = who.token.clone();
        let base = server.base.clone();
        async move {
            SocketClient::connect(&base, Offer::Auth(&token))
                .await
                .expect("the handshake succeeds")
        }
    };
    let mut qm_socket = connect(&qm).await;
    let mut inspector_socket = connect(&inspector).await;
    let mut alice_socket = connect(&alice).await;

    // The tenant's: every agent of the tenant, no participant.
    let tenants = create(&server, &admin, "TENANT", "welcome").await;
    assert_eq!(tenants.status, StatusCode::CREATED);
    for socket in [&mut qm_socket, &mut inspector_socket] {
        let (payload, _) = socket.next(name::CANNED_RESPONSES_CHANGED).await;
        assert_eq!(payload, json!({}));
    }
    let alices = alice_socket.received().await;
    assert!(
        alices
            .iter()
            .all(|(n, _)| n != name::CANNED_RESPONSES_CHANGED),
        "{alices:?}"
    );

    // An agent's own: that agent only.
    let own = create(&server, &qm, "PERSONAL", "mine").await;
    assert_eq!(own.status, StatusCode::CREATED);
    qm_socket.next(name::CANNED_RESPONSES_CHANGED).await;
    let inspectors = inspector_socket.received().await;
    assert!(
        inspectors
            .iter()
            .all(|(n, _)| n != name::CANNED_RESPONSES_CHANGED),
        "{inspectors:?}"
    );
}

/// Follows sync from `since` to the end; returns the cursor, the canned responses and the
/// deleted ids it carried.
async fn sync_canned(
    server: &TestServer,
    who: &Session,
    since: Option<&str>,
) -> (String, Vec<Value>, Vec<String>) {
    let mut cursor = since.map(str::to_owned);
    let mut saved = Vec::new();
    let mut deleted = Vec::new();
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/chat/sync?since={c}&limit=3"),
            None => "/api/chat/sync?limit=3".to_owned(),
        };
        let answer = server
            .call(Method::GET, &path, Some(&who.token), None)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        saved.extend(
            answer.body["cannedResponses"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        deleted.extend(
            answer.body["deletedCannedResponseIds"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned)),
        );
        cursor = answer.body["cursor"].as_str().map(str::to_owned);
        if answer.body["hasMore"] != true {
            break;
        }
    }
    (cursor.unwrap_or_default(), saved, deleted)
}

on_both_databases! {
    async fn sync_carries_saved_changed_and_deleted_canned_responses(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let qm = server.login("qm@acme.test").await;
        let inspector = server.login("inspector@acme.test").await;
        let alice = server.login("alice@acme.test").await;
        let tenants = create(&server, &admin, "TENANT", "welcome").await;
        let own = create(&server, &qm, "PERSONAL", "mine").await;
        let others = create(&server, &inspector, "PERSONAL", "theirs").await;
        assert_eq!(others.status, StatusCode::CREATED);

        // From the start: everything the caller may use, nothing else.
        let (cursor, saved, deleted) = sync_canned(&server, &qm, None).await;
        let ids: Vec<&str> = saved.iter().filter_map(|c| c["id"].as_str()).collect();
        assert_eq!(ids.len(), 2, "{saved:?}");
        assert!(ids.contains(&id(&tenants).as_str()) && ids.contains(&id(&own).as_str()));
        assert!(deleted.is_empty());
        let (_, none, _) = sync_canned(&server, &alice, None).await;
        assert!(none.is_empty(), "a participant syncs no canned responses");

        // An edit and a deletion reach the next sync; another agent's own does not.
        let edited = server
            .call(Method::PUT, &format!("{LIST}/{}", id(&tenants)), Some(&admin.token), Some(json!({"content": "Welcome!"})))
            .await;
        assert_eq!(edited.status, StatusCode::OK);
        let gone = server
            .call(Method::DELETE, &format!("{LIST}/{}", id(&own)), Some(&qm.token), None)
            .await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        let theirs = server
            .call(Method::PUT, &format!("{LIST}/{}", id(&others)), Some(&inspector.token), Some(json!({"title": "Theirs"})))
            .await;
        assert_eq!(theirs.status, StatusCode::OK);
        let (_, saved, deleted) = sync_canned(&server, &qm, Some(&cursor)).await;
        assert_eq!(saved.len(), 1, "{saved:?}");
        assert_eq!(saved[0]["content"], "Welcome!");
        assert_eq!(deleted, [id(&own)]);
    }
}
