//! The agent workflow end to end (issue 15): an internal note the customer never sees, a
//! canned response inserted with `/` and the keyboard and sent filled in, and a draft that
//! survives an app restart. Each step is checked where it lands: on the platform through
//! its REST API (as the agent and as the customer), or on screen.

use anyhow::{ensure, Context, Result};
use protocol::ChannelId;
use uuid::Uuid;

use crate::support::console::{console_for, finish, home_of, open_ticket, sign_in};
use crate::support::{eventually, AppSession, Platform, Rest};

/// WebDriver's keys.
const ENTER: &str = "\u{E007}";
const ARROW_UP: &str = "\u{E013}";
const ARROW_DOWN: &str = "\u{E015}";
const ESCAPE: &str = "\u{E00C}";
/// Alt held until [`RELEASE`].
const ALT: &str = "\u{E00A}";
const RELEASE: &str = "\u{E000}";

/// The demo customer who opens the tickets, and the agent.
const CUSTOMER: &str = "alice@acme.test";
const CUSTOMER_NAME: &str = "Alice Archer";
const AGENT: &str = "admin@acme.test";
const AGENT_NAME: &str = "Ada Admin";

fn tag() -> String {
    Uuid::new_v4().simple().to_string()[..8].to_owned()
}

/// The composer's text now.
async fn composer_text(app: &AppSession) -> Result<String> {
    let composer = app.wait_for("[data-testid=composer]").await?;
    Ok(composer.prop("value").await?.unwrap_or_default())
}

