//! Canned responses: the tenant's (its admins manage them) and each agent's own. Every
//! read and write is scoped by the actor's tenant and by who may use a response: the
//! tenant's, or the actor's own; anyone else's is the same 404 as a missing one.

use protocol::canned::{
    CannedResponse, CannedResponseQuery, CannedScope, CreateCannedResponseRequest,
    UpdateCannedResponseRequest,
};
use protocol::{CannedResponseId, FieldError};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::sql::Sql;
use super::users::{escape_like, is_unique_violation};
use super::{
    new_id, next_change, now_micros, parse_col, parse_opt_col, to_time, Store, StoreError,
    StoreResult,
};
use crate::actor::{Actor, Scope};

const COLUMNS: &str = "SELECT cr.id, cr.tenant_id, cr.scope, cr.owner_id, cr.short_code, \
    cr.title, cr.content, cr.created_at, cr.updated_at FROM canned_responses cr WHERE ";

/// Only agents use canned responses.
fn agents_only(actor: &Actor) -> StoreResult<()> {
    if actor.role().is_agent() {
        Ok(())
    } else {
        Err(StoreError::Forbidden("canned responses are for agents"))
    }
}

/// Appends `(…)`: the rows of `canned_responses cr` the actor may use: its tenant's, and its
/// own.
fn push_usable(sql: &mut Sql, actor: &Actor) {
    push_usable_as(sql, actor, "cr");
}

/// [`push_usable`] over a table aliased `alias` with the same `tenant_id`, `scope` and
/// `owner_id` columns (`canned_deletions` too); nothing at all for a non-agent.
fn push_usable_as(sql: &mut Sql, actor: &Actor, alias: &str) {
    if !actor.role().is_agent() {
        sql.push("(1 = 0)");
        return;
    }
    sql.push("(")
        .push_scope(&format!("{alias}.tenant_id"), actor)
        .push(" AND (")
        .push(alias)
        .push(".scope = 'TENANT' OR ")
        .push(alias)
        .push(".owner_id = ")
        .bind(actor.user_id().to_string())
        .push("))");
}

/// Appends ` UNION …`: the first `limit` change numbers after `since` of canned responses
/// the actor may use, saved, changed or deleted (for sync's batch of change numbers).
pub(super) fn push_change_numbers(sql: &mut Sql, actor: &Actor, since: i64, limit: i64) {
    for (table, alias) in [("canned_responses", "cr"), ("canned_deletions", "cd")] {
        sql.push(" UNION SELECT change_seq FROM (SELECT DISTINCT ")
            .push(alias)
            .push(".change_seq FROM ")
            .push(table)
            .push(" ")
            .push(alias)
            .push(" WHERE ")
            .push(alias)
            .push(".change_seq > ")
            .bind(since)
            .push(" AND ");
        push_usable_as(sql, actor, alias);
        sql.push(" ORDER BY ")
            .push(alias)
            .push(".change_seq LIMIT ")
            .bind(limit)
            .push(") ")
            .push(alias);
    }
}

fn canned(row: &AnyRow) -> StoreResult<CannedResponse> {
    Ok(CannedResponse {
        id: parse_col(row, "id")?,
        tenant_id: parse_col(row, "tenant_id")?,
        scope: parse_col(row, "scope")?,
        owner_id: parse_opt_col(row, "owner_id")?,
        short_code: row.try_get("short_code")?,
        title: row.try_get("title")?,
        content: row.try_get("content")?,
        created_at: to_time(row.try_get("created_at")?)?,
        updated_at: to_time(row.try_get("updated_at")?)?,
    })
}

/// A taken short code, named.
fn taken(error: StoreError) -> StoreError {
    match error {
        StoreError::Database(db) if is_unique_violation(&db) => StoreError::Taken(FieldError::new(
            "shortCode",
            "is already used by another canned response",
        )),
        other => other,
    }
}

/// Loads canned response `id` in `tx` if the actor may use it; 404 otherwise.
async fn usable(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    id: CannedResponseId,
) -> StoreResult<CannedResponse> {
    let mut sql = Sql::new(COLUMNS);
    sql.push("cr.id = ").bind(id.to_string()).push(" AND ");
    push_usable(&mut sql, actor);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("canned response"))?;
    canned(&row)
}

/// 403 unless the actor may change `response` (the tenant's: admins; its own: itself).
fn may_change(actor: &Actor, response: &CannedResponse) -> StoreResult<()> {
    if !response.scope.managed_by(actor.role()) {
        return Err(StoreError::Forbidden(
            "only the tenant's admins change its canned responses",
        ));
    }
    Ok(())
}

