//! The audience rule in SQL: which stored messages a reader may receive, following
//! [`protocol::Audience::reaches`]. Message pages, sync, a channel's last message and its
//! unread count all filter through here; a message's audience is its `internal` column.

use protocol::Audience;

use super::sql::Sql;

/// The stored form of an audience: `messages.internal`.
pub(super) fn stored(audience: Audience) -> i64 {
    match audience {
        Audience::Everyone => 0,
        Audience::Agents => 1,
    }
}

/// Whether a reader of `reader`'s audience receives every message (no filter needed).
fn reaches_all(reader: Audience) -> bool {
    Audience::ALL.iter().all(|a| a.reaches(reader))
}

/// Appends ` AND …`: the message row aliased `alias` reaches a reader of `reader`'s
/// audience.
pub(super) fn push_reaches<'s>(sql: &'s mut Sql, reader: Audience, alias: &str) -> &'s mut Sql {
    if reaches_all(reader) {
        return sql;
    }
    sql.push(" AND ")
        .push(alias)
        .push(".internal IN ")
        .bind_list(
            Audience::ALL
                .iter()
                .filter(|a| a.reaches(reader))
                .map(|a| stored(*a)),
        )
}

/// Appends the join of `messages lm`, the channel's last message a reader of `reader`'s
/// audience may receive.
pub(super) fn push_last_message_join(sql: &mut Sql, reader: Audience) {
    if reaches_all(reader) {
        sql.push(" LEFT JOIN messages lm ON lm.channel_id = c.id AND lm.seq = c.last_seq");
        return;
    }
    sql.push(
        " LEFT JOIN messages lm ON lm.channel_id = c.id AND lm.seq = \
         (SELECT pm.seq FROM messages pm WHERE pm.channel_id = c.id",
    );
    push_reaches(sql, reader, "pm");
    sql.push(" ORDER BY pm.seq DESC LIMIT 1)");
}

/// The narrower of two readers' audiences: what both may receive. A view asked for on
/// behalf of others never holds more than the asker may read.
pub(super) fn narrower(asker: Audience, asked: Audience) -> Audience {
    if Audience::ALL
        .iter()
        .all(|a| !a.reaches(asked) || a.reaches(asker))
    {
        asked
    } else {
        asker
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_for_others_never_widens_the_askers_reach() {
        use Audience::{Agents, Everyone};
        assert_eq!(narrower(Agents, Everyone), Everyone);
        assert_eq!(narrower(Agents, Agents), Agents);
        assert_eq!(narrower(Everyone, Agents), Everyone);
        assert_eq!(narrower(Everyone, Everyone), Everyone);
    }

    #[test]
    fn everyone_reads_only_public_rows_and_agents_read_all() {
        let mut sql = Sql::new("SELECT 1 FROM messages m WHERE 1 = 1");
        push_reaches(&mut sql, Audience::Agents, "m");
        assert!(!format!("{sql:?}").contains("internal"));
        let mut sql = Sql::new("SELECT 1 FROM messages m WHERE 1 = 1");
        push_reaches(&mut sql, Audience::Everyone, "m");
        assert!(format!("{sql:?}").contains("m.internal IN ($1)"), "{sql:?}");
    }
}
