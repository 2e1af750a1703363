//! The real desktop app in a WebDriver session: start it, find things, take screenshots.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use fantoccini::actions::{InputSource, KeyAction, KeyActions, MouseActions, PointerAction};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use super::output_dir;
use testkit::tauri_driver::TauriDriver;

/// How long the UI may take to show something the test waits for.
const UI_TIMEOUT: Duration = Duration::from_secs(30);

/// The app's binary: the one cargo built for this test, unless `SWITCHBOARD_APP_BINARY`
/// names another (`cargo xtask test` points it at the installed package's).
fn app_binary() -> PathBuf {
    std::env::var_os("SWITCHBOARD_APP_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_switchboard")))
}
/// How long the app may take to open its window for a WebDriver session.
const SESSION_TIMEOUT: Duration = Duration::from_secs(60);
/// How many times a WebDriver session is asked for, each with a fresh driver.
const SESSION_ATTEMPTS: u32 = 3;

/// A running app with its window under WebDriver control. Call [`AppSession::close`] at the
/// end; dropping it still stops the driver, which ends the app.
#[derive(Debug)]
pub struct AppSession {
    client: Client,
    output: PathBuf,
    /// The app's process, stopped when the session closes.
    app: Option<super::process::Process>,
    // Declared last: dropped after the client.
    _driver: TauriDriver,
}

impl AppSession {
    /// Starts the app for test `name`, whose screenshots and logs go to its output folder.
    /// Its profiles live in the output folder: a console the developer runs is not touched
    /// (nor handed over to, being another profile).
    pub async fn start(name: &str) -> Result<Self> {
        let home = output_dir(name)?.join("home");
        let _ = std::fs::remove_dir_all(&home);
        let env = [("SWITCHBOARD_HOME".to_owned(), home.display().to_string())];
        Self::start_with(name, &env).await
    }

    /// Starts the app for test `name` with `env` set (its profile, its prefills).
    pub async fn start_with(name: &str, env: &[(String, String)]) -> Result<Self> {
        let output = output_dir(name)?;
        let binary = app_binary();
        let mut attempt = 1;
        loop {
            let driver = TauriDriver::start(&output, env)?;
            let mut capabilities = serde_json::Map::new();
            capabilities.insert("browserName".into(), json!("wry"));
            capabilities.insert("tauri:options".into(), json!({ "application": binary }));
            // The driver is on loopback over plain HTTP: no TLS stack needed.
            let connector = HttpConnector::new();
            let mut builder = ClientBuilder::new(connector);
            builder.capabilities(capabilities);
            let connected = tokio::time::timeout(SESSION_TIMEOUT, builder.connect(&driver.url()))
                .await
                .context("the app's window did not open within 60 s (see tauri-driver.log)")?;
            let app = super::process::descendant_running(driver.pid(), &binary);
            match connected {
                Ok(client) => {
                    return Ok(Self {
                        client,
                        output,
                        app,
                        _driver: driver,
                    })
                }
                // WebKitWebDriver now and then drops the new-session request before the
                // app has done anything ("webdriver server did not respond"): the driver
                // and whatever it started go, and a fresh driver is asked again.
                Err(error) if attempt < SESSION_ATTEMPTS => {
                    eprintln!(
                        "no WebDriver session on attempt {attempt} ({error}); starting the driver again"
                    );
                    if let Some(app) = app {
                        super::process::stop(app).await;
                    }
                    drop(driver);
                    attempt += 1;
                }
                Err(error) => {
                    return Err(error).with_context(|| {
                        format!("cannot open a WebDriver session with the app ({attempt} attempts)")
                    })
                }
            }
        }
    }

