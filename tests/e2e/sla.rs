//! SLA countdowns (issue 16): a ticket made due in 2 minutes through the API shows an amber
//! badge counting down in its queue row and in the details pane; the demo data's breached
//! ticket shows red and its tickets due later calm. The badges are worked out in the console
//! from the cached due times and the clock.

use anyhow::{ensure, Result};
use protocol::ChannelId;
use serde_json::json;
use uuid::Uuid;

use crate::support::console::{console_for, finish, sign_in};
use crate::support::{eventually, Platform};

fn row(id: ChannelId) -> String {
    format!("[data-testid=queue-row][data-channel='{id}']")
}

#[tokio::test(flavor = "multi_thread")]
async fn sla_badges_count_down_in_colour() -> Result<()> {
    let test = "sla-badges";
    let platform = Platform::start(test).await?;
    let admin = platform.sign_in("admin@acme.test").await?;
    let alice = platform.sign_in("alice@acme.test").await?;
    // HIGH tickets (what `create_ticket` opens) get a first response due in 2 minutes.
    admin
        .put_sla_policy(
            "HIGH",
            &json!({"firstResponseMinutes": 2, "resolutionMinutes": 600}),
        )
        .await?;
    let tag = Uuid::new_v4().simple().to_string()[..8].to_owned();
    let ticket = alice
        .create_ticket(&format!("Scoreboard frozen {tag}"), "It stopped at 3-2.")
        .await?;
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let outcome = async {
        sign_in(&app).await?;
        let badge = format!("{} [data-testid=sla-badge]", row(ticket.id));
        app.wait_for(&format!("{badge}[data-tone=warning]")).await?;
        let texts = app.texts_of_all(&badge).await?;
        ensure!(
            texts.len() == 1 && texts[0].starts_with("due in "),
            "the badge counts down: {texts:?}"
        );
        // Due soonest: the demo data's breached ticket comes first, red; tickets due in
        // hours are calm.
        app.wait_for("[data-testid=queue-sort]")
            .await?
            .select_by_label("Due soonest")
            .await?;
        eventually("the breached ticket first", || async {
            let tones = app
                .data_of_all("[data-testid=queue-row] [data-testid=sla-badge]", "tone")
                .await?;
            Ok(tones.first().map(String::as_str) == Some("breached"))
        })
        .await?;
        app.wait_for("[data-testid=sla-badge][data-tone=calm]")
            .await?;
        let breached = app
            .texts_of_all("[data-testid=sla-badge][data-tone=breached]")
            .await?;
        ensure!(
            breached
                .iter()
                .all(|t| t.starts_with("breached ") && t.ends_with(" ago")),
            "{breached:?}"
        );
        // The details pane shows the same clock.
        app.click(&row(ticket.id)).await?;
        app.wait_for("[data-testid=details] [data-testid=sla-badge][data-tone=warning]")
            .await?;
        app.screenshot("sla-badges").await?;
        Ok(())
    }
    .await;
    finish(app, outcome).await
}
