//! The console end to end, as an org admin and as a participant: the real app in a real
//! window (WebDriver), the real platform binary with the demo data, the real notification
//! daemon on the session bus. Every step is checked where it lands: on the platform through
//! its REST API, on the bus, or on screen.

use anyhow::{ensure, Context, Result};
use protocol::{ChannelId, ChannelStatus};
use uuid::Uuid;

use crate::support::console::{console_for, finish, home_of, open_ticket, sign_in};
use crate::support::{
    eventually, AppSession, NotificationWatch, Platform, Rest, Tray, DEMO_PASSWORD,
};

#[tokio::test(flavor = "multi_thread")]
async fn an_org_admin_works_the_queue_live_and_offline() -> Result<()> {
    let test = "console-admin";
    let mut platform = Platform::start(test).await?;
    let alice = platform.sign_in("alice@acme.test").await?;
    let tag = Uuid::new_v4().simple().to_string()[..8].to_owned();
    let chat = alice
        .create_ticket(
            &format!("Scores vanished {tag}"),
            "All round 3 scores are gone.",
        )
        .await?;
    let other = alice
        .create_ticket(
            &format!("Printer jam {tag}"),
            "The answer sheets are stuck.",
        )
        .await?;
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let profile = home_of(test)?.join("default");
    let outcome = admin_flow(
        &app,
        &profile,
        &mut platform,
        &alice,
        &tag,
        chat.id,
        other.id,
    )
    .await;
    finish(app, outcome).await
}

/// How many messages the platform counts unread for `user` in channels not archived.
async fn unread_on_platform(user: &Rest) -> Result<u32> {
    Ok(user
        .channels()
        .await?
        .iter()
        .filter(|c| c.status != ChannelStatus::Archived)
        .map(|c| c.unread_count)
        .sum())
}

/// Waits until the tray counts what the platform counts unread for `user`, and returns it.
async fn tray_agrees(tray: &Tray, user: &Rest) -> Result<u32> {
    let agreed = std::sync::atomic::AtomicU32::new(0);
    eventually(
        "the tray counting the platform's unread messages",
        || async {
            let (shown, counted) = (tray.unread().await?, unread_on_platform(user).await?);
            agreed.store(counted, std::sync::atomic::Ordering::Relaxed);
            Ok(shown == counted)
        },
    )
    .await?;
    Ok(agreed.into_inner())
}

