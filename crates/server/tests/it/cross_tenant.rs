//! The cross-tenant attack suite: globex's participant and admin try acme's channels, users
//! and tickets on every endpoint of `protocol::endpoints::ALL` (each has its attack case here,
//! or the suite fails). Nothing is revealed (the answer equals the answer for a random
//! id) and nothing changes (acme's rows are compared before and after).

use protocol::endpoints::{self, Route};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::{Answer, Session, TestServer};

/// What the attackers know: acme's ids they aim at, and their own.
struct Context {
    acme: String,
    acme_user: String,
    acme_qm: String,
    globex_admin: String,
    own_channel: String,
}

/// How one endpoint is attacked.
enum Case {
    /// The path names a channel: sent with acme's channel ids, then with a random id; the
    /// answers must be equal and neither a success. Each entry is a query and a body.
    OnChannel(Vec<(&'static str, Option<Value>)>),
    /// A list or read of the caller's own: these queries must answer 200 and mention nothing
    /// of acme's.
    Lists(Vec<String>),
    /// A body naming an acme id, then a random id: equal answers, neither a success.
    NamesAcme {
        path: String,
        acme: Value,
        random: Value,
        token: bool,
        what: &'static str,
    },
    /// The path names a canned response: sent with acme's ids, then a random id; equal
    /// answers, neither a success. Each entry is a body.
    OnCanned(Vec<Option<Value>>),
    /// A create that can name nothing of another tenant: it writes into the caller's own.
    OwnTenantOnly(&'static str),
    /// The endpoint takes no tenant's ids at all; why.
    NoTenantInput(&'static str),
}

/// The attack on each endpoint of `protocol::endpoints::ALL`, by name. An endpoint added to
/// the protocol without a case here fails `every_endpoint_has_an_attack_case`.
fn attack_case(route: &Route, ctx: &Context) -> Option<Case> {
    let on = |entries: Vec<(&'static str, Option<Value>)>| Some(Case::OnChannel(entries));
    match route.name {
        "GetChannel" | "Reopen" | "Archive" => on(vec![("", None)]),
        "ListMessages" => on(vec![("", None), ("?after=0&limit=5", None)]),
        "SendMessage" => on(vec![(
            "",
            Some(json!({"content": "let me in", "clientMessageId": "x"})),
        )]),
        "MarkRead" => on(vec![("", Some(json!({"seq": 1})))]),
        "Escalate" => on(vec![("", Some(json!({"reason": "take over"})))]),
        "Assign" => on(vec![("", Some(json!({"teamMemberId": ctx.globex_admin})))]),
        "Resolve" => on(vec![("", Some(json!({"resolution": "mine now"})))]),
        "UpdateTicket" => on(vec![(
            "",
            Some(json!({"priority": "LOW", "status": "CLOSED"})),
        )]),
        "ListChannels" => Some(Case::Lists(vec![
            format!("?limit=200&assignedTo={}", ctx.acme_qm),
            "?limit=200".to_owned(),
        ])),
        "Sync" => Some(Case::Lists(vec!["?limit=1000".to_owned()])),
        "ListUsers" => Some(Case::Lists(vec!["?q=acme".to_owned(), String::new()])),
        "Me" => Some(Case::Lists(vec![String::new()])),
        "CreateChannel" => {
            let create =
                |who: &str| json!({"type": "TEAM", "subject": "poach", "participantIds": [who]});
            Some(Case::NamesAcme {
                path: route.path.to_owned(),
                acme: create(&ctx.acme_user),
                random: create(&uuid::Uuid::new_v4().to_string()),
                token: true,
                what: "open a channel with an acme participant",
            })
        }
        "Login" => Some(Case::NamesAcme {
            path: route.path.to_owned(),
            // The attacker's email and password are filled in per attacker.
            acme: json!({"tenantId": ctx.acme}),
            random: json!({"tenantId": uuid::Uuid::new_v4().to_string()}),
            token: false,
            what: "sign in to acme",
        }),
        "Refresh" | "Logout" => Some(Case::NoTenantInput(
            "takes only the caller's own refresh token, which names its own tenant",
        )),
        "Health" => Some(Case::NoTenantInput("answers the same to everyone")),
        "ListCannedResponses" => Some(Case::Lists(vec![String::new(), "?q=refund".to_owned()])),
        "CreateCannedResponse" => Some(Case::OwnTenantOnly(
            "its body names no tenant, owner or id: it saves into the caller's own tenant",
        )),
        "UpdateCannedResponse" => Some(Case::OnCanned(vec![Some(
            json!({"title": "mine now", "shortCode": "stolen"}),
        )])),
        "DeleteCannedResponse" => Some(Case::OnCanned(vec![None])),
        "ListSlaPolicies" => Some(Case::Lists(vec![String::new()])),
        "PutSlaPolicy" => Some(Case::OwnTenantOnly(
            "its path names a priority and its body no tenant: it saves into the caller's own tenant",
        )),
        _ => None,
    }
}

#[test]
fn every_endpoint_has_an_attack_case() {
    let ctx = Context {
        acme: String::new(),
        acme_user: String::new(),
        acme_qm: String::new(),
        globex_admin: String::new(),
        own_channel: String::new(),
    };
    let missing: Vec<&str> = endpoints::ALL
        .iter()
        .filter(|route| attack_case(route, &ctx).is_none())
        .map(|route| route.name)
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints without an attack case: {missing:?}"
    );
    for route in endpoints::ALL {
        match attack_case(route, &ctx) {
            Some(Case::OnChannel(_)) => assert!(route.takes_channel(), "{}", route.name),
            Some(Case::OnCanned(_)) => {
                assert!(route.takes_id() && !route.takes_channel(), "{}", route.name)
            }
            Some(Case::OwnTenantOnly(why)) => assert!(
                route.method != endpoints::Method::Get && !route.takes_id(),
                "{}: {why}",
                route.name
            ),
            // Only a route that needs no token can take no tenant's ids at all.
            Some(Case::NoTenantInput(why)) => assert_eq!(
                route.access,
                endpoints::Access::Public,
                "{}: {why}",
                route.name
            ),
            _ => {}
        }
    }
}

fn method(route: &Route) -> Method {
    match route.method {
        endpoints::Method::Get => Method::GET,
        endpoints::Method::Post => Method::POST,
        endpoints::Method::Put => Method::PUT,
        endpoints::Method::Delete => Method::DELETE,
    }
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
        let qm = server.login("qm@acme.test").await;
        let mut acme_canned = Vec::new();
        for (who, scope) in [(&acme_admin, "TENANT"), (&qm, "PERSONAL")] {
            let answer = server
                .call(Method::POST, "/api/canned-responses", Some(&who.token),
                      Some(json!({"scope": scope, "shortCode": "refund", "title": "Refund", "content": "acme's words"})))
                .await;
            assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
            acme_canned.push(answer.body["id"].as_str().expect("an id").to_owned());
        }
        let before = server.snapshot(&acme).await;

        let carol = server.login("carol@globex.test").await;
        let gina = server.login("admin@globex.test").await;
        let own_channel = server.queue(&gina).await.into_iter().next().expect("a globex channel").id.to_string();
        let ctx = Context {
            acme: acme.clone(),
            acme_user: acme_user.clone(),
            acme_qm: server.user_id("qm@acme.test").await,
            globex_admin: gina.login.user.id.to_string(),
            own_channel,
        };
        let mut tally = Tally::default();
        for attacker in [&carol, &gina] {
            for route in endpoints::ALL {
                let Some(case) = attack_case(route, &ctx) else {
                    panic!("{} has no attack case", route.name);
                };
                match case {
                    Case::OnChannel(entries) => {
                        for target in &targets {
                            for (query, body) in &entries {
                                let path = format!("{}{query}", route.path_for(target));
                                tally.attack(&server, attacker, (method(route), path, body.clone()), target).await;
                            }
                        }
                        if route.name == "Assign" {
                            // Pull an acme user into a globex channel.
                            let assign = route.path_for(&ctx.own_channel);
                            let real = server.call(Method::PUT, &assign, Some(&attacker.token), Some(json!({"teamMemberId": ctx.acme_user}))).await;
                            let random = server.call(Method::PUT, &assign, Some(&attacker.token), Some(json!({"teamMemberId": uuid::Uuid::new_v4()}))).await;
                            tally.record(&real, &random, || "assign an acme user into a globex channel".into());
                        }
                    }
                    Case::Lists(queries) => {
                        for query in queries {
                            let path = format!("{}{query}", route.path);
                            let answer = server.call(method(route), &path, Some(&attacker.token), None).await;
                            tally.attempts += 1;
                            let text = answer.body.to_string();
                            let answered = answer.status == StatusCode::OK || answer.status == StatusCode::FORBIDDEN;
                            if !answered || text.contains(&acme) || text.contains("acme.test") || targets.iter().any(|t| text.contains(t.as_str())) {
                                tally.leaks.push(format!("{path} reveals acme: {} {text:.300}", answer.status));
                            }
                        }
                    }
                    Case::NamesAcme { path, mut acme, mut random, token, what } => {
                        if !token {
                            for body in [&mut acme, &mut random] {
                                body["email"] = json!(attacker.login.user.email);
                                body["password"] = json!("switchboard");
                            }
                        }
                        let token = token.then_some(attacker.token.as_str());
                        let real = server.call(method(route), &path, token, Some(acme)).await;
                        let random = server.call(method(route), &path, token, Some(random)).await;
                        tally.record(&real, &random, || what.into());
                    }
                    Case::OnCanned(bodies) => {
                        for target in &acme_canned {
                            for body in &bodies {
                                let path = route.path_for(target);
                                tally.attack(&server, attacker, (method(route), path, body.clone()), target).await;
                            }
                        }
                    }
                    Case::OwnTenantOnly(_) | Case::NoTenantInput(_) => {}
                }
            }
        }
        println!("cross-tenant attack attempts: {}", tally.attempts);
        assert!(tally.attempts >= 80, "the suite ran {} attempts", tally.attempts);
        assert!(tally.leaks.is_empty(), "{}", tally.leaks.join("\n"));
        assert_eq!(server.snapshot(&acme).await, before, "acme's data changed");
    }
}
