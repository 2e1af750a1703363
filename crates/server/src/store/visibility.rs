//! The one visibility predicate: which channels an actor may see, as SQL over a `channels`
//! row aliased `c`. The channel list, single reads, message reads, sync and the socket's
//! joins all filter through it, and it follows [`protocol::Role::visibility`].

use protocol::roles::VisibilityScope;

use super::sql::Sql;
use crate::actor::Actor;

/// Appends `(…)`: true for the rows of `channels c` in the actor's reach: its tenant, or
/// every tenant for a super admin without one.
pub fn push_tenant_scope(sql: &mut Sql, actor: &Actor) {
    match actor.tenant_id() {
        Some(tenant) => {
            sql.push("(c.tenant_id = ")
                .bind(tenant.to_string())
                .push(")");
        }
        // Only a super admin acts without a tenant (the actor type guarantees it).
        None => {
            sql.push("(1 = 1)");
        }
    }
}

/// Appends `(…)`: true for the rows of `channels c` the actor may see.
pub fn push_visible(sql: &mut Sql, actor: &Actor) {
    let visibility = actor.role().visibility();
    let user = actor.user_id().to_string();
    sql.push("(");
    push_tenant_scope(sql, actor);
    if visibility.scope == VisibilityScope::Own {
        sql.push(" AND (EXISTS (SELECT 1 FROM participants vp WHERE vp.channel_id = c.id AND vp.user_id = ")
            .bind(user.clone())
            .push(" AND vp.left_at IS NULL) OR c.assigned_to = ")
            .bind(user);
        if !visibility.channel_types.is_empty() {
            sql.push(" OR c.type IN ").bind_list(
                visibility
                    .channel_types
                    .iter()
                    .map(|t| t.as_str().to_owned()),
            );
        }
        if !visibility.ticket_categories.is_empty() {
            sql.push(" OR EXISTS (SELECT 1 FROM tickets vt WHERE vt.channel_id = c.id AND vt.category IN ")
                .bind_list(visibility.ticket_categories.iter().map(|c| c.as_str().to_owned()))
                .push(")");
        }
        sql.push(")");
    }
    sql.push(")");
}

/// Appends `(…)`: true for the rows of `channels c` the actor may see now, or saw for a
/// ticket category the ticket left after change `since`. Sync delivers the latter once
/// more, with their new state, so a console can drop what it may no longer show.
pub fn push_visible_or_departed(sql: &mut Sql, actor: &Actor, since: i64) {
    let visibility = actor.role().visibility();
    sql.push("(");
    push_visible(sql, actor);
    if visibility.scope == VisibilityScope::Own && !visibility.ticket_categories.is_empty() {
        sql.push(" OR (");
        push_tenant_scope(sql, actor);
        sql.push(" AND EXISTS (SELECT 1 FROM category_departures vd WHERE vd.channel_id = c.id AND vd.change_seq > ")
            .bind(since)
            .push(" AND vd.previous_category IN ")
            .bind_list(
                visibility
                    .ticket_categories
                    .iter()
                    .map(|c| c.as_str().to_owned()),
            )
            .push("))");
    }
    sql.push(")");
}
