//! SLA countdowns and "take it" (issue 16): a ticket made due in 2 minutes through the API
//! shows an amber badge counting down in its queue row and in the details pane; the demo
//! data's breached ticket shows red and its tickets due later calm (the badges are worked out
//! in the console from the cached due times and the clock). `t` assigns the open ticket to
//! me, and names the colleague who holds one instead of taking it. A warning before a
//! breach reaches the notification daemon while the platform is stopped.

use anyhow::{ensure, Result};
use protocol::ChannelId;
use serde_json::json;
use uuid::Uuid;

use crate::support::console::{console_for, finish, sign_in};
use crate::support::{eventually, NotificationWatch, Platform};

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

/// "Take it": `t` assigns the open ticket to me; on a ticket a colleague holds it says who,
/// and takes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn t_takes_the_open_ticket_and_names_a_colleague_who_holds_one() -> Result<()> {
    let test = "take-it";
    let platform = Platform::start(test).await?;
    let admin = platform.sign_in("admin@acme.test").await?;
    let alice = platform.sign_in("alice@acme.test").await?;
    let users = admin.users().await?;
    let id_of = |email: &str| users.iter().find(|u| u.email == email).map(|u| u.id);
    let (Some(me), Some(bill)) = (id_of("admin@acme.test"), id_of("billing@acme.test")) else {
        anyhow::bail!("the demo users are there");
    };
    let tag = Uuid::new_v4().simple().to_string()[..8].to_owned();
    let free = alice
        .create_ticket(&format!("Free ticket {tag}"), "Anyone?")
        .await?;
    let held = alice
        .create_ticket(&format!("Held ticket {tag}"), "Bill?")
        .await?;
    admin.assign(held.id, bill).await?;
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let outcome = async {
        sign_in(&app).await?;
        app.click(&row(free.id)).await?;
        app.wait_for("[data-testid=action-take]").await?;
        // Out of any field, so `t` is a shortcut.
        app.click("[data-testid=queue-count]").await?;
        app.press('t').await?;
        eventually("the ticket assigned to me on the platform", || async {
            Ok(admin.channel(free.id).await?.assigned_to == Some(me))
        })
        .await?;
        app.wait_gone("[data-testid=action-take]").await?;

        app.click(&row(held.id)).await?;
        app.click("[data-testid=queue-count]").await?;
        app.press('t').await?;
        app.wait_for_text("[data-testid=notice]", "Bill Ledger has this ticket")
            .await?;
        ensure!(
            admin.channel(held.id).await?.assigned_to == Some(bill),
            "a held ticket is not taken by a key"
        );
        Ok(())
    }
    .await;
    finish(app, outcome).await
}

/// A warning before a breach reaches the desktop's notification daemon once, while the
/// platform is stopped: the due time is in the cache, and the clock does the rest.
#[tokio::test(flavor = "multi_thread")]
async fn a_breach_is_announced_beforehand_even_offline() -> Result<()> {
    let test = "sla-warning";
    let mut platform = Platform::start(test).await?;
    let admin = platform.sign_in("admin@acme.test").await?;
    let alice = platform.sign_in("alice@acme.test").await?;
    // Due in 16 minutes: inside the 15-minute warning window a minute from now.
    admin
        .put_sla_policy("HIGH", &json!({"firstResponseMinutes": 16}))
        .await?;
    let tag = Uuid::new_v4().simple().to_string()[..8].to_owned();
    let subject = format!("Breach soon {tag}");
    let ticket = alice.create_ticket(&subject, "Nobody answers").await?;
    let mut bus = NotificationWatch::start().await?;
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let outcome = async {
        sign_in(&app).await?;
        app.wait_for(&format!(
            "{} [data-testid=sla-badge][data-tone=calm]",
            row(ticket.id)
        ))
        .await?;
        platform.stop()?;
        app.wait_for("[data-testid=offline-banner]").await?;
        bus.wait_within(&subject, std::time::Duration::from_secs(150))
            .await?;
        // The badge turned amber with it, offline.
        app.wait_for(&format!(
            "{} [data-testid=sla-badge][data-tone=warning]",
            row(ticket.id)
        ))
        .await?;
        Ok(())
    }
    .await;
    finish(app, outcome).await
}
