//! `switchboard-cli canned` as a user runs it: add, list, edit and rm against the real
//! platform, a taken short code refused with the field named, the list and `search`
//! answering from the cache with the platform down, and a change offline exiting 3.

use crate::support::{cli, cli_login, Home, Platform};

#[tokio::test]
async fn canned_round_trip_with_a_taken_code_and_offline_search() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let base = platform.base.clone();
    cli_login(&home, &base, "admin@acme.test").await;

    let add = |code: &'static str, title: &'static str| {
        [
            "canned",
            "add",
            code,
            "--title",
            title,
            "--content",
            "Hello {{customer.name}}, your refund is on its way",
            "--scope",
            "tenant",
        ]
    };
    let (code, stdout, stderr) = cli(&home, &add("refund", "Refund on its way")).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with("saved /refund"), "{stdout}");
    assert!(stdout.contains("TENANT"), "{stdout}");

    // Taken: the platform's 409, with the field named, and a failure exit code.
    let (code, stdout, stderr) = cli(&home, &add("refund", "Another")).await;
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("shortCode"), "{stderr}");
    // Bad input is refused before it leaves, also naming the field.
    let (code, _, stderr) = cli(&home, &add("Not A Code", "Bad")).await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("shortCode"), "{stderr}");

    let (code, stdout, stderr) = cli(&home, &["canned", "list"]).await;
    assert_eq!(code, 0, "{stderr}");
    let listed: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("/refund "))
        .collect();
    assert_eq!(listed.len(), 1, "{stdout}");
    assert!(listed[0].ends_with("Refund on its way"), "{stdout}");

    let (code, stdout, stderr) = cli(
        &home,
        &[
            "canned",
            "edit",
            "/refund",
            "--title",
            "Refunds",
            "--short-code",
            "refunds",
        ],
    )
    .await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with("changed /refunds"), "{stdout}");

    // With the platform down: the list and search answer from the cache; a change exits 3.
    platform.stop().await;
    let (code, stdout, stderr) = cli(&home, &["canned", "list", "--json"]).await;
    assert_eq!(code, 0, "{stderr}");
    let list: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert!(
        list.as_array().is_some_and(|l| l
            .iter()
            .any(|r| r["shortCode"] == "refunds" && r["title"] == "Refunds")),
        "{stdout}"
    );
    let (code, stdout, stderr) = cli(&home, &["search", "refund way"]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("canned") && l.contains("/refunds")),
        "{stdout}"
    );
    let (code, stdout, _) = cli(&home, &["search", "customer.name", "--json"]).await;
    assert_eq!(code, 0);
    let hits: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert!(
        hits.as_array().is_some_and(|h| h
            .iter()
            .any(|hit| hit["kind"] == "canned" && hit["cannedResponse"]["shortCode"] == "refunds")),
        "{stdout}"
    );
    let (code, _, stderr) = cli(&home, &add("late", "Late")).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("cannot be reached"), "{stderr}");

    platform.restart().await;
    let (code, stdout, stderr) = cli(&home, &["canned", "rm", "refunds"]).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, stdout, _) = cli(&home, &["canned", "list"]).await;
    assert_eq!(code, 0);
    assert!(!stdout.contains("/refunds"), "{stdout}");
    let (code, _, stderr) = cli(&home, &["canned", "rm", "refunds"]).await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no cached canned response"), "{stderr}");
}
