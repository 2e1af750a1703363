//! Catching up: an engine that was away while 1,000 messages and 50 actions happened ends
//! with exactly the platform's state — every channel as it is, every message once.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::json;
use sqlx::Row;

use crate::support::{Home, Platform};

#[tokio::test]
async fn an_engine_away_through_a_thousand_messages_and_fifty_actions_catches_up_exactly() {
    let platform = Platform::start().await;
    let home = Home::new();
    let engine = home.signed_in("admin", &platform, "admin@acme.test").await;
    let (_, first) = engine.sync().await.expect("the first sync");
    assert!(first.channels > 30, "{first:?}");

    // Away: others talk and act.
    let admin = platform.token("admin@acme.test").await;
    let alice = platform.token("alice@acme.test").await;
    let qm = platform
        .call(Method::GET, "/api/users?q=qm", Some(&admin), None)
        .await[0]["id"]
        .clone();
    let queue = platform
        .call(
            Method::GET,
            "/api/chat/channels?status=ACTIVE&type=SUPPORT&limit=200",
            Some(&admin),
            None,
        )
        .await;
    let active: Vec<String> = queue
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| c["id"].as_str().expect("an id").to_owned())
        .collect();
    assert!(active.len() >= 10, "{}", active.len());
    for n in 0..1000 {
        let channel = &active[n % active.len()];
        platform
            .post_message(&admin, channel, &format!("update {n}"))
            .await;
    }
    let alices_ticket = platform
        .call(Method::POST, "/api/chat/channels", Some(&alice), Some(json!({"type": "SUPPORT", "subject": "Opened while away", "initialMessage": "Hello?"})))
        .await;
    let mut actions = 0;
    for (n, channel) in active.iter().enumerate().take(10) {
        let path = format!("/api/chat/channels/{channel}");
        platform
            .call(
                Method::PUT,
                &format!("{path}/assign"),
                Some(&admin),
                Some(json!({"teamMemberId": qm})),
            )
            .await;
        platform
            .call(
                Method::PUT,
                &format!("{path}/ticket"),
                Some(&admin),
                Some(json!({"priority": "URGENT"})),
            )
            .await;
        platform
            .call(
                Method::PUT,
                &format!("{path}/resolve"),
                Some(&admin),
                Some(json!({"resolution": format!("done {n}")})),
            )
            .await;
        platform
            .call(Method::PUT, &format!("{path}/reopen"), Some(&admin), None)
            .await;
        if n % 2 == 0 {
            platform
                .call(Method::DELETE, &path, Some(&admin), None)
                .await;
        } else {
            platform
                .call(
                    Method::PUT,
                    &format!("{path}/escalate"),
                    Some(&admin),
                    Some(json!({"reason": "needs the platform"})),
                )
                .await;
        }
        actions += 5;
    }
    assert_eq!(actions, 50);

    let (_, report) = engine.sync().await.expect("the catch-up");
    assert!(report.messages > 1000 + 50, "{report:?}");

    // The cache against the platform's database.
    let database = platform.database().await;
    let tenant: String = sqlx::query("SELECT id FROM tenants WHERE slug = 'acme'")
        .fetch_one(&database)
        .await
        .expect("acme")
        .get(0);
    let expected_channels: BTreeMap<String, (String, Option<String>)> =
        sqlx::query("SELECT id, status, assigned_to FROM channels WHERE tenant_id = $1")
            .bind(&tenant)
            .fetch_all(&database)
            .await
            .expect("channels")
            .iter()
            .map(|row| {
                (
                    row.get::<String, _>(0),
                    (row.get::<String, _>(1), row.get::<Option<String>, _>(2)),
                )
            })
            .collect();
    let expected_messages: BTreeSet<String> =
        sqlx::query("SELECT id FROM messages WHERE tenant_id = $1")
            .bind(&tenant)
            .fetch_all(&database)
            .await
            .expect("messages")
            .iter()
            .map(|row| row.get::<String, _>(0))
            .collect();
    let (cached_channels, cached_messages, message_rows) = engine
        .cache()
        .read(|conn| {
            let mut channels = BTreeMap::new();
            let mut statement = conn.prepare("SELECT id, status, assigned_to FROM channels")?;
            for row in statement.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })? {
                let (id, status, assigned) = row?;
                channels.insert(id, (status, assigned));
            }
            let mut messages = BTreeSet::new();
            let mut statement = conn.prepare("SELECT id FROM messages")?;
            for id in statement.query_map([], |r| r.get::<_, String>(0))? {
                messages.insert(id?);
            }
            let rows: u64 = conn.query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))?;
            Ok((channels, messages, rows))
        })
        .await
        .expect("the cache");
    assert_eq!(
        cached_channels, expected_channels,
        "every channel, in its current state"
    );
    assert_eq!(cached_messages, expected_messages, "every message");
    assert_eq!(message_rows as usize, expected_messages.len(), "each once");
    assert!(cached_channels.contains_key(alices_ticket["id"].as_str().expect("an id")));

    // Nothing is applied twice: another sync finds nothing new.
    let (_, again) = engine.sync().await.expect("a second catch-up");
    assert_eq!((again.channels, again.messages), (0, 0), "{again:?}");
}
