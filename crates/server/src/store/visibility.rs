//! Scope and visibility: the tenant an actor's queries reach ([`Sql::push_scope`]), the one
//! predicate of which channels it may see (SQL over a `channels` row aliased `c`, following
//! [`protocol::Role::visibility`]), and [`VisibleChannel`], the proof that the check passed,
//! which every row writer requires. The channel list, single reads, message reads, sync,
//! the socket's joins and every write go through here.

use protocol::roles::VisibilityScope;
use protocol::{ChannelId, ChannelStatus, TenantId, TicketCategory};
use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::sql::Sql;
use super::{parse_col, parse_opt_col, StoreError, StoreResult};
use crate::actor::{Actor, Scope};

impl Sql {
    /// Appends `(…)`: true for rows whose tenant `column` is in the actor's reach: its
    /// tenant, or every tenant for a super admin's session without one.
    pub fn push_scope(&mut self, column: &str, actor: &Actor) -> &mut Self {
        match actor.scope() {
            Scope::Tenant(tenant) => self
                .push("(")
                .push(column)
                .push(" = ")
                .bind(tenant.to_string())
                .push(")"),
            Scope::AllTenants => self.push("(1 = 1)"),
        }
    }
}

/// A channel the actor was found to see, with the facts a write decides on. Only this
/// module makes one: by the visibility check ([`load_visible`]), or for a channel the actor
/// has just opened in its own tenant ([`VisibleChannel::opened`]). Row writers take it
/// instead of a bare id, so nothing is written into a channel that was not checked.
#[derive(Debug, Clone)]
pub(super) struct VisibleChannel {
    id: ChannelId,
    tenant_id: TenantId,
    status: ChannelStatus,
    has_ticket: bool,
    ticket_category: Option<TicketCategory>,
}

impl VisibleChannel {
    /// A channel `actor` has just created in its tenant, in the same transaction.
    pub(super) fn opened(
        id: ChannelId,
        tenant_id: TenantId,
        has_ticket: bool,
        ticket_category: Option<TicketCategory>,
    ) -> Self {
        Self {
            id,
            tenant_id,
            status: ChannelStatus::Active,
            has_ticket,
            ticket_category,
        }
    }

    /// The channel.
    pub(super) fn id(&self) -> ChannelId {
        self.id
    }

    /// Its tenant.
    pub(super) fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }

    /// Its status when it was checked.
    pub(super) fn status(&self) -> ChannelStatus {
        self.status
    }

    /// Whether it has a ticket.
    pub(super) fn has_ticket(&self) -> bool {
        self.has_ticket
    }

    /// Its ticket's category, when it has a ticket.
    pub(super) fn ticket_category(&self) -> Option<TicketCategory> {
        self.ticket_category
    }
}

/// The columns [`visible_from_row`] reads, over `channels c` and `tickets t`.
const VISIBLE_COLUMNS: &str =
    "SELECT c.id, c.tenant_id, c.status, t.id AS t_id, t.category AS t_category \
     FROM channels c LEFT JOIN tickets t ON t.channel_id = c.id WHERE ";

fn visible_from_row(id: ChannelId, row: &AnyRow) -> StoreResult<VisibleChannel> {
    Ok(VisibleChannel {
        id,
        tenant_id: parse_col(row, "tenant_id")?,
        status: parse_col(row, "status")?,
        has_ticket: row.try_get::<Option<String>, _>("t_id")?.is_some(),
        ticket_category: parse_opt_col(row, "t_category")?,
    })
}

/// Loads channel `id` inside `tx` if the actor may see it; the same `NotFound` as a missing
/// channel otherwise.
pub(super) async fn load_visible(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    id: ChannelId,
) -> StoreResult<VisibleChannel> {
    let mut sql = Sql::new(VISIBLE_COLUMNS);
    sql.push("c.id = ").bind(id.to_string()).push(" AND ");
    push_visible(&mut sql, actor);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("channel"))?;
    visible_from_row(id, &row)
}

/// Of channels `ids`, those the actor may see, in one query inside `tx` (a batch's check).
pub(super) async fn load_visible_many(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    ids: &[ChannelId],
) -> StoreResult<HashMap<ChannelId, VisibleChannel>> {
    let mut sql = Sql::new(VISIBLE_COLUMNS);
    sql.push("c.id IN ")
        .bind_list(ids.iter().map(ChannelId::to_string))
        .push(" AND ");
    push_visible(&mut sql, actor);
    let mut visible = HashMap::with_capacity(ids.len());
    for row in sql.fetch_all(&mut **tx).await? {
        let id: ChannelId = parse_col(&row, "id")?;
        visible.insert(id, visible_from_row(id, &row)?);
    }
    Ok(visible)
}

/// Appends `(…)`: true for the rows of `channels c` the actor may see.
pub(super) fn push_visible(sql: &mut Sql, actor: &Actor) {
    let visibility = actor.role().visibility();
    let user = actor.user_id().to_string();
    sql.push("(").push_scope("c.tenant_id", actor);
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
pub(super) fn push_visible_or_departed(sql: &mut Sql, actor: &Actor, since: i64) {
    let visibility = actor.role().visibility();
    sql.push("(");
    push_visible(sql, actor);
    if visibility.scope == VisibilityScope::Own && !visibility.ticket_categories.is_empty() {
        sql.push(" OR (")
            .push_scope("c.tenant_id", actor)
            .push(" AND EXISTS (SELECT 1 FROM category_departures vd WHERE vd.channel_id = c.id AND vd.change_seq > ")
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