async fn admin_flow(
    app: &AppSession,
    profile: &std::path::Path,
    platform: &mut Platform,
    alice: &Rest,
    tag: &str,
    chat: ChannelId,
    other: ChannelId,
) -> Result<()> {
    let admin = platform.sign_in("admin@acme.test").await?;
    let globex = platform.sign_in("admin@globex.test").await?;
    sign_in(app).await?;
    let tray = &Tray::of(profile).await?;

    // The queue: acme's channels, all of them, and none of globex's.
    let (acme_ids, globex_ids) = (admin.channel_ids().await?, globex.channel_ids().await?);
    ensure!(
        !globex_ids.is_empty(),
        "the demo data gives globex channels"
    );
    let expected = format!("{0} of {0}", acme_ids.len());
    app.wait_for_text("[data-testid=queue-count]", &expected)
        .await?;
    let rows = app
        .data_of_all("[data-testid=queue-row]", "channel")
        .await?;
    ensure!(!rows.is_empty());
    for id in rows {
        ensure!(
            acme_ids.contains(&id),
            "row {id} is not one of acme's channels"
        );
        ensure!(
            !globex_ids.contains(&id),
            "globex's channel {id} shows in acme's queue"
        );
    }
    app.screenshot("queue").await?;

    // Open a ticket and reply: the reply reaches the platform.
    open_ticket(app, &format!("Scores vanished {tag}"), chat).await?;
    app.wait_for("[data-testid=message]").await?;
    let reply = format!("Looking into the scores now ({tag})");
    app.type_into("[data-testid=composer]", &reply).await?;
    app.click("[data-testid=send]").await?;
    eventually("the reply reaching the platform", || async {
        Ok(admin
            .messages(chat)
            .await?
            .iter()
            .any(|m| m.content == reply))
    })
    .await?;

    // Alice answers through the REST API: it shows live in the open chat.
    let live = format!("They were there before lunch ({tag})");
    alice.post_message(chat, &live).await?;
    app.wait_for_text("[data-testid=message]", &live).await?;
    app.screenshot("chat").await?;

    // A message in another ticket: a desktop notification, and an unread badge.
    let mut bus = NotificationWatch::start().await?;
    let ping = format!("Still stuck, any news? ({tag})");
    alice.post_message(other, &ping).await?;
    bus.wait_for(&format!("Printer jam {tag}")).await?;
    // The tray counts the unread messages as the platform does, this one included.
    let unread_before = tray_agrees(tray, &admin).await?;
    let other_unread = admin.channel(other).await?.unread_count;
    ensure!(other_unread >= 1, "the ping is unread on the platform");

    // Assign through the picker, escalate, resolve: each lands on the platform.
    let qm = admin
        .users()
        .await?
        .into_iter()
        .find(|u| u.email == "qm@acme.test")
        .context("qm@acme.test is a demo user")?;
    app.click("[data-testid=action-assign]").await?;
    app.wait_for("[data-testid=assign-option]").await?;
    app.type_into("[data-testid=assign-filter]", "quinn")
        .await?;
    app.wait_for("[data-testid=assign-option][data-email='qm@acme.test']")
        .await?;
    app.screenshot("assign-picker").await?;
    app.click("[data-testid=assign-option][data-email='qm@acme.test']")
        .await?;
    eventually("the assignment reaching the platform", || async {
        Ok(admin.channel(chat).await?.assigned_to == Some(qm.id))
    })
    .await?;
    // The console shows it before the next click: the live update re-lays the action row
    // ("Take it" comes and goes), and a click aimed before that lands on another button.
    app.wait_for(&format!(
        "[data-testid=detail-assignee][data-user='{}']",
        qm.id
    ))
    .await?;
    app.click("[data-testid=action-escalate]").await?;
    app.type_into("[data-testid=escalate-text]", "Scores lost server-side")
        .await?;
    app.click("[data-testid=escalate-confirm]").await?;
    eventually("the escalation reaching the platform", || async {
        Ok(admin.channel(chat).await?.status == ChannelStatus::Escalated)
    })
    .await?;
    app.wait_for_text("[data-testid=detail-status]", "Escalated")
        .await?;
    app.click("[data-testid=action-resolve]").await?;
    app.type_into("[data-testid=resolve-text]", "Restored from the backup")
        .await?;
    app.click("[data-testid=resolve-confirm]").await?;
    eventually("the resolution reaching the platform", || async {
        let channel = admin.channel(chat).await?;
        Ok(channel.status == ChannelStatus::Resolved
            && channel
                .ticket
                .is_some_and(|t| t.resolution.as_deref() == Some("Restored from the backup")))
    })
    .await?;

    // A new ticket with a first message.
    let subject = format!("Projector flickers {tag}");
    app.click("[data-testid=new-ticket]").await?;
    app.type_into("[data-testid=create-subject]", &subject)
        .await?;
    app.type_into(
        "[data-testid=create-message]",
        "Room B, since this morning.",
    )
    .await?;
    app.click("[data-testid=create-confirm]").await?;
    eventually("the new ticket reaching the platform", || async {
        for channel in admin.channels().await? {
            if channel.subject.as_deref() == Some(subject.as_str()) {
                let messages = admin.messages(channel.id).await?;
                return Ok(messages
                    .iter()
                    .any(|m| m.content == "Room B, since this morning."));
            }
        }
        Ok(false)
    })
    .await?;

    // Offline: the banner, the history still readable and searchable, a message queued;
    // back online, it arrives exactly once.
    open_ticket(app, &format!("Printer jam {tag}"), other).await?;
    // Reading it sends its read marker, and takes its messages off the tray's count.
    eventually("the read marker reaching the platform", || async {
        Ok(admin.channel(other).await?.unread_count == 0)
    })
    .await?;
    let unread_after = tray_agrees(tray, &admin).await?;
    ensure!(
        unread_after + other_unread <= unread_before,
        "reading the ticket left the tray at {unread_after} (was {unread_before})"
    );
    platform.stop()?;
    app.wait_for("[data-testid=offline-banner]").await?;
    offline_banner_in_words(app, platform).await?;
    app.wait_for_text("[data-testid=message]", &ping).await?;
    let queued = format!("Writing this offline ({tag})");
    app.type_into("[data-testid=composer]", &queued).await?;
    app.click("[data-testid=send]").await?;
    app.wait_for("[data-testid=unsent-message][data-state=queued]")
        .await?;
    app.screenshot("offline").await?;
    // Enter in the queue's filter searches the cached history.
    app.type_into("[data-testid=queue-search]", "answer sheets\u{E007}")
        .await?;
    app.wait_for("[data-testid=search-hit]").await?;
    app.click("[data-testid=search-hit]").await?;
    app.wait_for(&format!("[data-testid=chat][data-channel='{other}']"))
        .await?;

    platform.restart().await?;
    app.wait_gone("[data-testid=offline-banner]").await?;
    eventually("the queued message arriving", || async {
        Ok(admin
            .messages(other)
            .await?
            .iter()
            .any(|m| m.content == queued))
    })
    .await?;
    app.wait_gone("[data-testid=unsent-message]").await?;
    let copies = admin
        .messages(other)
        .await?
        .iter()
        .filter(|m| m.content == queued)
        .count();
    ensure!(copies == 1, "the queued message arrived {copies} times");
    Ok(())
}

