//! Numbered migrations, applied in order and recorded in `PRAGMA user_version`.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Every migration, in order; the cache's version is how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_outbox_actions.sql"),
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
                    content: "hello".to_owned()
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
}
