//! Composer drafts: kept per channel in the profile, so they survive the engine being
//! closed and opened again (an app restart, or a crash: each save is committed); sending a
//! message or a note in the channel clears its draft, online or queued offline.

use engine::cache::outbox::OutboxState;
use protocol::console::Draft;
use protocol::ChannelId;
use reqwest::Method;
use serde_json::json;

use crate::support::{Home, Platform};

async fn ticket(platform: &Platform, alice: &str, subject: &str) -> ChannelId {
    let channel = platform
        .call(
            Method::POST,
            "/api/chat/channels",
            Some(alice),
            Some(json!({"type": "SUPPORT", "subject": subject, "initialMessage": "Help"})),
        )
        .await;
    channel["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("an id")
}

fn draft(text: &str, note: bool) -> Draft {
    Draft {
        text: text.to_owned(),
        note,
    }
}

#[tokio::test]
async fn drafts_survive_a_reopen_and_a_send_clears_only_its_channels() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let engine = home
        .signed_in("default", &platform, "admin@acme.test")
        .await;
    let alice = platform.token("alice@acme.test").await;
    let one = ticket(&platform, &alice, "Printer on fire").await;
    let two = ticket(&platform, &alice, "Badge lost").await;
    let three = ticket(&platform, &alice, "Wrong score").await;
    engine.sync().await.expect("sync");

    engine
        .save_draft(one, draft("Billing says refund, do not", true))
        .await
        .expect("saved");
    engine
        .save_draft(one, draft("Billing says refund, do not promise", true))
        .await
        .expect("saved again");
    engine
        .save_draft(two, draft("Dear Alice,\n", false))
        .await
        .expect("saved");
    engine
        .save_draft(three, draft("offline answer", false))
        .await
        .expect("saved");
    drop(engine);

    let engine = home.engine("default");
    assert_eq!(
        engine.draft(one).await.expect("read"),
        Some(draft("Billing says refund, do not promise", true)),
        "the last save, a note"
    );
    assert_eq!(
        engine.draft(two).await.expect("read"),
        Some(draft("Dear Alice,\n", false)),
        "as typed"
    );

    engine
        .send_note(one, "Billing says refund, do not promise")
        .await
        .expect("sent");
    assert_eq!(engine.draft(one).await.expect("read"), None, "sent: gone");
    assert!(
        engine.draft(two).await.expect("read").is_some(),
        "others stay"
    );

    // Queued offline, it is in the outbox: the draft goes too.
    platform.stop().await;
    let queued = engine.send(three, "offline answer").await.expect("queued");
    assert_eq!(queued.item.state, OutboxState::Queued);
    assert_eq!(engine.draft(three).await.expect("read"), None);

    // Emptied: deleted, not kept as an empty draft.
    engine
        .save_draft(two, draft("   ", false))
        .await
        .expect("emptied");
    drop(engine);
    let engine = home.engine("default");
    assert_eq!(engine.draft(two).await.expect("read"), None);
}
