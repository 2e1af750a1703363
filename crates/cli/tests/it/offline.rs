//! Offline first: with the platform stopped, the CLI still lists the queue, shows a
//! channel's history and finds a message, all from the cache.

use reqwest::Method;
use serde_json::json;

use crate::support::{cli, cli_login, Home, Platform};

#[tokio::test]
async fn with_the_platform_down_the_cli_lists_shows_and_searches_the_cache() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let base = platform.base.clone();
    let stdout = cli_login(&home, &base, "alice@acme.test").await;
    assert!(stdout.contains("signed in"), "{stdout}");

    let alice = platform.token("alice@acme.test").await;
    let ticket = platform
        .call(Method::POST, "/api/chat/channels", Some(&alice), Some(json!({"type": "SUPPORT", "subject": "Crème brûlée recipe question", "initialMessage": "The naïve café printer jammed again"})))
        .await;
    let id = ticket["id"].as_str().expect("an id").to_owned();
    let (code, _, stderr) = cli(&home, &["sync"]).await;
    assert_eq!(code, 0, "{stderr}");

    platform.stop().await;

    let (code, stdout, stderr) = cli(&home, &["queue", "--json"]).await;
    assert_eq!(code, 0, "{stderr}");
    let queue: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert!(
        queue
            .as_array()
            .is_some_and(|q| q.iter().any(|c| c["id"] == id)),
        "{stdout}"
    );

    let (code, stdout, stderr) = cli(&home, &["show", &id[..8]]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("The naïve café printer jammed again"),
        "{stdout}"
    );

    // Diacritics folded, prefixes matched, subjects too.
    let (code, stdout, _) = cli(&home, &["search", "naive cafe print", "--json"]).await;
    assert_eq!(code, 0);
    let hits: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert!(
        hits.as_array().is_some_and(|h| h
            .iter()
            .any(|hit| hit["kind"] == "message" && hit["message"]["channelId"] == id)),
        "{stdout}"
    );
    let (_, stdout, _) = cli(&home, &["search", "creme brulee"]).await;
    assert!(stdout.contains("Crème brûlée recipe question"), "{stdout}");

    // Writing offline queues, and says so with its exit code.
    let (code, stdout, _) = cli(&home, &["send", &id, "written offline"]).await;
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout.contains("queued"), "{stdout}");
    let (code, stdout, _) = cli(&home, &["sync"]).await;
    assert_eq!(code, 3, "{stdout}");

    // Not signed in: its own exit code.
    let other = Home::new();
    let (code, _, stderr) = cli(&other, &["send", &id, "hi"]).await;
    assert!(code == 4 || code == 1, "{code} {stderr}");
}