/// Types `keys` into the composer (WebDriver key codes included).
async fn keys(app: &AppSession, keys: &str) -> Result<()> {
    app.wait_for("[data-testid=composer]")
        .await?
        .send_keys(keys)
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_note_reaches_agents_only_and_looks_like_one() -> Result<()> {
    let test = "workflow-note";
    let platform = Platform::start(test).await?;
    let alice = platform.sign_in(CUSTOMER).await?;
    let subject = format!("Charged twice {}", tag());
    let ticket = alice
        .create_ticket(&subject, "My card was charged twice.")
        .await?;
    let app = console_for(test, &platform, AGENT).await?;
    let outcome = note_flow(&app, &platform, &alice, &subject, ticket.id).await;
    finish(app, outcome).await
}

async fn note_flow(
    app: &AppSession,
    platform: &Platform,
    alice: &Rest,
    subject: &str,
    ticket: ChannelId,
) -> Result<()> {
    let admin = platform.sign_in(AGENT).await?;
    sign_in(app).await?;
    open_ticket(app, subject, ticket).await?;

    // The header carries the ticket's number; a reply's placeholder names who reads it.
    let number = admin
        .channel(ticket)
        .await?
        .ticket
        .context("a support ticket")?
        .number;
    app.wait_for_text("[data-testid=chat-number]", &format!("#{number}"))
        .await?;
    let placeholder = app
        .wait_for("[data-testid=composer]")
        .await?
        .attr("placeholder")
        .await?
        .unwrap_or_default();
    ensure!(
        placeholder == format!("Reply to {CUSTOMER_NAME} — {subject}"),
        "the reply's placeholder reads {placeholder:?}"
    );
    app.wait_for_text("[data-testid=send]", "Send reply")
        .await?;

    // Alt+N: a note, labelled, and the button says so.
    keys(app, &format!("{ALT}n{RELEASE}")).await?;
    app.wait_for("[data-testid=composer-form][data-mode=note]")
        .await?;
    app.wait_for_text(
        "[data-testid=composer-mode-label]",
        "Internal note — agents only",
    )
    .await?;
    app.wait_for_text("[data-testid=send]", "Send note").await?;
    ensure!(
        composer_text(app).await?.is_empty(),
        "Alt+N typed into the composer"
    );
    let note = format!("Finance approved the refund; waiting on the bank ({subject})");
    app.type_into("[data-testid=composer]", &note).await?;
    keys(app, ENTER).await?;
    eventually("the note reaching the platform as a note", || async {
        Ok(admin
            .messages(ticket)
            .await?
            .iter()
            .any(|m| m.content == note && m.internal))
    })
    .await?;

    // The agent sees a tinted, labelled note, and the composer stays on Note.
    app.wait_for_text("[data-testid=message][data-internal=true]", &note)
        .await?;
    app.wait_for_text(
        "[data-testid=message][data-internal=true] [data-testid=note-label]",
        "Internal note — agents only",
    )
    .await?;
    app.wait_for("[data-testid=composer-form][data-mode=note]")
        .await?;
    // Once the platform confirmed it, it shows once (no "sending" copy beside it).
    app.wait_gone("[data-testid=unsent-message]").await?;
    app.screenshot("note").await?;

    // Alt+R: a reply, which the customer reads.
    keys(app, &format!("{ALT}r{RELEASE}")).await?;
    app.wait_for("[data-testid=composer-form][data-mode=reply]")
        .await?;
    let reply = format!("We are on it ({subject})");
    app.type_into("[data-testid=composer]", &reply).await?;
    app.click("[data-testid=send]").await?;
    eventually("the reply reaching the customer", || async {
        Ok(alice
            .messages(ticket)
            .await?
            .iter()
            .any(|m| m.content == reply && !m.internal))
    })
    .await?;

    // The note was stored before the reply the customer now reads, yet the customer (a
    // second session, over REST) sees no trace of it: not in the history, not as the
    // channel's last message.
    let seen = alice.messages(ticket).await?;
    ensure!(
        !seen.iter().any(|m| m.content == note || m.internal),
        "the customer was served the note"
    );
    let channel = alice.channel(ticket).await?;
    ensure!(
        channel
            .last_message
            .as_ref()
            .is_some_and(|m| m.content == reply),
        "the customer's last message is not the reply"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_canned_response_goes_in_with_slash_and_the_keyboard_and_out_filled() -> Result<()> {
    let test = "workflow-canned";
    let platform = Platform::start(test).await?;
    let alice = platform.sign_in(CUSTOMER).await?;
    let tag = tag();
    let subject = format!("Double charge {tag}");
    let ticket = alice.create_ticket(&subject, "Charged twice.").await?;
    let app = console_for(test, &platform, AGENT).await?;
    let outcome = canned_flow(&app, &platform, &tag, &subject, ticket.id).await;
    finish(app, outcome).await
}

/// Fills the open canned response form and saves it (Enter in the short code submits).
async fn save_canned(app: &AppSession, code: &str, title: &str, content: &str) -> Result<()> {
    app.type_into("[data-testid=canned-title]", title).await?;
    app.type_into("[data-testid=canned-content]", content)
        .await?;
    app.type_into("[data-testid=canned-code]", &format!("{code}{ENTER}"))
        .await
}

async fn canned_flow(
    app: &AppSession,
    platform: &Platform,
    tag: &str,
    subject: &str,
    ticket: ChannelId,
) -> Result<()> {
    let admin = platform.sign_in(AGENT).await?;
    sign_in(app).await?;

    // Settings: two canned responses; a bad short code and a taken one are named.
    let (first, second) = (format!("refund-{tag}"), format!("refund-late-{tag}"));
    let template = "Hi {{customer.name}}, {{agent.name}} here about #{{ticket.number}} \
                    ({{ticket.subject}}). The refund for order {{order.id}} is on its way.";
    app.click("[data-testid=open-settings]").await?;
    app.click("[data-testid=canned-new]").await?;
    save_canned(app, "Bad Code", "Refund", template).await?;
    app.wait_for("[data-testid=canned-problem-shortCode]")
        .await?;
    save_canned(app, &first, "Refund on its way", template).await?;
    app.wait_for(&format!("[data-testid=canned-item][data-code='{first}']"))
        .await?;
    app.click("[data-testid=canned-new]").await?;
    save_canned(app, &first, "Late refund", "Sorry for the wait.").await?;
    // Valid here, refused by the platform (409): the field is named all the same.
    app.wait_for("[data-testid=canned-problem-shortCode]")
        .await?;
    save_canned(app, &second, "Late refund", "Sorry for the wait.").await?;
    app.wait_for(&format!("[data-testid=canned-item][data-code='{second}']"))
        .await?;
    app.wait_for("[data-testid=canned-new]")
        .await?
        .send_keys(ESCAPE)
        .await?;
    app.wait_gone("[data-testid=dialog]").await?;
    // The "Saved" word goes when clicked (out of the picker's picture).
    app.click("[data-testid=notice]").await?;
    app.wait_gone("[data-testid=notice]").await?;

    // `/refund` lists both, best first; the arrows move, Enter inserts, filled in.
    open_ticket(app, subject, ticket).await?;
    app.type_into("[data-testid=composer]", "/refund").await?;
    app.wait_for(&format!(
        "[data-testid=canned-option][data-code='{first}'][data-active=true]"
    ))
    .await?;
    app.wait_for(&format!(
        "[data-testid=canned-option][data-code='{second}']"
    ))
    .await?;
    eventually("the composer holding the query", || async {
        Ok(composer_text(app).await? == "/refund")
    })
    .await?;
    app.screenshot("canned-picker").await?;
    keys(app, ARROW_DOWN).await?;
    app.wait_for(&format!(
        "[data-testid=canned-option][data-code='{second}'][data-active=true]"
    ))
    .await?;
    keys(app, ARROW_UP).await?;
    app.wait_for(&format!(
        "[data-testid=canned-option][data-code='{first}'][data-active=true]"
    ))
    .await?;
    keys(app, ENTER).await?;
    app.wait_gone("[data-testid=canned-picker]").await?;
    let number = admin
        .channel(ticket)
        .await?
        .ticket
        .context("a support ticket")?
        .number;
    let filled = format!(
        "Hi {CUSTOMER_NAME}, {AGENT_NAME} here about #{number} ({subject}). The refund for \
         order {{{{order.id}}}} is on its way."
    );
    let inserted = composer_text(app).await?;
    ensure!(inserted == filled, "inserted {inserted:?}");

    // The unknown variable shows highlighted; the first Enter only warns.
    app.wait_for_text("[data-testid=unfilled-variable]", "{{order.id}}")
        .await?;
    keys(app, ENTER).await?;
    app.wait_for("[data-testid=unfilled-warning]").await?;
    ensure!(
        !admin
            .messages(ticket)
            .await?
            .iter()
            .any(|m| m.content == filled),
        "the unfilled variable went out without a second send"
    );
    // Sent as written on the second Enter: the platform receives the filled text.
    keys(app, ENTER).await?;
    eventually("the canned response reaching the platform", || async {
        Ok(admin
            .messages(ticket)
            .await?
            .iter()
            .any(|m| m.content == filled && !m.internal))
    })
    .await?;
    ensure!(composer_text(app).await?.is_empty(), "the composer kept it");
    Ok(())
}

/// Starts the app again on test `test`'s profile (signed in as before).
async fn reopen(test: &str, platform: &Platform) -> Result<AppSession> {
    let env = [
        ("SWITCHBOARD_HOME", home_of(test)?.display().to_string()),
        ("SWITCHBOARD_SERVER", platform.url()),
        ("SWITCHBOARD_EMAIL", AGENT.to_owned()),
        ("SWITCHBOARD_KEYRING", "off".to_owned()),
    ]
    .map(|(k, v)| (k.to_owned(), v));
    AppSession::start_with(test, &env).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_survives_switching_channels_and_an_app_restart() -> Result<()> {
    let test = "workflow-draft";
    let platform = Platform::start(test).await?;
    let alice = platform.sign_in(CUSTOMER).await?;
    let tag = tag();
    let (subject, other_subject) = (format!("Lost login {tag}"), format!("Old email {tag}"));
    let ticket = alice.create_ticket(&subject, "I cannot sign in.").await?;
    let other = alice.create_ticket(&other_subject, "Wrong email.").await?;
    let draft = format!("Half-written: the reset link goes to the old ({tag})");

    let app = console_for(test, &platform, AGENT).await?;
    let outcome = async {
        sign_in(&app).await?;
        open_ticket(&app, &subject, ticket.id).await?;
        app.click("[data-testid=mode-note]").await?;
        app.type_into("[data-testid=composer]", &draft).await?;
        app.wait_for("[data-testid=draft-state][data-saved=true]")
            .await?;
        // Another channel has its own (empty) composer; coming back restores this one.
        open_ticket(&app, &other_subject, other.id).await?;
        ensure!(
            composer_text(&app).await?.is_empty(),
            "the draft leaked into another channel"
        );
        open_ticket(&app, &subject, ticket.id).await?;
        app.wait_for("[data-testid=composer-form][data-mode=note]")
            .await?;
        let back = composer_text(&app).await?;
        ensure!(
            back == draft,
            "back in the channel the composer holds {back:?}"
        );
        Ok(())
    }
    .await;
    finish(app, outcome).await?;

    // A new app on the same profile: the draft and its mode are there.
    let app = reopen(test, &platform).await?;
    let outcome = async {
        let admin = platform.sign_in(AGENT).await?;
        app.wait_for("[data-testid=queue-row]").await?;
        open_ticket(&app, &subject, ticket.id).await?;
        app.wait_for("[data-testid=composer-form][data-mode=note]")
            .await?;
        eventually("the draft restored after the restart", || async {
            Ok(composer_text(&app).await? == draft)
        })
        .await?;
        // Sent, it goes out as a note and the draft is gone.
        keys(&app, ENTER).await?;
        eventually("the restored note reaching the platform", || async {
            Ok(admin
                .messages(ticket.id)
                .await?
                .iter()
                .any(|m| m.content == draft && m.internal))
        })
        .await?;
        app.wait_gone("[data-testid=draft-state]").await?;
        ensure!(
            composer_text(&app).await?.is_empty(),
            "the composer kept it"
        );
        Ok(())
    }
    .await;
    finish(app, outcome).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_participant_gets_no_note_switch_and_no_picker() -> Result<()> {
    let test = "workflow-participant";
    let platform = Platform::start(test).await?;
    let alice = platform.sign_in(CUSTOMER).await?;
    let subject = format!("Join link {}", tag());
    let ticket = alice.create_ticket(&subject, "The link fails.").await?;
    let app = console_for(test, &platform, CUSTOMER).await?;
    let outcome = async {
        sign_in(&app).await?;
        open_ticket(&app, &subject, ticket.id).await?;
        let placeholder = app
            .wait_for("[data-testid=composer]")
            .await?
            .attr("placeholder")
            .await?
            .unwrap_or_default();
        ensure!(
            placeholder.starts_with("Write a message"),
            "a participant's placeholder reads {placeholder:?}"
        );
        ensure!(
            app.count("[data-testid=mode-note]").await? == 0,
            "a participant is offered internal notes"
        );
        // `/` is just text for a participant, and Alt+N changes nothing.
        let text = format!("/help with {subject}");
        app.type_into("[data-testid=composer]", &text).await?;
        keys(&app, &format!("{ALT}n{RELEASE}")).await?;
        ensure!(
            app.count("[data-testid=canned-picker]").await? == 0,
            "a participant gets the canned responses' picker"
        );
        app.wait_for("[data-testid=composer-form][data-mode=reply]")
            .await?;
        keys(&app, ENTER).await?;
        eventually(
            "the participant's message reaching the platform",
            || async {
                Ok(alice
                    .messages(ticket.id)
                    .await?
                    .iter()
                    .any(|m| m.content == text && !m.internal))
            },
        )
        .await?;
        Ok(())
    }
    .await;
    finish(app, outcome).await
}
