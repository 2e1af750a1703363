//! The harness: the engine's (a platform server that restarts on the same port and
//! database, engines over temp profiles), shared rather than copied, and the CLI binary run
//! over a profile home.

use std::path::PathBuf;

use engine::cache::outbox::OutboxState;

// The engine's tests use all of it; these use part.
#[allow(dead_code)]
#[path = "../../../engine/tests/it/support.rs"]
mod engine_support;

pub use engine_support::{Home, Platform};

/// The CLI binary.
fn cli_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_switchboard-cli"))
}

/// The CLI as a command over `home` (no keyring, the default profile), with `args`.
pub fn cli_command(home: &Home, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(cli_path());
    command
        .args(["--no-keyring"])
        .args(args)
        .env("SWITCHBOARD_HOME", home.path())
        .env_remove("SWITCHBOARD_PROFILE");
    command
}

/// Runs the CLI with `args` over `home`; its exit code, stdout and stderr.
pub async fn cli(home: &Home, args: &[&str]) -> (i32, String, String) {
    let output = cli_command(home, args)
        .output()
        .await
        .expect("the CLI runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `switchboard-cli login` over `home` to the platform at `base` as `email` (the demo
/// password); asserts it succeeded and gives its stdout.
pub async fn cli_login(home: &Home, base: &str, email: &str) -> String {
    let login = [
        "login",
        "--server",
        base,
        "--email",
        email,
        "--password",
        "switchboard",
    ];
    let (code, stdout, stderr) = cli(home, &login).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    stdout
}

/// Signs an engine over `home` in as alice, syncs, stops the platform and queues `count`
/// messages (`content(n)`) to her first channel: an outbox waiting for the platform. The
/// engine is handed back, still open, with the channel.
pub async fn queued_offline(
    platform: &mut Platform,
    home: &Home,
    count: usize,
    content: impl Fn(usize) -> String,
) -> (engine::Engine, protocol::ChannelId) {
    let engine = home.signed_in("default", platform, "alice@acme.test").await;
    engine.sync().await.expect("the first sync");
    let channel = engine.queue(Default::default()).await.expect("the queue")[0].id;

    platform.stop().await;
    for n in 0..count {
        let sent = engine.send(channel, &content(n)).await.expect("queued");
        assert_eq!(sent.item.state, OutboxState::Queued, "{sent:?}");
        assert!(sent.message.is_none());
    }
    (engine, channel)
}
