//! Numbered migrations, applied in order and recorded in `PRAGMA user_version`.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Every migration, in order; the cache's version is how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_outbox_actions.sql"),
    include_str!("migrations/003_ticket_numbers.sql"),
    include_str!("migrations/004_canned_drafts.sql"),
    include_str!("migrations/005_sla_warnings.sql"),
    include_str!("migrations/006_outbox_problem.sql"),
    include_str!("migrations/007_queue_window.sql"),
    include_str!("migrations/008_fts_by_statement.sql"),
    include_str!("migrations/009_assignees_index.sql"),
    include_str!("migrations/010_sla_due_columns.sql"),
];

/// Brings the cache up to date, each migration in its own transaction.
pub fn run(conn: &mut Connection) -> Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > MIGRATIONS.len() {
        return Err(Error::Local(format!(
            "the cache was written by a newer Switchboard (version {version}); update Switchboard"
        )));
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
        tracing::debug!(version = index + 1, "cache migrated");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use protocol::console::{Expected, Work};
    use protocol::rest::UpdateTicketRequest;
    use protocol::{ChannelAction, ChannelStatus, TicketPriority, UserId};
    use rusqlite::{params, Connection};

    use super::MIGRATIONS;

    const CHANNEL: &str = "44444444-4444-4444-8444-444444444444";
    const MEMBER: &str = "22222222-2222-4222-8222-222222222222";

    /// Outbox rows as version 1 wrote them: every kind of work, in the old shape.
    fn version_one_rows() -> Vec<(&'static str, String)> {
        let expected = r#"{"status":"ACTIVE","assignedTo":null}"#;
        vec![
            (
                "sendMessage",
                r#"{"kind":"sendMessage","content":"hello"}"#.to_owned(),
            ),
            (
                "assign",
                format!(r#"{{"kind":"assign","member":"{MEMBER}","expected":{expected}}}"#),
            ),
            (
                "escalate",
                format!(r#"{{"kind":"escalate","reason":"why","expected":{expected}}}"#),
            ),
            (
                "resolve",
                format!(r#"{{"kind":"resolve","resolution":null,"expected":{expected}}}"#),
            ),
            (
                "reopen",
                format!(r#"{{"kind":"reopen","expected":{expected}}}"#),
            ),
            (
                "archive",
                format!(r#"{{"kind":"archive","expected":{expected}}}"#),
            ),
            (
                "updateTicket",
                format!(
                    r#"{{"kind":"updateTicket","update":{{"priority":"URGENT"}},"expected":{expected}}}"#
                ),
            ),
        ]
    }

    #[test]
    fn outbox_rows_of_version_one_load_as_channel_actions() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("cache.sqlite3");
        {
            let conn = Connection::open(&path).expect("a new cache file");
            conn.execute_batch(MIGRATIONS[0]).expect("version 1");
            conn.pragma_update(None, "user_version", 1)
                .expect("marked version 1");
            for (n, (kind, payload)) in version_one_rows().into_iter().enumerate() {
                conn.execute(
                    "INSERT INTO outbox (id, channel_id, kind, payload, state, created_at, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, 'queued', 0, 0)",
                    params![uuid::Uuid::new_v4().to_string(), CHANNEL, kind, payload],
                )
                .unwrap_or_else(|e| panic!("row {n}: {e}"));
            }
        }
        drop(crate::cache::Cache::open(&path).expect("the cache opens and migrates"));
        let conn = Connection::open(&path).expect("the migrated cache reopens");
        let work: Vec<Work> = crate::cache::outbox::pending(&conn)
            .expect("every row decodes")
            .into_iter()
            .map(|item| item.work)
            .collect();
        let expected = Expected {
            status: ChannelStatus::Active,
            assigned_to: None,
        };
        let act = |action| Work::Act {
            action,
            expected: expected.clone(),
        };
        let member: UserId = MEMBER.parse().expect("a user id");
        assert_eq!(
            work,
            vec![
                Work::SendMessage {
                    content: "hello".to_owned(),
                    internal: false,
                },
                act(ChannelAction::Assign { member }),
                act(ChannelAction::Escalate {
                    reason: "why".to_owned()
                }),
                act(ChannelAction::Resolve { resolution: None }),
                act(ChannelAction::Reopen),
                act(ChannelAction::Archive),
                act(ChannelAction::UpdateTicket {
                    update: UpdateTicketRequest {
                        priority: Some(TicketPriority::Urgent),
                        ..UpdateTicketRequest::default()
                    }
                }),
            ]
        );
        let kinds: Vec<String> = conn
            .prepare("SELECT kind FROM outbox ORDER BY seq")
            .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
            .expect("the kinds");
        let before: Vec<&str> = version_one_rows().iter().map(|(kind, _)| *kind).collect();
        assert_eq!(kinds, before, "the kind column keeps the action's name");
    }

    /// A version-2 cache: a ticket cached before numbers, a synced cursor, a queued message.
    fn version_two_cache(path: &std::path::Path) -> String {
        let mut channel: serde_json::Value = serde_json::from_str(include_str!(
            "../../../protocol/tests/fixtures/model/channel.json"
        ))
        .expect("the channel fixture");
        if let Some(ticket) = channel["ticket"].as_object_mut() {
            ticket.remove("number");
        }
        let conn = Connection::open(path).expect("a new cache file");
        conn.execute_batch(MIGRATIONS[0]).expect("version 1");
        conn.execute_batch(MIGRATIONS[1]).expect("version 2");
        conn.pragma_update(None, "user_version", 2)
            .expect("marked version 2");
        conn.execute(
            "INSERT INTO channels (id, tenant_id, type, status, subject, updated_at, json) \
             VALUES (?1, 't', 'SUPPORT', 'ACTIVE', 'old', 0, ?2)",
            params![CHANNEL, channel.to_string()],
        )
        .expect("an old channel");
        conn.execute(
            "INSERT INTO state (key, value) VALUES ('sync_cursor', 'somewhere')",
            [],
        )
        .expect("a cursor");
        let id = uuid::Uuid::new_v4().to_string();
        conn.execute(
            "INSERT INTO outbox (id, channel_id, kind, payload, state, created_at, updated_at) \
             VALUES (?1, ?2, 'sendMessage', '{\"kind\":\"sendMessage\",\"content\":\"old\"}', 'queued', 0, 0)",
            params![id, CHANNEL],
        )
        .expect("an old outbox row");
        id
    }

    #[test]
    fn a_version_two_cache_keeps_its_queue_as_replies_and_catches_up_for_numbers() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("cache.sqlite3");
        version_two_cache(&path);
        drop(crate::cache::Cache::open(&path).expect("the cache opens and migrates"));
        let conn = Connection::open(&path).expect("the migrated cache reopens");
        let pending = crate::cache::outbox::pending(&conn).expect("the old row decodes");
        assert_eq!(
            pending.iter().map(|i| &i.work).collect::<Vec<_>>(),
            vec![&Work::SendMessage {
                content: "old".to_owned(),
                internal: false,
            }],
            "an old row is a reply"
        );
        let channel = crate::cache::channels::get(&conn, CHANNEL.parse().expect("an id"))
            .expect("the old channel decodes")
            .expect("kept");
        assert_eq!(channel.ticket.map(|t| t.number), Some(0));
        assert_eq!(
            crate::cache::state::get(&conn, crate::cache::state::SYNC_CURSOR).expect("read"),
            None,
            "a ticket without its number makes the next sync start over"
        );
    }

    #[test]
    fn a_version_three_cache_catches_up_from_the_start_for_canned_responses() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("cache.sqlite3");
        let conn = Connection::open(&path).expect("a new cache file");
        for migration in &MIGRATIONS[..3] {
            conn.execute_batch(migration).expect("migrated");
        }
        conn.pragma_update(None, "user_version", 3)
            .expect("marked version 3");
        conn.execute(
            "INSERT INTO state (key, value) VALUES ('sync_cursor', 'somewhere')",
            [],
        )
        .expect("a cursor");
        drop(conn);
        drop(crate::cache::Cache::open(&path).expect("the cache opens and migrates"));
        let conn = Connection::open(&path).expect("the migrated cache reopens");
        assert_eq!(
            crate::cache::state::get(&conn, crate::cache::state::SYNC_CURSOR).expect("read"),
            None,
            "sync sends every canned response only from an empty cursor"
        );
        assert!(crate::cache::canned::list(&conn)
            .expect("the table")
            .is_empty());
    }

    #[test]
    fn a_note_stays_a_note_when_it_is_retried() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("cache.sqlite3");
        drop(crate::cache::Cache::open(&path).expect("a new cache"));
        let conn = Connection::open(&path).expect("the cache reopens");
        let channel = CHANNEL.parse().expect("an id");
        let message = |internal| Work::SendMessage {
            content: "for agents".to_owned(),
            internal,
        };
        let outbox = |internal| {
            crate::cache::outbox::enqueue(&conn, channel, &message(internal)).expect("queued")
        };
        let (note, reply) = (outbox(true), outbox(false));
        let read = |id| {
            crate::cache::outbox::get(&conn, id)
                .expect("read")
                .expect("kept")
                .work
        };
        for _ in 0..2 {
            crate::cache::outbox::requeue(&conn, note.id, &read(note.id)).expect("requeued");
            crate::cache::outbox::requeue(&conn, reply.id, &read(reply.id)).expect("requeued");
            assert_eq!(read(note.id), message(true));
            assert_eq!(read(reply.id), message(false));
        }
    }
}
