//! Canned responses in the engine: what the platform holds (created, edited, deleted over
//! REST by someone else) reaches the cache through sync and stays across a restart of the
//! engine; the platform's `canned_responses_changed` brings a change in by itself; the
//! engine's own changes are cached from the answer at once; a taken short code names the
//! field; offline, the list and its search still answer.

use std::time::Duration;

use engine::changes::Change;
use engine::{Engine, Error};
use protocol::canned::{
    CannedResponse, CannedScope, CreateCannedResponseRequest, UpdateCannedResponseRequest,
};
use protocol::ipc::ConnectionState;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::broadcast::Receiver;

use crate::support::{Home, Platform};

const PATIENCE: Duration = Duration::from_secs(30);
const LIST: &str = "/api/canned-responses";

/// The next change that `wanted` accepts (others are skipped).
async fn until(changes: &mut Receiver<Change>, mut wanted: impl FnMut(&Change) -> bool) {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let change = changes.recv().await.expect("the stream is open");
            if wanted(&change) {
                return;
            }
        }
    })
    .await
    .expect("the change came in time");
}

/// Creates a canned response over REST as the holder of `token`.
async fn create(platform: &Platform, token: &str, scope: &str, code: &str) -> Value {
    platform
        .call(
            Method::POST,
            LIST,
            Some(token),
            Some(
                json!({"scope": scope, "shortCode": code, "title": format!("About {code}"),
                "content": format!("Hello {{{{customer.name}}}}, about {code}")}),
            ),
        )
        .await
}

/// The short codes and titles of the engine's cached list, in its order.
async fn cached(engine: &Engine) -> Vec<(String, String)> {
    engine
        .canned_responses()
        .await
        .expect("the cached list")
        .into_iter()
        .map(|r| (r.short_code, r.title))
        .collect()
}

fn pair(code: &str, title: &str) -> (String, String) {
    (code.to_owned(), title.to_owned())
}

#[tokio::test]
async fn creation_edit_and_deletion_sync_into_the_cache_and_stay_across_a_restart() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let engine = home
        .signed_in("default", &platform, "admin@acme.test")
        .await;
    engine.sync().await.expect("the first sync");
    let before = cached(&engine).await;
    let admin = platform.token("admin@acme.test").await;
    let quinn = platform.token("qm@acme.test").await;

    let refund = create(&platform, &admin, "TENANT", "refund").await;
    create(&platform, &admin, "TENANT", "late").await;
    create(&platform, &admin, "PERSONAL", "mine").await;
    // Another agent's own: never the admin's to use.
    create(&platform, &quinn, "PERSONAL", "quinns").await;
    let mut changes = engine.subscribe();
    let (_, synced) = engine.sync().await.expect("sync");
    assert_eq!(synced.canned, 3, "{synced:?}");
    until(&mut changes, |c| matches!(c, Change::CannedResponses)).await;
    let mut expected = before.clone();
    expected.extend([
        pair("late", "About late"),
        pair("mine", "About mine"),
        pair("refund", "About refund"),
    ]);
    expected.sort();
    assert_eq!(
        cached(&engine).await,
        expected,
        "by short code, not quinn's"
    );

    let id = refund["id"].as_str().expect("an id");
    platform
        .call(
            Method::PUT,
            &format!("{LIST}/{id}"),
            Some(&admin),
            Some(json!({"title": "Refunds, how long", "shortCode": "refunds"})),
        )
        .await;
    let late = engine
        .canned_responses()
        .await
        .expect("listed")
        .into_iter()
        .find(|r| r.short_code == "late")
        .expect("late is cached");
    platform
        .call(
            Method::DELETE,
            &format!("{LIST}/{}", late.id),
            Some(&admin),
            None,
        )
        .await;
    let (_, synced) = engine.sync().await.expect("sync");
    assert_eq!(synced.canned, 2, "one edited, one deleted: {synced:?}");
    let mut expected = before.clone();
    expected.extend([
        pair("mine", "About mine"),
        pair("refunds", "Refunds, how long"),
    ]);
    expected.sort();
    assert_eq!(cached(&engine).await, expected);
    let (_, again) = engine.sync().await.expect("a sync with nothing new");
    assert_eq!(again.canned, 0);

    // A restart of the engine with the platform down: the list and its search answer.
    drop(engine);
    platform.stop().await;
    let engine = home.engine("default");
    assert_eq!(cached(&engine).await, expected);
    let found: Vec<String> = engine
        .search_canned("/REFUND")
        .await
        .expect("searched")
        .into_iter()
        .map(|r| r.short_code)
        .collect();
    assert_eq!(found, ["refunds"]);
    let by_content: Vec<String> = engine
        .search_canned("customer.name about mine")
        .await
        .expect("searched")
        .into_iter()
        .map(|r| r.short_code)
        .collect();
    assert_eq!(by_content, ["mine"]);
}

