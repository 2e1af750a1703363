//! The shell's one piece of state: the signed-in profile's engine, its live connection,
//! what is on screen, and the settings. Commands and the change forwarder share it.

use std::sync::Mutex;

use engine::profile::Profile;
use engine::realtime::Realtime;
use engine::{Engine, EngineOptions};
use protocol::ipc::{Settings, SignInDefaults, SignedIn};
use protocol::ChannelId;
use tokio::sync::RwLock;

use crate::settings::SettingsFile;

/// The profile the console opens unless `SWITCHBOARD_PROFILE` names another.
pub const DEFAULT_PROFILE: &str = "default";
/// Prefills the sign-in screen's platform URL.
pub const SERVER_VAR: &str = "SWITCHBOARD_SERVER";
/// Prefills the sign-in screen's address.
pub const EMAIL_VAR: &str = "SWITCHBOARD_EMAIL";
/// Names the profile to open.
pub const PROFILE_VAR: &str = "SWITCHBOARD_PROFILE";
/// `off` keeps the refresh token out of the OS keyring (in the profile's 0600 file).
pub const KEYRING_VAR: &str = "SWITCHBOARD_KEYRING";
/// The file, in the profile, that keeps the window's size and place.
const WINDOW_STATE_FILE: &str = "window-state.json";
/// The platform URL offered when nothing else is known.
const LOCAL_PLATFORM: &str = "http://127.0.0.1:3000";

/// What the user is looking at, for the notification policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    /// The channel on screen.
    pub channel: Option<ChannelId>,
    /// Whether the window has focus.
    pub focused: bool,
}

/// The console: one engine over the open profile.
#[derive(Debug)]
pub struct Console {
    /// The engine (written by sign-in and sign-out only).
    pub engine: RwLock<Engine>,
    /// The live connection while signed in.
    pub realtime: Mutex<Option<Realtime>>,
    /// What is on screen.
    pub view: Mutex<View>,
    /// The settings, as saved.
    pub settings: Mutex<Settings>,
    /// The channels whose rooms the console follows besides the one on screen.
    watched: Mutex<std::collections::BTreeSet<ChannelId>>,
    settings_file: SettingsFile,
    instance_id: String,
    window_state: std::path::PathBuf,
}

