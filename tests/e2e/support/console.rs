//! The steps every console test takes: a fresh profile prefilled for a demo user, signing
//! in, opening a ticket, and ending with a screenshot when something failed.

use std::path::PathBuf;

use anyhow::Result;
use protocol::ChannelId;

use super::{output_dir, AppSession, Platform, DEMO_PASSWORD};

/// The root of test `test`'s profiles.
pub fn home_of(test: &str) -> Result<PathBuf> {
    Ok(output_dir(test)?.join("home"))
}

/// Starts the app on a fresh profile, prefilled for `email` on `platform`.
pub async fn console_for(test: &str, platform: &Platform, email: &str) -> Result<AppSession> {
    let home = home_of(test)?;
    let _ = std::fs::remove_dir_all(&home);
    let env = [
        ("SWITCHBOARD_HOME", home.display().to_string()),
        ("SWITCHBOARD_SERVER", platform.url()),
        ("SWITCHBOARD_EMAIL", email.to_owned()),
        ("SWITCHBOARD_KEYRING", "off".to_owned()),
    ]
    .map(|(k, v)| (k.to_owned(), v));
    AppSession::start_with(test, &env).await
}

/// Signs in through the sign-in page (the address and platform are prefilled).
pub async fn sign_in(app: &AppSession) -> Result<()> {
    app.type_into("[data-testid=sign-in-password]", DEMO_PASSWORD)
        .await?;
    app.click("[data-testid=sign-in-submit]").await?;
    app.wait_for("[data-testid=queue-row]").await?;
    Ok(())
}

/// Filters the queue down to `subject` and opens it.
pub async fn open_ticket(app: &AppSession, subject: &str, id: ChannelId) -> Result<()> {
    app.type_into("[data-testid=queue-search]", subject).await?;
    app.click(&format!("[data-testid=queue-row][data-channel='{id}']"))
        .await?;
    app.wait_for(&format!("[data-testid=chat][data-channel='{id}']"))
        .await?;
    Ok(())
}

/// Ends the app after `outcome`, with a screenshot of the window if it failed.
pub async fn finish(app: AppSession, outcome: Result<()>) -> Result<()> {
    if outcome.is_err() {
        let _ = app.screenshot("failure").await;
    }
    app.close().await?;
    outcome
}
