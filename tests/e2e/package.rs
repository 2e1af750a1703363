//! The app as a package installs it: started from its binary (the installed
//! `/usr/bin/switchboard` when `cargo xtask test` runs this after `apt-get install`, with
//! `SWITCHBOARD_APP_BINARY`; the test build's otherwise), it reaches the sign-in screen,
//! signs in against the test platform, shows the queue and quits.

use anyhow::{ensure, Result};

use crate::support::console::{console_for, finish, sign_in};
use crate::support::Platform;

#[tokio::test(flavor = "multi_thread")]
async fn the_app_signs_in_and_shows_the_queue() -> Result<()> {
    let test = "package";
    let platform = Platform::start(test).await?;
    let app = console_for(test, &platform, "admin@acme.test").await?;
    let outcome = async {
        app.wait_for("[data-testid=sign-in-password]").await?;
        sign_in(&app).await?;
        let rows = app.count("[data-testid=queue-row]").await?;
        ensure!(rows > 0, "the queue shows no tickets");
        app.wait_for_text("[data-testid=queue-count]", "of").await?;
        Ok(())
    }
    .await;
    finish(app, outcome).await
}
