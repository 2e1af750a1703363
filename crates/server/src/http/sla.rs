//! `/api/sla-policies…`: the tenant's SLA policies, read by its agents and replaced by its
//! admins.

use axum::extract::State;
use axum::Json;
use protocol::endpoints;
use protocol::sla::{PutSlaPolicyRequest, SlaPolicy};
use protocol::TicketPriority;

use super::extract::PriorityPath;
use super::responses::{CreateErrors, ReadErrors};
use super::{ApiJson, AppState};
use crate::actor::Actor;
use crate::error::ApiResult;

/// `GET /api/sla-policies`.
#[utoipa::path(get, path = endpoints::ListSlaPolicies::PATH, tag = "sla", security(("bearer" = [])),
    responses((status = 200, description = "the tenant's policies, one per priority that has one", body = Vec<SlaPolicy>), ReadErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id()))]
pub async fn list(State(state): State<AppState>, actor: Actor) -> ApiResult<Json<Vec<SlaPolicy>>> {
    Ok(Json(state.store.sla_policies(&actor).await?))
}

/// `PUT /api/sla-policies/{priority}`.
#[utoipa::path(put, path = endpoints::PutSlaPolicy::PATH, tag = "sla", security(("bearer" = [])),
    params(("priority" = TicketPriority, Path, description = "the priority the policy is for")),
    request_body = PutSlaPolicyRequest,
    responses((status = 200, description = "the policy, replaced; open tickets of that priority recomputed", body = SlaPolicy), CreateErrors))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id(), priority = %priority.0))]
pub async fn put(
    State(state): State<AppState>,
    actor: Actor,
    priority: PriorityPath,
    ApiJson(request): ApiJson<PutSlaPolicyRequest>,
) -> ApiResult<Json<SlaPolicy>> {
    Ok(Json(
        state
            .chat
            .put_sla_policy(&actor, priority.0, &request)
            .await?,
    ))
}