/// Why the console could not open.
#[derive(Debug, thiserror::Error)]
#[error("cannot open the console's profile: {0}")]
pub struct OpenError(#[from] engine::Error);

impl Console {
    /// Opens the profile named by `SWITCHBOARD_PROFILE` (or `default`) under
    /// `SWITCHBOARD_HOME` (or the XDG data directory): its cache always, its session if
    /// one is recorded. No network.
    pub fn open() -> Result<Self, OpenError> {
        let name = std::env::var(PROFILE_VAR).unwrap_or_else(|_| DEFAULT_PROFILE.to_owned());
        let profile = Profile::named(&name)?;
        let settings_file = SettingsFile::in_dir(profile.dir());
        let settings = settings_file.load();
        let options = EngineOptions {
            use_keyring: std::env::var(KEYRING_VAR).map_or(true, |v| v != "off"),
            ..EngineOptions::default()
        };
        let instance_id = instance_id(profile.dir());
        let window_state = profile.dir().join(WINDOW_STATE_FILE);
        let engine = Engine::open(profile, options)?;
        Ok(Self {
            engine: RwLock::new(engine),
            realtime: Mutex::new(None),
            view: Mutex::new(View::default()),
            settings: Mutex::new(settings),
            watched: Mutex::new(std::collections::BTreeSet::new()),
            settings_file,
            instance_id,
            window_state,
        })
    }

    /// Where the window's size and place are kept: in the profile, so that profiles open
    /// side by side each come back where they were.
    pub fn window_state_file(&self) -> &std::path::Path {
        &self.window_state
    }

    /// The D-Bus name stem that keeps one app per profile: a second start of the same
    /// profile hands over to the first, while other profiles run beside it.
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// The settings now.
    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    /// Saves and applies new settings.
    pub fn set_settings(&self, settings: Settings) -> std::io::Result<()> {
        self.settings_file.save(&settings)?;
        *lock(&self.settings) = settings;
        Ok(())
    }

    /// What is on screen now.
    pub fn view(&self) -> View {
        *lock(&self.view)
    }

    /// Changes what is on screen.
    pub fn set_view(&self, change: impl FnOnce(&mut View)) {
        change(&mut lock(&self.view));
    }

    /// Starts the live connection (after sign-in, or at start when signed in), replacing
    /// any running one. Must run inside the async runtime.
    pub fn go_live(&self, engine: &Engine) {
        match engine.connect() {
            Ok(realtime) => {
                if let Some(channel) = self.view().channel {
                    realtime.join(channel);
                }
                *lock(&self.realtime) = Some(realtime);
            }
            Err(error) => tracing::warn!(%error, "cannot start the live connection"),
        }
    }

    /// Stops the live connection, if any.
    pub async fn go_dark(&self) {
        lock(&self.watched).clear();
        let running = lock(&self.realtime).take();
        if let Some(realtime) = running {
            realtime.stop().await;
        }
    }

    /// Follows the rooms of `channels` (and no longer those watched before and not listed,
    /// unless on screen): the platform tells a channel's new messages to its room and its
    /// members, so an agent who is neither hears them only this way.
    pub fn watch(&self, channels: std::collections::BTreeSet<ChannelId>) {
        let on_screen = self.view().channel;
        let mut watched = lock(&self.watched);
        self.with_realtime(|realtime| {
            for gone in watched.difference(&channels) {
                if Some(*gone) != on_screen {
                    realtime.leave(*gone);
                }
            }
            for new in channels.difference(&watched) {
                realtime.join(*new);
            }
        });
        *watched = channels;
    }

    /// Follows one more channel's room (a channel that just appeared or changed).
    pub fn watch_also(&self, channel: ChannelId) {
        let mut watched = lock(&self.watched);
        if watched.insert(channel) {
            self.with_realtime(|realtime| realtime.join(channel));
        }
    }

    /// Whether `channel`'s room is followed for the queue.
    pub fn is_watched(&self, channel: ChannelId) -> bool {
        lock(&self.watched).contains(&channel)
    }

    /// Runs `with` on the live connection, if there is one.
    pub fn with_realtime(&self, with: impl FnOnce(&Realtime)) {
        if let Some(realtime) = lock(&self.realtime).as_ref() {
            with(realtime);
        }
    }
}

/// The single-instance id of the profile in `dir`: the app's identifier and a name-based
/// UUID of the directory (D-Bus names allow only `[A-Za-z0-9_]` in an element).
pub fn instance_id(dir: &std::path::Path) -> String {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let id = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        dir.as_os_str().as_encoded_bytes(),
    );
    format!("io.switchboard.console.profile_{}", id.simple())
}

/// Who the engine is signed in as, for the UI.
pub fn signed_in(engine: &Engine) -> Option<SignedIn> {
    engine.signed_in().map(|record| SignedIn {
        server: record.server.clone(),
        email: record.email.clone(),
        user_id: record.user_id,
        name: record.name.clone(),
        tenant_id: record.tenant_id,
        role: record.role,
    })
}

/// What the sign-in screen offers: the environment's choice, else the last session's
/// platform, else a local one.
pub fn sign_in_defaults(engine: &Engine) -> SignInDefaults {
    let last = engine.profile().session().ok().flatten();
    SignInDefaults {
        server: std::env::var(SERVER_VAR)
            .ok()
            .or_else(|| last.as_ref().map(|record| record.server.clone()))
            .or_else(|| Some(LOCAL_PLATFORM.to_owned())),
        email: std::env::var(EMAIL_VAR)
            .ok()
            .or_else(|| last.map(|record| record.email)),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_profile_directory_has_its_own_valid_instance_id() {
        let one = instance_id(std::path::Path::new("/nowhere/switchboard/default"));
        let same = instance_id(std::path::Path::new("/nowhere/switchboard/default"));
        let other = instance_id(std::path::Path::new("/nowhere/switchboard/work"));
        assert_eq!(one, same);
        assert_ne!(one, other);
        assert!(one.len() < 200, "D-Bus names are at most 255 bytes");
        assert!(one.split('.').all(|element| !element.is_empty()
            && !element.starts_with(|c: char| c.is_ascii_digit())
            && element
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')));
    }
}