/// The offline banner speaks to a person: it cannot reach the platform (by host and port),
/// when it tries again, "Retry now", and the technical cause only behind "Details"; no URL
/// and no OS error in its words. "Retry now" answers without an error, and the banner stays
/// while the platform is away.
async fn offline_banner_in_words(app: &AppSession, platform: &Platform) -> Result<()> {
    let host = protocol::problem::host_of(&platform.url()).context("the platform's host")?;
    let headline = "[data-testid=offline-banner] [data-testid=offline-headline]";
    app.wait_for_text(headline, &format!("Can't reach the platform at {host} — "))
        .await?;
    let words = app
        .texts_of_all(&format!(
            "{headline}, [data-testid=offline-banner] [data-testid=offline-since]"
        ))
        .await?
        .join(" / ");
    let when = ["— retrying in ", "— retrying at ", "— trying again now"];
    ensure!(
        when.iter().any(|w| words.contains(w)),
        "the banner does not say when it retries: `{words}`"
    );
    ensure!(
        words.contains("Offline since "),
        "the banner does not say since when: `{words}`"
    );
    ensure!(
        !words.contains("http://") && !words.contains("os error"),
        "technical words in the banner: `{words}`"
    );
    let summary = app
        .texts_of_all("[data-testid=offline-banner] [data-testid=details] summary")
        .await?;
    ensure!(
        summary == ["Details"],
        "the banner's disclosure: {summary:?}"
    );
    let detail = app
        .texts_of_all("[data-testid=offline-banner] [data-testid=details] code")
        .await?;
    ensure!(
        detail.iter().any(|d| !d.trim().is_empty()),
        "nothing behind Details: {detail:?}"
    );
    let retry = app
        .texts_of_all("[data-testid=offline-banner] [data-testid=retry-now]")
        .await?;
    ensure!(retry == ["Retry now"], "the banner's button: {retry:?}");
    app.click("[data-testid=retry-now]").await?;
    app.wait_for_text(headline, &format!("Can't reach the platform at {host}"))
        .await?;
    ensure!(
        app.count("[data-testid=error-banner]").await? == 0,
        "Retry now failed: {:?}",
        app.texts_of_all("[data-testid=error-banner]").await?
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_participant_is_not_offered_management_actions() -> Result<()> {
    let test = "console-participant";
    let platform = Platform::start(test).await?;
    let alice = platform.sign_in("alice@acme.test").await?;
    let tag = Uuid::new_v4().simple().to_string()[..8].to_owned();
    let ticket = alice
        .create_ticket(&format!("Cannot join {tag}"), "The join link fails.")
        .await?;
    let app = console_for(test, &platform, "alice@acme.test").await?;
    let outcome = async {
        sign_in(&app).await?;
        open_ticket(&app, &format!("Cannot join {tag}"), ticket.id).await?;
        app.wait_for("[data-testid=actions]").await?;
        for action in ["assign", "escalate", "resolve", "archive"] {
            let offered = app.count(&format!("[data-testid=action-{action}]")).await?;
            ensure!(offered == 0, "a participant is offered {action}");
        }
        Ok(())
    }
    .await;
    finish(app, outcome).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_of_two_tenants_chooses_one_at_sign_in() -> Result<()> {
    let test = "console-tenant-choice";
    let platform = Platform::start(test).await?;
    let globex = platform.sign_in("admin@globex.test").await?;
    let acme = platform.sign_in("admin@acme.test").await?;
    let (globex_ids, acme_ids) = (globex.channel_ids().await?, acme.channel_ids().await?);
    let app = console_for(test, &platform, "consultant@switchboard.test").await?;
    let outcome = async {
        // The first attempt asks which tenant, naming both.
        app.type_into("[data-testid=sign-in-password]", DEMO_PASSWORD)
            .await?;
        app.click("[data-testid=sign-in-submit]").await?;
        let choice = app.wait_for("[data-testid=sign-in-tenant]").await?;
        let offered = app
            .texts_of_all("[data-testid=sign-in-tenant] option")
            .await?;
        ensure!(
            offered == ["acme", "globex"],
            "the tenants offered are {offered:?}"
        );
        choice.select_by_label("globex").await?;
        app.click("[data-testid=sign-in-submit]").await?;
        app.wait_for("[data-testid=queue-row]").await?;

        // Signed in to globex: its channels, none of acme's.
        let rows = app
            .data_of_all("[data-testid=queue-row]", "channel")
            .await?;
        for id in rows {
            ensure!(globex_ids.contains(&id), "row {id} is not globex's");
            ensure!(
                !acme_ids.contains(&id),
                "acme's channel {id} shows in globex"
            );
        }
        Ok(())
    }
    .await;
    finish(app, outcome).await
}
