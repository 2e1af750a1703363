//! Refresh tokens: stored as SHA-256 hashes, single use, rotated on every refresh. Spending
//! one twice revokes its whole family: a stolen token dies with the real one.

use protocol::{TenantId, UserId};
use sqlx::Row;

use super::sql::Sql;
use super::{new_id, now_micros, parse_col, parse_opt_col, Store, StoreResult};

/// A refresh token that was stored.
#[derive(Debug, Clone)]
pub struct IssuedRefresh {
    /// The token's family (one sign-in and its rotations).
    pub family_id: String,
}

/// What spending a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// Valid: the token is spent now; sign the user in again in this tenant.
    Valid {
        /// Whose token it was.
        user: UserId,
        /// The tenant of the session (`None`: a super admin across tenants).
        tenant: Option<TenantId>,
        /// The family to continue.
        family_id: String,
    },
    /// Spent before: the family is revoked now.
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

impl Store {
    /// Stores the hash of a new refresh token.
    pub async fn store_refresh_token(
        &self,
        token_hash: &str,
        user: UserId,
        tenant: Option<TenantId>,
        family_id: Option<String>,
        ttl_micros: i64,
    ) -> StoreResult<IssuedRefresh> {
        let family_id = family_id.unwrap_or_else(new_id);
        let now = now_micros();
        let mut sql = Sql::new(
            "INSERT INTO refresh_tokens (id, family_id, user_id, tenant_id, token_hash, created_at, expires_at) VALUES (",
        );
        sql.bind(new_id())
            .push(", ")
            .bind(family_id.clone())
            .push(", ")
            .bind(user.to_string())
            .push(", ")
            .bind(tenant.map(|t| t.to_string()))
            .push(", ")
            .bind(token_hash.to_owned())
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(now.saturating_add(ttl_micros))
            .push(")");
        sql.execute(&self.pool).await?;
        Ok(IssuedRefresh { family_id })
    }

    /// Spends the refresh token with this hash.
    pub async fn spend_refresh_token(&self, token_hash: &str) -> StoreResult<RefreshOutcome> {
        let mut tx = self.begin().await?;
        let now = now_micros();
        // Claim it first: the UPDATE takes the write lock, so two spends cannot both win.
        let mut sql = Sql::new("UPDATE refresh_tokens SET used_at = ");
        sql.bind(now)
            .push(" WHERE token_hash = ")
            .bind(token_hash.to_owned())
            .push(" AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ")
            .bind(now);
        let claimed = sql.execute(&mut *tx).await? == 1;
        let mut sql = Sql::new(
            "SELECT user_id, tenant_id, family_id, used_at, revoked_at FROM refresh_tokens WHERE token_hash = ",
        );
        sql.bind(token_hash.to_owned());
        let Some(row) = sql.fetch_optional(&mut *tx).await? else {
            tx.rollback().await?;
            return Ok(RefreshOutcome::Invalid);
        };
        let family_id: String = row.try_get("family_id")?;
        if claimed {
            let outcome = RefreshOutcome::Valid {
                user: parse_col(&row, "user_id")?,
                tenant: parse_opt_col(&row, "tenant_id")?,
                family_id,
            };
            tx.commit().await?;
            return Ok(outcome);
        }
        let reused = row.try_get::<Option<i64>, _>("used_at")?.is_some()
            && row.try_get::<Option<i64>, _>("revoked_at")?.is_none();
        if reused {
            let mut sql = Sql::new("UPDATE refresh_tokens SET revoked_at = ");
            sql.bind(now)
                .push(" WHERE family_id = ")
                .bind(family_id)
                .push(" AND revoked_at IS NULL");
            sql.execute(&mut *tx).await?;
            tx.commit().await?;
            tracing::warn!("a spent refresh token was presented again; its family is revoked");
            return Ok(RefreshOutcome::Reused);
        }
        tx.rollback().await?;
        Ok(RefreshOutcome::Invalid)
    }

    /// Revokes the family of the refresh token with this hash (sign-out).
    pub async fn revoke_refresh_family(&self, token_hash: &str) -> StoreResult<()> {
        let mut sql = Sql::new("UPDATE refresh_tokens SET revoked_at = ");
        sql.bind(now_micros())
            .push(" WHERE revoked_at IS NULL AND family_id IN (SELECT family_id FROM refresh_tokens WHERE token_hash = ")
            .bind(token_hash.to_owned())
            .push(")");
        sql.execute(&self.pool).await?;
        Ok(())
    }
}
