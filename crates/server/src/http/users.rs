//! `/api/users`: who am I, and the tenant's users for the assign picker.

use axum::extract::State;
use axum::Json;
use protocol::endpoints;
use protocol::rest::{MeResponse, UserListQuery};
use protocol::UserSummary;

use super::responses::ReadErrors;
use super::{ApiQuery, AppState};
use crate::actor::Actor;
use crate::error::{ApiError, ApiResult};

/// `GET /api/users/me`.
#[utoipa::path(get, path = endpoints::Me::PATH, tag = "users", security(("bearer" = [])),
    responses((status = 200, description = "the caller", body = MeResponse), ReadErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id()))]
pub async fn me(State(state): State<AppState>, actor: Actor) -> ApiResult<Json<MeResponse>> {
    let record = state
        .store
        .find_user(actor.user_id())
        .await?
        .ok_or(ApiError::Unauthorized("the account no longer exists"))?;
    let tenant = match actor.tenant_id() {
        Some(id) => state.store.find_tenant(&id.to_string()).await?,
        None => None,
    };
    Ok(Json(MeResponse {
        user: UserSummary {
            id: record.id,
            email: record.email,
            name: record.name,
            role: actor.role(),
        },
        tenant,
        role: actor.role(),
        permissions: actor.role().permissions().to_vec(),
    }))
}

/// `GET /api/users?q=&role=`.
#[utoipa::path(get, path = endpoints::ListUsers::PATH, tag = "users", security(("bearer" = [])), params(UserListQuery),
    responses((status = 200, description = "users of the active tenant", body = Vec<UserSummary>), ReadErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id()))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<UserListQuery>,
) -> ApiResult<Json<Vec<UserSummary>>> {
    Ok(Json(state.store.list_users(&actor, &query).await?))
}
