//! Where a profile's refresh token lives: the OS keyring when one answers, otherwise a file
//! readable by the owner only (0600) in the profile's directory. Never in a log.

use protocol::Secret;

use crate::error::Result;
use crate::profile::{remove_if_present, write_private, Profile};

const KEYRING_SERVICE: &str = "io.switchboard.console";
const TOKEN_FILE: &str = "refresh-token";

/// The refresh token store of one profile.
#[derive(Debug, Clone)]
pub struct Credentials {
    profile: Profile,
    use_keyring: bool,
}

impl Credentials {
    /// The store of `profile`; with `use_keyring`, the OS keyring is tried first.
    pub fn new(profile: &Profile, use_keyring: bool) -> Self {
        Self {
            profile: profile.clone(),
            use_keyring,
        }
    }

    fn entry(&self) -> Option<keyring::Entry> {
        if !self.use_keyring {
            return None;
        }
        let account = self.profile.dir().display().to_string();
        keyring::Entry::new(KEYRING_SERVICE, &account).ok()
    }

    /// Stores the token: in the keyring if it takes it, else in the 0600 file.
    pub fn save(&self, token: &Secret) -> Result<()> {
        if let Some(entry) = self.entry() {
            match entry.set_password(token.expose()) {
                Ok(()) => {
                    // Only one copy: a file left from before would be stale.
                    return remove_if_present(&self.profile.dir().join(TOKEN_FILE));
                }
                Err(error) => {
                    tracing::debug!(%error, "no keyring; keeping the refresh token in a private file")
                }
            }
        }
        write_private(
            &self.profile.dir().join(TOKEN_FILE),
            token.expose().as_bytes(),
        )
    }

    /// The stored token, if there is one.
    pub fn load(&self) -> Result<Option<Secret>> {
        if let Some(entry) = self.entry() {
            if let Ok(token) = entry.get_password() {
                return Ok(Some(Secret::new(token)));
            }
        }
        let path = self.profile.dir().join(TOKEN_FILE);
        match std::fs::read_to_string(&path) {
            Ok(token) => Ok(Some(Secret::new(token.trim().to_owned()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(crate::error::Error::io(
                format!("cannot read {}", path.display()),
                e,
            )),
        }
    }

    /// Forgets the token everywhere.
    pub fn clear(&self) -> Result<()> {
        if let Some(entry) = self.entry() {
            let _ = entry.delete_credential();
        }
        remove_if_present(&self.profile.dir().join(TOKEN_FILE))
    }
}
