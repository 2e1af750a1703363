//! Composer drafts: what is written but not yet sent in a channel, one per channel, saved
//! on each change (so a crash loses nothing) and deleted when sent or emptied.

use chrono::Utc;
use protocol::console::Draft;
use protocol::ChannelId;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// The draft of `channel`, if one is kept.
pub fn get(conn: &Connection, channel: ChannelId) -> Result<Option<Draft>> {
    Ok(conn
        .query_row(
            "SELECT text, note FROM drafts WHERE channel_id = ?1",
            params![channel.to_string()],
            |row| {
                Ok(Draft {
                    text: row.get(0)?,
                    note: row.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Keeps `draft` as `channel`'s; a draft with nothing but white space deletes it.
pub fn save(conn: &Connection, channel: ChannelId, draft: &Draft) -> Result<()> {
    if draft.text.trim().is_empty() {
        return clear(conn, channel);
    }
    conn.execute(
        "INSERT INTO drafts (channel_id, text, note, updated_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (channel_id) DO UPDATE SET text = excluded.text, note = excluded.note, \
         updated_at = excluded.updated_at",
        params![
            channel.to_string(),
            draft.text,
            draft.note,
            Utc::now().timestamp_micros()
        ],
    )?;
    Ok(())
}

/// Deletes `channel`'s draft (sent, or emptied).
pub fn clear(conn: &Connection, channel: ChannelId) -> Result<()> {
    conn.execute(
        "DELETE FROM drafts WHERE channel_id = ?1",
        params![channel.to_string()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use protocol::console::Draft;

    use super::{clear, get, save};

    #[test]
    fn a_draft_is_kept_per_channel_replaced_and_deleted_when_empty() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("cache.sqlite3");
        drop(crate::cache::Cache::open(&path).expect("a new cache"));
        let conn = rusqlite::Connection::open(&path).expect("the cache reopens");
        let (one, two) = (uuid::Uuid::new_v4().into(), uuid::Uuid::new_v4().into());
        let note = Draft {
            text: "  half a thought\n".to_owned(),
            note: true,
        };
        save(&conn, one, &note).expect("saved");
        assert_eq!(get(&conn, one).expect("read"), Some(note), "kept as typed");
        assert_eq!(get(&conn, two).expect("read"), None, "per channel");
        let reply = Draft {
            text: "a reply".to_owned(),
            note: false,
        };
        save(&conn, one, &reply).expect("saved");
        assert_eq!(get(&conn, one).expect("read"), Some(reply.clone()));
        save(&conn, one, &Draft::default()).expect("emptied");
        assert_eq!(get(&conn, one).expect("read"), None, "empty deletes");
        save(&conn, two, &reply).expect("saved");
        save(
            &conn,
            two,
            &Draft {
                text: " \n ".to_owned(),
                note: true,
            },
        )
        .expect("blanked");
        assert_eq!(get(&conn, two).expect("read"), None, "white space deletes");
        save(&conn, two, &reply).expect("saved");
        clear(&conn, two).expect("cleared");
        assert_eq!(get(&conn, two).expect("read"), None);
    }
}
