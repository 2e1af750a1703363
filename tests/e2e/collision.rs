//! Collision awareness (issue 16): a colleague who opens the same ticket shows in its
//! header, viewing then typing, and leaves it when their connection goes; when the customer
//! or a colleague posted while I was writing, Send first shows who and what, and Cancel keeps
//! my reply while Send anyway sends it; with nothing new, Send sends at once.

use anyhow::{ensure, Result};
use serde_json::json;
use uuid::Uuid;

use crate::support::console::{console_for, finish, open_ticket, sign_in};
use crate::support::{eventually, Platform, Rest};

/// Whether `content` was posted in the ticket, as the platform has it.
async fn posted(rest: &Rest, ticket: protocol::ChannelId, content: &str) -> Result<bool> {
    Ok(rest
        .messages(ticket)
        .await?
        .iter()
        .any(|m| m.content == content))
}

#[tokio::test(flavor = "multi_thread")]
async fn colleagues_show_and_send_asks_when_someone_posted_first() -> Result<()> {
    let test = "collision";
    let platform = Platform::start(test).await?;
    let alice = platform.sign_in("alice@acme.test").await?;
    let root = platform.sign_in("root@switchboard.test").await?;
    let tag = Uuid::new_v4().simple().to_string()[..8].to_owned();
    let subject = format!("Bracket missing {tag}");
    let ticket = alice
        .create_ticket(&subject, "Our bracket vanished.")
        .await?;
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let outcome = async {
        sign_in(&app).await?;
        open_ticket(&app, &subject, ticket.id).await?;

        // A colleague opens the same ticket, then types.
        let mut colleague = root.socket().await?;
        let ack = colleague
            .emit_with_ack("viewing", json!({"channelId": ticket.id}))
            .await?;
        ensure!(
            ack.first().is_some_and(|a| a["ok"] == true),
            "viewing: {ack:?}"
        );
        app.wait_for_text(
            "[data-testid=presence-agent][data-state=viewing]",
            "Root Operator is viewing",
        )
        .await?;
        colleague
            .emit("typing", json!({"channelId": ticket.id}))
            .await?;
        app.wait_for_text(
            "[data-testid=presence-agent][data-state=typing]",
            "Root Operator is typing",
        )
        .await?;

        // The customer writes while I do: Send asks first.
        let reply = "Checking the bracket now";
        app.type_into("[data-testid=composer]", reply).await?;
        let news = "Found it, it was filtered out";
        alice.post_message(ticket.id, news).await?;
        app.wait_for_text("[data-testid=messages]", news).await?;
        app.click("[data-testid=send]").await?;
        app.wait_for_text("[data-testid=send-guard-title]", "Alice Archer replied")
            .await?;
        app.wait_for_text("[data-testid=send-guard-message]", news)
            .await?;
        app.screenshot("collision-guard").await?;
        // Cancel: nothing goes out and the reply stays to be edited.
        app.click("[data-testid=send-cancel]").await?;
        app.wait_gone("[data-testid=send-guard]").await?;
        ensure!(
            !posted(&alice, ticket.id, reply).await?,
            "Cancel sent the reply"
        );
        let kept = app.value_of("[data-testid=composer]").await?;
        ensure!(kept.as_deref() == Some(reply), "the draft: {kept:?}");

        // The colleague answers first: Send asks again, naming them; Send anyway sends.
        let theirs = "I fixed the filter for you";
        root.post_message(ticket.id, theirs).await?;
        app.wait_for_text("[data-testid=messages]", theirs).await?;
        app.click("[data-testid=send]").await?;
        app.wait_for_text("[data-testid=send-guard-title]", "Root Operator replied")
            .await?;
        app.click("[data-testid=send-anyway]").await?;
        app.wait_gone("[data-testid=send-guard]").await?;
        eventually("the reply reaches the platform", || {
            posted(&alice, ticket.id, reply)
        })
        .await?;

        // Nothing new since: the next reply goes straight out.
        let next = "Anything else I can do?";
        app.type_into("[data-testid=composer]", next).await?;
        app.click("[data-testid=send]").await?;
        eventually("the second reply reaches the platform", || {
            posted(&alice, ticket.id, next)
        })
        .await?;
        ensure!(
            app.count("[data-testid=send-guard]").await? == 0,
            "Send asked with nothing new"
        );

        // The colleague's connection goes: they leave the header.
        drop(colleague);
        app.wait_gone("[data-testid=presence]").await?;
        Ok(())
    }
    .await;
    finish(app, outcome).await
}
