//! The console's settings (notifications, do-not-disturb, muted channels), kept as JSON in
//! the profile's directory and written atomically.

use std::path::{Path, PathBuf};

use protocol::ipc::Settings;

/// The file, in the profile's directory.
const FILE: &str = "settings.json";

/// Where a profile's settings live.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: PathBuf,
}

impl SettingsFile {
    /// The settings file of the profile at `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join(FILE),
        }
    }

    /// The saved settings; the defaults when none are saved or the file is unreadable
    /// (which is logged: settings are not worth refusing to start over).
    pub fn load(&self) -> Settings {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(%error, path = %self.path.display(), "unreadable settings; using the defaults");
                Settings::default()
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(error) => {
                tracing::warn!(%error, path = %self.path.display(), "cannot read the settings; using the defaults");
                Settings::default()
            }
        }
    }

    /// Saves `settings` (to a temporary file renamed over the old one, so a crash leaves
    /// either the old or the new settings).
    pub fn save(&self, settings: &Settings) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(settings).map_err(std::io::Error::other)?;
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, json)?;
        std::fs::rename(&temporary, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_save_and_load() {
        let dir = std::env::temp_dir().join(format!("sb-settings-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let file = SettingsFile::in_dir(&dir);
        assert_eq!(file.load(), Settings::default());
        let mut settings = Settings {
            do_not_disturb: true,
            ..Settings::default()
        };
        settings
            .muted
            .insert(protocol::ChannelId::from(uuid::Uuid::new_v4()));
        file.save(&settings).expect("saved");
        assert_eq!(file.load(), settings);
        std::fs::write(dir.join(FILE), b"{not json").expect("written");
        assert_eq!(file.load(), Settings::default());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
