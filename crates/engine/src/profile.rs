//! Profiles: one platform + user + tenant each, side by side, each with its own directory
//! (the cache, the session record, the refresh token when no keyring answers, and the
//! extra CA certificates to trust, `ca.pem`, when the user puts one there).
//!
//! The root is `$SWITCHBOARD_HOME`, else the XDG data directory's `switchboard/`; a profile
//! is a directory under it named by the user (`default` unless told).

use std::path::{Path, PathBuf};

use protocol::{Role, TenantId, UserId};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::trust::{Trust, CA_FILE};

/// The environment variable that overrides where profiles live.
pub const HOME_VAR: &str = "SWITCHBOARD_HOME";

/// A profile's directory.
#[derive(Debug, Clone)]
pub struct Profile {
    name: String,
    dir: PathBuf,
}

/// Who a profile is signed in as: written at sign-in, read by every later start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRecord {
    /// The platform's base URL.
    pub server: String,
    /// The sign-in address.
    pub email: String,
    /// The user.
    pub user_id: UserId,
    /// The user's display name.
    pub name: String,
    /// The active tenant (absent for a super admin over every tenant).
    pub tenant_id: Option<TenantId>,
    /// The role in it.
    pub role: Role,
}

impl Profile {
    /// The profile `name` under the default root (`$SWITCHBOARD_HOME` or the XDG data dir).
    pub fn named(name: &str) -> Result<Self> {
        let root = match std::env::var_os(HOME_VAR) {
            Some(home) => PathBuf::from(home),
            None => dirs::data_dir()
                .ok_or_else(|| Error::Local(format!("no data directory; set {HOME_VAR}")))?
                .join("switchboard"),
        };
        Self::at(&root, name)
    }

    /// The profile `name` under `root`.
    pub fn at(root: &Path, name: &str) -> Result<Self> {
        let valid = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !name.starts_with('.');
        if !valid {
            return Err(Error::Invalid {
                fields: vec![protocol::FieldError::new(
                    "profile",
                    "use 1..64 letters, digits, '-', '_' or '.', not starting with '.'",
                )],
            });
        }
        let dir = root.join(name);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        restrict_to_owner(&dir, 0o700)?;
        Ok(Self {
            name: name.to_owned(),
            dir,
        })
    }

    /// The profile's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The profile's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cache database's path.
    pub fn cache_path(&self) -> PathBuf {
        self.dir.join("cache.sqlite3")
    }

    /// The extra CA certificates the profile trusts ([`crate::trust::CA_FILE`]), if the
    /// file is there.
    pub fn trust(&self) -> Result<Option<Trust>> {
        Trust::load(&self.dir.join(CA_FILE))
    }

    fn session_path(&self) -> PathBuf {
        self.dir.join("session.json")
    }

    /// Who the profile is signed in as, if anyone.
    pub fn session(&self) -> Result<Option<SessionRecord>> {
        let path = self.session_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| Error::Local(format!("{} is damaged: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(format!("cannot read {}", path.display()), e)),
        }
    }

    /// Records who the profile is signed in as.
    pub fn save_session(&self, record: &SessionRecord) -> Result<()> {
        let text = serde_json::to_string_pretty(record)
            .map_err(|e| Error::Local(format!("cannot encode the session: {e}")))?;
        write_private(&self.session_path(), text.as_bytes())
    }

    /// Forgets who the profile is signed in as (the cache stays, for reading offline).
    pub fn clear_session(&self) -> Result<()> {
        remove_if_present(&self.session_path())
    }
}

/// Writes `bytes` to `path` readable by the owner only, atomically (temp file + rename).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = path.with_extension("tmp");
    std::fs::write(&temp, bytes)
        .map_err(|e| Error::io(format!("cannot write {}", temp.display()), e))?;
    restrict_to_owner(&temp, 0o600)?;
    std::fs::rename(&temp, path)
        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
}

pub(crate) fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(format!("cannot remove {}", path.display()), e)),
    }
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io(format!("cannot restrict {}", path.display()), e))
}

#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}
