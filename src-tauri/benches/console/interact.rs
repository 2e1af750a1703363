//! Interactions at scale, over WebDriver (tauri-driver), on the largest scenario's profile:
//! a ticket opened from the queue, timed in the page from its click to its conversation in
//! the DOM (and to the frame after), and a live message posted through the REST API, timed
//! from the post to its text in the ticket's queue row.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, ensure, Context, Result};
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use protocol::rest::SendMessageRequest;
use serde_json::{json, Value};
use testkit::procfs::process_tree;
use testkit::tauri_driver::TauriDriver;

use crate::app::APP_BINARY;
use crate::process::{alive, stop_pid};
use crate::seed::rest_login;
use crate::PROFILE;

/// How long the window may take to open and show its first rows.
const SHOWN_TIMEOUT: Duration = Duration::from_secs(120);
/// How long one interaction may take before the bench gives up on it.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// The measured interactions, in milliseconds.
#[derive(Debug, Default)]
pub struct Timings {
    /// Click on a queue row → its conversation's first message in the DOM.
    pub open_dom: Vec<f64>,
    /// Click on a queue row → the frame after the conversation is in the DOM.
    pub open_painted: Vec<f64>,
    /// REST post of a message → its text in the ticket's queue row.
    pub live_row: Vec<f64>,
}

/// Clicks the row of channel `arguments[0]` and answers `[dom, painted]`: milliseconds to
/// the conversation's first message in the DOM, and to the frame after it.
const OPEN_SCRIPT: &str = r#"
const [id, done] = arguments;
const row = document.querySelector(`[data-testid=queue-row][data-channel="${id}"]`);
if (!row) { done(null); return; }
const shown = () => document.querySelector(
  `[data-testid=chat][data-channel="${id}"] [data-testid=message]`);
const started = performance.now();
const finish = () => {
  const dom = performance.now() - started;
  requestAnimationFrame(() => setTimeout(() => done([dom, performance.now() - started]), 0));
};
const observer = new MutationObserver(() => {
  if (shown()) { observer.disconnect(); finish(); }
});
observer.observe(document.body, { childList: true, subtree: true, attributes: true });
row.click();
"#;