impl Store {
    /// The canned responses the actor may use that changed in `(since, upto]`, and the ids
    /// of those deleted then (none when syncing from the start: there is nothing to drop).
    pub(super) async fn canned_changed_between(
        &self,
        actor: &Actor,
        since: i64,
        upto: i64,
    ) -> StoreResult<(Vec<CannedResponse>, Vec<CannedResponseId>)> {
        let mut sql = Sql::new(COLUMNS);
        sql.push("cr.change_seq > ")
            .bind(since)
            .push(" AND cr.change_seq <= ")
            .bind(upto)
            .push(" AND ");
        push_usable(&mut sql, actor);
        sql.push(" ORDER BY cr.change_seq, cr.id");
        let changed = sql
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(canned)
            .collect::<StoreResult<Vec<_>>>()?;
        if since == 0 {
            return Ok((changed, Vec::new()));
        }
        let mut sql = Sql::new("SELECT cd.id FROM canned_deletions cd WHERE cd.change_seq > ");
        sql.bind(since)
            .push(" AND cd.change_seq <= ")
            .bind(upto)
            .push(" AND ");
        push_usable_as(&mut sql, actor, "cd");
        sql.push(" ORDER BY cd.change_seq, cd.id");
        let deleted = sql
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| parse_col(row, "id"))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((changed, deleted))
    }

    /// The canned responses the actor may use, by short code, matching `query.q` on short
    /// code or title.
    pub async fn list_canned(
        &self,
        actor: &Actor,
        query: &CannedResponseQuery,
    ) -> StoreResult<Vec<CannedResponse>> {
        agents_only(actor)?;
        let mut sql = Sql::new(COLUMNS);
        push_usable(&mut sql, actor);
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
            sql.push(" AND (cr.short_code LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR LOWER(cr.title) LIKE ")
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }
        sql.push(" ORDER BY cr.short_code, cr.scope, cr.id LIMIT 1000");
        sql.fetch_all(&self.pool)
            .await?
            .iter()
            .map(canned)
            .collect()
    }

    /// Saves a canned response: the tenant's (admins) or the actor's own.
    pub async fn create_canned(
        &self,
        actor: &Actor,
        new: &CreateCannedResponseRequest,
    ) -> StoreResult<CannedResponse> {
        agents_only(actor)?;
        let Scope::Tenant(tenant) = actor.scope() else {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "tenantId",
                "sign in to a tenant to save canned responses there",
            )]));
        };
        if !new.scope.managed_by(actor.role()) {
            return Err(StoreError::Forbidden(
                "only the tenant's admins save canned responses for the tenant",
            ));
        }
        let owner = (new.scope == CannedScope::Personal).then(|| actor.user_id().to_string());
        let mut tx = self.begin().await?;
        let change = next_change(&mut tx).await?;
        let now = now_micros();
        let id = new_id();
        let mut sql = Sql::new(
            "INSERT INTO canned_responses (id, tenant_id, scope, owner_id, short_code, title, \
             content, created_at, updated_at, change_seq) VALUES (",
        );
        sql.bind(id.clone())
            .push(", ")
            .bind(tenant.to_string())
            .push(", ")
            .bind(new.scope.as_str().to_owned())
            .push(", ")
            .bind(owner)
            .push(", ")
            .bind(new.short_code.clone())
            .push(", ")
            .bind(new.title.trim().to_owned())
            .push(", ")
            .bind(new.content.trim().to_owned())
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(change)
            .push(")");
        sql.execute(&mut *tx).await.map_err(taken)?;
        let id: CannedResponseId = id
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("new id: {e}")))?;
        let created = usable(&mut tx, actor, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Begins a change to canned response `id`: takes the write lock and a change number,
    /// then checks that the actor may use it (404) and change it (403).
    async fn begin_change(
        &self,
        actor: &Actor,
        id: CannedResponseId,
    ) -> StoreResult<(Transaction<'static, Any>, i64, CannedResponse)> {
        agents_only(actor)?;
        let mut tx = self.begin().await?;
        let change = next_change(&mut tx).await?;
        let current = usable(&mut tx, actor, id).await?;
        may_change(actor, &current)?;
        Ok((tx, change, current))
    }

    /// Changes a canned response's short code, title or content.
    pub async fn update_canned(
        &self,
        actor: &Actor,
        id: CannedResponseId,
        update: &UpdateCannedResponseRequest,
    ) -> StoreResult<CannedResponse> {
        let (mut tx, change, _) = self.begin_change(actor, id).await?;
        let mut sql = Sql::new("UPDATE canned_responses SET updated_at = ");
        sql.bind(now_micros()).push(", change_seq = ").bind(change);
        if let Some(code) = &update.short_code {
            sql.push(", short_code = ").bind(code.clone());
        }
        if let Some(title) = &update.title {
            sql.push(", title = ").bind(title.trim().to_owned());
        }
        if let Some(content) = &update.content {
            sql.push(", content = ").bind(content.trim().to_owned());
        }
        sql.push(" WHERE id = ").bind(id.to_string());
        sql.execute(&mut *tx).await.map_err(taken)?;
        let updated = usable(&mut tx, actor, id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a canned response, leaving a deletion row for sync. Returns what it was.
    pub async fn delete_canned(
        &self,
        actor: &Actor,
        id: CannedResponseId,
    ) -> StoreResult<CannedResponse> {
        let (mut tx, change, current) = self.begin_change(actor, id).await?;
        let mut sql = Sql::new("DELETE FROM canned_responses WHERE id = ");
        sql.bind(id.to_string());
        sql.execute(&mut *tx).await?;
        let mut sql = Sql::new(
            "INSERT INTO canned_deletions (id, tenant_id, scope, owner_id, change_seq) VALUES (",
        );
        sql.bind(id.to_string())
            .push(", ")
            .bind(current.tenant_id.to_string())
            .push(", ")
            .bind(current.scope.as_str().to_owned())
            .push(", ")
            .bind(current.owner_id.map(|o| o.to_string()))
            .push(", ")
            .bind(change)
            .push(")");
        sql.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(current)
    }
}
