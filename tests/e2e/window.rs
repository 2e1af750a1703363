//! The desktop shell: its window renders the Yew UI, the UI gets an answer from a Rust
//! command, and an event pushed from Rust shows up on screen; the window comes back as
//! large as it was left.

use anyhow::{ensure, Result};

use crate::support::{eventually, AppSession};

/// The PNG signature.
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

#[tokio::test(flavor = "multi_thread")]
async fn the_window_renders_the_ui_answers_a_command_and_shows_a_pushed_event() -> Result<()> {
    let app = AppSession::start("window").await?;
    let outcome = exercise_the_shell(&app).await;
    if outcome.is_err() {
        // Best effort: a picture of what went wrong.
        let _ = app.screenshot("failure").await;
    }
    app.close().await?;
    outcome
}

async fn exercise_the_shell(app: &AppSession) -> Result<()> {
    // The title comes from the shell's answer to `console_start`: the UI rendered and Rust
    // answered.
    let title = app
        .wait_for("[data-testid=app-title][data-loaded=true]")
        .await?;
    let expected = format!("Switchboard {}", env!("CARGO_PKG_VERSION"));
    ensure!(title.text().await? == expected, "title is not `{expected}`");

    // Before any event, the line says nothing is known yet.
    let line = app.find("[data-testid=connection-line]").await?;
    ensure!(line.attr("data-state").await?.as_deref() == Some("UNKNOWN"));
    ensure!(line.text().await?.contains("not checked yet"));

    // The click runs a command whose result Rust pushes back as an event.
    app.find("[data-testid=check-connection]")
        .await?
        .click()
        .await?;
    let line = app
        .wait_for("[data-testid=connection-line][data-state=SIGNED_OUT]")
        .await?;
    let text = line.text().await?;
    ensure!(
        text.starts_with("Not signed in · checked "),
        "unexpected connection line `{text}`"
    );

    let path = app.screenshot("shell").await?;
    let png = std::fs::read(&path)?;
    ensure!(png.starts_with(PNG_MAGIC), "the screenshot is not a PNG");
    ensure!(png.len() > 2_000, "the screenshot is suspiciously small");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_comes_back_as_large_as_it_was_left() -> Result<()> {
    let test = "window-state";
    let home = crate::support::output_dir(test)?.join("home");
    let _ = std::fs::remove_dir_all(&home);
    let env = [("SWITCHBOARD_HOME".to_owned(), home.display().to_string())];
    let wanted = (900, 640);

    let saved = home.join("default").join("window-state.json");
    let saved_size = || -> Option<(u64, u64)> {
        let state: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&saved).ok()?).ok()?;
        let main = state.get("main")?;
        Some((main.get("width")?.as_u64()?, main.get("height")?.as_u64()?))
    };

    // Resized, the window's size is saved in the profile once it settles: no need to close
    // the window first, so a crash keeps it too (the session's end kills the app).
    let first = AppSession::start_with(test, &env).await?;
    let resized = async {
        first.wait_for("[data-testid=app-title]").await?;
        first.resize(wanted.0, wanted.1).await?;
        eventually("the new size being saved in the profile", || async {
            Ok(saved_size() == Some((u64::from(wanted.0), u64::from(wanted.1))))
        })
        .await
    }
    .await;
    first.close().await?;
    resized?;

    let second = AppSession::start_with(test, &env).await?;
    let outcome = async {
        second.wait_for("[data-testid=app-title]").await?;
        let size = second.window_size().await?;
        ensure!(
            size == (u64::from(wanted.0), u64::from(wanted.1)),
            "the window came back at {size:?}, not {wanted:?}"
        );
        Ok(())
    }
    .await;
    second.close().await?;
    outcome
}
