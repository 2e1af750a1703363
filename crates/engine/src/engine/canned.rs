//! The engine's canned responses: read from the cache (offline too), changed on the
//! platform and written into the cache from its answer at once, so the list is current
//! before the platform's `canned_responses_changed` comes back round through sync.

use protocol::canned::{CannedResponse, CreateCannedResponseRequest, UpdateCannedResponseRequest};
use protocol::validate::Validate;
use protocol::CannedResponseId;

use super::Engine;
use crate::cache::canned;
use crate::changes::Change;
use crate::error::{Error, Result};

/// An offline failure of a change, said plainly: the list is readable offline, but
/// changing it needs the platform.
fn needs_platform(error: Error) -> Error {
    match error {
        Error::Offline(why) => Error::Offline(format!(
            "canned responses are changed on the platform, which cannot be reached now ({why}); the cached list is still usable"
        )),
        other => other,
    }
}

impl Engine {
    /// Every cached canned response the user may use, by short code. Works offline.
    pub async fn canned_responses(&self) -> Result<Vec<CannedResponse>> {
        self.cache.read(canned::list).await
    }

    /// The cached canned responses matching `text` (each word, ignoring case, in the short
    /// code, title or content; a leading `/` ignored), those whose short code starts with
    /// the first word first. Offline search of canned responses lives here, apart from
    /// [`Engine::search`]'s messages and channels.
    pub async fn search_canned(&self, text: &str) -> Result<Vec<CannedResponse>> {
        let text = text.to_owned();
        self.cache
            .read(move |conn| canned::search(conn, &text))
            .await
    }

    /// Saves a new canned response on the platform and caches it. A taken short code is
    /// [`Error::Conflict`] naming `shortCode`.
    pub async fn create_canned(
        &self,
        request: CreateCannedResponseRequest,
    ) -> Result<CannedResponse> {
        request
            .validate()
            .map_err(|fields| Error::Invalid { fields })?;
        let created = self
            .session()?
            .call(|api| {
                let request = request.clone();
                async move { api.create_canned(&request).await }
            })
            .await
            .map_err(needs_platform)?;
        self.cache_canned(created).await
    }

    /// Changes canned response `id` on the platform and caches the answer.
    pub async fn update_canned(
        &self,
        id: CannedResponseId,
        request: UpdateCannedResponseRequest,
    ) -> Result<CannedResponse> {
        request
            .validate()
            .map_err(|fields| Error::Invalid { fields })?;
        let updated = self
            .session()?
            .call(|api| {
                let request = request.clone();
                async move { api.update_canned(id, &request).await }
            })
            .await
            .map_err(needs_platform)?;
        self.cache_canned(updated).await
    }

    /// Deletes canned response `id` on the platform and from the cache. One the platform
    /// does not know (deleted elsewhere, or no longer the user's to use) leaves the cache
    /// too, and the error says it was not found.
    pub async fn delete_canned(&self, id: CannedResponseId) -> Result<()> {
        let deleted = self
            .session()?
            .call(|api| async move { api.delete_canned(id).await })
            .await
            .map_err(needs_platform);
        if matches!(deleted, Ok(()) | Err(Error::NotFound(_))) {
            let removed = self
                .cache
                .write(move |tx| canned::remove(tx, &[id]))
                .await?;
            if removed > 0 {
                self.changes.send(Change::CannedResponses);
            }
        }
        deleted
    }

    /// Stores the platform's answer and announces the change.
    async fn cache_canned(&self, response: CannedResponse) -> Result<CannedResponse> {
        let stored = response.clone();
        self.cache
            .write(move |tx| canned::upsert(tx, std::slice::from_ref(&stored)))
            .await?;
        self.changes.send(Change::CannedResponses);
        Ok(response)
    }
}