/// Starts watching for `arguments[1]` in the queue row of channel `arguments[0]`; the
/// wall-clock time (ms since the epoch) it shows is `window.__benchSeen`'s value.
const WATCH_SCRIPT: &str = r#"
const [id, token] = arguments;
const seen = () => {
  const row = document.querySelector(`[data-testid=queue-row][data-channel="${id}"]`);
  return row !== null && row.textContent.includes(token);
};
window.__benchSeen = new Promise((resolve) => {
  const observer = new MutationObserver(() => {
    if (seen()) { observer.disconnect(); resolve(Date.now()); }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
});
"#;

/// Scrolls the queue's list to its top.
const SCROLL_TOP_SCRIPT: &str = "const list = document.querySelector('[data-testid=queue-list]');\
    if (list) { list.scrollTop = 0; }";

/// Answers the text of the queue row of channel `arguments[0]`, or null when none is in the
/// DOM.
const ROW_TEXT_SCRIPT: &str = "const row = document.querySelector(\
    `[data-testid=queue-row][data-channel=\"${arguments[0]}\"]`);\
    return row === null ? null : row.textContent;";

/// Answers `window.__benchSeen` once it settles.
const SEEN_SCRIPT: &str = "window.__benchSeen.then(arguments[0]);";

/// Answers the channel ids of the queue rows in the DOM, top first.
const ROWS_SCRIPT: &str = "return Array.from(document.querySelectorAll('[data-testid=queue-row]'))\
    .map((row) => row.dataset.channel);";

/// Starts the app on `home`'s profile under tauri-driver (its log in `log_dir`), then opens
/// `samples` tickets and sends `samples` live messages.
pub async fn measure(
    home: &Path,
    xdg: &Path,
    log_dir: &Path,
    base: &str,
    samples: usize,
) -> Result<Timings> {
    let env: Vec<(String, String)> = [
        ("SWITCHBOARD_HOME", home.display().to_string()),
        ("SWITCHBOARD_PROFILE", PROFILE.to_owned()),
        ("SWITCHBOARD_KEYRING", "off".to_owned()),
        ("NO_AT_BRIDGE", "1".to_owned()),
        ("XDG_DATA_HOME", xdg.join("data").display().to_string()),
        ("XDG_CACHE_HOME", xdg.join("cache").display().to_string()),
        ("XDG_CONFIG_HOME", xdg.join("config").display().to_string()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    let driver = TauriDriver::start(log_dir, &env)?;
    let client = session(&driver).await?;
    let measured = interact(&client, base, samples).await;
    let _ = client.close().await;
    stop_app(driver.pid())?;
    drop(driver);
    measured
}

/// A WebDriver session with the release app.
async fn session(driver: &TauriDriver) -> Result<Client> {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("wry"));
    capabilities.insert("tauri:options".into(), json!({ "application": APP_BINARY }));
    let mut builder = ClientBuilder::new(HttpConnector::new());
    builder.capabilities(capabilities);
    tokio::time::timeout(SHOWN_TIMEOUT, builder.connect(&driver.url()))
        .await
        .context("the app's window did not open for WebDriver (see tauri-driver.log)")?
        .context("cannot open a WebDriver session with the app")
}

/// The app's process under the driver, stopped: a WebDriver session's end leaves it running.
fn stop_app(driver_pid: u32) -> Result<()> {
    let tree = process_tree(i32::try_from(driver_pid)?).unwrap_or_default();
    let binary = std::fs::canonicalize(APP_BINARY)?;
    for (pid, start) in tree {
        let exe = std::fs::read_link(format!("/proc/{pid}/exe"));
        if exe.is_ok_and(|exe| exe == binary) && alive(pid, start) {
            stop_pid(pid, start)?;
        }
    }
    Ok(())
}

async fn interact(client: &Client, base: &str, samples: usize) -> Result<Timings> {
    client
        .update_timeouts(TimeoutConfiguration::new(Some(STEP_TIMEOUT), None, None))
        .await
        .context("cannot set the script timeout")?;
    let rows = shown_rows(client).await?;
    ensure!(
        rows.len() >= 2,
        "the queue shows {} rows; the bench needs two",
        rows.len()
    );
    let mut timings = Timings::default();
    // Rows from the top, one after another, each a ticket not open before.
    for n in 0..samples {
        let id = &rows[n % rows.len()];
        let answer = client
            .execute_async(OPEN_SCRIPT, vec![json!(id)])
            .await
            .with_context(|| format!("opening ticket {id}"))?;
        let Some([dom, painted]) = pair(&answer) else {
            bail!("opening ticket {id} answered {answer}");
        };
        timings.open_dom.push(dom);
        timings.open_painted.push(painted);
    }
    // Back to the top of the list (opening rows moved its cursor down): a message moves its
    // ticket to the top, where its row must be in view.
    client
        .execute(SCROLL_TOP_SCRIPT, Vec::new())
        .await
        .context("cannot scroll the queue to the top")?;
    let http = reqwest::Client::builder().timeout(STEP_TIMEOUT).build()?;
    let token = rest_login(&http, base).await?;
    for n in 0..samples {
        // Not the open ticket: a row in the list, whose preview the message replaces.
        let rows = shown_rows(client).await?;
        let id = rows.get(1).context("the queue lost its second row")?;
        let text = format!("bench live message {n} {}", epoch_ms()?);
        client
            .execute(WATCH_SCRIPT, vec![json!(id), json!(text)])
            .await
            .context("cannot watch the queue row")?;
        let sent = epoch_ms()?;
        http.post(format!("{base}/api/chat/channels/{id}/messages"))
            .bearer_auth(&token)
            .json(&SendMessageRequest {
                content: text.clone(),
                metadata: None,
                client_message_id: None,
                internal: None,
            })
            .send()
            .await?
            .error_for_status()
            .context("the platform refused the live message")?;
        let seen = match client.execute_async(SEEN_SCRIPT, Vec::new()).await {
            Ok(seen) => seen,
            Err(error) => {
                let row = client
                    .execute(ROW_TEXT_SCRIPT, vec![json!(id)])
                    .await
                    .unwrap_or_default();
                bail!(
                    "live message {n} never showed in the row of {id} ({error}); the row \
                     shows: {row}"
                );
            }
        };
        let seen = seen
            .as_f64()
            .with_context(|| format!("the watch answered {seen}"))?;
        timings.live_row.push(seen - sent);
    }
    Ok(timings)
}

/// The ids of the queue rows once the queue shows some.
async fn shown_rows(client: &Client) -> Result<Vec<String>> {
    let deadline = Instant::now() + SHOWN_TIMEOUT;
    loop {
        let answer = client.execute(ROWS_SCRIPT, Vec::new()).await?;
        let rows: Vec<String> = answer
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| id.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if !rows.is_empty() {
            return Ok(rows);
        }
        ensure!(
            Instant::now() < deadline,
            "the queue showed no rows within {SHOWN_TIMEOUT:?}"
        );
        // The list is laid out before its first window arrives: look again shortly.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `[a, b]` of two numbers.
fn pair(answer: &Value) -> Option<[f64; 2]> {
    let list = answer.as_array()?;
    Some([list.first()?.as_f64()?, list.get(1)?.as_f64()?])
}

/// Now, in milliseconds since the epoch (the page's `Date.now()` reads the same clock).
fn epoch_ms() -> Result<f64> {
    Ok(SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs_f64() * 1000.0)
}
