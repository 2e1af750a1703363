//! The cross-tenant attack suite: globex's participant and admin try acme's channels, users
//! and tickets on every route. Nothing is revealed (the answer equals the answer for a random
//! id) and nothing changes (acme's rows are compared before and after).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::{Answer, Session, TestServer};

/// The channel routes, with a body for each.
fn channel_routes(target: &str, globex_admin: &str) -> Vec<(Method, String, Option<Value>)> {
    let base = format!("/api/chat/channels/{target}");
    vec![
        (Method::GET, base.clone(), None),
        (Method::GET, format!("{base}/messages"), None),
        (
            Method::GET,
            format!("{base}/messages?after=0&limit=5"),
            None,
        ),
        (
            Method::POST,
            format!("{base}/messages"),
            Some(json!({"content": "let me in", "clientMessageId": "x"})),
        ),
        (Method::PUT, format!("{base}/read"), Some(json!({"seq": 1}))),
        (
            Method::PUT,
            format!("{base}/escalate"),
            Some(json!({"reason": "take over"})),
        ),
        (
            Method::PUT,
            format!("{base}/assign"),
            Some(json!({"teamMemberId": globex_admin})),
        ),
        (
            Method::PUT,
            format!("{base}/resolve"),
            Some(json!({"resolution": "mine now"})),
        ),
        (Method::PUT, format!("{base}/reopen"), None),
        (
            Method::PUT,
            format!("{base}/ticket"),
            Some(json!({"priority": "LOW", "status": "CLOSED"})),
        ),
        (Method::DELETE, base, None),
    ]
}

fn same_answer(a: &Answer, b: &Answer) -> bool {
    a.status == b.status && a.body == b.body
}

/// The attempts made and what leaked.
#[derive(Default)]
struct Tally {
    attempts: usize,
    leaks: Vec<String>,
}

impl Tally {
    /// Sends the request as `attacker`, and again with `probe` replaced by a random id: the
    /// answers must be equal, and neither a success.
    async fn attack(
        &mut self,
        server: &TestServer,
        attacker: &Session,
        (method, path, body): (Method, String, Option<Value>),
        probe: &str,
    ) {
        let real = server
            .call(method.clone(), &path, Some(&attacker.token), body.clone())
            .await;
        let random_path = path.replace(probe, &uuid::Uuid::new_v4().to_string());
        let random = server
            .call(method.clone(), &random_path, Some(&attacker.token), body)
            .await;
        self.record(&real, &random, || {
            format!("{} {method} {path}", attacker.login.user.email)
        });
    }

    fn record(&mut self, real: &Answer, random: &Answer, what: impl FnOnce() -> String) {
        self.attempts += 1;
        if !same_answer(real, random) || real.status.is_success() {
            self.leaks.push(format!(
                "{}: {} {:?} vs random {} {:?}",
                what(),
                real.status,
                real.body,
                random.status,
                random.body
            ));
        }
    }
}

on_both_databases! {
    async fn globex_can_neither_see_nor_touch_acme(db: Db) {
        let server = TestServer::start(db).await;
        let acme = server.tenant_id("acme").await;
        let acme_admin = server.login("admin@acme.test").await;
        let acme_channels = server.queue(&acme_admin).await;
        let targets: Vec<String> = [protocol::ChannelType::Support, protocol::ChannelType::Team, protocol::ChannelType::Tournament]
            .iter()
            .filter_map(|t| acme_channels.iter().find(|c| c.channel_type == *t))
            .map(|c| c.id.to_string())
            .collect();
        assert_eq!(targets.len(), 3);
        let acme_user = server.user_id("alice@acme.test").await;
        let before = server.snapshot(&acme).await;

        let carol = server.login("carol@globex.test").await;
        let gina = server.login("admin@globex.test").await;
        let own_channel = server.queue(&gina).await.into_iter().next().expect("a globex channel").id.to_string();
        let mut tally = Tally::default();
        for attacker in [&carol, &gina] {
            for target in &targets {
                for route in channel_routes(target, &gina.login.user.id.to_string()) {
                    tally.attack(&server, attacker, route, target).await;
                }
            }
            // Pull an acme user into a globex channel, or into a new one.
            let assign = format!("/api/chat/channels/{own_channel}/assign");
            let real = server.call(Method::PUT, &assign, Some(&attacker.token), Some(json!({"teamMemberId": acme_user}))).await;
            let random = server.call(Method::PUT, &assign, Some(&attacker.token), Some(json!({"teamMemberId": uuid::Uuid::new_v4()}))).await;
            tally.record(&real, &random, || "assign an acme user into a globex channel".into());
            let create = |who: String| json!({"type": "TEAM", "subject": "poach", "participantIds": [who]});
            let real = server.call(Method::POST, "/api/chat/channels", Some(&attacker.token), Some(create(acme_user.clone()))).await;
            let random = server.call(Method::POST, "/api/chat/channels", Some(&attacker.token), Some(create(uuid::Uuid::new_v4().to_string()))).await;
            tally.record(&real, &random, || "open a channel with an acme participant".into());
            // Lists: nothing of acme's.
            for path in [
                format!("/api/chat/channels?limit=200&assignedTo={}", server.user_id("qm@acme.test").await),
                "/api/chat/channels?limit=200".to_owned(),
                "/api/chat/sync?limit=1000".to_owned(),
                "/api/users?q=acme".to_owned(),
                "/api/users".to_owned(),
            ] {
                let answer = server.call(Method::GET, &path, Some(&attacker.token), None).await;
                tally.attempts += 1;
                let text = answer.body.to_string();
                if answer.status != StatusCode::OK || text.contains(&acme) || text.contains("acme.test") || targets.iter().any(|t| text.contains(t.as_str())) {
                    tally.leaks.push(format!("{path} reveals acme: {} {text:.300}", answer.status));
                }
            }
            // Sign in to acme.
            let login = |tenant: String| json!({"email": attacker.login.user.email, "password": "switchboard", "tenantId": tenant});
            let real = server.call(Method::POST, "/api/auth/login", None, Some(login(acme.clone()))).await;
            let random = server.call(Method::POST, "/api/auth/login", None, Some(login(uuid::Uuid::new_v4().to_string()))).await;
            tally.record(&real, &random, || "sign in to acme".into());
        }
        println!("cross-tenant attack attempts: {}", tally.attempts);
        assert!(tally.attempts >= 80, "the suite ran {} attempts", tally.attempts);
        assert!(tally.leaks.is_empty(), "{}", tally.leaks.join("\n"));
        assert_eq!(server.snapshot(&acme).await, before, "acme's data changed");
    }
}
