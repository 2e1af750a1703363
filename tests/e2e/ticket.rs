//! A ticket through its life in the console, as an org admin: its priority and status
//! changed through the details' selects, someone else typing shown, read markers reaching
//! the platform, the channel muted, resolved, reopened and archived behind a confirmation.
//! Each step is checked on the platform through its REST API, or on screen.

use anyhow::{ensure, Context, Result};
use protocol::events::name as events;
use protocol::{ChannelStatus, TicketPriority, TicketStatus};
use serde_json::json;
use uuid::Uuid;

use crate::support::console::{console_for, finish, home_of, open_ticket, sign_in};
use crate::support::{eventually, Platform};

/// `work`, failing after 15 s with what it was waiting for.
async fn within<T>(what: &str, work: impl std::future::Future<Output = T>) -> Result<T> {
    tokio::time::timeout(std::time::Duration::from_secs(15), work)
        .await
        .with_context(|| format!("{what}: nothing within 15 s"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_org_admin_works_a_ticket_through_its_life() -> Result<()> {
    let test = "console-ticket";
    let platform = Platform::start(test).await?;
    let alice = platform.sign_in("alice@acme.test").await?;
    let admin = platform.sign_in("admin@acme.test").await?;
    let tag = Uuid::new_v4().simple().to_string()[..8].to_owned();
    let subject = format!("Badge reader offline {tag}");
    let ticket = alice
        .create_ticket(&subject, "Door 4 refuses every badge.")
        .await?;
    let id = ticket.id;
    ensure!(
        admin.channel(id).await?.unread_count >= 1,
        "alice's first message is unread for the admin before the console opens it"
    );

    let home = home_of(test)?;
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let outcome = async {
        sign_in(&app).await?;
        open_ticket(&app, &subject, id).await?;

        // Reading it sends a read marker: the platform counts nothing unread for the admin.
        eventually("the read marker reaching the platform", || async {
            Ok(admin.channel(id).await?.unread_count == 0)
        })
        .await?;

        // Priority and status through the details' selects.
        app.wait_for("[data-testid=ticket-priority]")
            .await?
            .select_by_value("URGENT")
            .await?;
        eventually("the priority reaching the platform", || async {
            Ok(admin.channel(id).await?.ticket.map(|t| t.priority) == Some(TicketPriority::Urgent))
        })
        .await?;
        app.wait_for("[data-testid=ticket-status]")
            .await?
            .select_by_value("IN_PROGRESS")
            .await?;
        eventually("the ticket status reaching the platform", || async {
            Ok(admin.channel(id).await?.ticket.map(|t| t.status) == Some(TicketStatus::InProgress))
        })
        .await?;

        // Alice types on her own socket: the console says so, then stops saying it.
        let mut socket = within("alice's socket connecting", alice.socket()).await??;
        within(
            "alice joining the room",
            socket.emit_with_ack(events::JOIN_CHANNEL, json!({ "channelId": id })),
        )
        .await??;
        within(
            "alice's typing acknowledged",
            socket.emit_with_ack(events::TYPING, json!({ "channelId": id })),
        )
        .await??;
        app.wait_for_text("[data-testid=typing]", "Alice Archer is typing")
            .await?;
        within(
            "alice's stop acknowledged",
            socket.emit_with_ack(events::STOP_TYPING, json!({ "channelId": id })),
        )
        .await??;
        eventually("the typing line clearing", || async {
            Ok(app.texts_of_all("[data-testid=typing]").await? == [""])
        })
        .await?;
        within("alice's socket closing", socket.close()).await??;

        // Muting is saved with the profile's settings, and the button says so.
        app.click("[data-testid=mute]").await?;
        app.wait_for_text("[data-testid=mute]", "Unmute this channel")
            .await?;
        let settings = home.join("default").join("settings.json");
        eventually("the mute being saved", || async {
            Ok(std::fs::read_to_string(&settings).is_ok_and(|s| s.contains(&id.to_string())))
        })
        .await?;

        // Resolve, reopen, then archive behind its confirmation.
        app.click("[data-testid=action-resolve]").await?;
        app.type_into("[data-testid=resolve-text]", "New reader fitted")
            .await?;
        app.click("[data-testid=resolve-confirm]").await?;
        eventually("the resolution reaching the platform", || async {
            Ok(admin.channel(id).await?.status == ChannelStatus::Resolved)
        })
        .await?;
        // Shown before the next click: a live update re-lays the action row.
        app.wait_for_text("[data-testid=detail-status]", "Resolved")
            .await?;
        app.click("[data-testid=action-reopen]").await?;
        eventually("the reopening reaching the platform", || async {
            Ok(admin.channel(id).await?.status == ChannelStatus::Active)
        })
        .await?;
        // Shown before the next click: a live update re-lays the action row.
        app.wait_for_text("[data-testid=detail-status]", "Active")
            .await?;
        app.click("[data-testid=action-archive]").await?;
        app.click("[data-testid=archive-confirm]").await?;
        eventually("the archiving reaching the platform", || async {
            Ok(admin.channel(id).await?.status == ChannelStatus::Archived)
        })
        .await?;
        app.wait_for_text("[data-testid=detail-status]", "Archived")
            .await?;
        ensure!(
            app.count("[data-testid=action-archive]").await? == 0,
            "an archived ticket is still offered archiving"
        );
        Ok(())
    }
    .await;
    finish(app, outcome).await
}
