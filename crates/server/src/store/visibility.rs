//! The one visibility predicate: which channels an actor may see, as SQL over a `channels`
//! row aliased `c`. The channel list, single reads, message reads, sync and the socket's
//! joins all filter through it, and it follows [`protocol::Role::visibility`].

use protocol::roles::VisibilityScope;

use super::sql::Sql;
use crate::actor::Actor;

/// Appends `(…)`: true for the rows of `channels c` the actor may see.
pub fn push_visible(sql: &mut Sql, actor: &Actor) {
    let visibility = actor.role().visibility();
    let user = actor.user_id().to_string();
    sql.push("(");
    match actor.tenant_id() {
        Some(tenant) => {
            sql.push("c.tenant_id = ").bind(tenant.to_string());
        }
        // Only a super admin acts without a tenant (the actor type guarantees it).
        None => {
            sql.push("1 = 1");
        }
    }
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
