//! Sign-in: credentials, refresh rotation and reuse detection, expiry, the login rate limit.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_databases;
use crate::support::TestServer;

on_both_databases! {
    async fn login_answers_the_contract(db: Db) {
        let server = TestServer::start(db).await;
        let session = server.login("qm@acme.test").await;
        assert_eq!(session.login.user.role, protocol::Role::QuestionManager);
        assert_eq!(session.login.tenant.as_ref().map(|t| t.slug.as_str()), Some("acme"));
        assert_eq!(session.login.tenants.len(), 1);
        let me = server.call(Method::GET, "/api/users/me", Some(&session.token), None).await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.body["role"], "QUESTION_MANAGER");
        assert_eq!(me.body["permissions"], json!(["chat.access", "chat.create_channel"]));
        for (email, password) in [("qm@acme.test", "wrong"), ("nobody@acme.test", "switchboard")] {
            let answer = server.call(Method::POST, "/api/auth/login", None, Some(json!({"email": email, "password": password}))).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
            assert_eq!(answer.body["message"], "wrong email or password", "the same words either way");
        }
        for token in [None, Some("garbage"), Some("eyJhbGciOiJIUzI1NiJ9.e30.x")] {
            let answer = server.call(Method::GET, "/api/chat/channels", token, None).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
            assert_eq!(answer.body["statusCode"], 401);
        }
    }

    async fn refresh_rotates_and_a_reused_token_revokes_its_family(db: Db) {
        let server = TestServer::start(db).await;
        let session = server.login("admin@acme.test").await;
        let first = session.login.refresh_token.expose().to_owned();
        let refresh = |token: String| server.call(Method::POST, "/api/auth/refresh", None, Some(json!({"refreshToken": token})));
        let rotated = refresh(first.clone()).await;
        assert_eq!(rotated.status, StatusCode::OK, "{:?}", rotated.body);
        let second = rotated.body["refreshToken"].as_str().expect("a new token").to_owned();
        assert_ne!(second, first);
        let access = rotated.body["accessToken"].as_str().expect("an access token");
        assert_eq!(server.call(Method::GET, "/api/users/me", Some(access), None).await.status, StatusCode::OK);
        // The first token again: reuse. The whole family dies, the second token too.
        assert_eq!(refresh(first).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(refresh(second).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(refresh("made-up".into()).await.status, StatusCode::UNAUTHORIZED);
        // Logout revokes.
        let again = server.login("admin@acme.test").await;
        let token = again.login.refresh_token.expose().to_owned();
        let out = server.call(Method::POST, "/api/auth/logout", None, Some(json!({"refreshToken": token.clone()}))).await;
        assert_eq!(out.status, StatusCode::NO_CONTENT);
        assert_eq!(refresh(token).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn an_expired_access_token_is_refused(db: Db) {
        let server = TestServer::start_with(db, |s| s.access_token_ttl = Duration::from_secs(1)).await;
        let session = server.login("admin@acme.test").await;
        assert_eq!(server.call(Method::GET, "/api/users/me", Some(&session.token), None).await.status, StatusCode::OK);
        // Wait for the clock, not for an event: expiry is a time, checked at second precision.
        tokio::time::sleep(Duration::from_millis(2_100)).await;
        let answer = server.call(Method::GET, "/api/users/me", Some(&session.token), None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.body["message"], "the access token has expired");
    }

    async fn repeated_failed_logins_are_rate_limited(db: Db) {
        let server = TestServer::start_with(db, |s| s.login_attempts = 3).await;
        let wrong = json!({"email": "bob@acme.test", "password": "nope"});
        for _ in 0..3 {
            let answer = server.call(Method::POST, "/api/auth/login", None, Some(wrong.clone())).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        }
        let limited = server.call(Method::POST, "/api/auth/login", None, Some(json!({"email": "bob@acme.test", "password": "switchboard"}))).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
        let retry: u64 = limited.headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("Retry-After");
        assert!(retry > 0 && retry <= 15 * 60);
        assert_eq!(limited.body["statusCode"], 429);
    }
}
