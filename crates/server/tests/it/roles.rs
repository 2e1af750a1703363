//! The role table of PLATFORM.md, each role × each action, checked over HTTP: allowed
//! actions succeed, denied ones answer 403 and change nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_databases;
use crate::support::TestServer;

const ACTIONS: [&str; 9] = [
    "create", "read", "post", "escalate", "assign", "resolve", "reopen", "archive", "ticket",
];

/// `(user, allowed actions)`, straight from PLATFORM.md's table.
const TABLE: &[(&str, &[&str])] = &[
    (
        "root@switchboard.test",
        &[
            "create", "read", "post", "escalate", "assign", "resolve", "reopen", "archive",
            "ticket",
        ],
    ),
    (
        "admin@acme.test",
        &[
            "create", "read", "post", "escalate", "assign", "resolve", "reopen", "archive",
            "ticket",
        ],
    ),
    ("qm@acme.test", &["create", "read", "post"]),
    ("billing@acme.test", &["create", "read", "post"]),
    ("inspector@acme.test", &["create", "read", "post"]),
    (
        "mod@acme.test",
        &["create", "read", "post", "resolve", "reopen"],
    ),
    ("alice@acme.test", &["create", "read", "post"]),
    ("practice@acme.test", &["create", "read", "post"]),
];

on_both_databases! {
    async fn each_role_may_do_exactly_what_the_table_says(db: Db) {
        let server = TestServer::start(db).await;
        let acme = server.tenant_id("acme").await;
        let admin = server.login("admin@acme.test").await;
        let admin_id = admin.login.user.id.to_string();
        let mut mismatches = Vec::new();
        let mut checked = 0;
        for (email, allowed) in TABLE {
            let session = server.login_in(email, Some(&acme)).await;
            let user_id = server.user_id(email).await;
            for action in ACTIONS {
                // A fresh ticket the user takes part in, so only the role decides.
                let created = server
                    .call(Method::POST, "/api/chat/channels", Some(&admin.token), Some(json!({
                        "type": "SUPPORT", "subject": format!("{email} {action}"),
                        "participantIds": [user_id], "initialMessage": "setup"
                    })))
                    .await;
                assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
                let id = created.body["id"].as_str().expect("an id").to_owned();
                if action == "reopen" {
                    let resolved = server.call(Method::PUT, &format!("/api/chat/channels/{id}/resolve"), Some(&admin.token), Some(json!({}))).await;
                    assert_eq!(resolved.status, StatusCode::OK);
                }
                let before = server.snapshot(&acme).await;
                let base = format!("/api/chat/channels/{id}");
                let answer = match action {
                    "create" => server.call(Method::POST, "/api/chat/channels", Some(&session.token), Some(json!({"type": "TEAM", "subject": "room"}))).await,
                    "read" => server.call(Method::GET, &base, Some(&session.token), None).await,
                    "post" => server.call(Method::POST, &format!("{base}/messages"), Some(&session.token), Some(json!({"content": "hi"}))).await,
                    "escalate" => server.call(Method::PUT, &format!("{base}/escalate"), Some(&session.token), Some(json!({"reason": "platform bug"}))).await,
                    "assign" => server.call(Method::PUT, &format!("{base}/assign"), Some(&session.token), Some(json!({"teamMemberId": admin_id}))).await,
                    "resolve" => server.call(Method::PUT, &format!("{base}/resolve"), Some(&session.token), Some(json!({"resolution": "ok"}))).await,
                    "reopen" => server.call(Method::PUT, &format!("{base}/reopen"), Some(&session.token), None).await,
                    "archive" => server.call(Method::DELETE, &base, Some(&session.token), None).await,
                    "ticket" => server.call(Method::PUT, &format!("{base}/ticket"), Some(&session.token), Some(json!({"priority": "LOW"}))).await,
                    other => unreachable!("unknown action {other}"),
                };
                checked += 1;
                let expected_allowed = allowed.contains(&action);
                let ok = if expected_allowed {
                    answer.status.is_success()
                } else {
                    answer.status == StatusCode::FORBIDDEN && server.snapshot(&acme).await == before
                };
                if !ok {
                    mismatches.push(format!("{email} {action}: expected {}, got {} {:?}",
                        if expected_allowed { "allowed" } else { "403 and no change" }, answer.status, answer.body));
                }
            }
        }
        assert_eq!(checked, TABLE.len() * ACTIONS.len());
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }

    async fn visibility_follows_the_role(db: Db) {
        let server = TestServer::start(db).await;
        let subjects = |channels: Vec<protocol::Channel>| channels;
        let qm = server.login("qm@acme.test").await;
        for channel in subjects(server.queue(&qm).await) {
            let own = channel.participants.iter().any(|p| p.user_id == qm.login.user.id) || channel.assigned_to == Some(qm.login.user.id);
            let category = channel.ticket.as_ref().map(|t| t.category);
            assert!(own || category == Some(protocol::TicketCategory::QuestionIssue), "qm sees {:?}", channel.subject);
        }
        let inspector = server.login("inspector@acme.test").await;
        let seen = server.queue(&inspector).await;
        assert!(seen.iter().any(|c| c.channel_type == protocol::ChannelType::Tournament));
        for channel in seen {
            let own = channel.participants.iter().any(|p| p.user_id == inspector.login.user.id) || channel.assigned_to == Some(inspector.login.user.id);
            let tournament = channel.channel_type == protocol::ChannelType::Tournament
                || channel.ticket.as_ref().map(|t| t.category) == Some(protocol::TicketCategory::TournamentIssue);
            assert!(own || tournament, "inspector sees {:?}", channel.subject);
        }
        let admin = server.login("admin@acme.test").await;
        let acme = server.tenant_id("acme").await;
        let all = server.queue(&admin).await;
        assert!(all.len() > 30 && all.iter().all(|c| c.tenant_id.to_string() == acme));
        let root = server.login("root@switchboard.test").await;
        let everything = server.queue(&root).await;
        let tenants: std::collections::HashSet<_> = everything.iter().map(|c| c.tenant_id).collect();
        assert_eq!(tenants.len(), 2, "a super admin without a tenant sees all tenants");
    }
}
