//! Tenants, users and their memberships: sign-in lookups (before there is an actor) and the
//! tenant's user list (scoped by the actor).

use protocol::rest::UserListQuery;
use protocol::{Role, Tenant, TenantId, TenantMembership, UserId, UserSummary};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::sql::Sql;
use super::{new_id, now_micros, parse_col, Store, StoreError, StoreResult};
use crate::actor::{Actor, Scope};

/// A user as stored, for signing in.
#[derive(Debug, Clone)]
pub struct UserRecord {
    /// Their id.
    pub id: UserId,
    /// Their address, lower-cased.
    pub email: String,
    /// Their display name.
    pub name: String,
    /// The argon2id hash of their password.
    pub password_hash: String,
    /// A platform administrator.
    pub is_super_admin: bool,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Their address.
    pub email: String,
    /// Their display name.
    pub name: String,
    /// The argon2id hash of their password.
    pub password_hash: String,
    /// A platform administrator.
    pub is_super_admin: bool,
}

fn tenant_from_row(row: &AnyRow) -> StoreResult<Tenant> {
    Ok(Tenant {
        id: parse_col(row, "id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
    })
}

/// Builds a [`UserSummary`] from columns `{prefix}id`, `{prefix}email`, `{prefix}name`,
/// `{prefix}role`.
pub(super) fn summary_from_row(row: &AnyRow, prefix: &str) -> StoreResult<UserSummary> {
    let role: Option<String> = row.try_get(format!("{prefix}role").as_str())?;
    Ok(UserSummary {
        id: parse_col(row, &format!("{prefix}id"))?,
        email: row.try_get(format!("{prefix}email").as_str())?,
        name: row.try_get(format!("{prefix}name").as_str())?,
        // A former member keeps their name on old messages; show them as a participant.
        role: role
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("role: {e}")))?
            .unwrap_or(Role::Participant),
    })
}

impl Store {
    /// Creates a tenant.
    pub async fn create_tenant(&self, slug: &str, name: &str) -> StoreResult<Tenant> {
        let id = new_id();
        let mut sql = Sql::new("INSERT INTO tenants (id, slug, name, created_at) VALUES (");
        sql.bind(id.clone())
            .push(", ")
            .bind(slug.to_owned())
            .push(", ")
            .bind(name.to_owned())
            .push(", ")
            .bind(now_micros())
            .push(")");
        sql.execute(&self.pool).await.map_err(|e| match e {
            StoreError::Database(db) if is_unique_violation(&db) => {
                StoreError::Conflict(format!("a tenant `{slug}` exists already"))
            }
            other => other,
        })?;
        Ok(Tenant {
            id: parse_text(&id)?,
            slug: slug.to_owned(),
            name: name.to_owned(),
        })
    }

    /// A tenant by id or slug.
    pub async fn find_tenant(&self, id_or_slug: &str) -> StoreResult<Option<Tenant>> {
        let mut sql = Sql::new("SELECT id, slug, name FROM tenants WHERE id = ");
        sql.bind(id_or_slug.to_owned())
            .push(" OR slug = ")
            .bind(id_or_slug.to_owned());
        sql.fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(tenant_from_row)
            .transpose()
    }

    /// Every tenant, by name.
    pub async fn all_tenants(&self) -> StoreResult<Vec<Tenant>> {
        Sql::new("SELECT id, slug, name FROM tenants ORDER BY name, id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(tenant_from_row)
            .collect()
    }

    /// Whether any tenant exists (an empty database gets the demo data).
    pub async fn is_empty(&self) -> StoreResult<bool> {
        let row = Sql::new("SELECT COUNT(*) FROM tenants")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>(0)? == 0)
    }

    /// Creates a user.
    pub async fn create_user(&self, user: NewUser) -> StoreResult<UserId> {
        let id = new_id();
        let email = user.email.trim().to_lowercase();
        let mut sql = Sql::new(
            "INSERT INTO users (id, email, name, password_hash, is_super_admin, created_at) VALUES (",
        );
        sql.bind(id.clone())
            .push(", ")
            .bind(email.clone())
            .push(", ")
            .bind(user.name)
            .push(", ")
            .bind(user.password_hash)
            .push(", ")
            .bind(i64::from(user.is_super_admin))
            .push(", ")
            .bind(now_micros())
            .push(")");
        sql.execute(&self.pool).await.map_err(|e| match e {
            StoreError::Database(db) if is_unique_violation(&db) => {
                StoreError::Conflict(format!("a user `{email}` exists already"))
            }
            other => other,
        })?;
        parse_text(&id)
    }

    /// Makes `user` a member of `tenant` with `role`.
    pub async fn add_membership(
        &self,
        user: UserId,
        tenant: TenantId,
        role: Role,
    ) -> StoreResult<()> {
        let mut sql =
            Sql::new("INSERT INTO user_tenants (user_id, tenant_id, role, created_at) VALUES (");
        sql.bind(user.to_string())
            .push(", ")
            .bind(tenant.to_string())
            .push(", ")
            .bind(role.as_str().to_owned())
            .push(", ")
            .bind(now_micros())
            .push(")");
        sql.execute(&self.pool).await?;
        Ok(())
    }

