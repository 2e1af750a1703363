//! `send --internal` through the CLI: the note reaches the platform as a note (and not the
//! customer), `show` marks it, and `queue`/`show` name the ticket by its `#number`.

use reqwest::Method;
use serde_json::json;
use sqlx::Row;

use crate::support::{cli, cli_login, Home, Platform};

#[tokio::test]
async fn send_internal_posts_a_note_that_show_marks_and_the_customer_never_reads() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let base = platform.base.clone();
    cli_login(&home, &base, "admin@acme.test").await;

    let alice = platform.token("alice@acme.test").await;
    let ticket = platform
        .call(
            Method::POST,
            "/api/chat/channels",
            Some(&alice),
            Some(json!({"type": "SUPPORT", "subject": "Lost my badge", "initialMessage": "Help"})),
        )
        .await;
    let id = ticket["id"].as_str().expect("an id").to_owned();
    let number = ticket["ticket"]["number"].as_i64().expect("a number");
    let hash = format!("#{number}");
    let (code, _, stderr) = cli(&home, &["sync"]).await;
    assert_eq!(code, 0, "{stderr}");

    let note = "Badge reprint ordered, do not promise a date";
    let (code, stdout, stderr) = cli(&home, &["send", "--internal", &hash, note]).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with("note sent"), "{stdout}");
    let (code, stdout, stderr) = cli(&home, &["send", &id[..8], "We are on it"]).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with("sent"), "{stdout}");

    // Written offline, it is queued as a note and goes out as one.
    platform.stop().await;
    let offline = "Second note, written offline";
    let (code, stdout, _) = cli(&home, &["send", "--internal", &id, offline]).await;
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout.starts_with("note queued"), "{stdout}");
    platform.restart().await;
    let (code, stdout, stderr) = cli(&home, &["sync"]).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("sent 1 queued item(s)"), "{stdout}");

    let database = platform.database().await;
    let rows = sqlx::query(
        "SELECT content, internal FROM messages WHERE channel_id = $1 AND content <> 'Help' ORDER BY seq",
    )
    .bind(&id)
    .fetch_all(&database)
    .await
    .expect("messages");
    let stored: Vec<(String, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        stored,
        vec![
            (note.to_owned(), 1),
            ("We are on it".to_owned(), 0),
            (offline.to_owned(), 1)
        ]
    );

    let page = platform
        .call(
            Method::GET,
            &format!("/api/chat/channels/{id}/messages"),
            Some(&alice),
            None,
        )
        .await;
    let seen: Vec<&str> = page
        .as_array()
        .expect("a page")
        .iter()
        .filter_map(|m| m["content"].as_str())
        .collect();
    assert_eq!(seen, ["Help", "We are on it"]);

    // From the cache, offline: the number, and the notes marked.
    platform.stop().await;
    let (code, stdout, stderr) = cli(&home, &["show", &hash]).await;
    assert_eq!(code, 0, "{stderr}");
    let first = stdout.lines().next().unwrap_or_default();
    assert!(first.starts_with(&id) && first.contains(&hash), "{stdout}");
    for (line, marked) in [(note, true), ("We are on it", false), (offline, true)] {
        let shown = stdout
            .lines()
            .find(|l| l.ends_with(line))
            .unwrap_or_else(|| panic!("{line} in {stdout}"));
        assert_eq!(shown.contains("[note]"), marked, "{shown}");
    }
    let (code, stdout, stderr) = cli(&home, &["queue"]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with(&id[..8]) && l.contains(&format!("{hash} "))),
        "{stdout}"
    );
    let (code, stdout, _) = cli(&home, &["search", &hash]).await;
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("Lost my badge"), "{stdout}");
}
