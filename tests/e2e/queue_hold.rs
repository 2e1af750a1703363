//! The queue holds still under the agent's hand (issue 20), and finds a ticket by its
//! `#number` (issue 15). Live activity comes from the platform: a customer posts over REST
//! while the pointer or the keyboard is on the list, which would move a ticket to the top.
//! The rows must keep their places, the click and the keys must land on the ticket shown,
//! a pill must count the waiting update, and `u` must show the new order.

use anyhow::{ensure, Result};
use protocol::ChannelId;
use uuid::Uuid;

use crate::support::console::{console_for, finish, sign_in};
use crate::support::{eventually, AppSession, Platform, Rest};

/// The rows of the queue, top to bottom, as channel ids.
async fn rows(app: &AppSession) -> Result<Vec<String>> {
    app.data_of_all("[data-testid=queue-row]", "channel").await
}

/// The ids as the UI writes them.
fn ids(channels: &[ChannelId]) -> Vec<String> {
    channels.iter().map(ChannelId::to_string).collect()
}

fn row(id: ChannelId) -> String {
    format!("[data-testid=queue-row][data-channel='{id}']")
}

/// Five fresh tickets from alice, the last opened first in the queue, and the queue filtered
/// down to them (the demo's own tickets out of the way). Returns them oldest first and the
/// ids the queue shows, top to bottom.
async fn five_tickets(app: &AppSession, alice: &Rest) -> Result<(Vec<ChannelId>, Vec<String>)> {
    let tag = Uuid::new_v4().simple().to_string()[..8].to_owned();
    let mut tickets = Vec::new();
    for name in [
        "Quiz timer froze",
        "Charged twice",
        "Team list lost",
        "Scores late",
        "Login loop",
    ] {
        let ticket = alice
            .create_ticket(&format!("{name} {tag}"), &format!("{name}, please help"))
            .await?;
        tickets.push(ticket.id);
    }
    sign_in(app).await?;
    app.type_into("[data-testid=queue-search]", &tag).await?;
    let newest_first: Vec<ChannelId> = tickets.iter().rev().copied().collect();
    let expected = ids(&newest_first);
    eventually("the five tickets in the queue, newest first", || async {
        Ok(rows(app).await? == expected)
    })
    .await?;
    // Out of the filter field (a key typed there is text, not a shortcut), with the pointer
    // off the list.
    app.click("[data-testid=queue-count]").await?;
    app.wait_for("[data-testid=queue-list][data-hold='']")
        .await?;
    Ok((tickets, expected))
}

