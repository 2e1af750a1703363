//! Canned responses in the cache: stored from sync and from the answers to the user's own
//! edits, listed by short code, and searched offline.
//!
//! A cache holds one user of one tenant, so what is stored is exactly what that user may
//! use (the platform's sync sends nothing else). The lists are small (tens to a few
//! hundred), so search reads them whole and matches in Rust, which folds case the Unicode
//! way where SQLite's `lower` knows only ASCII.

use protocol::canned::CannedResponse;
use protocol::CannedResponseId;
use rusqlite::{params, Connection, OptionalExtension};

use super::{from_json, micros, to_json};
use crate::error::Result;

/// Stores `responses` as they are now (the newest state wins).
pub fn upsert(conn: &Connection, responses: &[CannedResponse]) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO canned_responses (id, short_code, title, content, updated_at, json) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (id) DO UPDATE SET short_code = excluded.short_code, title = excluded.title, \
         content = excluded.content, updated_at = excluded.updated_at, json = excluded.json",
    )?;
    for response in responses {
        statement.execute(params![
            response.id.to_string(),
            response.short_code,
            response.title,
            response.content,
            micros(response.updated_at),
            to_json(response)?,
        ])?;
    }
    Ok(())
}

/// Removes `ids` (those not cached are ignored); returns how many were removed.
pub fn remove(conn: &Connection, ids: &[CannedResponseId]) -> Result<usize> {
    let mut statement = conn.prepare_cached("DELETE FROM canned_responses WHERE id = ?1")?;
    let mut removed = 0;
    for id in ids {
        removed += statement.execute(params![id.to_string()])?;
    }
    Ok(removed)
}

/// Every cached canned response, by short code (a tenant's and a personal one may share
/// a code; then by id, so the order is stable).
pub fn list(conn: &Connection) -> Result<Vec<CannedResponse>> {
    let mut statement =
        conn.prepare_cached("SELECT json FROM canned_responses ORDER BY short_code, id")?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    rows.map(|json| from_json(&json?)).collect()
}

/// One canned response, if cached.
pub fn get(conn: &Connection, id: CannedResponseId) -> Result<Option<CannedResponse>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT json FROM canned_responses WHERE id = ?1",
            params![id.to_string()],
            |row| row.get(0),
        )
        .optional()?;
    json.as_deref().map(from_json).transpose()
}

/// The cached canned responses matching `text`: every word of it must occur, ignoring
/// case, in the short code, the title or the content (a leading `/`, as typed in the
/// composer, is ignored). Those whose short code starts with the first word come first,
/// then by short code. Empty text matches everything.
pub fn search(conn: &Connection, text: &str) -> Result<Vec<CannedResponse>> {
    let words: Vec<String> = text
        .trim()
        .trim_start_matches('/')
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let mut found: Vec<CannedResponse> = list(conn)?
        .into_iter()
        .filter(|response| matches(response, &words))
        .collect();
    if let Some(first) = words.first() {
        // Stable: within each group the list's order (by short code) stays.
        found.sort_by_key(|response| !response.short_code.starts_with(first.as_str()));
    }
    Ok(found)
}

/// Whether every word occurs in `response`'s short code, title or content.
fn matches(response: &CannedResponse, words: &[String]) -> bool {
    let haystacks = [
        response.short_code.to_lowercase(),
        response.title.to_lowercase(),
        response.content.to_lowercase(),
    ];
    words
        .iter()
        .all(|word| haystacks.iter().any(|h| h.contains(word.as_str())))
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use protocol::canned::{CannedResponse, CannedScope};

    use super::{list, remove, search, upsert};

    fn canned(code: &str, title: &str, content: &str) -> CannedResponse {
        CannedResponse {
            id: uuid::Uuid::new_v4().into(),
            tenant_id: uuid::Uuid::new_v4().into(),
            scope: CannedScope::Tenant,
            owner_id: None,
            short_code: code.to_owned(),
            title: title.to_owned(),
            content: content.to_owned(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn cache() -> (tempfile::TempDir, rusqlite::Connection) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("cache.sqlite3");
        drop(crate::cache::Cache::open(&path).expect("a new cache"));
        let conn = rusqlite::Connection::open(&path).expect("the cache reopens");
        (dir, conn)
    }

    #[test]
    fn search_matches_code_title_and_content_ignoring_case_code_prefix_first() {
        let (_dir, conn) = cache();
        let refund = canned("refund", "Refund policy", "Your money is on its way");
        let late = canned("late", "Late delivery", "Sorry, the REFUND follows");
        let hello = canned("hello", "Grüße", "Hello {{customer.name}}");
        upsert(&conn, &[refund.clone(), late.clone(), hello.clone()]).expect("stored");
        let codes = |text: &str| -> Vec<String> {
            search(&conn, text)
                .expect("searched")
                .into_iter()
                .map(|r| r.short_code)
                .collect()
        };
        assert_eq!(codes("refund"), ["refund", "late"], "code prefix first");
        assert_eq!(codes("/ref"), ["refund", "late"], "the composer's slash");
        assert_eq!(
            codes("GRÜßE"),
            ["hello"],
            "Unicode case, where SQLite's lower is ASCII"
        );
        assert_eq!(codes("delivery sorry"), ["late"], "every word");
        assert_eq!(codes("customer.name"), ["hello"]);
        assert_eq!(codes("nothing-like-it"), Vec::<String>::new());
        assert_eq!(codes(""), ["hello", "late", "refund"], "all, by code");
        assert_eq!(remove(&conn, &[late.id, late.id]).expect("removed"), 1);
        let mut edited = refund.clone();
        edited.short_code = "money".to_owned();
        upsert(&conn, &[edited]).expect("stored");
        let left: Vec<String> = list(&conn)
            .expect("listed")
            .into_iter()
            .map(|r| r.short_code)
            .collect();
        assert_eq!(left, ["hello", "money"]);
    }
}