    /// A user by email, for signing in.
    pub async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        let mut sql = Sql::new(
            "SELECT id, email, name, password_hash, is_super_admin FROM users WHERE email = ",
        );
        sql.bind(email.trim().to_lowercase());
        let Some(row) = sql.fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        Ok(Some(user_record(&row)?))
    }

    /// A user by id, for signing in again with a refresh token.
    pub async fn find_user(&self, id: UserId) -> StoreResult<Option<UserRecord>> {
        let mut sql = Sql::new(
            "SELECT id, email, name, password_hash, is_super_admin FROM users WHERE id = ",
        );
        sql.bind(id.to_string());
        let Some(row) = sql.fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        Ok(Some(user_record(&row)?))
    }

    /// The tenants a user belongs to, with their role in each, by tenant name.
    pub async fn memberships(&self, user: UserId) -> StoreResult<Vec<TenantMembership>> {
        let mut sql = Sql::new(
            "SELECT t.id, t.slug, t.name, ut.role FROM user_tenants ut \
             JOIN tenants t ON t.id = ut.tenant_id WHERE ut.user_id = ",
        );
        sql.bind(user.to_string()).push(" ORDER BY t.name, t.id");
        sql.fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                Ok(TenantMembership {
                    id: parse_col(row, "id")?,
                    slug: row.try_get("slug")?,
                    name: row.try_get("name")?,
                    role: parse_col(row, "role")?,
                })
            })
            .collect()
    }

    /// The users of the actor's tenant, matching `query`, by name. A super admin acting
    /// across tenants gets the super admins only.
    pub async fn list_users(
        &self,
        actor: &Actor,
        query: &UserListQuery,
    ) -> StoreResult<Vec<UserSummary>> {
        let mut sql = Sql::new("SELECT u.id, u.email, u.name, ");
        match actor.scope() {
            Scope::Tenant(_) => {
                sql.push("CASE WHEN u.is_super_admin = 1 THEN 'SUPER_ADMIN' ELSE ut.role END AS role FROM users u JOIN user_tenants ut ON ut.user_id = u.id AND ")
                    .push_scope("ut.tenant_id", actor)
                    .push(" WHERE 1 = 1");
                if let Some(role) = query.role {
                    sql.push(" AND ut.role = ").bind(role.as_str().to_owned());
                }
            }
            // A session over every tenant lists the platform's administrators only.
            Scope::AllTenants => {
                sql.push("'SUPER_ADMIN' AS role FROM users u WHERE u.is_super_admin = 1");
                if query.role.is_some_and(|r| r != Role::SuperAdmin) {
                    sql.push(" AND 1 = 0");
                }
            }
        }
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
            sql.push(" AND (LOWER(u.name) LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR u.email LIKE ")
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }
        sql.push(" ORDER BY u.name, u.id LIMIT 500");
        sql.fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| summary_from_row(row, ""))
            .collect()
    }
}

// Inside a transaction, read through it: a query on the pool while holding SQLite's write
// lock can wait forever for a connection held by a writer that waits for this lock.

/// The given users who may take part in `tenant`'s channels: its members with their role,
/// and platform administrators (as SUPER_ADMIN), each once. `tenant` comes from a
/// [`VisibleChannel`](super::visibility::VisibleChannel) or the actor's own scope.
pub(super) async fn members_of<'e, E>(
    executor: E,
    tenant: TenantId,
    users: &[UserId],
) -> StoreResult<Vec<(UserId, Role)>>
where
    E: super::sql::Target<'e>,
{
    let ids: Vec<String> = users.iter().map(|u| u.to_string()).collect();
    let mut sql = Sql::new(
        "SELECT u.id AS user_id, CASE WHEN u.is_super_admin = 1 THEN 'SUPER_ADMIN' ELSE ut.role END AS role \
         FROM users u LEFT JOIN user_tenants ut ON ut.user_id = u.id AND ut.tenant_id = ",
    );
    sql.bind(tenant.to_string())
        .push(" WHERE (u.is_super_admin = 1 OR ut.role IS NOT NULL) AND u.id IN ")
        .bind_list(ids);
    sql.fetch_all(executor)
        .await?
        .iter()
        .map(|row| Ok((parse_col(row, "user_id")?, parse_col(row, "role")?)))
        .collect()
}

/// One user as `tenant` sees them, if they belong to it (or are a platform administrator).
pub(super) async fn user_summary<'e, E>(
    executor: E,
    tenant: TenantId,
    user: UserId,
) -> StoreResult<Option<UserSummary>>
where
    E: super::sql::Target<'e>,
{
    let mut sql = Sql::new(
        "SELECT u.id, u.email, u.name, CASE WHEN u.is_super_admin = 1 THEN 'SUPER_ADMIN' \
         ELSE (SELECT ut.role FROM user_tenants ut WHERE ut.user_id = u.id AND ut.tenant_id = ",
    );
    sql.bind(tenant.to_string())
        .push(") END AS role FROM users u WHERE u.id = ")
        .bind(user.to_string());
    sql.fetch_optional(executor)
        .await?
        .as_ref()
        .map(|row| summary_from_row(row, ""))
        .transpose()
}
fn user_record(row: &AnyRow) -> StoreResult<UserRecord> {
    Ok(UserRecord {
        id: parse_col(row, "id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        password_hash: row.try_get("password_hash")?,
        is_super_admin: row.try_get::<i64, _>("is_super_admin")? == 1,
    })
}

fn parse_text<T>(text: &str) -> StoreResult<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e| StoreError::Corrupt(format!("`{text}`: {e}")))
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub(super) fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Whether a database error is a unique-constraint violation.
pub(super) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|db| db.is_unique_violation())
}