#[tokio::test]
async fn the_engines_own_changes_are_cached_at_once_and_a_taken_code_names_the_field() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let engine = home
        .signed_in("default", &platform, "admin@acme.test")
        .await;
    engine.sync().await.expect("the first sync");
    let mut changes = engine.subscribe();
    let request = |code: &str| CreateCannedResponseRequest {
        scope: CannedScope::Tenant,
        short_code: code.to_owned(),
        title: "Greeting".to_owned(),
        content: "Hello {{customer.name}}".to_owned(),
    };
    let hello: CannedResponse = engine.create_canned(request("hello")).await.expect("saved");
    until(&mut changes, |c| matches!(c, Change::CannedResponses)).await;
    assert!(cached(&engine).await.contains(&pair("hello", "Greeting")));

    let taken = engine.create_canned(request("hello")).await;
    match taken {
        Err(Error::Conflict(why)) => assert!(why.contains("shortCode"), "{why}"),
        other => panic!("expected a conflict naming shortCode, got {other:?}"),
    }
    let invalid = engine.create_canned(request("Not A Code")).await;
    match invalid {
        Err(Error::Invalid { fields }) => assert_eq!(fields[0].field, "shortCode"),
        other => panic!("expected shortCode refused, got {other:?}"),
    }

    let edited = engine
        .update_canned(
            hello.id,
            UpdateCannedResponseRequest {
                title: Some("Warm greeting".to_owned()),
                ..UpdateCannedResponseRequest::default()
            },
        )
        .await
        .expect("edited");
    assert_eq!(edited.title, "Warm greeting");
    assert!(cached(&engine)
        .await
        .contains(&pair("hello", "Warm greeting")));

    // Offline: the list answers, a change says plainly that it needs the platform.
    platform.stop().await;
    let offline = engine.create_canned(request("bye")).await;
    match offline {
        Err(Error::Offline(why)) => assert!(why.contains("canned responses"), "{why}"),
        other => panic!("expected offline, got {other:?}"),
    }
    assert!(cached(&engine)
        .await
        .contains(&pair("hello", "Warm greeting")));
    platform.restart().await;

    engine.delete_canned(hello.id).await.expect("deleted");
    assert!(!cached(&engine)
        .await
        .iter()
        .any(|(code, _)| code == "hello"));
    let gone = engine.delete_canned(hello.id).await;
    assert!(matches!(gone, Err(Error::NotFound(_))), "{gone:?}");
}

#[tokio::test]
async fn the_platforms_signal_brings_a_change_made_elsewhere_into_the_live_cache() {
    let platform = Platform::start().await;
    let home = Home::new();
    let engine = home
        .signed_in("default", &platform, "admin@acme.test")
        .await;
    let mut changes = engine.subscribe();
    let live = engine.connect().expect("live");
    until(&mut changes, |c| {
        matches!(
            c,
            Change::Connection {
                state: ConnectionState::Online,
                ..
            }
        )
    })
    .await;

    // Another console of the tenant (here: REST as another admin session) saves one.
    let admin = platform.token("admin@acme.test").await;
    create(&platform, &admin, "TENANT", "signal").await;
    until(&mut changes, |c| matches!(c, Change::CannedResponses)).await;
    assert!(cached(&engine)
        .await
        .contains(&pair("signal", "About signal")));

    let id = engine
        .canned_responses()
        .await
        .expect("listed")
        .into_iter()
        .find(|r| r.short_code == "signal")
        .expect("cached")
        .id;
    platform
        .call(Method::DELETE, &format!("{LIST}/{id}"), Some(&admin), None)
        .await;
    until(&mut changes, |c| matches!(c, Change::CannedResponses)).await;
    assert!(!cached(&engine)
        .await
        .iter()
        .any(|(code, _)| code == "signal"));
    live.stop().await;
}
