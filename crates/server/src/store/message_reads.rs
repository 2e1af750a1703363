//! Reading messages: the only ways to select message rows. A reader gets them through
//! [`readable_messages`] or [`readable_messages_by_change`], which always hold the channel
//! to the visibility predicate and every message to the audience rule, so no query can
//! serve a non-agent a note by forgetting a condition; the message columns are private to
//! this module. A writer reads back what it wrote with [`written_message`].

use protocol::MessageId;

use super::audience;
use super::sql::Sql;
use super::visibility::push_visible;
use crate::actor::Actor;

/// The columns of a message with its sender, over `messages m`, `users u`, `channels c`.
const MESSAGE_COLUMNS: &str = "m.id, m.channel_id, m.seq, m.sender_id, m.sender_type, \
    m.content, m.metadata, m.client_message_id, m.created_at, m.edited_at, m.change_seq, \
    m.internal, \
    u.id AS u_id, u.email AS u_email, u.name AS u_name, \
    CASE WHEN u.is_super_admin = 1 THEN 'SUPER_ADMIN' ELSE (SELECT mut.role FROM user_tenants mut \
        WHERE mut.user_id = u.id AND mut.tenant_id = c.tenant_id) END AS u_role";

/// The joins that go with [`MESSAGE_COLUMNS`].
const MESSAGE_JOINS: &str = " FROM messages m JOIN channels c ON c.id = m.channel_id \
    JOIN users u ON u.id = m.sender_id";

/// [`MESSAGE_JOINS`] driven from `messages` by its change number: `CROSS JOIN` keeps
/// SQLite from starting at the tenant's channels and reading every message they hold (the
/// same SQL, reordered freely, on PostgreSQL).
const MESSAGE_JOINS_BY_CHANGE: &str = " FROM messages m CROSS JOIN channels c \
    JOIN users u ON u.id = m.sender_id";

/// `SELECT <message> … WHERE <the actor sees its channel> AND <it reaches the actor> AND `:
/// the caller restricts further and orders.
pub(super) fn readable_messages(actor: &Actor) -> Sql {
    let mut sql = Sql::new("SELECT ");
    sql.push(MESSAGE_COLUMNS)
        .push(MESSAGE_JOINS)
        .push(" WHERE ");
    push_readable(&mut sql, actor);
    sql
}

/// [`readable_messages`] driven from `messages` by change number (sync's order).
pub(super) fn readable_messages_by_change(actor: &Actor) -> Sql {
    let mut sql = Sql::new("SELECT ");
    sql.push(MESSAGE_COLUMNS)
        .push(MESSAGE_JOINS_BY_CHANGE)
        .push(" WHERE c.id = m.channel_id AND ");
    push_readable(&mut sql, actor);
    sql
}

fn push_readable(sql: &mut Sql, actor: &Actor) {
    push_visible(sql, actor);
    audience::push_reaches(sql, actor.audience(), "m").push(" AND ");
}

/// The message with id `id`, for the writer that has just written it (or the sender whose
/// earlier message a repeated `clientMessageId` names): its sender reads it whatever its
/// audience.
pub(super) fn written_message(id: MessageId) -> Sql {
    let mut sql = Sql::new("SELECT ");
    sql.push(MESSAGE_COLUMNS)
        .push(MESSAGE_JOINS)
        .push(" WHERE m.id = ")
        .bind(id.to_string());
    sql
}
