//! Bad input answers 400 with the contract's body naming each bad field, and writes nothing.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::TestServer;

on_both_databases! {
    async fn bad_bodies_are_refused_naming_the_field(db: Db) {
        let server = TestServer::start(db).await;
        let admin = server.login("admin@acme.test").await;
        let channel = server.queue(&admin).await.into_iter()
            .find(|c| c.status == protocol::ChannelStatus::Active).expect("an active channel");
        let messages = format!("/api/chat/channels/{}/messages", channel.id);
        let cases: Vec<(Method, String, Value, &str)> = vec![
            (Method::POST, "/api/chat/channels".into(), json!({"type": "HELPDESK", "subject": "x"}), "type"),
            (Method::POST, "/api/chat/channels".into(), json!({"type": "SUPPORT"}), "subject"),
            (Method::POST, "/api/chat/channels".into(), json!({"type": "SUPPORT", "subject": ""}), "subject"),
            (Method::POST, "/api/chat/channels".into(), json!({"type": "SUPPORT", "subject": "x".repeat(201)}), "subject"),
            (Method::POST, "/api/chat/channels".into(), json!({"type": "SUPPORT", "subject": "x", "priority": "CRITICAL"}), "priority"),
            (Method::POST, "/api/chat/channels".into(), json!({"type": "SUPPORT", "subject": "x", "tenantId": "y"}), "tenantId"),
            (Method::POST, "/api/chat/channels".into(), json!({"type": "TEAM", "participantIds": ["not-a-uuid"]}), "participantIds[0]"),
            (Method::POST, "/api/chat/channels".into(), json!({"type": "TEAM", "participantIds": [uuid::Uuid::new_v4()]}), "participantIds[0]"),
            (Method::POST, "/api/chat/channels".into(), json!("a string"), "body"),
            (Method::POST, messages.clone(), json!({}), "content"),
            (Method::POST, messages.clone(), json!({"content": "   "}), "content"),
            (Method::POST, messages.clone(), json!({"content": "x".repeat(10_001)}), "content"),
            (Method::POST, messages.clone(), json!({"content": 5}), "content"),
            (Method::POST, messages.clone(), json!({"content": "hi", "metadata": [1]}), "metadata"),
            (Method::PUT, format!("/api/chat/channels/{}/read", channel.id), json!({"seq": "ten"}), "seq"),
            (Method::PUT, format!("/api/chat/channels/{}/escalate", channel.id), json!({"reason": ""}), "reason"),
            (Method::PUT, format!("/api/chat/channels/{}/assign", channel.id), json!({"teamMemberId": "nobody"}), "teamMemberId"),
            (Method::PUT, format!("/api/chat/channels/{}/assign", channel.id), json!({"teamMemberId": uuid::Uuid::new_v4()}), "teamMemberId"),
            (Method::PUT, format!("/api/chat/channels/{}/ticket", channel.id), json!({}), "body"),
            (Method::PUT, format!("/api/chat/channels/{}/ticket", channel.id), json!({"status": "DONE"}), "status"),
            (Method::GET, "/api/chat/channels/not-a-uuid".into(), Value::Null, "id"),
            (Method::GET, "/api/chat/channels?status=OPEN".into(), Value::Null, "status"),
            (Method::GET, "/api/chat/channels?limit=0".into(), Value::Null, "limit"),
            (Method::GET, "/api/chat/channels?limit=abc".into(), Value::Null, "limit"),
            (Method::GET, "/api/chat/channels?assignedTo=someone".into(), Value::Null, "assignedTo"),
            (Method::GET, "/api/chat/channels?cursor=garbage".into(), Value::Null, "cursor"),
            (Method::GET, "/api/chat/channels?colour=red".into(), Value::Null, "colour"),
            (Method::GET, format!("{messages}?limit=201"), Value::Null, "limit"),
            (Method::GET, "/api/chat/sync?since=nonsense".into(), Value::Null, "since"),
        ];
        let tables = ["channels", "messages", "tickets", "participants", "read_markers", "audit_log"];
        let mut before = Vec::new();
        for table in tables {
            before.push(server.count(table).await);
        }
        for (method, path, body, field) in cases {
            let body = if body.is_null() { None } else { Some(body) };
            let answer = server.call(method.clone(), &path, Some(&admin.token), body.clone()).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{method} {path} {body:?}: {:?}", answer.body);
            assert_eq!(answer.body["statusCode"], 400);
            assert_eq!(answer.body["error"], "Bad Request");
            let fields: Vec<&str> = answer.body["fields"].as_array().expect("fields")
                .iter().filter_map(|f| f["field"].as_str()).collect();
            assert!(fields.contains(&field), "{method} {path}: expected `{field}` in {fields:?}");
        }
        let mut after = Vec::new();
        for table in tables {
            after.push(server.count(table).await);
        }
        assert_eq!(before, after, "nothing was written");
    }

    async fn malformed_json_and_oversize_bodies_get_4xx(db: Db) {
        let server = TestServer::start_with(db, |s| s.body_limit_bytes = 16 * 1024).await;
        let admin = server.login("admin@acme.test").await;
        let response = server.http.post(format!("{}/api/chat/channels", server.base))
            .bearer_auth(&admin.token).header("content-type", "application/json")
            .body("{\"type\": ").send().await.expect("answers");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let huge = json!({"type": "TEAM", "subject": "x".repeat(20 * 1024)});
        let answer = server.call(Method::POST, "/api/chat/channels", Some(&admin.token), Some(huge)).await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{:?}", answer.body);
        assert_eq!(answer.body["statusCode"], 413);
        let unknown = server.call(Method::GET, "/api/nothing/here", Some(&admin.token), None).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert_eq!(unknown.body["statusCode"], 404);
    }
}