    /// Waits until an element matches `css`, and returns it. An element re-rendered while
    /// it is being found is looked for again.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.on_element(css, |element| async move { Ok(element) })
            .await
    }

    /// Runs `action` on the element matching `css` once it shows, again on a fresh match
    /// when a re-render makes the element stale midway (the UI re-renders on live events).
    async fn on_element<T, F, Fut>(&self, css: &str, action: F) -> Result<T>
    where
        F: Fn(Element) -> Fut,
        Fut: std::future::Future<Output = Result<T, CmdError>>,
    {
        let deadline = std::time::Instant::now() + UI_TIMEOUT;
        loop {
            let outcome = match self.client.find(Locator::Css(css)).await {
                Ok(element) => action(element).await,
                Err(error) => Err(error),
            };
            match outcome {
                Ok(done) => return Ok(done),
                Err(error) if error.is_no_such_element() || error.is_stale_element_reference() => {
                    anyhow::ensure!(
                        std::time::Instant::now() < deadline,
                        "nothing matched `{css}` within {UI_TIMEOUT:?} ({error})"
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(error) => return Err(error).with_context(|| format!("on `{css}`")),
            }
        }
    }

    /// The element matching `css` now.
    pub async fn find(&self, css: &str) -> Result<Element> {
        self.client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("nothing matches `{css}`"))
    }

    /// Waits until `css` matches nothing any more.
    pub async fn wait_gone(&self, css: &str) -> Result<()> {
        let deadline = std::time::Instant::now() + UI_TIMEOUT;
        while self.count(css).await? > 0 {
            anyhow::ensure!(
                std::time::Instant::now() < deadline,
                "`{css}` still shows after {UI_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    /// How many elements match `css` now, counted in one go (a re-render cannot leave a
    /// stale handle, as one can while WebDriver builds the handles of a find-all).
    pub async fn count(&self, css: &str) -> Result<usize> {
        let script = "return document.querySelectorAll(arguments[0]).length";
        let count = self.client.execute(script, vec![json!(css)]).await?;
        Ok(serde_json::from_value(count)?)
    }

    /// The value of attribute `attribute` (`data-*` without the prefix) of every element
    /// matching `css`, read in one go (a re-render cannot leave a stale handle).
    pub async fn data_of_all(&self, css: &str, attribute: &str) -> Result<Vec<String>> {
        let script = "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.dataset[arguments[1]] || '')";
        let values = self
            .client
            .execute(script, vec![json!(css), json!(attribute)])
            .await?;
        Ok(serde_json::from_value(values)?)
    }

    /// The `value` of the first element matching `css` (a field's text), read in one go.
    pub async fn value_of(&self, css: &str) -> Result<Option<String>> {
        let script = "const e = document.querySelector(arguments[0]); return e ? e.value : null";
        let value = self.client.execute(script, vec![json!(css)]).await?;
        Ok(serde_json::from_value(value)?)
    }

    /// The text of every element matching `css`, read in one go.
    pub async fn texts_of_all(&self, css: &str) -> Result<Vec<String>> {
        let script =
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)";
        let values = self.client.execute(script, vec![json!(css)]).await?;
        Ok(serde_json::from_value(values)?)
    }

    /// Waits until an element matching `css` contains `text`.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> Result<()> {
        let deadline = std::time::Instant::now() + UI_TIMEOUT;
        loop {
            if self
                .texts_of_all(css)
                .await?
                .iter()
                .any(|t| t.contains(text))
            {
                return Ok(());
            }
            anyhow::ensure!(
                std::time::Instant::now() < deadline,
                "no `{css}` showed `{text}` within {UI_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Replaces what the element matching `css` holds with `text`, as a user would: select
    /// all and delete, then type. (WebDriver's clear fires no input event: a controlled
    /// field's state would keep its old text and a re-render would put it back.)
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        const SELECT_ALL_AND_DELETE: &str = "\u{E009}a\u{E000}\u{E003}";
        self.on_element(css, |field| async move {
            field.send_keys(SELECT_ALL_AND_DELETE).await?;
            field.send_keys(text).await
        })
        .await
    }

    /// Moves the pointer over the centre of the element matching `css`, once it shows.
    pub async fn hover(&self, css: &str) -> Result<()> {
        let client = &self.client;
        self.on_element(css, |element| async move {
            let mouse = MouseActions::new("mouse".to_owned()).then(PointerAction::MoveToElement {
                element,
                duration: None,
                x: 0.0,
                y: 0.0,
            });
            client.perform_actions(mouse).await
        })
        .await
    }

    /// Presses and releases `key` wherever the keyboard's focus is (a shortcut).
    pub async fn press(&self, key: char) -> Result<()> {
        let keys = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(keys).await?;
        Ok(())
    }

    /// Clicks the element matching `css` once it shows.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.on_element(css, |element| async move { element.click().await })
            .await
    }

    /// Saves a screenshot of the window as `<name>.png` in the test's output folder, and
    /// returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let path = self.output.join(format!("{name}.png"));
        std::fs::write(&path, &png)?;
        Ok(path)
    }

    /// The window's outer size in pixels.
    pub async fn window_size(&self) -> Result<(u64, u64)> {
        Ok(self.client.get_window_size().await?)
    }

    /// Resizes the window.
    ///
    /// WebKitWebDriver answers once the window reports its new size; once in a loaded run
    /// it never answered (the test hung with the window unchanged), so an attempt that
    /// takes over 15 s is abandoned and the size asked again, twice at most.
    pub async fn resize(&self, width: u32, height: u32) -> Result<()> {
        for _ in 0..3 {
            let asked = self.client.set_window_size(width, height);
            match tokio::time::timeout(Duration::from_secs(15), asked).await {
                Ok(done) => return Ok(done?),
                Err(_) => eprintln!("setting the window size got no answer; asking again"),
            }
        }
        anyhow::bail!("the window size was asked three times and never set")
    }

    /// Ends the WebDriver session, then the app (which outlives the session).
    pub async fn close(self) -> Result<()> {
        let closed = self.client.close().await;
        if let Some(app) = self.app {
            super::process::stop(app).await;
        }
        closed?;
        Ok(())
    }
}