/// Alice posts `text` to `ticket`, and the console shows it in that ticket's row where the
/// row stands.
async fn post_and_see_it_in_place(
    app: &AppSession,
    alice: &Rest,
    ticket: ChannelId,
    text: &str,
) -> Result<()> {
    alice.post_message(ticket, text).await?;
    app.wait_for_text(&format!("{} .queue-row__preview", row(ticket)), text)
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_queue_holds_still_under_the_pointer() -> Result<()> {
    let test = "queue-hold-pointer";
    let platform = Platform::start(test).await?;
    let alice = platform.sign_in("alice@acme.test").await?;
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let outcome = async {
        let (tickets, before) = five_tickets(&app, &alice).await?;
        let oldest = tickets[0];
        let third: ChannelId = before[2].parse()?;

        // 1. The pointer rests on the third row: the list holds.
        app.hover(&row(third)).await?;
        app.wait_for("[data-testid=queue-list][data-hold~=pointer]")
            .await?;
        // 2. The oldest ticket gets a message: it would jump to the top. Its row updates
        //    where it stands, and the order does not move.
        post_and_see_it_in_place(&app, &alice, oldest, "Still stuck, any news?").await?;
        app.wait_for_text("[data-testid=queue-pill]", "1 update — show")
            .await?;
        ensure!(
            rows(&app).await? == before,
            "the rows moved under the pointer"
        );
        // 3. The click lands on the row under the pointer, 4. which opens.
        app.click(&row(third)).await?;
        app.wait_for(&format!("[data-testid=chat][data-channel='{third}']"))
            .await?;
        app.wait_for_text("[data-testid=queue-pill]", "1 update — show")
            .await?;
        ensure!(
            rows(&app).await? == before,
            "opening a ticket moved the rows"
        );
        // 5. `u` shows the new order: the oldest ticket on top, the rest as they were.
        app.press('u').await?;
        let mut after = vec![oldest.to_string()];
        after.extend(before[..4].iter().cloned());
        eventually("the new order after `u`", || async {
            Ok(rows(&app).await? == after)
        })
        .await?;
        app.wait_gone("[data-testid=queue-pill]").await?;
        // The open conversation stayed the one chosen.
        app.wait_for(&format!("[data-testid=chat][data-channel='{third}']"))
            .await?;

        // Leaving the list lets it follow the order live again.
        app.hover("[data-testid=chat-title]").await?;
        app.wait_for("[data-testid=queue-list][data-hold='']")
            .await?;
        alice.post_message(tickets[1], "And this one?").await?;
        let mut live = vec![tickets[1].to_string()];
        live.extend(
            after
                .iter()
                .filter(|id| **id != tickets[1].to_string())
                .cloned(),
        );
        eventually("the order following live off the list", || async {
            Ok(rows(&app).await? == live)
        })
        .await?;
        Ok(())
    }
    .await;
    finish(app, outcome).await
}

#[tokio::test(flavor = "multi_thread")]
async fn j_and_k_walk_the_queue_as_it_is_shown() -> Result<()> {
    let test = "queue-hold-keys";
    let platform = Platform::start(test).await?;
    let alice = platform.sign_in("alice@acme.test").await?;
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let outcome = async {
        let (tickets, before) = five_tickets(&app, &alice).await?;
        let oldest = tickets[0];
        let cursor = "[data-testid=queue-row].queue-row--cursor";

        app.press('j').await?;
        app.press('j').await?;
        eventually("the cursor on the second row", || async {
            Ok(app.data_of_all(cursor, "channel").await? == [before[1].clone()])
        })
        .await?;
        app.wait_for("[data-testid=queue-list][data-hold~=keyboard]")
            .await?;

        // Between two presses, the oldest ticket gets a message and would jump to the top.
        post_and_see_it_in_place(&app, &alice, oldest, "Hello? Anyone?").await?;
        app.wait_for_text("[data-testid=queue-pill]", "1 update — show")
            .await?;
        ensure!(
            rows(&app).await? == before,
            "the rows moved under the keyboard"
        );
        // `j` goes to the row below as shown, not to what the new order has there.
        app.press('j').await?;
        eventually("the cursor on the third row as shown", || async {
            Ok(app.data_of_all(cursor, "channel").await? == [before[2].clone()])
        })
        .await?;

        // `u` shows the new order; the cursor keeps its ticket, and `j` walks on from it.
        app.press('u').await?;
        let mut after = vec![oldest.to_string()];
        after.extend(before[..4].iter().cloned());
        eventually("the new order after `u`", || async {
            Ok(rows(&app).await? == after)
        })
        .await?;
        ensure!(
            app.data_of_all(cursor, "channel").await? == [before[2].clone()],
            "the cursor left its ticket when the order changed"
        );
        app.press('j').await?;
        eventually("the cursor on the next row of the new order", || async {
            Ok(app.data_of_all(cursor, "channel").await? == [before[3].clone()])
        })
        .await?;
        // Enter opens the ticket under the cursor.
        app.press('\u{E007}').await?;
        app.wait_for(&format!("[data-testid=chat][data-channel='{}']", before[3]))
            .await?;
        Ok(())
    }
    .await;
    finish(app, outcome).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticket_is_found_by_its_number() -> Result<()> {
    let test = "queue-number";
    let platform = Platform::start(test).await?;
    let alice = platform.sign_in("alice@acme.test").await?;
    let admin = platform.sign_in("admin@acme.test").await?;
    let tag = Uuid::new_v4().simple().to_string()[..8].to_owned();
    let ticket = alice
        .create_ticket(
            &format!("Projector dim {tag}"),
            "Room 2's projector is dim.",
        )
        .await?;
    let number = admin
        .channel(ticket.id)
        .await?
        .ticket
        .map(|t| t.number)
        .unwrap_or_default();
    ensure!(number > 0, "the platform numbered the ticket");
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let outcome = async {
        sign_in(&app).await?;
        let label = format!("#{number}");
        app.wait_for_text(
            &format!("{} [data-testid=ticket-number]", row(ticket.id)),
            &label,
        )
        .await?;
        app.type_into("[data-testid=queue-search]", &label).await?;
        let only = vec![ticket.id.to_string()];
        eventually("only that ticket in the queue", || async {
            Ok(rows(&app).await? == only)
        })
        .await?;
        // A number no ticket has finds nothing.
        app.type_into("[data-testid=queue-search]", &format!("#{}", number + 1000))
            .await?;
        eventually("nothing for a number no ticket has", || async {
            Ok(rows(&app).await?.is_empty())
        })
        .await?;
        Ok(())
    }
    .await;
    finish(app, outcome).await
}
