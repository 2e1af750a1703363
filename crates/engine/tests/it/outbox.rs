//! The outbox: an action whose channel changed since it was made waits for review instead
//! of being applied. (Work written offline arriving once and in order after a restart is
//! driven through the CLI, in `crates/cli`'s tests.)

use engine::cache::outbox::OutboxState;

use crate::support::{Home, Platform};

#[tokio::test]
async fn an_action_whose_channel_changed_meanwhile_waits_for_review() {
    let platform = Platform::start().await;
    let home = Home::new();
    let engine = home
        .signed_in("default", &platform, "admin@acme.test")
        .await;
    engine.sync().await.expect("sync");
    let channel = engine
        .queue(engine::cache::channels::QueueFilter {
            status: Some(protocol::ChannelStatus::Active),
            ..Default::default()
        })
        .await
        .expect("the queue")[0]
        .id;
    // Someone else resolves it after this engine last synced.
    let admin = platform.token("admin@acme.test").await;
    platform
        .call(
            reqwest::Method::PUT,
            &format!("/api/chat/channels/{channel}/resolve"),
            Some(&admin),
            Some(serde_json::json!({"resolution": "by someone else"})),
        )
        .await;
    let sent = engine
        .act(
            channel,
            protocol::ChannelAction::Escalate {
                reason: "from the cached view".to_owned(),
            },
        )
        .await
        .expect("queued");
    assert_eq!(sent.item.state, OutboxState::NeedsReview, "{:?}", sent.item);
    assert!(
        sent.item
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("RESOLVED")),
        "{:?}",
        sent.item.last_error
    );
}
