//! Offline search over message content and ticket subjects (FTS5, diacritics folded):
//! every word of the query must match, each as a prefix; newest first; always limited.
//!
//! "Newest" is the order messages reached the cache (FTS5 walks its rowids backwards
//! without sorting every match, which keeps a common prefix over a million messages
//! cheap); sync stores them oldest change first, so that is their order in time too.
//!
//! `#1042` alone is a ticket's number: it finds exactly that ticket, as the platform's
//! `?q=#N` does, and no message that happens to contain "1042".

use rusqlite::{params, Connection};

use super::{channels, from_json};
use crate::error::Result;

/// The most hits one search returns.
pub const MAX_HITS: u32 = 200;

/// One hit.
pub use protocol::console::SearchHit as Hit;

/// The FTS5 query for what a user typed: each word quoted (so no operator can be injected)
/// and made a prefix; `None` when nothing searchable is left.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

/// The ticket number `text` names, when it is `#` and digits only (`#1042`, spaces around
/// allowed); `None` for anything else, which is searched as words.
pub fn ticket_number(text: &str) -> Option<i64> {
    let digits = text.trim().strip_prefix('#')?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&n: &i64| n > 0)
}

/// The `json` column of the rows `sql` selects for FTS query `?1`, limit `?2`.
fn matching_json(conn: &Connection, sql: &str, query: &str, limit: u32) -> Result<Vec<String>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map(params![query, limit], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Channels whose subject matches, then messages whose content matches, newest first;
/// at most `limit` (≤ [`MAX_HITS`]) of each.
pub fn search(conn: &Connection, text: &str, limit: u32) -> Result<Vec<Hit>> {
    if let Some(number) = ticket_number(text) {
        return Ok(channels::by_number(conn, number)?
            .into_iter()
            .map(|channel| Hit::Channel {
                channel: Box::new(channel),
            })
            .collect());
    }
    let Some(query) = fts_query(text) else {
        return Ok(Vec::new());
    };
    let limit = limit.clamp(1, MAX_HITS);
    let channels = matching_json(
        conn,
        "SELECT c.json FROM channels c WHERE c.rowid IN \
         (SELECT rowid FROM subjects_fts WHERE subjects_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2) \
         ORDER BY c.updated_at DESC",
        &query,
        limit,
    )?;
    let messages = matching_json(
        conn,
        "SELECT m.json FROM messages m WHERE m.rowid IN \
         (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2) \
         ORDER BY m.rowid DESC",
        &query,
        limit,
    )?;
    let mut hits = Vec::with_capacity(channels.len() + messages.len());
    for json in channels {
        hits.push(Hit::Channel {
            channel: Box::new(from_json(&json)?),
        });
    }
    for json in messages {
        hits.push(Hit::Message {
            message: Box::new(from_json(&json)?),
        });
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::{fts_query, ticket_number};

    #[test]
    fn only_a_hash_and_digits_is_a_ticket_number() {
        assert_eq!(ticket_number("#1042"), Some(1042));
        assert_eq!(ticket_number("  #7 "), Some(7));
        for words in [
            "1042",
            "#",
            "#0",
            "#10 42",
            "#12a",
            "#-3",
            "# 12",
            "##12",
            "#99999999999999999999",
        ] {
            assert_eq!(ticket_number(words), None, "{words}");
        }
    }

    #[test]
    fn queries_are_quoted_prefixes_and_operators_cannot_be_injected() {
        assert_eq!(
            fts_query("printer jam").as_deref(),
            Some("\"printer\"* AND \"jam\"*")
        );
        assert_eq!(
            fts_query("a\" OR content:*").as_deref(),
            Some("\"a\"* AND \"OR\"* AND \"content\"*")
        );
        assert_eq!(fts_query("  ,;  "), None);
        assert_eq!(fts_query("café").as_deref(), Some("\"café\"*"));
    }
}
