//! The engine's composer drafts: one per channel, kept in the profile's cache on every
//! save so they survive switching channels, closing the app and a crash; sending a
//! message or a note in the channel through the engine deletes it (see `send_as`).

use protocol::console::Draft;
use protocol::ChannelId;

use super::Engine;
use crate::cache::drafts;
use crate::error::Result;

impl Engine {
    /// The draft kept for `channel`, if any.
    pub async fn draft(&self, channel: ChannelId) -> Result<Option<Draft>> {
        self.cache
            .read(move |conn| drafts::get(conn, channel))
            .await
    }

    /// Keeps `draft` as `channel`'s (replacing the one before); a draft with nothing but
    /// white space deletes it.
    pub async fn save_draft(&self, channel: ChannelId, draft: Draft) -> Result<()> {
        self.cache
            .write(move |tx| drafts::save(tx, channel, &draft))
            .await
    }
}
