//! One app per profile: starting a profile that is already open hands over to the running
//! app (its window comes forward) and exits; another profile starts beside it. Observed on
//! the session bus, where each running profile holds its own name.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use tokio::process::Command;

use crate::support::console::finish;
use crate::support::{eventually, output_dir, AppSession, Tray};

const APP_BINARY: &str = env!("CARGO_BIN_EXE_switchboard");

/// The environment of an app on its own profile root `home`.
fn profile_env(home: &std::path::Path) -> Vec<(String, String)> {
    [
        ("SWITCHBOARD_HOME", home.display().to_string()),
        ("SWITCHBOARD_KEYRING", "off".to_owned()),
        ("NO_AT_BRIDGE", "1".to_owned()),
    ]
    .map(|(k, v)| (k.to_owned(), v))
    .to_vec()
}

/// Starts the app binary directly (no WebDriver), logging into `log`.
fn start_directly(env: &[(String, String)], log: &std::path::Path) -> Result<Command> {
    let log = std::fs::File::create(log)?;
    let mut command = Command::new(APP_BINARY);
    command
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true);
    Ok(command)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_start_of_a_profile_hands_over_and_another_profile_runs_beside() -> Result<()> {
    let test = "single-instance";
    let output = output_dir(test)?;
    let home = output.join("home");
    let _ = std::fs::remove_dir_all(&home);
    let env = profile_env(&home);
    let app = AppSession::start_with(test, &env).await?;
    let outcome = async {
        app.wait_for("[data-testid=sign-in-submit]").await?;
        Tray::of(&home.join("default"))
            .await
            .context("the running app holds its profile's name")?;

        // The same profile again: it hands over and exits at once, successfully.
        let second = start_directly(&env, &output.join("second-start.log"))?.status();
        let second = tokio::time::timeout(Duration::from_secs(30), second)
            .await
            .context("the second start of the profile did not hand over and exit within 30 s")??;
        ensure!(second.success(), "the second start exited with {second}");
        let first_log = output.join("tauri-driver.log");
        eventually("the running app hearing of the second start", || async {
            Ok(std::fs::read_to_string(&first_log)?
                .contains("the profile was started again: its window comes forward"))
        })
        .await?;
        app.wait_for("[data-testid=sign-in-submit]").await?;

        // Another profile runs beside it, holding its own name.
        let other_home = output.join("other-home");
        let _ = std::fs::remove_dir_all(&other_home);
        let mut other =
            start_directly(&profile_env(&other_home), &output.join("other.log"))?.spawn()?;
        let other_dir = other_home.join("default");
        let beside = eventually("the other profile's app holding its own name", || async {
            Ok(Tray::of(&other_dir).await.is_ok())
        })
        .await;
        let exited = other.try_wait()?;
        other.kill().await?;
        tokio::time::timeout(Duration::from_secs(10), other.wait())
            .await
            .context("the other app did not end")??;
        beside?;
        ensure!(
            exited.is_none(),
            "the other profile's app exited ({exited:?}) instead of running beside"
        );
        Ok(())
    }
    .await;
    finish(app, outcome).await
}
